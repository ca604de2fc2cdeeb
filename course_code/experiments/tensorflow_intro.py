"""TensorFlow introduction: the course's 3-layer softmax network on the 8x8 digits 0-5.

The course's W3A1 assignment trains LINEAR-RELU-LINEAR-RELU-LINEAR (softmax folded into the
loss) with Adam on the SIGNS hand signs; here the stand-in is scikit-learn's 8x8 digits 0-5
(963 train / 120 test images, 6 classes) with layers [64, 25, 12, 6]. Everything runs in
float64 with :mod:`course_code.tf_intro`: the low-level loop (``tf.Variable``, ``tf.data``,
``GradientTape``), the same training done by Keras ``model.fit`` (compared number for
number), and TensorFlow's gradients of our own NumPy network against its backward pass.
The learning rate is raised from the course's 1e-4 (also run, for comparison).
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


@dataclass(frozen=True)
class Config:
    layer_dims: tuple[int, ...] = (64, 25, 12, 6)
    learning_rate: float = 1e-3           # 10x the course's: see course_learning_rate
    course_learning_rate: float = 1e-4
    num_epochs: int = 100                 # the course's cell runs 100 epochs
    minibatch_size: int = 32
    n_seeds: int = 5
    keras_check: bool = True
    check_examples: int = 64              # examples for the GradientTape check
    check_layer_dims: tuple[int, ...] = (64, 25, 12, 1)

    def __post_init__(self):
        check_fields(self, layer_dims="layers", learning_rate="positive", course_learning_rate="positive",
                     num_epochs="count", minibatch_size="count", n_seeds="count", keras_check="bool",
                     check_examples="count", check_layer_dims="layers")
        if self.layer_dims[0] != 64 or self.layer_dims[-1] != 6 or self.check_layer_dims[0] != 64:
            raise ValueError("layer_dims must be 64, ..., 6 (8x8 images, 6 classes) and check_layer_dims "
                             f"64, ..., got {self.layer_dims} and {self.check_layer_dims}")


#: Small enough for the tests.
TINY = Config(num_epochs=3, n_seeds=2, check_examples=16)


@dataclass(frozen=True)
class Result:
    config: Config
    data: datasets.Dataset
    seed: int                              # TensorFlow seed of the headline runs
    run: tf_intro.TFTrainResult            # headline: config.learning_rate
    course_rate: tf_intro.TFTrainResult    # the same start and batches at the course's rate
    seed_accuracy: np.ndarray              # (n_seeds, 2): final train, test accuracy per seed
    seed_course_accuracy: np.ndarray       # (n_seeds, 2): the same at the course's rate
    seed_epochs_to_target: np.ndarray      # (n_seeds, 2): raised, course rate (0 = never)
    keras: tf_intro.KerasComparison | None
    tape_errors: dict[str, float]          # parameter -> relative error, GradientTape vs backward
    confusion: np.ndarray                  # (C, C): row = true class, column = predicted (test)


def _seed_of(rng: np.random.Generator) -> int:
    return int(rng.integers(2**31 - 1))


def confusion_matrix(logits, Y) -> np.ndarray:
    """Counts ``M[i, j]`` of examples of true class ``i`` predicted as ``j``; shapes (C, m)."""
    C = Y.shape[0]
    M = np.zeros((C, C), dtype=np.int64)
    np.add.at(M, (np.argmax(Y, 0), np.argmax(np.asarray(logits), 0)), 1)
    return M


def first_epoch_at_target(accuracy: np.ndarray) -> int:
    """First epoch (1-based) with accuracy >= the target, or 0 if never."""
    hit = np.flatnonzero(accuracy >= TARGET_ACCURACY)
    return int(hit[0]) + 1 if hit.size else 0


def epochs_to_target(epochs: np.ndarray) -> np.ndarray:
    """The entries of ``epochs`` (from :func:`first_epoch_at_target`) that reached the target."""
    return epochs[epochs > 0]


def _tape_check(config: Config, data: datasets.Dataset, rng) -> dict[str, float]:
    """GradientTape vs ``network.backward`` on He weights; the task: is the digit a 0?"""
    X = data.X_train[:, :config.check_examples]
    Y = data.Y_train[:1, :config.check_examples]
    params = initialize_parameters(list(config.check_layer_dims), "he", rng=rng)
    return tf_intro.gradient_tape_check(X, Y, params)


def run(config: Config, *, rng: np.random.Generator) -> Result:
    """Train at the raised and the course's rate, repeat over seeds, compare with Keras."""
    data = datasets.digits(rng=rng)
    seed = _seed_of(rng)
    kw = dict(layer_dims=config.layer_dims, num_epochs=config.num_epochs,
              minibatch_size=config.minibatch_size)
    headline = tf_intro.train_model(*data, learning_rate=config.learning_rate, seed=seed, **kw)
    course = tf_intro.train_model(*data, learning_rate=config.course_learning_rate, seed=seed, **kw)
    accs, course_accs, epochs = [], [], []
    for child in rng.spawn(config.n_seeds):
        s = _seed_of(child)
        r = tf_intro.train_model(*data, learning_rate=config.learning_rate, seed=s, **kw)
        c = tf_intro.train_model(*data, learning_rate=config.course_learning_rate, seed=s, **kw)
        accs.append((r.final_train_accuracy, r.final_test_accuracy))
        course_accs.append((c.final_train_accuracy, c.final_test_accuracy))
        epochs.append((first_epoch_at_target(r.test_accuracy), first_epoch_at_target(c.test_accuracy)))
    keras = None
    if config.keras_check:
        keras = tf_intro.compare_with_keras(headline, *data, learning_rate=config.learning_rate,
                                            seed=seed, **kw)
    logits = tf_intro.forward_propagation(data.X_test, headline.params)
    return Result(config, data, seed, headline, course, np.array(accs), np.array(course_accs),
                  np.array(epochs), keras,
                  _tape_check(config, data, rng), confusion_matrix(logits, data.Y_test))
