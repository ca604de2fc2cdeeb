"""TensorFlow introduction: the course's 3-layer softmax network on the 8x8 digits 0-5.

The course's W3A1 assignment trains LINEAR-RELU-LINEAR-RELU-LINEAR (softmax folded into the
loss) with Adam on the SIGNS hand signs; here the stand-in is scikit-learn's 8x8 digits 0-5
(963 train / 120 test images, 6 classes) with layers [64, 25, 12, 6]. A dev set of
``n_dev`` images is drawn (with ``rng``) from the training images and the network trains on
the rest; the per-epoch curves and the comparison of the two learning rates are measured on
the dev set, and the test set is scored once, at the end, for the rate the dev set chose. Everything runs in
float64 with :mod:`course_code.tf_intro`: the low-level loop (``tf.Variable``, ``tf.data``,
``GradientTape``), the same training done by Keras ``model.fit`` (compared number for
number), and TensorFlow's gradients of our own NumPy network against its backward pass.
The learning rate is raised from the course's 1e-4 (also run, for comparison on the dev set).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import datasets, tf_intro
from ..checks import check_fields
from ..initializers import initialize_parameters

SEED = 1
#: Rough run time of the default config on a 2-core machine, TensorFlow's import included.
EXPECTED_SECONDS = 18
#: TensorFlow's version goes into the build's cache key.
EXTRA_LIBRARIES = ("tensorflow",)
TARGET_ACCURACY = 0.95
#: Training images of the digits 0-5 (1083 images, 120 kept for the test set).
N_POOL = 963


@dataclass(frozen=True)
class Config:
    layer_dims: tuple[int, ...] = (64, 25, 12, 6)
    learning_rate: float = 1e-3           # 10x the course's: see course_learning_rate
    course_learning_rate: float = 1e-4
    num_epochs: int = 100                 # the course's cell runs 100 epochs
    minibatch_size: int = 32
    n_seeds: int = 5
    n_dev: int = 120                      # dev images carved from the 963 training images
    keras_check: bool = True
    check_examples: int = 64              # examples for the GradientTape check
    check_layer_dims: tuple[int, ...] = (64, 25, 12, 1)

    def __post_init__(self):
        check_fields(self, layer_dims="layers", learning_rate="positive", course_learning_rate="positive",
                     num_epochs="count", minibatch_size="count", n_seeds="count", n_dev="count",
                     keras_check="bool",
                     check_examples="count", check_layer_dims="layers")
        if self.layer_dims[0] != 64 or self.layer_dims[-1] != 6 or self.check_layer_dims[0] != 64:
            raise ValueError("layer_dims must be 64, ..., 6 (8x8 images, 6 classes) and check_layer_dims "
                             f"64, ..., got {self.layer_dims} and {self.check_layer_dims}")
        if self.n_dev >= N_POOL:
            raise ValueError(f"n_dev must be smaller than the {N_POOL} training images, got {self.n_dev}")


#: Small enough for the tests.
TINY = Config(num_epochs=3, n_seeds=2, check_examples=16)


@dataclass(frozen=True)
class Result:
    config: Config
    data: datasets.Dataset                 # X_train/Y_train: the images trained on; X_test/Y_test
    X_dev: np.ndarray                      # (64, n_dev) dev images, drawn from the training images
    Y_dev: np.ndarray                      # (6, n_dev)
    dev_index: np.ndarray                  # (n_dev,) positions of the dev images among the 963
    train_index: np.ndarray                # (963 - n_dev,) positions of the images trained on
    seed: int                              # TensorFlow seed of the headline runs
    #: Headline run at config.learning_rate; its ``test_accuracy`` curve is on the DEV set.
    run: tf_intro.TFTrainResult
    course_rate: tf_intro.TFTrainResult    # the same start and batches at the course's rate (dev curve)
    seed_accuracy: np.ndarray              # (n_seeds, 2): final train, DEV accuracy per seed
    seed_course_accuracy: np.ndarray       # (n_seeds, 2): the same at the course's rate
    seed_epochs_to_target: np.ndarray      # (n_seeds, 2): raised, course rate, on dev (0 = never)
    chosen_learning_rate: float            # chosen on the dev set by choose_rate
    test_accuracy: float                   # the chosen rate's headline network, scored once
    seed_test_accuracy: np.ndarray         # (n_seeds,): the chosen rate's network per seed, once each
    keras: tf_intro.KerasComparison | None  # its "test" pair is on the dev set
    tape_errors: dict[str, float]          # parameter -> relative error, GradientTape vs backward
    confusion: np.ndarray                  # (C, C): row = true class, column = predicted (test)
    curve_set: str = "dev"                 # which set the per-epoch curves were measured on


def _seed_of(rng: np.random.Generator) -> int:
    return int(rng.integers(2**31 - 1))


def confusion_matrix(logits, Y) -> np.ndarray:
    """Counts ``M[i, j]`` of examples of true class ``i`` predicted as ``j``; shapes (C, m)."""
    C = Y.shape[0]
    M = np.zeros((C, C), dtype=np.int64)
    np.add.at(M, (np.argmax(Y, 0), np.argmax(np.asarray(logits), 0)), 1)
    return M


def accuracy(params: dict, X, Y) -> float:
    """Fraction of the columns of ``X`` (64, m) whose predicted class matches one-hot ``Y`` (C, m)."""
    logits = np.asarray(tf_intro.forward_propagation(X, params))
    return float(np.mean(np.argmax(logits, 0) == np.argmax(Y, 0)))


def first_epoch_at_target(accuracy: np.ndarray) -> int:
    """First epoch (1-based) with accuracy >= the target, or 0 if never."""
    hit = np.flatnonzero(accuracy >= TARGET_ACCURACY)
    return int(hit[0]) + 1 if hit.size else 0


def epochs_to_target(epochs: np.ndarray) -> np.ndarray:
    """The entries of ``epochs`` (from :func:`first_epoch_at_target`) that reached the target."""
    return epochs[epochs > 0]


# --8<-- [start:choose_rate]
def choose_rate(epochs: np.ndarray, dev_accuracy: np.ndarray, num_epochs: int) -> int:
    """Column the dev set chooses (0 raised, 1 course): sooner to the target, then accuracy."""
    # epochs: (n_seeds, 2) first epoch at the target on the dev curves, 0 = never (counted as
    # num_epochs + 1); dev_accuracy: (n_seeds, 2) final dev accuracies; a tie in the mean
    # epochs goes to the higher mean dev accuracy.
    cost = np.where(epochs > 0, epochs, num_epochs + 1).mean(axis=0)
    if cost[0] != cost[1]:
        return int(np.argmin(cost))
    return int(np.argmax(dev_accuracy.mean(axis=0)))
# --8<-- [end:choose_rate]


def split_dev(n: int, n_dev: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A random ``(dev_index, train_index)`` partition of ``range(n)``, sorted, disjoint."""
    order = rng.permutation(n)
    return np.sort(order[:n_dev]), np.sort(order[n_dev:])


def _tape_check(config: Config, data: datasets.Dataset, rng) -> dict[str, float]:
    """GradientTape vs ``network.backward`` on He weights; the task: is the digit a 0?"""
    X = data.X_train[:, :config.check_examples]
    Y = data.Y_train[:1, :config.check_examples]
    params = initialize_parameters(list(config.check_layer_dims), "he", rng=rng)
    return tf_intro.gradient_tape_check(X, Y, params)


def run(config: Config, *, rng: np.random.Generator) -> Result:
    """Train at both rates (curves on dev), choose on dev, score the test set once."""
    full = datasets.digits(rng=rng)
    dev_index, train_index = split_dev(full.X_train.shape[1], config.n_dev, rng)
    X_dev, Y_dev = full.X_train[:, dev_index], full.Y_train[:, dev_index]
    data = datasets.Dataset(full.X_train[:, train_index], full.Y_train[:, train_index],
                            full.X_test, full.Y_test)
    # the trainer's second set is the dev set: its "test" curve is the dev curve
    on_dev = (data.X_train, data.Y_train, X_dev, Y_dev)
    seed = _seed_of(rng)
    kw = dict(layer_dims=config.layer_dims, num_epochs=config.num_epochs,
              minibatch_size=config.minibatch_size)
    rates = (config.learning_rate, config.course_learning_rate)
    headline, course = (tf_intro.train_model(*on_dev, learning_rate=lr, seed=seed, **kw) for lr in rates)
    accs, epochs, seed_params = [], [], []
    for child in rng.spawn(config.n_seeds):
        s = _seed_of(child)
        pair = [tf_intro.train_model(*on_dev, learning_rate=lr, seed=s, **kw) for lr in rates]
        accs.append([(r.final_train_accuracy, r.final_test_accuracy) for r in pair])
        epochs.append([first_epoch_at_target(r.test_accuracy) for r in pair])
        seed_params.append([r.params for r in pair])
    accs, epochs = np.array(accs), np.array(epochs)
    chosen = choose_rate(epochs, accs[:, :, 1], config.num_epochs)
    # the test set, once, for the chosen rate only
    best = (headline, course)[chosen]
    test_accuracy = accuracy(best.params, data.X_test, data.Y_test)
    seed_test = np.array([accuracy(p[chosen], data.X_test, data.Y_test) for p in seed_params])
    keras = None
    if config.keras_check:
        keras = tf_intro.compare_with_keras(headline, *on_dev, learning_rate=config.learning_rate,
                                            seed=seed, **kw)
    logits = tf_intro.forward_propagation(data.X_test, best.params)
    return Result(config, data, X_dev, Y_dev, dev_index, train_index, seed, headline, course,
                  accs[:, 0], accs[:, 1], epochs, rates[chosen], test_accuracy, seed_test, keras,
                  _tape_check(config, data, rng), confusion_matrix(logits, data.Y_test))
