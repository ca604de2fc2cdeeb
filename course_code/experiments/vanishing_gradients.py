"""Vanishing and exploding gradients: a deep network at initialization.

First the course's linear example: ``depth`` layers with :math:`W = s I` (``s`` = 1.5 and 0.5)
and no activation, so each layer's output is :math:`s^l x`. Then a deep ReLU network (widths
alternating between ``width`` and ``narrow``, so that Glorot's and LeCun's scales differ)
initialized five ways: small random (N(0, 1) x ``small_scale``), unit random (N(0, 1)), He,
LeCun and Glorot. For each, over ``n_seeds`` draws of the weights and inputs, the scale of
every hidden layer's output and of the gradient flowing back into it, and the norm of every
weight gradient, from one forward and backward pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..checks import check_fields
from ..depth import linear_chain, signal_propagation
from ..initializers import initialize_parameters

SEED = 0
#: Rough run time of the default config on a 2-core machine (the build starts long ones first).
EXPECTED_SECONDS = 5
#: name -> (initializers method, scale of "random")
INITS = {
    "small": ("random", None),
    "unit": ("random", 1.0),
    "he": ("he", 1.0),
    "lecun": ("lecun", 1.0),
    "glorot": ("xavier", 1.0),
}


@dataclass(frozen=True)
class Config:
    depth: int = 50
    linear_scales: tuple[float, ...] = (1.5, 0.5)
    width: int = 100
    narrow: int = 50
    m: int = 128
    small_scale: float = 0.01
    n_seeds: int = 5

    def __post_init__(self):
        check_fields(
            self,
            depth="count",
            linear_scales="positives",
            width="count",
            narrow="count",
            m="count",
            small_scale="positive",
            n_seeds="count",
        )
        if self.depth < 2:
            raise ValueError(f"depth must be at least 2 (one hidden layer and the output), got {self.depth}")


#: Small enough for the tests.
TINY = Config(depth=12, width=20, narrow=10, m=32, n_seeds=2)


@dataclass(frozen=True)
class Result:
    config: Config
    layer_dims: tuple[int, ...]
    linear_outputs: np.ndarray  # (n_scales, depth) norm of a[l]
    linear_grads: np.ndarray  # (n_scales, depth) norm of d yhat / d a[l]
    activation: dict[str, np.ndarray]  # init -> (n_seeds, depth - 1) RMS of A[l]
    grad_activation: dict[str, np.ndarray]  # init -> (n_seeds, depth - 1) RMS of m dA[l]
    grad_weight: dict[str, np.ndarray]  # init -> (n_seeds, depth) norm of dW[l]
    weight: dict[str, np.ndarray]  # init -> (n_seeds, depth) norm of W[l]


def layer_dims(config: Config) -> list[int]:
    """``[width, width, narrow, width, narrow, ..., 1]``: ``depth`` layers, the last one the output."""
    hidden = [config.width if l % 2 == 0 else config.narrow for l in range(config.depth - 1)]
    return [config.width, *hidden, 1]


def run(config: Config, *, rng: np.random.Generator) -> Result:
    """The linear chain for each scale, then one forward and backward pass per init and seed."""
    lin = [linear_chain(s, config.depth, np.ones(2)) for s in config.linear_scales]
    dims = layer_dims(config)
    rows = {name: [] for name in INITS}
    for child in rng.spawn(config.n_seeds):
        X = child.standard_normal((dims[0], config.m))
        Y = child.integers(0, 2, (1, config.m)).astype(float)
        for name, (method, scale) in INITS.items():
            params = initialize_parameters(
                dims, method, rng=child, scale=config.small_scale if scale is None else scale
            )
            rows[name].append(signal_propagation(params, X, Y))
    stack = {
        key: {n: np.array([r[key] for r in rows[n]]) for n in INITS}
        for key in ("activation", "grad_activation", "grad_weight", "weight")
    }
    return Result(
        config,
        tuple(dims),
        np.array([o for o, _ in lin]),
        np.array([g for _, g in lin]),
        stack["activation"],
        stack["grad_activation"],
        stack["grad_weight"],
        stack["weight"],
    )
