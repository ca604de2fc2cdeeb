"""Run our update rules and schedules step for step against their Keras counterparts.

The harness the ``framework_equivalence`` experiment and ``tests/test_keras_reference.py``
share. TensorFlow and Keras are imported only inside the functions that need them, so
``import course_code.keras_compat`` works without TensorFlow.

The mappings (checked against Keras 3 source, ``keras/src/optimizers``):

- ``gd()``: ``SGD(learning_rate=lr)``.
- ``momentum(beta)``: ours is :math:`v \\leftarrow \\beta v + (1-\\beta) g,\\ W \\leftarrow W - \\alpha v`;
  Keras is :math:`u \\leftarrow \\mu u - \\eta g,\\ W \\leftarrow W + u`. They agree
  (:math:`u = -\\alpha v`) when :math:`\\mu = \\beta` and :math:`\\eta = \\alpha (1 - \\beta)`.
- ``rmsprop(beta, eps)``: Keras ``RMSprop(rho=beta)`` divides by :math:`\\sqrt{s + \\varepsilon}`,
  ours by :math:`\\sqrt{s} + \\varepsilon`; no constant epsilon maps one onto the other,
  so both sides use the same tiny epsilon and the gap shrinks in proportion to it.
- ``adam(beta1, beta2, eps)``: Keras adds its "epsilon hat" to :math:`\\sqrt{s}` before the
  bias correction, ours to :math:`\\sqrt{\\hat s}` after it: again a gap proportional to epsilon.
- Schedules: ours count epochs, Keras' count optimizer steps. With ``steps_per_epoch``
  updates per epoch, step :math:`n` belongs to epoch :math:`\\lfloor n / \\text{steps\\_per\\_epoch}
  \\rfloor`, so ``decay_steps = T * steps_per_epoch`` and ``staircase=True``.

Every hyperparameter goes to Keras as a NumPy float64: Keras 3 on TensorFlow turns a Python
float into a float32 tensor before casting it, so ``0.9`` becomes ``0.8999999761581421``.
``python_floats=True`` reproduces that mistake on purpose.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from .optimizers import Optimizer
from .schedules import Schedule, constant, exponential_decay, inverse_time_decay, staircase_decay

__all__ = [
    "float64_keras", "keras_optimizer", "keras_schedule", "least_active_fraction", "max_rel_error",
    "optimizer_errors", "optimizer_trajectories", "random_problem", "rel_error", "run_keras", "run_ours",
    "schedule_errors", "schedule_rates", "spec_text", "step_errors", "train_full_batch",
]

#: Keras' own default epsilon for RMSprop and Adam (ours and the course's is 1e-8).
KERAS_DEFAULT_EPSILON = 1e-7
f64 = np.float64


def keras_modules():
    """``(tensorflow, keras)``, imported on first use (quietly)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import tensorflow as tf
    return tf, keras


def least_active_fraction(params: dict, X: np.ndarray) -> float:
    """The smallest fraction of the examples ``X`` (n_x, m) on which a hidden ReLU unit of
    ``params`` is active, i.e. has :math:`Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]} > 0`.

    ``params`` holds ``W1, b1, ..., WL, bL`` in the course's layout (``W[l]`` (n[l], n[l-1]),
    ``b[l]`` (n[l], 1)). A whole-run comparison wants the fraction well above 0: a unit that is
    never active gets exactly zero gradients, where the two sides' epsilon conventions differ most.
    """
    L = len(params) // 2
    A, least = X, 1.0
    for l in range(1, L):
        A = np.maximum(params[f"W{l}"] @ A + params[f"b{l}"], 0.0)
        least = min(least, float((A > 0).mean(axis=1).min()))
    return least


def train_full_batch(model, X: np.ndarray, Y: np.ndarray, loss, optimizer, epochs: int):
    """Keras' side of a whole-run comparison: ``epochs`` full-batch updates of ``model``.

    Each update differentiates ``loss(Y, model(X))`` with a ``GradientTape`` and applies
    ``optimizer``. ``X`` is (n_x, m) and ``Y`` (n_y, m), the course's layout (Keras gets the
    transposes). Returns the parameters in the course's layout (``W[l]`` (n[l], n[l-1]),
    ``b[l]`` (n[l], 1); a ``Dense`` kernel is ``W[l].T``) and the loss before each update.
    """
    tf, _ = keras_modules()
    dtype = model.layers[0].dtype
    Xk, Yk = tf.constant(X.T, dtype=dtype), tf.constant(Y.T, dtype=dtype)
    costs = []
    for _ in range(epochs):
        with tf.GradientTape() as tape:
            value = loss(Yk, model(Xk, training=True))
        grads = tape.gradient(value, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        costs.append(float(value))
    params = {}
    for l, layer in enumerate(model.layers, start=1):
        kernel, bias = layer.get_weights()
        params[f"W{l}"], params[f"b{l}"] = kernel.T, bias.reshape(-1, 1)
    return params, np.array(costs)


@contextmanager
def float64_keras() -> Iterator[None]:
    """Set Keras' global float type to float64 for the block, then restore it."""
    _, keras = keras_modules()
    old = keras.backend.floatx()
    keras.backend.set_floatx("float64")
    try:
        yield
    finally:
        keras.backend.set_floatx(old)


# ------------------------------------------------------------------ errors
def rel_error(a, b) -> np.ndarray:
    """Element-wise :math:`|a - b| / \\max(|a| + |b|, 10^{-12})` (0 where both are 0)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)


def max_rel_error(a: dict, b: dict) -> float:
    """Largest :func:`rel_error` over every parameter and element of two parameter dicts."""
    worst = 0.0
    for k in a:
        if np.shape(a[k]) != np.shape(b[k]):
            raise ValueError(f"{k}: shapes {np.shape(a[k])} and {np.shape(b[k])} differ")
        worst = max(worst, float(rel_error(a[k], b[k]).max()))
    return worst


def step_errors(ours: Sequence[dict], theirs: Sequence[dict]) -> np.ndarray:
    """``(n_steps,)``: the :func:`max_rel_error` of the parameters after each step."""
    if len(ours) != len(theirs):
        raise ValueError(f"{len(ours)} steps against {len(theirs)}")
    return np.array([max_rel_error(a, b) for a, b in zip(ours, theirs, strict=True)])


# ------------------------------------------------------------------ update rules
def random_problem(rng: np.random.Generator, shapes: dict[str, tuple[int, ...]], n_steps: int):
    """Standard-normal parameters, then ``n_steps`` standard-normal gradient dicts (``"dW1"``, ...)."""
    params = {k: rng.standard_normal(s) for k, s in shapes.items()}
    grads = [{"d" + k: rng.standard_normal(s) for k, s in shapes.items()} for _ in range(n_steps)]
    return params, grads


def run_ours(opt: Optimizer, params: dict, grads: Sequence[dict], lr: float) -> list[dict]:
    """Our parameters after every step: a list of ``len(grads)`` dicts."""
    state = opt.init(params)
    history = []
    for g in grads:
        params, state = opt.update(params, g, state, learning_rate=lr)
        history.append(params)
    if state.count != len(grads):
        raise RuntimeError(f"optimizer counted {state.count} steps, expected {len(grads)}")
    return history


@contextmanager
def exact_graphs() -> Iterator[None]:
    """Turn off TensorFlow's arithmetic rewrites of graphs built (first called) in the block.

    A ``tf.function`` runs the same kernels as eager code, except where the graph optimizer
    rewrites the arithmetic (it reorders RMSprop's update, which changes the last bits). With
    it off, a graph gives the eager numbers exactly. The setting is restored afterwards.
    """
    tf, _ = keras_modules()
    old = tf.config.optimizer.get_experimental_options()
    tf.config.optimizer.set_experimental_options({"arithmetic_optimization": False})
    try:
        yield
    finally:
        tf.config.optimizer.set_experimental_options(
            {"arithmetic_optimization": old.get("arithmetic_optimization", True)})


def run_keras(keras_opt, params: dict, grads: Sequence[dict], *, graph: bool = True) -> list[dict]:
    """A Keras optimizer applied to float64 ``tf.Variable``s: a list of ``len(grads)`` dicts.

    ``graph=True`` applies each update through one traced ``tf.function`` (built under
    :func:`exact_graphs`): the same numbers as ``graph=False``'s eager calls, bit for bit,
    in about half the time.
    """
    tf, _ = keras_modules()
    keys = list(params)
    variables = [tf.Variable(params[k], dtype=tf.float64, name=k) for k in keys]
    keras_opt.build(variables)
    apply = lambda gs: keras_opt.apply_gradients(zip(gs, variables, strict=True))  # noqa: E731
    history = []
    with exact_graphs():
        step = tf.function(apply) if graph else apply
        for g in grads:
            step([tf.constant(g["d" + k], dtype=tf.float64) for k in keys])
            history.append({k: v.numpy() for k, v in zip(keys, variables, strict=True)})
    return history


def keras_optimizer(opt: Optimizer, lr: float, *, naive: bool = False) -> tuple[str, dict]:
    """The Keras counterpart of ``opt`` at learning rate ``lr``: ``(class name, kwargs)``.

    ``naive=True`` gives the call written without the mapping: momentum's learning rate not
    scaled by ``1 - beta``, and RMSprop / Adam left at Keras' default epsilon (1e-7).
    """
    # --8<-- [start:keras_optimizer]
    h = opt.hyperparams
    if opt.name == "gd":
        return "SGD", {"learning_rate": f64(lr)}
    if opt.name == "momentum":
        eta = lr if naive else lr * (1.0 - h["beta"])
        return "SGD", {"learning_rate": f64(eta), "momentum": f64(h["beta"])}
    eps = {} if naive else {"epsilon": f64(h["epsilon"])}
    if opt.name == "rmsprop":
        return "RMSprop", {"learning_rate": f64(lr), "rho": f64(h["beta"]), **eps}
    if opt.name == "adam":
        return "Adam", {"learning_rate": f64(lr), "beta_1": f64(h["beta1"]), "beta_2": f64(h["beta2"]), **eps}
    raise ValueError(f"no Keras counterpart for optimizer {opt.name!r}")
    # --8<-- [end:keras_optimizer]


def spec_text(spec: tuple[str, dict]) -> str:
    """``(name, kwargs)`` as the call a reader would type, e.g. ``SGD(learning_rate=0.005)``."""
    name, kwargs = spec
    if name == "float":  # a constant rate: Keras takes the number itself
        return f"learning_rate={float(kwargs['learning_rate']):.6g}"
    return f"{name}(" + ", ".join(f"{k}={float(v):.6g}" if isinstance(v, float) else f"{k}={v}"
                                  for k, v in kwargs.items()) + ")"


def _build(module, spec: tuple[str, dict], python_floats: bool):
    name, kwargs = spec
    if python_floats:
        kwargs = {k: float(v) if isinstance(v, float) else v for k, v in kwargs.items()}
    return getattr(module, name)(**kwargs)


def optimizer_errors(opt: Optimizer, lr: float, params: dict, grads: Sequence[dict], *,
                     naive: bool = False, python_floats: bool = False) -> np.ndarray:
    """``(n_steps,)`` max relative error between ``opt`` and its Keras counterpart after each step.

    Runs in float64 (Keras' float type is set for the call and restored).
    """
    return step_errors(*optimizer_trajectories(opt, lr, params, grads, naive=naive,
                                               python_floats=python_floats))


def optimizer_trajectories(opt: Optimizer, lr: float, params: dict, grads: Sequence[dict], *,
                           naive: bool = False, python_floats: bool = False):
    """``(ours, theirs)``: :func:`run_ours` and :func:`run_keras` (float64) on the same gradients."""
    _, keras = keras_modules()
    ours = run_ours(opt, params, grads, lr)
    with float64_keras():
        keras_opt = _build(keras.optimizers, keras_optimizer(opt, lr, naive=naive), python_floats)
        theirs = run_keras(keras_opt, params, grads)
    return ours, theirs


# ------------------------------------------------------------------ schedules
def keras_schedule(schedule: Schedule, steps_per_epoch: int, *, variant: str = "mapped"):
    """The Keras counterpart of one of our schedules: ``(class name, kwargs)``, or
    ``("float", {"learning_rate": lr0})`` for :class:`constant` (Keras takes a plain number).

    ``variant``: ``"mapped"`` (decay_steps in steps, ``staircase=True``: exact at every step),
    ``"naive"`` (decay_steps left in epochs) or ``"smooth"`` (mapped but ``staircase=False``,
    which decays inside each epoch too).
    """
    if variant not in ("mapped", "naive", "smooth"):
        raise ValueError(f"variant must be mapped, naive or smooth, got {variant!r}")
    if isinstance(schedule, constant):
        return "float", {"learning_rate": f64(schedule.lr0)}
    per = 1 if variant == "naive" else steps_per_epoch
    stair = {} if variant == "smooth" else {"staircase": True}
    if isinstance(schedule, staircase_decay):
        return "InverseTimeDecay", {"initial_learning_rate": f64(schedule.lr0),
                                    "decay_steps": schedule.time_interval * per,
                                    "decay_rate": f64(schedule.decay_rate), "staircase": True}
    name = {inverse_time_decay: "InverseTimeDecay", exponential_decay: "ExponentialDecay"}.get(type(schedule))
    if name is None:
        raise ValueError(f"no Keras counterpart for schedule {schedule!r}")
    return name, {"initial_learning_rate": f64(schedule.lr0), "decay_steps": per,
                  "decay_rate": f64(schedule.decay_rate), **stair}


def schedule_rates(spec: tuple[str, dict], n_steps: int) -> np.ndarray:
    """``(n_steps,)``: the learning rate a float64 Keras ``SGD`` uses for updates 1..n_steps.

    Read from ``optimizer.learning_rate`` with the iteration counter at 0, 1, ..., which is
    what ``apply_gradients`` hands the update (the counter is 0-based, read before it is
    incremented).
    """
    _, keras = keras_modules()
    name, kwargs = spec
    with float64_keras():
        if name == "float":
            lr = kwargs["learning_rate"]
        else:
            lr = getattr(keras.optimizers.schedules, name)(**kwargs)
        opt = keras.optimizers.SGD(learning_rate=lr)
        rates = []
        for step in range(n_steps):
            opt.iterations.assign(step)
            rates.append(float(opt.learning_rate))
    return np.array(rates)


def schedule_errors(schedule: Schedule, steps_per_epoch: int, n_steps: int, *,
                    variant: str = "mapped") -> np.ndarray:
    """``(n_steps,)`` relative error between our rate at epoch ``n // steps_per_epoch`` and
    Keras' rate at step ``n``, for ``n = 0 .. n_steps - 1``."""
    ours = schedule(np.arange(n_steps) // steps_per_epoch)
    theirs = schedule_rates(keras_schedule(schedule, steps_per_epoch, variant=variant), n_steps)
    return rel_error(ours, theirs)
