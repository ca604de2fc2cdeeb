"""The training engine: the network of :mod:`course_code.network`, run in preallocated buffers.

Training these small networks is limited by the *number* of NumPy calls, not by
arithmetic (a call on a 5x64 array costs about as much as one on a single number). So the
engine keeps the math of ``network.forward``/``backward`` and changes only the storage:

- **One flat parameter vector.** Layer ``l`` is a block ``[W | b]`` of shape
  ``(n[l], n[l-1] + 1)``, a view into ``theta``; gradients live in ``grad`` the same way.
  An optimizer then updates every parameter with a handful of whole-vector calls.
- **Fused bias.** Every layer input carries an extra row of ones, so
  ``[W | b] @ [A; 1] = W A + b`` in one product, and ``dZ @ [A; 1].T`` gives
  ``[dW | db]`` in one product too.
- **Preallocated arrays, written with ``out=``.** No array is created inside the loop.

The tests check that it computes the same costs and gradients as the reference network.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

__all__ = ["FlatMLP", "Workspace"]


@dataclass
class Workspace:
    """Buffers for one batch size ``m``. ``A[l]`` is ``[A_l; 1]``, shape ``(n[l] + 1, m)``."""

    m: int
    Z: list          # Z[l], shape (n[l], m), l = 1..L (index 0 unused)
    A: list          # A[l] with a row of ones, l = 1..L-1 (index 0 unused: input is a view)
    dZ: list         # dZ[l], shape (n[l], m)
    dA: list         # dA[l], shape (n[l], m), l = 1..L-1
    D: list          # dropout masks already divided by keep_prob (or None)
    U: list          # uniform draws for the masks (or None)
    AL: np.ndarray   # sigmoid output, shape (1, m)


class FlatMLP:
    """A ReLU/sigmoid network whose parameters are views into one flat vector.

    Parameters
    ----------
    layer_dims : list of int
        ``[n_x, n_1, ..., n_L]`` with ``n_L == 1``.
    """

    def __init__(self, layer_dims):
        self.dims = [int(d) for d in layer_dims]
        self.L = len(self.dims) - 1
        sizes = [self.dims[l] * (self.dims[l - 1] + 1) for l in range(1, self.L + 1)]
        self.theta = np.zeros(sum(sizes))
        self.grad = np.zeros_like(self.theta)
        self.weight_mask = np.zeros_like(self.theta)  # 1 on weights, 0 on biases (for L2)
        self.Wb, self.dWb = [None], [None]
        offset = 0
        for l, size in enumerate(sizes, start=1):
            shape = (self.dims[l], self.dims[l - 1] + 1)
            self.Wb.append(self.theta[offset:offset + size].reshape(shape))
            self.dWb.append(self.grad[offset:offset + size].reshape(shape))
            self.weight_mask[offset:offset + size].reshape(shape)[:, :-1] = 1.0
            offset += size
        self._workspaces: dict[tuple[int, float], Workspace] = {}

    # ------------------------------------------------------------------ parameters
    def set_params(self, params: dict[str, np.ndarray]) -> None:
        """Copy ``W1, b1, ...`` into the flat buffer."""
        for l in range(1, self.L + 1):
            self.Wb[l][:, :-1] = params[f"W{l}"]
            self.Wb[l][:, -1:] = params[f"b{l}"]

    def get_params(self) -> dict[str, np.ndarray]:
        """A fresh ``W1, b1, ...`` dict (copies, not views)."""
        out = {}
        for l in range(1, self.L + 1):
            out[f"W{l}"] = self.Wb[l][:, :-1].copy()
            out[f"b{l}"] = self.Wb[l][:, -1:].copy()
        return out

    def get_grads(self) -> dict[str, np.ndarray]:
        """The last computed gradient as ``dW1, db1, ...`` (copies)."""
        out = {}
        for l in range(1, self.L + 1):
            out[f"dW{l}"] = self.dWb[l][:, :-1].copy()
            out[f"db{l}"] = self.dWb[l][:, -1:].copy()
        return out

    # ------------------------------------------------------------------ buffers
    def workspace(self, m: int, keep_prob: float = 1.0) -> Workspace:
        """The (cached) buffers for batches of ``m`` examples."""
        key = (m, keep_prob)
        if key not in self._workspaces:
            d, L = self.dims, self.L
            hidden = range(1, L)
            dropout = keep_prob < 1.0
            A = [None] + [np.ones((d[l] + 1, m)) for l in hidden]  # last row stays 1
            self._workspaces[key] = Workspace(
                m=m,
                Z=[None] + [np.empty((d[l], m)) for l in range(1, L + 1)],
                A=A,
                dZ=[None] + [np.empty((d[l], m)) for l in range(1, L + 1)],
                dA=[None] + [np.empty((d[l], m)) for l in hidden],
                D=[None] + [np.empty((d[l], m)) if dropout else None for l in hidden],
                U=[None] + [np.empty((d[l], m)) if dropout else None for l in hidden],
                AL=np.empty((1, m)),
            )
        return self._workspaces[key]

    # ------------------------------------------------------------------ passes
    def forward(self, X1: np.ndarray, ws: Workspace, keep_prob: float = 1.0, rng=None):
        """Forward pass on ``X1 = [X; 1]`` (shape ``(n_x + 1, m)``); returns ``Z_L`` (1, m).

        Leaves every intermediate in ``ws``; ``ws.AL`` holds the probabilities.
        """
        A_prev = X1
        for l in range(1, self.L):
            np.dot(self.Wb[l], A_prev, out=ws.Z[l])          # Z = [W | b] @ [A; 1]
            A = ws.A[l][:-1]                                  # (view above the ones row)
            np.maximum(ws.Z[l], 0.0, out=A)                   # A = relu(Z)
            if keep_prob < 1.0:
                rng.random(out=ws.U[l])                       # D = (U < p) / p
                np.less(ws.U[l], keep_prob, out=ws.D[l])
                ws.D[l] *= 1.0 / keep_prob
                A *= ws.D[l]                                  # A = A * D / p
            A_prev = ws.A[l]
        ZL = ws.Z[self.L]
        np.dot(self.Wb[self.L], A_prev, out=ZL)
        expit(ZL, out=ws.AL)                                  # sigmoid, without overflow
        return ZL

    def backward(self, X1, Y, ws: Workspace, keep_prob: float = 1.0, l2_scale: float = 0.0,
                 work: np.ndarray | None = None) -> None:
        """Fill ``self.grad`` with the gradient of the batch's mean cost.

        ``l2_scale`` is :math:`\\lambda / m` (``work`` is a scratch vector the size of ``theta``,
        needed when ``l2_scale > 0``).
        """
        L = self.L
        dZ = ws.dZ[L]
        np.subtract(ws.AL, Y, out=dZ)                         # dZ_L = (A_L - Y) / m
        dZ *= 1.0 / ws.m
        for l in range(L, 0, -1):
            A_prev = ws.A[l - 1] if l > 1 else X1
            np.dot(ws.dZ[l], A_prev.T, out=self.dWb[l])       # [dW | db] = dZ @ [A; 1].T
            if l > 1:
                dA = ws.dA[l - 1]
                np.dot(self.Wb[l][:, :-1].T, ws.dZ[l], out=dA)  # dA_prev = W.T @ dZ
                if keep_prob < 1.0:
                    dA *= ws.D[l - 1]                         # same mask and scale as forward
                # dZ = dA * relu'(Z). With A = relu(Z) >= 0, sign(A) is that 0/1 derivative
                # (float to float: cheaper than casting the bools of Z > 0).
                np.sign(ws.A[l - 1][:-1], out=ws.dZ[l - 1])
                ws.dZ[l - 1] *= dA
        if l2_scale:
            np.multiply(self.theta, self.weight_mask, out=work)   # + (lambda / m) W
            work *= l2_scale
            self.grad += work
