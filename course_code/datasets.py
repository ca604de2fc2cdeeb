"""The course's data sets, in its column layout (``X.shape == (n_x, m)``).

- :func:`circles` and :func:`moons` are scikit-learn's generators, exactly as the course
  uses them; ``rng=None`` reproduces the course's very points.
- :func:`football` is a synthetic **stand-in** for the course's French-football data,
  which is not distributable with this project (see its docstring).
- :func:`digits` is scikit-learn's bundled 8x8 digits, the stand-in for the course's
  SIGNS images on the TensorFlow page.

No function here downloads anything.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from sklearn import datasets as skd

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
    train = _columns(*skd.make_moons(n_samples=n_train, noise=noise, random_state=s_train))
    test = (_columns(*skd.make_moons(n_samples=n_test, noise=noise, random_state=s_test))
            if n_test else _empty(2))
    return Dataset(*train, *test)


# --8<-- [start:football]
def _football_labels(X: np.ndarray) -> np.ndarray:
    """The clean rule: French players (1) on the side of a wavy line, opponents (0) beyond."""
    x1, x2 = X
    boundary = 0.10 + 0.18 * np.sin(7.0 * (x1 + 0.15)) - 0.35 * x1
    return (x2 > boundary).astype(float)


def football(*, rng: np.random.Generator, n_train: int = 211, n_test: int = 200,
             flip: float = 0.12, width: float = 0.08) -> Dataset:
    """Synthetic stand-in for the course's "French football" data (Regularization assignment).

    The course's file (211 training and 200 test points, 2-D, binary) is not
    redistributable here, so this function makes data of the same size, range and
    character: points spread over the same part of the field (:math:`x_1 \\in [-0.6, 0.3]`,
    :math:`x_2 \\in [-0.66, 0.57]`), labelled by a smooth wavy boundary, with some labels
    near the boundary flipped. Those flipped points are what an unregularized network
    memorizes by growing small islands around them, the overfitting that L2 and dropout
    are meant to cure. **The course's numbers do not apply to it**; the site compares
    behaviour (the train/test gap and how regularization closes it), not digits.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_train, n_test : int
    flip : float in [0, 1)
        Probability that a point close to the boundary has its label flipped.
    width : float
        How far from the boundary (in field units) a point counts as "close".

    Returns
    -------
    Dataset
        ``X`` of shape (2, n); ``Y`` of shape (1, n), 1 = a French player headed the ball.
    """
    n_train, n_test = _check_count("n_train", n_train), _check_count("n_test", n_test, 0)
    if not 0.0 <= float(flip) < 1.0:
        raise ValueError(f"flip must be in [0, 1), got {flip!r}")
    if not float(width) >= 0.0:
        raise ValueError(f"width must be >= 0, got {width!r}")
    n = n_train + n_test
    low, high = np.array([[-0.6], [-0.66]]), np.array([[0.3], [0.57]])
    X = low + (high - low) * rng.random((2, n))
    Y = _football_labels(X)
    x1, x2 = X
    distance = np.abs(x2 - (0.10 + 0.18 * np.sin(7.0 * (x1 + 0.15)) - 0.35 * x1))
    flipped = (distance < width) & (rng.random(n) < flip)
    Y[0, flipped] = 1.0 - Y[0, flipped]
    return Dataset(X[:, :n_train], Y[:, :n_train], X[:, n_train:], Y[:, n_train:])
# --8<-- [end:football]


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
