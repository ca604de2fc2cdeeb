"""Framework equivalence: every course_code optimizer and schedule against Keras, step for step in float64.

Each update rule gets random (but seeded) parameters and gradients; ours and its Keras
counterpart (``course_code.keras_compat``) apply the same gradients for ``n_steps`` updates,
and the table reports the largest element-wise relative error of the parameters, after the
mapping each rule needs and, for contrast, without it. Schedules are compared at every
optimizer step, epochs converted to steps. Seeds are stacked along a leading axis: every
rule is element-wise, so one Keras run updates ``n_seeds + 1`` independent problems at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import keras_compat as kc
from ..checks import check_fields
from ..optimizers import adam, gd, momentum, rmsprop
from ..schedules import constant, exponential_decay, inverse_time_decay, staircase_decay

SEED = 6
EXPECTED_SECONDS = 7  # TensorFlow's import (~3 s) included
#: The build adds these libraries' versions to the cache key.
EXTRA_LIBRARIES = ("tensorflow",)
TOLERANCE = 1e-6
OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
SCHEDULES = ("constant", "inverse_time_decay", "staircase_decay", "exponential_decay")
OUR_FORM = {
    "gd": "W -= α dW", "momentum": "v = βv + (1-β)dW; W -= αv",
    "rmsprop": "s = βs + (1-β)dW²; W -= α dW / (√s + ε)", "adam": "W -= α v̂ / (√ŝ + ε)",
    "constant": "α₀", "inverse_time_decay": "α₀ / (1 + k·epoch)",
    "staircase_decay": "α₀ / (1 + k·⌊epoch / T⌋)", "exponential_decay": "α₀·γ^epoch",
}
MAPPING = {
    "gd": "none", "momentum": "learning_rate = α(1-β), momentum = β",
    "rmsprop": "rho = β; ε goes inside Keras' root: same tiny ε on both sides",
    "adam": "Keras' ε is ε-hat (added to √s, not √ŝ): same tiny ε on both sides",
    "constant": "a plain float", "inverse_time_decay": "decay_steps = steps per epoch, staircase=True",
    "staircase_decay": "decay_steps = T × steps per epoch, staircase=True",
    "exponential_decay": "decay_steps = steps per epoch, staircase=True",
}
#: The mistakes shown against the mapping: key -> (rule, description).
MISTAKES = {
    "momentum_naive": ("momentum", "learning rate not multiplied by 1 - β"),
    "momentum_python_floats": ("momentum", "mapped, but hyperparameters as Python floats (float32 in Keras)"),
    "rmsprop_defaults": ("rmsprop", "default epsilons: ours 1e-8 outside the root, Keras 1e-7 inside"),
    "adam_defaults": ("adam", "default epsilons: ours 1e-8 on √ŝ, Keras 1e-7 (ε-hat)"),
    "inverse_time_decay_naive": ("inverse_time_decay", "decay_steps left in epochs (1)"),
    "inverse_time_decay_smooth": ("inverse_time_decay", "steps converted, but staircase=False"),
    "staircase_decay_naive": ("staircase_decay", "decay_steps left in epochs (T)"),
    "exponential_decay_naive": ("exponential_decay", "decay_steps left in epochs (1)"),
    "exponential_decay_smooth": ("exponential_decay", "steps converted, but staircase=False"),
}
#: The mistake drawn next to each rule in the bar chart.
BAR_MISTAKE = {"momentum": "momentum_naive", "rmsprop": "rmsprop_defaults", "adam": "adam_defaults",
               "inverse_time_decay": "inverse_time_decay_naive", "staircase_decay": "staircase_decay_naive",
               "exponential_decay": "exponential_decay_naive"}


@dataclass(frozen=True)
class Config:
    layer_dims: tuple[int, ...] = (4, 3, 1)   # parameters W1 (3, 4), b1 (3, 1), W2 (1, 3), b2 (1, 1)
    n_steps: int = 50
    n_seeds: int = 5
    gd_learning_rate: float = 0.05
    momentum_learning_rate: float = 0.05
    momentum_beta: float = 0.9
    rmsprop_learning_rate: float = 0.01
    rmsprop_beta: float = 0.999
    adam_learning_rate: float = 0.01
    adam_beta1: float = 0.9
    adam_beta2: float = 0.999
    tiny_epsilon: float = 1e-16
    epsilons: tuple[float, ...] = (1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12)
    lr0: float = 0.1
    decay_rate: float = 1.0
    time_interval: int = 3
    gamma: float = 0.95
    steps_per_epoch: int = 5
    n_epochs: int = 20

    def __post_init__(self):
        check_fields(self, layer_dims="layers", n_steps="count", n_seeds="count",
                     gd_learning_rate="positive", momentum_learning_rate="positive", momentum_beta="beta",
                     rmsprop_learning_rate="positive", rmsprop_beta="beta", adam_learning_rate="positive",
                     adam_beta1="beta", adam_beta2="beta", tiny_epsilon="positive", epsilons="positives",
                     lr0="positive", decay_rate="nonnegative", time_interval="count", gamma="probability",
                     steps_per_epoch="count", n_epochs="count")


TINY = Config(n_steps=5, n_seeds=2, epsilons=(1e-6, 1e-9, 1e-12), n_epochs=3)


@dataclass(frozen=True)
class Result:
    config: Config
    errors: dict[str, np.ndarray]      # key -> (n_seeds + 1, n_steps); schedules (1, n_steps)
    calls: dict[str, str]              # key -> the Keras call used
    epsilon_errors: dict[str, np.ndarray]  # "rmsprop"/"adam" -> (len(epsilons), n_seeds + 1)


def shapes(config: Config, n: int) -> dict[str, tuple[int, ...]]:
    """Parameter shapes of ``layer_dims``, each with a leading axis of ``n`` stacked problems."""
    d = config.layer_dims
    out = {}
    for l in range(1, len(d)):
        out[f"W{l}"], out[f"b{l}"] = (n, d[l], d[l - 1]), (n, d[l], 1)
    return out


def optimizers(config: Config, epsilon: float | None = None) -> dict[str, tuple]:
    """name -> (our optimizer, learning rate); ``epsilon`` for RMSprop and Adam (tiny if None)."""
    eps = config.tiny_epsilon if epsilon is None else epsilon
    return {"gd": (gd(), config.gd_learning_rate),
            "momentum": (momentum(config.momentum_beta), config.momentum_learning_rate),
            "rmsprop": (rmsprop(config.rmsprop_beta, eps), config.rmsprop_learning_rate),
            "adam": (adam(config.adam_beta1, config.adam_beta2, eps), config.adam_learning_rate)}


def schedules(config: Config) -> dict:
    return {"constant": constant(config.lr0),
            "inverse_time_decay": inverse_time_decay(config.lr0, config.decay_rate),
            "staircase_decay": staircase_decay(config.lr0, config.decay_rate, config.time_interval),
            "exponential_decay": exponential_decay(config.lr0, config.gamma)}


def stacked_problem(rngs, config: Config):
    """One problem per generator (:func:`keras_compat.random_problem`), stacked on axis 0."""
    one = shapes(config, 1)
    problems = [kc.random_problem(r, {k: s[1:] for k, s in one.items()}, config.n_steps) for r in rngs]
    params = {k: np.stack([p[k] for p, _ in problems]) for k in one}
    grads = [{g: np.stack([p[1][t][g] for p in problems]) for g in problems[0][1][0]}
             for t in range(config.n_steps)]
    return params, grads


def per_seed(ours, theirs, n: int) -> np.ndarray:
    """``(n, n_steps)``: :func:`keras_compat.step_errors` of each stacked problem."""
    return np.array([kc.step_errors([{k: v[i] for k, v in a.items()} for a in ours],
                                    [{k: v[i] for k, v in b.items()} for b in theirs]) for i in range(n)])


def _compare(opt, lr, problem, n, **kw) -> np.ndarray:
    return per_seed(*kc.optimizer_trajectories(opt, lr, *problem, **kw), n)


def run(config: Config, *, rng: np.random.Generator) -> Result:
    """Run every rule (mapped and mistaken) and the epsilon sweep; headline = problem 0."""
    n = config.n_seeds + 1
    errors, calls, eps_errors = {}, {}, {}
    for (name, (opt, lr)), child in zip(optimizers(config).items(), rng.spawn(len(OPTIMIZERS)), strict=True):
        problem = stacked_problem(child.spawn(n), config)
        errors[name] = _compare(opt, lr, problem, n)
        calls[name] = kc.spec_text(kc.keras_optimizer(opt, lr))
        if name == "momentum":
            errors["momentum_naive"] = _compare(opt, lr, problem, n, naive=True)
            calls["momentum_naive"] = kc.spec_text(kc.keras_optimizer(opt, lr, naive=True))
            errors["momentum_python_floats"] = _compare(opt, lr, problem, n, python_floats=True)
            calls["momentum_python_floats"] = calls[name] + " with Python floats"
        if name in ("rmsprop", "adam"):
            default = optimizers(config, epsilon=1e-8)[name][0]
            errors[f"{name}_defaults"] = _compare(default, lr, problem, n, naive=True)
            calls[f"{name}_defaults"] = kc.spec_text(kc.keras_optimizer(default, lr, naive=True))
            eps_errors[name] = np.array([
                _compare(optimizers(config, epsilon=e)[name][0], lr, problem, n).max(axis=1)
                for e in config.epsilons])
    n_sched = config.n_epochs * config.steps_per_epoch
    for name, sched in schedules(config).items():
        for variant, suffix in (("mapped", ""), ("naive", "_naive"), ("smooth", "_smooth")):
            key = name + suffix
            if key in SCHEDULES or key in MISTAKES:
                e = kc.schedule_errors(sched, config.steps_per_epoch, n_sched, variant=variant)
                errors[key] = e[None]
                calls[key] = kc.spec_text(kc.keras_schedule(sched, config.steps_per_epoch, variant=variant))
    return Result(config, errors, calls, eps_errors)
