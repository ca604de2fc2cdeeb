"""Regularization pieces: inverted dropout with an explicit mask, and the L2 gradient term.

The L2 *cost* term lives in :mod:`course_code.losses` (:func:`~course_code.losses.l2_cost`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["check_keep_prob", "check_lambd", "dropout_backward", "dropout_forward", "l2_gradient"]


def check_keep_prob(keep_prob: float) -> float:
    """Return ``keep_prob`` as a float, or raise ``ValueError`` unless ``0 < keep_prob <= 1``."""
    kp = float(keep_prob)
    if not 0.0 < kp <= 1.0:  # also rejects nan
        raise ValueError(f"keep_prob must be in (0, 1], got {keep_prob!r}")
    return kp


def check_lambd(lambd: float) -> float:
    """Return ``lambd`` as a float, or raise ``ValueError`` unless it is finite and ``>= 0``."""
    lam = float(lambd)
    if not (np.isfinite(lam) and lam >= 0.0):
        raise ValueError(f"lambd (the L2 strength) must be finite and >= 0, got {lambd!r}")
    return lam


def dropout_forward(A, keep_prob, *, rng=None, mask=None):
    """Inverted dropout on the activations ``A`` (shape (n, m)).

    Parameters
    ----------
    A : ndarray of shape (n, m)
    keep_prob : float in (0, 1]
        Probability that a unit is kept.
    rng : numpy.random.Generator, optional
        Draws a fresh mask when ``mask`` is not given.
    mask : ndarray of shape (n, m) of 0/1, optional
        A mask to reuse (the gradient check fixes the mask this way).

    Returns
    -------
    A_out : ndarray of shape (n, m)
        ``A * mask / keep_prob``.
    mask : ndarray of shape (n, m)
        The 0/1 mask used, of dtype float.

    Notes
    -----
    .. math:: D_{ij} \\sim \\mathrm{Bernoulli}(p), \\qquad \\tilde A = \\frac{A \\odot D}{p}

    Dividing by the keep probability :math:`p` keeps the expected value of each
    activation unchanged, :math:`\\mathbb{E}[\\tilde A] = A`, so nothing needs rescaling
    at test time, when dropout is off.
    """
    keep_prob = check_keep_prob(keep_prob)
    # --8<-- [start:dropout]
    if mask is None:
        if rng is None:
            raise ValueError("dropout_forward needs rng= to draw a mask (or an explicit mask=)")
        mask = (rng.random(A.shape) < keep_prob).astype(float)
    elif mask.shape != A.shape:
        raise ValueError(f"dropout mask has shape {mask.shape}, expected {A.shape}")
    return A * mask / keep_prob, mask
    # --8<-- [end:dropout]


def dropout_backward(dA, mask, keep_prob):
    """Backward pass of :func:`dropout_forward`: the same mask and scale, applied to ``dA``."""
    # --8<-- [start:dropout_backward]
    return dA * mask / check_keep_prob(keep_prob)
    # --8<-- [end:dropout_backward]


def l2_gradient(W, lambd, m):
    """Gradient of the L2 penalty with respect to ``W``: :math:`\\frac{\\lambda}{m} W`."""
    # --8<-- [start:l2_gradient]
    return (check_lambd(lambd) / m) * W
    # --8<-- [end:l2_gradient]
