"""Weight initialization: the methods the course compares, plus Glorot for reference.

All methods set the biases to zero and draw weights layer by layer, ``W1`` first,
from the generator passed as ``rng``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["METHODS", "initialize_parameters", "weight_std"]

METHODS = ("zeros", "random", "he", "lecun", "xavier")


def _check_layer_dims(layer_dims: Sequence[int]) -> list[int]:
    dims = list(layer_dims)
    if len(dims) < 2:
        raise ValueError(f"layer_dims needs at least an input and an output size, got {dims!r}")
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 1:
            raise ValueError(f"layer_dims must be positive integers, got {d!r} in {dims!r}")
    return [int(d) for d in dims]


def weight_std(method: str, n_prev: int, n: int, *, scale: float = 10.0) -> float:
    """Standard deviation of the weights of one layer with ``n_prev`` inputs and ``n`` units.

    ``"random"`` returns ``scale`` (the course multiplies N(0, 1) draws by 10);
    ``"zeros"`` returns 0. See :func:`initialize_parameters` for the formulas.
    """
    if method == "zeros":
        return 0.0
    if method == "random":
        return float(scale)
    if method == "he":
        return float(np.sqrt(2.0 / n_prev))
    if method == "lecun":
        return float(np.sqrt(1.0 / n_prev))
    if method == "xavier":
        return float(np.sqrt(2.0 / (n_prev + n)))
    raise ValueError(f"unknown init method {method!r}; expected one of {', '.join(METHODS)}")


def initialize_parameters(
    layer_dims: Sequence[int],
    method: str = "he",
    *,
    rng: np.random.Generator | None = None,
    scale: float = 10.0,
) -> dict[str, np.ndarray]:
    """Create the parameters of a fully connected network.

    Parameters
    ----------
    layer_dims : sequence of int
        ``[n_x, n_1, ..., n_L]``: input size then the units of each layer.
    method : {"zeros", "random", "he", "lecun", "xavier"}
        How to draw the weights (biases are always zero):

        - ``"zeros"``: every weight 0. Every unit of a layer then computes the same
          thing and receives the same gradient, so they never become different.
        - ``"random"``: :math:`W \\sim \\mathcal{N}(0, 1) \\times` ``scale``
          (the course's "large random" uses ``scale=10``).
        - ``"he"``: :math:`W \\sim \\mathcal{N}(0, 1)\\sqrt{2 / n^{[l-1]}}` (He et al. 2015),
          made for ReLU layers.
        - ``"lecun"``: :math:`W \\sim \\mathcal{N}(0, 1)\\sqrt{1 / n^{[l-1]}}` (LeCun).
          This is the initialization of the course's Regularization assignment, which
          the course calls "Xavier"; the standard name is LeCun-normal.
        - ``"xavier"``: :math:`W \\sim \\mathcal{N}(0, 1)\\sqrt{2 / (n^{[l-1]} + n^{[l]})}`,
          Glorot & Bengio's (2010) normal initialization.
    rng : numpy.random.Generator
        Source of randomness; required for every method except ``"zeros"``.
    scale : float
        Multiplier for ``"random"`` only.

    Returns
    -------
    dict
        ``"W1" ... "WL"`` with ``W[l].shape == (n[l], n[l-1])`` and ``"b1" ... "bL"``
        with ``b[l].shape == (n[l], 1)``, all float64.
    """
    # --8<-- [start:initialize]
    dims = _check_layer_dims(layer_dims)
    if method not in METHODS:
        raise ValueError(f"unknown init method {method!r}; expected one of {', '.join(METHODS)}")
    if method != "zeros" and rng is None:
        raise ValueError(f"init method {method!r} draws random numbers: pass rng=")
    params = {}
    for l in range(1, len(dims)):
        n_prev, n = dims[l - 1], dims[l]
        std = weight_std(method, n_prev, n, scale=scale)
        if method == "zeros":
            params[f"W{l}"] = np.zeros((n, n_prev))
        else:
            params[f"W{l}"] = rng.standard_normal((n, n_prev)) * std
        params[f"b{l}"] = np.zeros((n, 1))
    return params
    # --8<-- [end:initialize]
