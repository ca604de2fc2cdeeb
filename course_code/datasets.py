"""The course's data sets, in its column layout (``X.shape == (n_x, m)``).

- :func:`circles` and :func:`moons` are scikit-learn's generators, exactly as the course
  uses them; ``rng=None`` reproduces the course's very points.
- :func:`football` is a synthetic **stand-in** for the course's French-football data,
  which is not distributable with this project (see its docstring).
- :func:`digits` is scikit-learn's bundled 8x8 digits, the stand-in for the course's
  SIGNS images on the TensorFlow page.

No function here downloads anything. scikit-learn is imported only when needed (it takes
about a second), so importing this module stays cheap.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["Dataset", "circles", "digits", "football", "moons"]

_SEED_RANGE = 2**32


class Dataset(NamedTuple):
    """A train/test split. ``X_*`` have shape (n_x, m); ``Y_*`` (1, m) or one-hot (C, m)."""

    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray


def _check_count(name: str, n, minimum: int = 1) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {n!r}")
    return int(n)


def _check_noise(noise) -> float:
    v = float(noise)
    if not (np.isfinite(v) and v >= 0):
        raise ValueError(f"noise must be finite and >= 0, got {noise!r}")
    return v


def _sklearn_states(rng, course_seeds):
    """Random states for scikit-learn: the course's legacy seeds, or seeds drawn from ``rng``."""
    if rng is None:  # the course: np.random.seed(k) before each sklearn call
        return [np.random.RandomState(s) for s in course_seeds]
    return [int(s) for s in rng.integers(_SEED_RANGE, size=len(course_seeds))]


def _columns(X, y) -> tuple[np.ndarray, np.ndarray]:
    return np.ascontiguousarray(X.T, dtype=float), y.reshape(1, -1).astype(float)


def _empty(n_x: int) -> tuple[np.ndarray, np.ndarray]:
    return np.empty((n_x, 0)), np.empty((1, 0))


def circles(*, rng: np.random.Generator | None = None, n_train: int = 300, n_test: int = 100,
            noise: float = 0.05) -> Dataset:
    """Two concentric rings (the Initialization assignment's data).

    Parameters
    ----------
    rng : numpy.random.Generator or None
        ``None`` gives the course's exact points (``make_circles`` after
        ``np.random.seed(1)`` for training and ``seed(2)`` for test); a generator gives a
        fresh draw of the same distribution.
    n_train, n_test : int
        Number of points (the course: 300 and 100).
    noise : float
        Standard deviation of the Gaussian noise added to the points.

    Returns
    -------
    Dataset
        ``X`` of shape (2, n), labels ``Y`` of shape (1, n) in {0, 1} (1 = inner ring).
    """
    n_train, n_test = _check_count("n_train", n_train), _check_count("n_test", n_test, 0)
    noise = _check_noise(noise)
    s_train, s_test = _sklearn_states(rng, (1, 2))
    from sklearn import datasets as skd

    train = _columns(*skd.make_circles(n_samples=n_train, noise=noise, random_state=s_train))
    test = (_columns(*skd.make_circles(n_samples=n_test, noise=noise, random_state=s_test))
            if n_test else _empty(2))
    return Dataset(*train, *test)


def moons(*, rng: np.random.Generator | None = None, n_train: int = 300, n_test: int = 0,
          noise: float = 0.2) -> Dataset:
    """Two interleaving half-moons (the Optimization assignment's data).

    ``rng=None`` gives the course's training points (``make_moons`` after
    ``np.random.seed(3)``). The course has no test set, so ``n_test`` defaults to 0
    (empty arrays of shape (2, 0) and (1, 0)); a test set, when asked for, is drawn
    from ``np.random.seed(4)`` in course mode. See :func:`circles` for the parameters.
    """
    n_train, n_test = _check_count("n_train", n_train), _check_count("n_test", n_test, 0)
    noise = _check_noise(noise)
    s_train, s_test = _sklearn_states(rng, (3, 4))
    from sklearn import datasets as skd

    train = _columns(*skd.make_moons(n_samples=n_train, noise=noise, random_state=s_train))
    test = (_columns(*skd.make_moons(n_samples=n_test, noise=noise, random_state=s_test))
            if n_test else _empty(2))
    return Dataset(*train, *test)


# --8<-- [start:football]
_FIELD = np.array([[-0.6, 0.3], [-0.66, 0.57]])  # (x1, x2) ranges of the course's points


def _football_boundary(x1: np.ndarray) -> np.ndarray:
    """Height of the clean boundary: French players (1) above it, opponents (0) below."""
    return -0.04 - 0.2 * x1 + 0.17 * np.sin(6.0 * x1 + 2.0)


def _football_split(rng, n, patches, patch_size, reach):
    """``n`` uniform points labelled by the boundary, then ``patches`` small groups flipped."""
    (lo1, hi1), (lo2, hi2) = _FIELD
    X = np.stack([rng.uniform(lo1, hi1, n), rng.uniform(lo2, hi2, n)])
    Y = (X[1] > _football_boundary(X[0])).astype(float)
    # Each patch: the `patch_size` points nearest a random spot within `reach` of the boundary.
    c1 = rng.uniform(lo1, hi1, patches)
    c2 = _football_boundary(c1) + rng.uniform(-reach, reach, patches)
    distance = np.hypot(X[0, :, None] - c1, X[1, :, None] - c2)  # (n, patches)
    wrong = np.unique(np.argsort(distance, axis=0)[:patch_size])
    Y[wrong] = 1.0 - Y[wrong]
    return X, Y.reshape(1, -1)
# --8<-- [end:football]


def football(*, rng: np.random.Generator, n_train: int = 211, n_test: int = 200,
             patches: int = 5, patch_size: int = 3, reach: float = 0.3) -> Dataset:
    """Synthetic stand-in for the course's "French football" data (Regularization assignment).

    The course's file (211 training and 200 test points, 2-D, binary) is not
    redistributable here, so this function makes data of the same size, range and
    character. Points are uniform over the same part of the field
    (:math:`x_1 \\in [-0.6, 0.3]`, :math:`x_2 \\in [-0.66, 0.57]`) and labelled by a smooth
    wavy boundary (1 above it, about half the points). Then, separately in the training
    and the test set, ``patches`` small groups of labels are flipped: the ``patch_size``
    points nearest a random spot at most ``reach`` from the boundary. With the defaults
    that is up to 15 wrong-side points (about 7%) per set. An unregularized ``[2, 20, 3, 1]``
    network memorizes the training patches by growing islands and bulges around them;
    the test set's patches lie elsewhere, so those islands cost test accuracy. That is
    the overfitting that L2 and dropout are meant to cure. **The course's numbers do not
    apply to it** (its gap is usually wider and its test accuracies lower than the
    course's); compare behaviour (the train/test gap and how regularization closes it),
    not digits.

    Parameters
    ----------
    rng : numpy.random.Generator
        The only source of randomness; the same seed gives the same arrays.
    n_train, n_test : int
    patches : int
        Number of mislabeled groups in each set (0 gives clean labels).
    patch_size : int
        Points per group.
    reach : float
        Largest distance (in :math:`x_2`) of a group's centre from the boundary.

    Returns
    -------
    Dataset
        ``X`` of shape (2, n); ``Y`` of shape (1, n), 1 = a French player headed the ball.
    """
    n_train, n_test = _check_count("n_train", n_train), _check_count("n_test", n_test, 0)
    patches = _check_count("patches", patches, 0)
    patch_size = _check_count("patch_size", patch_size)
    if not (np.isfinite(float(reach)) and float(reach) >= 0):
        raise ValueError(f"reach must be finite and >= 0, got {reach!r}")
    train = _football_split(rng, n_train, patches, patch_size, float(reach))
    test = _football_split(rng, n_test, patches, patch_size, float(reach))
    return Dataset(*train, *test)


def digits(*, rng: np.random.Generator, n_classes: int = 6, n_test: int = 120) -> Dataset:
    """scikit-learn's bundled 8x8 handwritten digits, classes ``0 .. n_classes - 1``.

    The stand-in for the course's SIGNS hand-sign images (6 classes), which cannot be
    downloaded here. With 6 classes there are 1083 images.

    Returns
    -------
    Dataset
        ``X`` of shape (64, m), pixel values scaled to [0, 1]; ``Y`` one-hot of shape
        (n_classes, m). The split is a random permutation drawn from ``rng``, the last
        ``n_test`` images forming the test set.
    """
    n_classes = _check_count("n_classes", n_classes, 2)
    if n_classes > 10:
        raise ValueError(f"n_classes must be at most 10, got {n_classes!r}")
    from sklearn import datasets as skd

    bunch = skd.load_digits(n_class=n_classes)
    m = bunch.target.size
    n_test = _check_count("n_test", n_test, 0)
    if n_test >= m:
        raise ValueError(f"n_test must be smaller than the {m} images, got {n_test!r}")
    order = rng.permutation(m)
    X = bunch.data[order].T / 16.0
    Y = np.eye(n_classes)[:, bunch.target[order]]
    cut = m - n_test
    return Dataset(X[:, :cut], Y[:, :cut], X[:, cut:], Y[:, cut:])
