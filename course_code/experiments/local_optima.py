"""Local optima, saddle points and plateaus: how GD, momentum, RMSprop and Adam get away.

Two 2-D surfaces from :mod:`course_code.landscapes`: a saddle between two minima, started
ever closer to the saddle's ridge, and a well in a wide plateau, started ever further out.
Each optimizer of :mod:`course_code.optimizers` (its own update rule, at one learning rate)
moves all starting points at once; the experiment counts the steps each needs to escape.

Then the lecture's high-dimensional argument, measured: at a critical point of a cost with
no structure, model the Hessian as a random symmetric matrix; the point is a minimum only if
all its eigenvalues are positive. The fraction of such matrices, by Monte Carlo over
``n_seeds`` independent batches, against the dimension.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..checks import check_fields
from ..landscapes import plateau, plateau_grad, random_symmetric, saddle_grad
from ..optimizers import adam, gd, momentum, rmsprop

SEED = 5
#: Rough run time of the default config on a 2-core machine.
EXPECTED_SECONDS = 2
OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
SURFACES = ("saddle", "plateau")
#: A point has escaped the saddle when it is half-way to a minimum (|y| >= 1/2) ...
SADDLE_ESCAPE = 0.5
#: ... and the plateau when the cost is below the half-way level.
PLATEAU_ESCAPE = 0.5


@dataclass(frozen=True)
class Config:
    learning_rate: float = 0.01
    #: saddle starts: x = 1, y = each of these (distance from the ridge y = 0)
    saddle_y0: tuple[float, ...] = (1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1)
    #: plateau starts: x = each of these (distance from the well), y = plateau_y0
    plateau_x0: tuple[float, ...] = (2.5, 3.0, 3.5, 4.0, 4.5)
    plateau_y0: float = 0.5
    max_steps: int = 8000
    #: steps kept of each path, for the figures
    path_steps: int = 1200
    dims: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7)
    samples_per_seed: int = 8000
    n_seeds: int = 5

    def __post_init__(self):
        check_fields(self, learning_rate="positive", saddle_y0="positives", plateau_x0="positives",
                     plateau_y0="finite", max_steps="count", path_steps="count", dims="counts",
                     samples_per_seed="count", n_seeds="count")


#: Small enough for the tests.
TINY = Config(saddle_y0=(1e-4, 1e-1), plateau_x0=(2.5, 4.0), max_steps=1000, path_steps=100,
              dims=(1, 2, 3), samples_per_seed=500, n_seeds=2)


@dataclass(frozen=True)
class Result:
    config: Config
    #: surface -> optimizer -> steps to escape from each start, shape (K,); 0 = not within max_steps
    escape_steps: dict[str, dict[str, np.ndarray]]
    #: surface -> optimizer -> the first path_steps + 1 positions of each start, shape (T, 2, K)
    paths: dict[str, dict[str, np.ndarray]]
    #: (n_seeds, len(dims)): fraction of random symmetric matrices with all eigenvalues positive
    minima_fraction: np.ndarray
    #: (n_seeds, len(dims)): mean fraction of negative eigenvalues (downhill directions)
    negative_share: np.ndarray


def make_optimizer(name: str):
    """The package's optimizer ``name`` with its default hyperparameters."""
    return {"gd": gd, "momentum": momentum, "rmsprop": rmsprop, "adam": adam}[name]()


def starts(surface: str, config: Config) -> np.ndarray:
    """The starting points of ``surface``, shape (2, K)."""
    if surface == "saddle":
        y0 = np.array(config.saddle_y0, dtype=float)
        return np.stack([np.ones_like(y0), y0])
    x0 = np.array(config.plateau_x0, dtype=float)
    return np.stack([x0, np.full_like(x0, config.plateau_y0)])


def escaped(surface: str, P: np.ndarray) -> np.ndarray:
    """Which points (columns of ``P``) have left the saddle or the plateau, shape (K,)."""
    if surface == "saddle":
        return np.abs(P[1]) >= SADDLE_ESCAPE
    return plateau(P) <= PLATEAU_ESCAPE


def descend(surface: str, optimizer: str, config: Config) -> tuple[np.ndarray, np.ndarray]:
    """Run ``optimizer`` from every start of ``surface`` until all escape or ``max_steps``.

    Returns the steps each start needed (0 when it did not escape) and its first
    ``path_steps`` moves, shape (path_steps + 1, 2, K) (a point that stops early repeats).
    """
    grad = saddle_grad if surface == "saddle" else plateau_grad
    # --8<-- [start:descend]
    opt = make_optimizer(optimizer)
    params = {"W": starts(surface, config)}
    state = opt.init(params)
    steps = np.zeros(params["W"].shape[1], dtype=int)
    path = [params["W"]]
    for t in range(1, config.max_steps + 1):
        grads = {"dW": grad(params["W"])}
        params, state = opt.update(params, grads, state, learning_rate=config.learning_rate)
        if t <= config.path_steps:
            path.append(params["W"])
        steps[(steps == 0) & escaped(surface, params["W"])] = t
        if np.all(steps > 0) and t >= config.path_steps:
            break
    # --8<-- [end:descend]
    path += [path[-1]] * (config.path_steps + 1 - len(path))
    return steps, np.array(path)


def minima_fractions(config: Config, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Monte Carlo over random symmetric matrices: the share positive definite, per seed and dimension."""
    fractions = np.zeros((config.n_seeds, len(config.dims)))
    negative = np.zeros_like(fractions)
    for s, child in enumerate(rng.spawn(config.n_seeds)):
        for j, n in enumerate(config.dims):
            # --8<-- [start:minima]
            eigenvalues = np.linalg.eigvalsh(random_symmetric(n, config.samples_per_seed, rng=child))
            fractions[s, j] = np.mean(np.all(eigenvalues > 0, axis=1))  # a minimum: all > 0
            # --8<-- [end:minima]
            negative[s, j] = np.mean(eigenvalues < 0)
    return fractions, negative


def run(config: Config, *, rng: np.random.Generator) -> Result:
    """Both surfaces under every optimizer, then the random-Hessian Monte Carlo."""
    escape_steps: dict[str, dict[str, np.ndarray]] = {s: {} for s in SURFACES}
    paths: dict[str, dict[str, np.ndarray]] = {s: {} for s in SURFACES}
    for surface in SURFACES:
        for name in OPTIMIZERS:
            escape_steps[surface][name], paths[surface][name] = descend(surface, name, config)
    fractions, negative = minima_fractions(config, rng)
    return Result(config, escape_steps, paths, fractions, negative)
