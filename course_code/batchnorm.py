"""Batch normalization of a layer's pre-activations, over the examples (columns).

``Z`` has shape ``(n, m)``: ``n`` units, ``m`` examples. In training mode each unit is
normalized with the mean and variance of the current mini-batch, and exponential
running averages of those statistics are kept for inference mode.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["BatchNormCache", "RunningStats", "batchnorm_backward", "batchnorm_forward"]


class RunningStats(NamedTuple):
    """Running mean and variance, each of shape (n, 1)."""

    mean: np.ndarray
    var: np.ndarray


class BatchNormCache(NamedTuple):
    """What :func:`batchnorm_backward` needs."""

    Z_hat: np.ndarray      # normalized input, (n, m)
    gamma: np.ndarray      # (n, 1)
    inv_std: np.ndarray    # 1 / sqrt(var + epsilon), (n, 1)
    training: bool         # were batch statistics used (so that they depend on Z)?


def _check(Z, gamma, beta):
    Z = np.asarray(Z, dtype=float)
    if Z.ndim != 2:
        raise ValueError(f"Z must have shape (n, m), got {Z.shape}")
    n = Z.shape[0]
    for name, v in (("gamma", gamma), ("beta", beta)):
        if np.shape(v) != (n, 1):
            raise ValueError(f"{name} must have shape {(n, 1)} to match Z of shape {Z.shape}, "
                             f"got {np.shape(v)}")
    return Z


def batchnorm_forward(Z, gamma, beta, running: RunningStats | None = None, *, training: bool,
                      momentum: float = 0.9, epsilon: float = 1e-5):
    """Normalize each row of ``Z`` and apply a learned scale and shift.

    Parameters
    ----------
    Z : ndarray of shape (n, m)
    gamma, beta : ndarray of shape (n, 1)
        Learned scale :math:`\\gamma` and shift :math:`\\beta`.
    running : RunningStats or None
        Running statistics so far; ``None`` means mean 0 and variance 1.
    training : bool
        Use the batch's statistics (and update the running ones) or the running ones.
    momentum : float in [0, 1)
        Weight of the old running statistics in their update.
    epsilon : float
        Added to the variance before the square root.

    Returns
    -------
    out : ndarray of shape (n, m)
    cache : BatchNormCache
    running : RunningStats
        Updated in training mode; unchanged in inference mode.

    Notes
    -----
    .. math::
        \\mu = \\frac{1}{m}\\sum_i z^{(i)}, \\quad
        \\sigma^2 = \\frac{1}{m}\\sum_i (z^{(i)} - \\mu)^2, \\quad
        \\hat z = \\frac{z - \\mu}{\\sqrt{\\sigma^2 + \\varepsilon}}, \\quad
        \\tilde z = \\gamma \\hat z + \\beta

    and in training mode :math:`\\mu_{run} \\leftarrow m_{\\!o}\\,\\mu_{run} + (1 - m_{\\!o})\\,\\mu`
    (likewise for the variance), with :math:`m_{\\!o}` the ``momentum``.
    """
    Z = _check(Z, gamma, beta)
    if not 0.0 <= momentum < 1.0:
        raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
    if not epsilon > 0:
        raise ValueError(f"epsilon must be > 0, got {epsilon!r}")
    # --8<-- [start:batchnorm_forward]
    n = Z.shape[0]
    if running is None:
        running = RunningStats(np.zeros((n, 1)), np.ones((n, 1)))
    if training:
        mu = Z.mean(axis=1, keepdims=True)
        var = Z.var(axis=1, keepdims=True)
        running = RunningStats(momentum * running.mean + (1 - momentum) * mu,
                               momentum * running.var + (1 - momentum) * var)
    else:
        mu, var = running
    inv_std = 1.0 / np.sqrt(var + epsilon)
    Z_hat = (Z - mu) * inv_std
    out = gamma * Z_hat + beta
    return out, BatchNormCache(Z_hat, np.asarray(gamma, dtype=float), inv_std, training), running
    # --8<-- [end:batchnorm_forward]


def batchnorm_backward(dout, cache: BatchNormCache):
    """Backward pass of :func:`batchnorm_forward`.

    Returns
    -------
    dZ : ndarray of shape (n, m)
    dgamma, dbeta : ndarray of shape (n, 1)

    Notes
    -----
    In training mode the mean and variance depend on every example, which gives

    .. math::
        dZ = \\frac{1}{m \\sqrt{\\sigma^2 + \\varepsilon}} \\Big( m\\, d\\hat z - \\sum_i d\\hat z^{(i)}
             - \\hat z \\sum_i d\\hat z^{(i)} \\hat z^{(i)} \\Big), \\qquad d\\hat z = \\gamma\\, d\\tilde z

    In inference mode the statistics are constants and
    :math:`dZ = \\gamma\\, d\\tilde z / \\sqrt{\\sigma^2 + \\varepsilon}`.
    """
    Z_hat, gamma, inv_std, training = cache
    dout = np.asarray(dout, dtype=float)
    if dout.shape != Z_hat.shape:
        raise ValueError(f"dout has shape {dout.shape}, expected {Z_hat.shape}")
    # --8<-- [start:batchnorm_backward]
    dbeta = dout.sum(axis=1, keepdims=True)
    dgamma = np.sum(dout * Z_hat, axis=1, keepdims=True)
    dZ_hat = dout * gamma
    if not training:
        return dZ_hat * inv_std, dgamma, dbeta
    m = dout.shape[1]
    dZ = inv_std / m * (m * dZ_hat - dZ_hat.sum(axis=1, keepdims=True)
                        - Z_hat * np.sum(dZ_hat * Z_hat, axis=1, keepdims=True))
    return dZ, dgamma, dbeta
    # --8<-- [end:batchnorm_backward]
