"""The course's introduction to TensorFlow 2 (W3A1) as functions, and a Keras bridge.

The exercises (linear function, sigmoid, one-hot, initialization, forward pass, total loss
from logits), a low-level training loop (``tf.Variable``, a shuffled ``tf.data`` pipeline,
``tf.GradientTape``, Keras' ``Adam``), the same network as a Keras ``Sequential`` model
trained on the same batches, and a check of TensorFlow's gradients of
:mod:`course_code.network` against its own backward pass.

It is longer than the package's other modules on purpose: it follows the assignment's
notebook from its first exercise to the trained model, so a learner reads it top to bottom.

Everything uses the course's layout: ``X`` is (n_x, m) with one example per column and
``Y`` is one-hot (C, m). Training runs in **float64** (the data are tiny, so the cost is
small, and float64 lets the Keras and low-level runs agree to ~1e-12 rather than ~1e-5).
TensorFlow is imported inside the functions: ``import course_code.tf_intro`` does not
import it. Hyperparameters go to Keras as NumPy float64 scalars: Keras 3 rounds a Python
float to float32 first (``0.9`` becomes ``0.8999999761...``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "KerasComparison",
    "TFTrainResult",
    "compare_with_keras",
    "compute_total_loss",
    "forward_propagation",
    "gradient_tape_check",
    "initialize_parameters",
    "keras_model",
    "linear_function",
    "one_hot_matrix",
    "sigmoid",
    "tape_gradients",
    "train_keras",
    "train_model",
]

ADAM_DEFAULTS = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}  # Keras' (and the course's)


def _tf():
    import tensorflow as tf

    return tf


# ---------------------------------------------------------------- the exercises
def linear_function(rng):
    """The course's first exercise: ``Y = W X + b`` with X (3, 1), W (4, 3), b (4, 1).

    ``X``, ``W`` and ``b`` are drawn from ``rng.standard_normal`` in that order, as float64
    ``tf.constant``s; with ``np.random.RandomState(1)`` (the course's ``np.random.seed(1)``)
    the result is ``[[-2.15657382], [2.95891446], [-1.08926781], [-0.84538042]]``.
    Returns a float64 ``tf.Tensor`` of shape (4, 1).
    """
    tf = _tf()
    X = tf.constant(rng.standard_normal((3, 1)), name="X")
    W = tf.constant(rng.standard_normal((4, 3)), name="W")
    b = tf.constant(rng.standard_normal((4, 1)), name="b")
    return tf.add(tf.matmul(W, X), b)


def sigmoid(z, *, dtype: str = "float32"):
    """:math:`1 / (1 + e^{-z})` as a ``tf.Tensor``; the course casts to float32 first.

    ``sigmoid(-1) = 0.26894143``, ``sigmoid(0) = 0.5``, ``sigmoid(12) = 0.9999939`` (float32).
    """
    tf = _tf()
    return tf.keras.activations.sigmoid(tf.cast(z, dtype))


def one_hot_matrix(label, depth: int = 6):
    """One label as a one-hot vector of shape (depth,), float32 (the course's ``tf.one_hot``).

    ``one_hot_matrix(1, 4)`` is ``[0., 1., 0., 0.]``; ``label`` may be a scalar or a
    one-element array. A label outside ``0 .. depth - 1`` raises ``ValueError`` (``tf.one_hot``
    alone would return all zeros).
    """
    # --8<-- [start:one_hot]
    tf = _tf()
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 1:
        raise ValueError(f"depth must be a positive integer, got {depth!r}")
    arr = np.asarray(label)
    if arr.size != 1 or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"label must be one integer, got shape {arr.shape} and dtype {arr.dtype}")
    if not 0 <= int(arr.ravel()[0]) < depth:
        raise ValueError(f"label {int(arr.ravel()[0])} is outside 0 .. {depth - 1}")
    return tf.reshape(tf.one_hot(arr.reshape(1), depth, axis=0), (depth,))
    # --8<-- [end:one_hot]


def _layer_seed(seed: int, layer: int) -> int:
    """An independent 31-bit seed per layer (Keras' seeded initializers are stateless)."""
    return int(np.random.SeedSequence([seed, layer]).generate_state(1)[0] & 0x7FFFFFFF)


def initialize_parameters(layer_dims, *, seed: int) -> dict:
    """Float64 ``tf.Variable``s ``W1, b1, ..., WL, bL``: Glorot-normal weights, zero biases.

    ``W[l]`` has shape (n[l], n[l-1]) and is drawn by Keras' ``GlorotNormal`` (a normal
    truncated at two standard deviations, rescaled to standard deviation
    :math:`\\sqrt{2 / (n^{[l-1]} + n^{[l]})}`), one independently seeded draw per layer.
    ``b[l]`` has shape (n[l], 1) and is **zero**. The course Glorot-initialises the biases
    too; zero biases are the standard choice (Keras' ``Dense`` default) because random
    weights already break the symmetry between units, and a random bias only adds an
    arbitrary offset to each unit's pre-activation.
    """
    # --8<-- [start:initialize_parameters]
    tf = _tf()
    dims = [int(d) for d in layer_dims]
    if len(dims) < 2 or min(dims) < 1:
        raise ValueError(f"layer_dims must list at least 2 positive sizes, got {list(layer_dims)}")
    params = {}
    for l in range(1, len(dims)):
        init = tf.keras.initializers.GlorotNormal(seed=_layer_seed(seed, l))
        params[f"W{l}"] = tf.Variable(init((dims[l], dims[l - 1]), dtype="float64"), name=f"W{l}")
        params[f"b{l}"] = tf.Variable(tf.zeros((dims[l], 1), dtype="float64"), name=f"b{l}")
    return params
    # --8<-- [end:initialize_parameters]


def _num_layers(params) -> int:
    L = len([k for k in params if k.startswith("W")])
    if L == 0 or set(params) != {f"{p}{l}" for l in range(1, L + 1) for p in "Wb"}:
        raise ValueError(f"params must have keys W1, b1, ..., WL, bL; got {sorted(params)}")
    return L


def forward_propagation(X, params):
    """LINEAR -> RELU -> ... -> LINEAR: the logits ``Z[L]`` of shape (n[L], m), no softmax.

    ``X`` has shape (n_x, m); for the course's three layers this is
    LINEAR-RELU-LINEAR-RELU-LINEAR. The softmax is folded into the loss
    (:func:`compute_total_loss`).
    """
    # --8<-- [start:forward_propagation]
    tf = _tf()
    L = _num_layers(params)
    A = tf.convert_to_tensor(X, dtype=params["W1"].dtype)
    n_x = params["W1"].shape[1]
    if A.shape.rank != 2 or A.shape[0] != n_x:
        raise ValueError(f"X must have shape ({n_x}, m), one example per column; got {tuple(A.shape)}")
    for l in range(1, L + 1):
        Z = tf.add(tf.linalg.matmul(params[f"W{l}"], A), params[f"b{l}"])
        A = tf.keras.activations.relu(Z) if l < L else Z
    return A
    # --8<-- [end:forward_propagation]


def compute_total_loss(logits, labels):
    """Sum over the batch of the categorical cross-entropy of softmax(logits): a scalar.

    ``logits`` and ``labels`` (one-hot) have shape (C, m). This is the course's reference,
    ``reduce_sum(categorical_crossentropy(labels.T, logits.T, from_logits=True))``:

    .. math:: \\mathcal{J} = -\\sum_{i=1}^{m} \\sum_{c=1}^{C} y_c^{(i)}
              \\log \\operatorname{softmax}(z^{(i)})_c
    """
    # --8<-- [start:compute_total_loss]
    tf = _tf()
    logits = tf.convert_to_tensor(logits)
    labels = tf.cast(labels, logits.dtype)
    if logits.shape.rank != 2 or labels.shape != logits.shape:
        raise ValueError(f"logits and labels must both have shape (C, m); got logits "
                         f"{tuple(logits.shape)} and labels {tuple(labels.shape)}")
    per_example = tf.keras.losses.categorical_crossentropy(
        tf.transpose(labels), tf.transpose(logits), from_logits=True)
    return tf.reduce_sum(per_example)
    # --8<-- [end:compute_total_loss]


# ---------------------------------------------------------------- training
@dataclass(frozen=True)
class TFTrainResult:
    """A trained network and its per-epoch record.

    ``costs[e]`` is the per-example mean cross-entropy of epoch ``e`` (the sum of the batch
    totals divided by m, accumulated while the weights change, as the course does);
    the accuracies are measured on the whole sets after each epoch.
    """

    params: dict                 # W1, b1, ... as float64 NumPy arrays
    costs: np.ndarray            # (num_epochs,)
    train_accuracy: np.ndarray   # (num_epochs,)
    test_accuracy: np.ndarray    # (num_epochs,)
    final_train_accuracy: float
    final_test_accuracy: float


def _check_data(X_train, Y_train, X_test, Y_test, layer_dims):
    n_x, C = int(layer_dims[0]), int(layer_dims[-1])
    out = []
    for name, X, Y in (("train", X_train, Y_train), ("test", X_test, Y_test)):
        X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
        if X.ndim != 2 or X.shape[0] != n_x:
            raise ValueError(f"X_{name} must have shape ({n_x}, m), got {X.shape}")
        if Y.shape != (C, X.shape[1]):
            raise ValueError(f"Y_{name} must have shape ({C}, {X.shape[1]}), got {Y.shape}")
        out += [X, Y]
    return out


def _shuffled_batches(X, Y, minibatch_size: int, seed: int, num_epochs: int):
    """A ``tf.data`` pipeline of ``num_epochs`` passes over (X, Y) in row batches.

    Each pass is in a fresh order, ``stateless_shuffle`` seeded by ``(seed, epoch)``; no
    batch straddles two passes. Being stateless, the order depends on nothing else (not on
    TensorFlow's global seed, nor on how many iterators were made), so the low-level loop
    and ``model.fit`` see the same batches.
    """
    # --8<-- [start:shuffled_batches]
    tf = _tf()
    m = X.shape[1]
    rows_X, rows_Y = tf.constant(X.T), tf.constant(Y.T)

    def one_pass(epoch):
        order = tf.random.experimental.stateless_shuffle(
            tf.range(m, dtype=tf.int64), seed=tf.stack([tf.constant(seed, tf.int64), epoch]))
        return tf.data.Dataset.from_tensor_slices(order).batch(minibatch_size)

    return (tf.data.Dataset.range(num_epochs).flat_map(one_pass)
            .map(lambda idx: (tf.gather(rows_X, idx), tf.gather(rows_Y, idx))))
    # --8<-- [end:shuffled_batches]


def _steps_per_epoch(m: int, minibatch_size: int) -> int:
    return -(-m // minibatch_size)


def _adam(learning_rate: float):
    tf = _tf()
    return tf.keras.optimizers.Adam(learning_rate=np.float64(learning_rate),
                                    **{k: np.float64(v) for k, v in ADAM_DEFAULTS.items()})


def _accuracy(logits, Y) -> float:
    return float(np.mean(np.argmax(np.asarray(logits), 0) == np.argmax(Y, 0)))


def train_model(X_train, Y_train, X_test, Y_test, *, layer_dims, learning_rate: float,
                num_epochs: int, minibatch_size: int = 32, seed: int) -> TFTrainResult:
    """Train the course's network with ``tf.Variable``s, ``tf.data``, ``GradientTape`` and Adam.

    Each step differentiates :func:`compute_total_loss` of one mini-batch (the course's
    total: a short last batch gives a smaller gradient, so Adam takes a smaller step) and
    applies Keras' ``Adam`` (beta_1 0.9, beta_2 0.999, epsilon 1e-7). The weights come from
    :func:`initialize_parameters` with ``seed`` and the batch order from
    :func:`_shuffled_batches` (a fresh stateless shuffle per epoch, seeded by ``seed``), so
    the same arguments give the same numbers on CPU. One epoch's steps run inside one
    ``tf.function`` (a graph loop over the batch iterator): ~9 ms an epoch instead of ~25 ms.

    Returns
    -------
    TFTrainResult
        Float64 NumPy parameters, the per-epoch mean cost and accuracies.
    """
    tf = _tf()
    X_train, Y_train, X_test, Y_test = _check_data(X_train, Y_train, X_test, Y_test, layer_dims)
    params = initialize_parameters(layer_dims, seed=seed)
    variables = list(params.values())
    optimizer = _adam(learning_rate)
    optimizer.build(variables)
    m = X_train.shape[1]
    per_epoch = _steps_per_epoch(m, minibatch_size)

    # --8<-- [start:train_model]
    @tf.function
    def epoch(batches):  # one pass: per_epoch steps; returns the sum of the batch totals
        total = tf.constant(0.0, tf.float64)
        for _ in tf.range(per_epoch):
            x, y = next(batches)  # x: (batch, n_x) rows; the network wants columns
            with tf.GradientTape() as tape:
                loss = compute_total_loss(forward_propagation(tf.transpose(x), params),
                                          tf.transpose(y))
            optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
            total += loss
        return total

    batches = iter(_shuffled_batches(X_train, Y_train, minibatch_size, seed, num_epochs))
    costs, train_acc, test_acc = [], [], []
    for _ in range(num_epochs):
        costs.append(float(epoch(batches)) / m)
        train_acc.append(_accuracy(forward_propagation(X_train, params), Y_train))
        test_acc.append(_accuracy(forward_propagation(X_test, params), Y_test))
    return TFTrainResult({k: v.numpy() for k, v in params.items()}, np.array(costs),
                         np.array(train_acc), np.array(test_acc), train_acc[-1], test_acc[-1])
    # --8<-- [end:train_model]


# ---------------------------------------------------------------- the Keras version
def keras_model(params: dict):
    """A Keras ``Sequential`` copy of the network ``params`` (course layout), in float64.

    ``Dense`` computes ``x @ kernel + bias`` on rows, so each kernel is ``W[l].T``
    (shape (n[l-1], n[l])) and each bias is ``b[l].ravel()``. Hidden layers use ReLU; the
    output layer is linear (logits).
    """
    # --8<-- [start:keras_model]
    tf = _tf()
    keras = tf.keras
    L = _num_layers(params)
    W = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
    model = keras.Sequential([keras.Input((W["W1"].shape[1],), dtype="float64")] + [
        keras.layers.Dense(W[f"W{l}"].shape[0], activation="relu" if l < L else None,
                           dtype="float64", name=f"layer{l}") for l in range(1, L + 1)])
    model.set_weights([a for l in range(1, L + 1) for a in (W[f"W{l}"].T, W[f"b{l}"].ravel())])
    return model
    # --8<-- [end:keras_model]


def _params_of(model) -> dict:
    out = {}
    for l, layer in enumerate(model.layers, start=1):
        kernel, bias = layer.get_weights()
        out[f"W{l}"], out[f"b{l}"] = kernel.T.copy(), bias.reshape(-1, 1).copy()
    return out


def train_keras(X_train, Y_train, *, layer_dims, learning_rate: float, num_epochs: int,
                minibatch_size: int = 32, seed: int) -> dict:
    """:func:`train_model`'s run done by ``model.fit``: the same start, batches and Adam.

    The loss is ``CategoricalCrossentropy(
                      from_logits=True, reduction="sum", dtype="float64")``, the
    course's batch total. ``steps_per_execution`` runs a whole epoch per graph call (the
    same updates as one step per call, in half the time). Returns the trained parameters
    in the course layout (NumPy).
    """
    # --8<-- [start:train_keras]
    tf = _tf()
    X_train, Y_train, _, _ = _check_data(X_train, Y_train, X_train, Y_train, layer_dims)
    start = {k: v.numpy() for k, v in initialize_parameters(layer_dims, seed=seed).items()}
    model = keras_model(start)
    steps = _steps_per_epoch(X_train.shape[1], minibatch_size)
    model.compile(optimizer=_adam(learning_rate), jit_compile=False,
                  steps_per_execution=steps,  # one graph call per epoch, as in train_model
                  loss=tf.keras.losses.CategoricalCrossentropy(
                      from_logits=True, reduction="sum", dtype="float64"))
    batches = _shuffled_batches(X_train, Y_train, minibatch_size, seed, num_epochs)
    model.fit(batches, epochs=num_epochs, verbose=0, shuffle=False, steps_per_epoch=steps)
    return _params_of(model)
    # --8<-- [end:train_keras]


@dataclass(frozen=True)
class KerasComparison:
    """The low-level run against ``model.fit`` from the same start on the same batches."""

    max_abs_weight_difference: float   # over every element of every W and b
    max_abs_weight: float              # for scale
    train_cost: tuple[float, float]    # final per-example mean cross-entropy: low-level, Keras
    test_cost: tuple[float, float]
    train_accuracy: tuple[float, float]
    test_accuracy: tuple[float, float]


def _mean_cost(X, Y, params) -> float:
    return float(compute_total_loss(forward_propagation(X, params), Y)) / X.shape[1]


def compare_with_keras(low: TFTrainResult, X_train, Y_train, X_test, Y_test, *, layer_dims,
                       learning_rate, num_epochs, minibatch_size=32, seed) -> KerasComparison:
    """Train the Keras version with ``low``'s arguments and compare the final numbers."""
    theirs = train_keras(X_train, Y_train, layer_dims=layer_dims, learning_rate=learning_rate,
                         num_epochs=num_epochs, minibatch_size=minibatch_size, seed=seed)
    ours = low.params
    diff = max(float(np.max(np.abs(ours[k] - theirs[k]))) for k in ours)
    scale = max(float(np.max(np.abs(ours[k]))) for k in ours)

    def pair(fn, X, Y):
        return fn(X, Y, ours), fn(X, Y, theirs)

    def acc(X, Y, p):
        return _accuracy(forward_propagation(X, p), Y)

    return KerasComparison(diff, scale, pair(_mean_cost, X_train, Y_train),
                           pair(_mean_cost, X_test, Y_test), pair(acc, X_train, Y_train),
                           pair(acc, X_test, Y_test))


# ---------------------------------------------------------------- GradientTape check
def tape_gradients(X, Y, params: dict) -> dict:
    """TensorFlow's gradients of :mod:`course_code.network`'s cost, in float64.

    The network is ReLU hidden layers and a sigmoid output; the mean binary cross-entropy is
    computed from the logits ``Z[L]`` by ``tf.nn.sigmoid_cross_entropy_with_logits``.
    Returns ``dW1, db1, ...`` as NumPy arrays, keyed like :func:`course_code.network.backward`.
    """
    # --8<-- [start:tape_gradients]
    tf = _tf()
    L = _num_layers(params)
    variables = {k: tf.Variable(np.asarray(v, dtype=np.float64), name=k) for k, v in params.items()}
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    if Y.shape != (variables[f"W{L}"].shape[0], X.shape[1]):
        raise ValueError(f"Y must have shape ({variables[f'W{L}'].shape[0]}, {X.shape[1]}), "
                         f"got {Y.shape}")
    with tf.GradientTape() as tape:
        logits = forward_propagation(X, variables)
        cost = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=Y, logits=logits))
    grads = tape.gradient(cost, variables)
    return {"d" + k: g.numpy() for k, g in grads.items()}
    # --8<-- [end:tape_gradients]


def gradient_tape_check(X, Y, params: dict) -> dict[str, float]:
    """Relative difference, per parameter, between ``GradientTape`` and ``network.backward``.

    Uses :func:`course_code.gradient_check.relative_difference`,
    :math:`\\lVert a - b\\rVert_2 / (\\lVert a\\rVert_2 + \\lVert b\\rVert_2)`; about 1e-16
    when both are right.
    """
    from .gradient_check import relative_difference
    from .network import backward, forward

    AL, caches = forward(X, params)
    ours = backward(AL, Y, caches)
    theirs = tape_gradients(X, Y, params)
    return {k: relative_difference(ours["d" + k], theirs["d" + k]) for k in params}
