"""Small cost landscapes for the local-optima lecture: a saddle, a plateau, random Hessians.

The 2-D surfaces take points as columns, ``P.shape == (2, K)`` (``K`` starting points moved
at once), so an optimizer's element-wise update rule moves all of them in one call.
"""

from __future__ import annotations

import numpy as np

from .checks import check_value

__all__ = [
    "exact_fraction_positive_definite",
    "plateau",
    "plateau_grad",
    "random_symmetric",
    "saddle",
    "saddle_grad",
    "saddle_hessian",
]


def _points(P) -> np.ndarray:
    P = np.asarray(P, dtype=float)
    if P.ndim != 2 or P.shape[0] != 2:
        raise ValueError(f"P must hold points as columns, shape (2, K), got shape {P.shape}")
    return P


def saddle(P) -> np.ndarray:
    """A saddle at the origin between two minima at ``(0, -1)`` and ``(0, 1)``, shape (K,).

    Notes
    -----
    .. math:: J(x, y) = \\tfrac12 x^2 + \\tfrac14 (y^2 - 1)^2

    At the origin the gradient is zero and the Hessian is :math:`\\operatorname{diag}(1, -1)`:
    downhill along :math:`y`, uphill along :math:`x`.
    """
    x, y = _points(P)
    return 0.5 * x**2 + 0.25 * (y**2 - 1) ** 2


def saddle_grad(P) -> np.ndarray:
    """The gradient of :func:`saddle`, :math:`(x,\\ y^3 - y)`, shape (2, K)."""
    x, y = _points(P)
    # --8<-- [start:saddle_grad]
    return np.stack([x, y**3 - y])  # J = x^2 / 2 + (y^2 - 1)^2 / 4
    # --8<-- [end:saddle_grad]


def saddle_hessian(P) -> np.ndarray:
    """The Hessian of :func:`saddle` at each point, shape (K, 2, 2).

    .. math:: H = \\operatorname{diag}(1,\\ 3y^2 - 1)
    """
    _, y = _points(P)
    H = np.zeros((len(y), 2, 2))
    H[:, 0, 0] = 1.0
    H[:, 1, 1] = 3 * y**2 - 1
    return H


def plateau(P) -> np.ndarray:
    """A round well in a wide, almost flat plain, shape (K,).

    Notes
    -----
    .. math:: J(x, y) = 1 - e^{-(x^2 + y^2)/2}

    At distance :math:`r` from the centre the slope is :math:`r\\, e^{-r^2/2}`: at
    :math:`r = 4` it is about :math:`10^{-3}`, and it keeps shrinking outwards.
    """
    x, y = _points(P)
    return 1 - np.exp(-(x**2 + y**2) / 2)


def plateau_grad(P) -> np.ndarray:
    """The gradient of :func:`plateau`, :math:`e^{-(x^2+y^2)/2}\\,(x, y)`, shape (2, K)."""
    P = _points(P)
    # --8<-- [start:plateau_grad]
    return P * np.exp(-(P[0] ** 2 + P[1] ** 2) / 2)  # J = 1 - exp(-(x^2 + y^2) / 2)
    # --8<-- [end:plateau_grad]


def random_symmetric(n: int, size: int, *, rng: np.random.Generator) -> np.ndarray:
    """``size`` random symmetric ``n x n`` matrices (the Gaussian orthogonal ensemble), shape (size, n, n).

    Notes
    -----
    :math:`H = (G + G^\\top)/\\sqrt 2` with :math:`G_{ij} \\sim N(0, 1)`: diagonal entries
    :math:`N(0, 2)`, off-diagonal :math:`N(0, 1)`. A model of the Hessian at a critical point
    of a cost with no structure: the point is a minimum when all eigenvalues are positive.
    """
    n = check_value("n", n, "count")
    size = check_value("size", size, "count")
    # --8<-- [start:random_symmetric]
    G = rng.standard_normal((size, n, n))
    return (G + np.swapaxes(G, 1, 2)) / np.sqrt(2)  # size matrices, each equal to its transpose
    # --8<-- [end:random_symmetric]


def exact_fraction_positive_definite(n: int) -> float:
    """The probability that an ``n x n`` matrix of :func:`random_symmetric` is positive definite.

    Known in closed form for small ``n`` only: :math:`1/2`, :math:`(2 - \\sqrt2)/4` and
    :math:`(\\pi - 2\\sqrt2)/(4\\pi)` for ``n = 1, 2, 3``. For large ``n`` it falls like
    :math:`e^{-n^2 \\ln 3 / 4}` (Dean and Majumdar, 2006), far faster than the :math:`2^{-n}` of
    independent coin flips. ``ValueError`` for other ``n``.
    """
    exact = {1: 0.5, 2: (2 - np.sqrt(2)) / 4, 3: (np.pi - 2 * np.sqrt(2)) / (4 * np.pi)}
    if n not in exact:
        raise ValueError(f"n must be 1, 2 or 3 (the closed forms known), got {n}")
    return float(exact[n])
