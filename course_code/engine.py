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
- **Optionally K networks at once** (``FlatMLP(layer_dims, k=K)``): every array gets a
  leading axis of length K (``theta`` is ``(K, P)``, ``Z[l]`` is ``(K, n[l], m)``), products
  become batched ``np.matmul`` and each elementwise call serves all K networks. The same
  code runs both layouts; only the product function differs (``np.dot`` or ``np.matmul``).

The tests check that it computes the same costs and gradients as the reference network.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from .network import check_output

__all__ = ["FlatMLP", "Workspace"]


@dataclass
class Workspace:
    """Buffers for one batch size ``m``. ``A[l]`` is ``[A_l; 1]``, shape ``(n[l] + 1, m)``.

    With K networks every array has a leading axis of length K, e.g. ``Z[l]`` is ``(K, n[l], m)``.
    """

    m: int
    Z: list          # Z[l], shape (n[l], m), l = 1..L (index 0 unused)
    A: list          # A[l] with a row of ones, l = 1..L-1 (index 0 unused: input is a view)
    Ah: list         # Ah[l]: view of A[l] above the ones row, shape (n[l], m)
    AT: list         # AT[l]: A[l] transposed (a view), shape (m, n[l] + 1)
    dZ: list         # dZ[l], shape (n[l], m)
    dA: list         # dA[l], shape (n[l], m), l = 1..L-1
    G: list          # G[l] = relu'(Z[l]) as 0.0 / 1.0, shape (n[l], m), l = 1..L-1
    D: list          # dropout masks already divided by keep_prob (or None)
    U: list          # uniform draws for the masks (or None)
    AL: np.ndarray   # output probabilities, shape (n[L], m): sigmoid (n[L] = 1) or softmax


class FlatMLP:
    """A ReLU/sigmoid (or ReLU/softmax) network whose parameters are views into one flat vector.

    Parameters
    ----------
    layer_dims : list of int
        ``[n_x, n_1, ..., n_L]`` with ``n_L == 1`` (sigmoid) or ``n_L == C >= 2`` (softmax).
    k : int or None
        None: one network, ``theta`` of shape ``(P,)``. An int K: K networks of the same
        architecture trained side by side, ``theta`` of shape ``(K, P)`` (row ``i`` is network
        ``i``'s flat vector, laid out as for one network), every buffer with a leading axis K.
    output : {"sigmoid", "softmax"}
        The output activation, as in :func:`course_code.network.forward`. The backward pass
        is the same for both: :math:`dZ^{[L]} = (A^{[L]} - Y) / m`.
    """

    def __init__(self, layer_dims, k: int | None = None, output: str = "sigmoid"):
        self.dims = [int(d) for d in layer_dims]
        self.output = check_output(output, self.dims[-1])
        self.L = len(self.dims) - 1
        self.k = None if k is None else int(k)
        lead = () if k is None else (self.k,)
        self._lead = lead
        self._mm = np.dot if k is None else np.matmul     # products: one matrix or a stack
        sizes = [self.dims[l] * (self.dims[l - 1] + 1) for l in range(1, self.L + 1)]
        self.theta = np.zeros((*lead, sum(sizes)))
        self.grad = np.zeros_like(self.theta)
        self.weight_mask = np.zeros(sum(sizes))  # 1 on weights, 0 on biases (for L2), shape (P,)
        self.Wb, self.dWb, self.WT = [None], [None], [None]
        offset = 0
        for l, size in enumerate(sizes, start=1):
            shape = (self.dims[l], self.dims[l - 1] + 1)
            self.Wb.append(self.theta[..., offset:offset + size].reshape(lead + shape))
            self.dWb.append(self.grad[..., offset:offset + size].reshape(lead + shape))
            self.WT.append(self.Wb[l][..., :-1].mT)       # W.T, a view (no bias column)
            self.weight_mask[offset:offset + size].reshape(shape)[:, :-1] = 1.0
            offset += size
        self._workspaces: dict[tuple[int, float], Workspace] = {}

    # ------------------------------------------------------------------ parameters
    def set_params(self, params: dict[str, np.ndarray], index: int | None = None) -> None:
        """Copy ``W1, b1, ...`` into the flat buffer (into network ``index`` when there are K)."""
        for l in range(1, self.L + 1):
            Wb = self.Wb[l] if index is None else self.Wb[l][index]
            Wb[:, :-1] = params[f"W{l}"]
            Wb[:, -1:] = params[f"b{l}"]

    def get_params(self, index: int | None = None) -> dict[str, np.ndarray]:
        """A fresh ``W1, b1, ...`` dict (copies, not views); of network ``index`` when there are K."""
        out = {}
        for l in range(1, self.L + 1):
            Wb = self.Wb[l] if index is None else self.Wb[l][index]
            out[f"W{l}"] = Wb[:, :-1].copy()
            out[f"b{l}"] = Wb[:, -1:].copy()
        return out

    # ------------------------------------------------------------------ buffers
    def workspace(self, m: int, keep_prob: float = 1.0) -> Workspace:
        """The (cached) buffers for batches of ``m`` examples."""
        key = (m, keep_prob)
        if key not in self._workspaces:
            d, L, lead = self.dims, self.L, self._lead
            hidden = range(1, L)
            dropout = keep_prob < 1.0
            A = [None] + [np.ones((*lead, d[l] + 1, m)) for l in hidden]  # last row stays 1
            self._workspaces[key] = Workspace(
                m=m,
                Z=[None] + [np.empty((*lead, d[l], m)) for l in range(1, L + 1)],
                A=A,
                Ah=[None] + [a[..., :-1, :] for a in A[1:]],
                AT=[None] + [a.mT for a in A[1:]],
                dZ=[None] + [np.empty((*lead, d[l], m)) for l in range(1, L + 1)],
                dA=[None] + [np.empty((*lead, d[l], m)) for l in hidden],
                G=[None] + [np.empty((*lead, d[l], m)) for l in hidden],
                D=[None] + [np.empty((*lead, d[l], m)) if dropout else None for l in hidden],
                U=[None] + [np.empty((*lead, d[l], m)) if dropout else None for l in hidden],
                AL=np.empty((*lead, d[L], m)),
            )
        return self._workspaces[key]

    # ------------------------------------------------------------------ passes
    def forward(self, X1: np.ndarray, ws: Workspace, keep_prob: float = 1.0, rng=None):
        """Forward pass on ``X1 = [X; 1]`` (shape ``(n_x + 1, m)``); returns ``Z_L`` (n[L], m).

        Leaves every intermediate in ``ws``; ``ws.AL`` holds the probabilities. With K
        networks ``X1`` is ``(n_x + 1, m)`` (shared) or ``(K, n_x + 1, m)``, ``Z_L`` is
        ``(K, n[L], m)`` and ``rng`` is a sequence of K generators, one per network.
        """
        mm = self._mm
        A_prev = X1
        for l in range(1, self.L):
            mm(self.Wb[l], A_prev, out=ws.Z[l])              # Z = [W | b] @ [A; 1]
            A = ws.Ah[l]                                      # (view above the ones row)
            np.greater(ws.Z[l], 0.0, out=ws.G[l])             # G = relu'(Z), 0.0 or 1.0
            np.multiply(ws.Z[l], ws.G[l], out=A)              # A = relu(Z) = Z * G
            if keep_prob < 1.0:
                if self.k is None:
                    rng.random(out=ws.U[l])                   # D = (U < p) / p
                else:
                    for r, u in zip(rng, ws.U[l], strict=True):  # each network its own stream
                        r.random(out=u)
                np.less(ws.U[l], keep_prob, out=ws.D[l])
                ws.D[l] *= 1.0 / keep_prob
                A *= ws.D[l]                                  # A = A * D / p
            A_prev = ws.A[l]
        ZL = ws.Z[self.L]
        mm(self.Wb[self.L], A_prev, out=ZL)
        if self.output == "sigmoid":
            expit(ZL, out=ws.AL)                              # sigmoid, without overflow
        else:                                                 # softmax over the class axis
            np.subtract(ZL, ZL.max(axis=-2, keepdims=True), out=ws.AL)
            np.exp(ws.AL, out=ws.AL)
            ws.AL /= ws.AL.sum(axis=-2, keepdims=True)
        return ZL

    def backward(self, X1, Y, ws: Workspace, keep_prob: float = 1.0, l2_scale=0.0,
                 work: np.ndarray | None = None) -> None:
        """Fill ``self.grad`` with the gradient of the batch's mean cost.

        ``l2_scale`` is :math:`\\lambda / m` (``work`` is a scratch array shaped like ``theta``,
        needed when ``l2_scale > 0``). With K networks it may be an array of shape ``(K, 1)``,
        one :math:`\\lambda / m` per network; ``Y`` is ``(n[L], m)`` (shared) or ``(K, n[L], m)``.
        """
        L, mm = self.L, self._mm
        dZ = ws.dZ[L]
        np.subtract(ws.AL, Y, out=dZ)                         # dZ_L = (A_L - Y) / m
        dZ *= 1.0 / ws.m
        for l in range(L, 0, -1):
            A_prevT = ws.AT[l - 1] if l > 1 else X1.mT
            mm(ws.dZ[l], A_prevT, out=self.dWb[l])           # [dW | db] = dZ @ [A; 1].T
            if l > 1:
                dA = ws.dA[l - 1]
                mm(self.WT[l], ws.dZ[l], out=dA)              # dA_prev = W.T @ dZ
                if keep_prob < 1.0:
                    dA *= ws.D[l - 1]                         # same mask and scale as forward
                np.multiply(dA, ws.G[l - 1], out=ws.dZ[l - 1])  # dZ = dA * relu'(Z)
        if type(l2_scale) is np.ndarray or l2_scale:
            np.multiply(self.theta, self.weight_mask, out=work)   # + (lambda / m) W
            work *= l2_scale
            self.grad += work
