"""Softmax regression from scratch: the NumPy network with a softmax output on the 8x8 digits 0-5.

The data and the train/test split are the TensorFlow page's (scikit-learn's digits 0-5,
963 train / 120 test images, drawn with that page's seed), and so is the network,
LINEAR-RELU-LINEAR-RELU-LINEAR-SOFTMAX with layers [64, 25, 12, 6], trained with Adam on
mini-batches of 32. The last ``n_dev`` training images are held out as a dev set: the
learning rate and the number of epochs are chosen there (mean dev accuracy over the seeds),
then the network is retrained on all training images and scored on the test set once.
A second retraining uses the TensorFlow page's own settings, for a like-for-like comparison.
It also checks the softmax network's gradients, that a 2-class softmax is the sigmoid
network, and compares the softmax with the hardmax on the test images.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import datasets
from ..activations import hardmax, softmax
from ..checks import check_fields
from ..gradient_check import gradient_check, numerical_gradient
from ..initializers import initialize_parameters
from ..losses import categorical_cross_entropy_from_logits
from ..network import accuracy, forward
from ..optimizers import adam
from ..schedules import constant
from ..training import train_many

SEED = 3
#: Rough run time of the default config on a 2-core machine.
EXPECTED_SECONDS = 8


@dataclass(frozen=True)
class Config:
    layer_dims: tuple[int, ...] = (64, 25, 12, 6)
    split_seed: int = 1                  # the TensorFlow page's seed: the same split
    n_dev: int = 120                     # held out from the training images for the selection
    learning_rates: tuple[float, ...] = (3e-4, 1e-3, 3e-3, 1e-2)
    epoch_choices: tuple[int, ...] = (20, 60)
    tf_learning_rate: float = 1e-3       # the TensorFlow page's settings
    tf_num_epochs: int = 100
    minibatch_size: int = 32
    n_seeds: int = 5
    check_examples: int = 8              # examples for the gradient checks
    check_lambd: float = 0.7

    def __post_init__(self):
        check_fields(self, layer_dims="layers", split_seed="count0", n_dev="count",
                     learning_rates="positives", epoch_choices="counts", tf_learning_rate="positive",
                     tf_num_epochs="count", minibatch_size="count", n_seeds="count", check_examples="count",
                     check_lambd="positive")
        if self.layer_dims[0] != 64 or self.layer_dims[-1] != 6:
            raise ValueError(f"layer_dims must be 64, ..., 6 (8x8 images, 6 classes), got {self.layer_dims}")
        if self.n_dev >= 963 - self.minibatch_size:
            raise ValueError(f"n_dev={self.n_dev!r} leaves too few of the 963 training images")


#: Small enough for the tests.
TINY = Config(learning_rates=(1e-3, 1e-2), epoch_choices=(2, 4), tf_num_epochs=3, n_seeds=2,
              check_examples=4)


@dataclass(frozen=True)
class Result:
    config: Config
    data: datasets.Dataset
    dev_accuracy: np.ndarray        # (n_rates, n_epoch_choices, n_seeds)
    best_rate: float
    best_epochs: int
    selected_accuracy: np.ndarray   # (n_seeds, 2): train, test accuracy after retraining on all
    tf_settings_accuracy: np.ndarray  # (n_seeds, 2): the same with the TensorFlow page's settings
    costs: np.ndarray               # (best_epochs,): the selected run's cost per epoch (first seed)
    test_logits: np.ndarray         # (C, m_test): the selected first seed's logits on the test set
    gradient_check: float           # relative difference, softmax network, no penalty
    gradient_check_l2: float        # the same with L2
    two_class_difference: float     # max relative difference, 2-class softmax vs its sigmoid twin
    hardmax_gradient_nonzero: int   # nonzero entries of the hardmax cost's numerical gradient
    softmax_gradient_nonzero: int   # the same for the softmax cost


def _split(config: Config):
    data = datasets.digits(rng=np.random.default_rng(config.split_seed))
    cut = data.X_train.shape[1] - config.n_dev
    fit = data.X_train[:, :cut], data.Y_train[:, :cut]
    return data, fit, (data.X_train[:, cut:], data.Y_train[:, cut:])


def _train(X, Y, config: Config, rate: float, epochs: int, rngs):
    return train_many(X, Y, list(config.layer_dims), optimizer=adam(), schedule=constant(rate),
                      num_epochs=epochs, mini_batch_size=config.minibatch_size, inits="xavier", rngs=rngs,
                      record_every=1, output="softmax")


def _accuracies(runs, sets) -> np.ndarray:
    return np.array([[accuracy(X, Y, r.params, output="softmax") for X, Y in sets] for r in runs])


def _checks(config: Config, data: datasets.Dataset, rng):
    """Gradient checks, the 2-class twin, and the hardmax's (absent) gradient."""
    n = config.check_examples
    X, Y = data.X_train[:, :n], data.Y_train[:, :n]
    params = initialize_parameters(list(config.layer_dims), "xavier", rng=rng)
    plain = gradient_check(params, X, Y, epsilon=1e-6, output="softmax")
    l2 = gradient_check(params, X, Y, lambd=config.check_lambd, epsilon=1e-6, output="softmax")
    two = initialize_parameters([64, 25, 12, 2], "xavier", rng=rng)
    twin = {**two, "W3": two["W3"][1:] - two["W3"][:1], "b3": two["b3"][1:] - two["b3"][:1]}
    p2 = forward(data.X_test, two, output="softmax")[0][1:]
    p1 = forward(data.X_test, twin)[0]
    Z = rng.standard_normal((config.layer_dims[-1], n))
    hard = numerical_gradient(lambda z: -float(np.sum(Y * hardmax(z))) / n, Z, epsilon=1e-6)
    soft = numerical_gradient(lambda z: categorical_cross_entropy_from_logits(z, Y), Z, epsilon=1e-6)
    return plain, l2, float(np.max(np.abs(p2 - p1) / p1)), int(np.count_nonzero(hard)), \
        int(np.count_nonzero(soft))


def run(config: Config, *, rng: np.random.Generator) -> Result:
    """Select the rate and epochs on dev across seeds, retrain on all training images, test once."""
    data, train, dev = _split(config)
    seeds = [int(s) for s in rng.integers(2**31 - 1, size=config.n_seeds)]  # one per network
    dev_acc = np.empty((len(config.learning_rates), len(config.epoch_choices), config.n_seeds))
    for i, rate in enumerate(config.learning_rates):
        for j, epochs in enumerate(config.epoch_choices):  # the same seeds for every choice
            runs = _train(*train, config, rate, epochs, [np.random.default_rng(s) for s in seeds])
            dev_acc[i, j] = _accuracies(runs, [dev])[:, 0]
    i, j = np.unravel_index(np.argmax(dev_acc.mean(axis=2)), dev_acc.shape[:2])  # first best on ties
    rate, epochs = float(config.learning_rates[i]), int(config.epoch_choices[j])
    sets = [(data.X_train, data.Y_train), (data.X_test, data.Y_test)]
    final = _train(data.X_train, data.Y_train, config, rate, epochs,
                   [np.random.default_rng(s) for s in seeds])
    tf_like = _train(data.X_train, data.Y_train, config, config.tf_learning_rate, config.tf_num_epochs,
                     [np.random.default_rng(s) for s in seeds])
    logits = forward(data.X_test, final[0].params, output="softmax")[1][-1].linear_activation.Z
    checks = _checks(config, data, rng)
    return Result(config, data, dev_acc, rate, epochs, _accuracies(final, sets), _accuracies(tf_like, sets),
                  final[0].costs, logits, *checks)


def probabilities(result: Result) -> np.ndarray:
    """Softmax probabilities of the selected network on the test images, shape (C, m_test)."""
    return softmax(result.test_logits)[0]
