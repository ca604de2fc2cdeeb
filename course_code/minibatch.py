"""Shuffling and partitioning a training set into mini-batches."""

from __future__ import annotations

import numpy as np

from .network import check_XY

__all__ = ["batch_bounds", "check_mini_batch_size", "random_mini_batches"]


def check_mini_batch_size(mini_batch_size, m: int) -> int:
    """Return the batch size as an int, or raise ``ValueError`` unless it is a whole number >= 1.

    A size larger than ``m`` is allowed and means one batch of all ``m`` examples.
    """
    if isinstance(mini_batch_size, bool) or not isinstance(mini_batch_size, (int, np.integer)) \
            or mini_batch_size < 1:
        raise ValueError(f"mini_batch_size must be a whole number >= 1, got {mini_batch_size!r}")
    return int(min(mini_batch_size, m))


def batch_bounds(m: int, mini_batch_size: int) -> list[tuple[int, int]]:
    """``(start, stop)`` column ranges: ``m // size`` full batches, then the remainder if any.

    >>> batch_bounds(300, 64)
    [(0, 64), (64, 128), (128, 192), (192, 256), (256, 300)]
    """
    return [(a, min(a + mini_batch_size, m)) for a in range(0, m, mini_batch_size)]


def random_mini_batches(X, Y, mini_batch_size: int = 64, *, rng: np.random.Generator):
    """Shuffle the columns of ``X`` and ``Y`` together, then cut them into mini-batches.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (n_y, m)
    mini_batch_size : int
        Columns per batch. The last batch holds the ``m % mini_batch_size`` leftover
        examples when ``m`` is not a multiple of the size.
    rng : numpy.random.Generator
        Draws the permutation.

    Returns
    -------
    list of (X_batch, Y_batch)
        ``floor(m / size)`` batches of shape ``(n_x, size)`` / ``(n_y, size)``, plus
        one smaller batch when there are leftovers.
    """
    # --8<-- [start:random_mini_batches]
    X, Y = check_XY(X, Y)
    m = X.shape[1]
    size = check_mini_batch_size(mini_batch_size, m)
    perm = rng.permutation(m)
    X_shuffled = np.take(X, perm, axis=1)  # step 1: shuffle (same order for X and Y)
    Y_shuffled = np.take(Y, perm, axis=1)
    return [(X_shuffled[:, a:b], Y_shuffled[:, a:b])  # step 2: partition
            for a, b in batch_bounds(m, size)]
    # --8<-- [end:random_mini_batches]
