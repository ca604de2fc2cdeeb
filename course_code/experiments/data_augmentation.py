"""Data augmentation: dev accuracy against training-set size, with and without shifted copies.

The data, split and network are the Softmax page's: scikit-learn's 8x8 digits 0-5 split as on
the TensorFlow page, the last ``n_dev`` training images held out as a dev set, and the NumPy
network [64, 25, 12, 6] with a softmax output, Glorot initial weights and Adam on mini-batches.

For each seed, one random order of the other (fit) training images gives nested subsets of
each size in ``sizes`` (the last size may be all of them). Each subset is trained on twice,
from the same initial weights: as it is, and augmented (each image plus four copies moved
by ``shift`` pixels, and two turned by ``angle`` and ``-angle`` degrees when ``angle`` > 0).
Both arms get the same number of parameter updates, ``num_steps``, so the augmented network
is not simply trained for longer. Every network is scored on the dev images and on the dev
images moved by one pixel; at the largest size the test set is scored once per arm and
seed. Nothing is chosen here: the learning rate and the number of updates are fixed, the
same for both arms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import datasets
from ..augment import FOUR_SHIFTS, augment
from ..checks import check_fields
from ..initializers import initialize_parameters
from ..network import accuracy
from ..optimizers import adam
from ..schedules import constant
from ..training import train

SEED = 0
#: Rough run time of the default config on a 2-core machine.
EXPECTED_SECONDS = 4
ARMS = ("plain", "augmented")


@dataclass(frozen=True)
class Config:
    """Settings. ``sizes`` must increase and not exceed the fit images (963 - ``n_dev``)."""

    layer_dims: tuple[int, ...] = (64, 25, 12, 6)
    split_seed: int = 1                          # the TensorFlow and Softmax pages' split
    n_dev: int = 120                             # the Softmax page's dev set
    sizes: tuple[int, ...] = (50, 100, 200, 843)  # 843: every fit image
    shift: int = 1                               # pixels: four moved copies per image (0: none)
    angle: float = 0.0                           # degrees: two turned copies per image (0: none)
    learning_rate: float = 3e-3
    num_steps: int = 800                         # Adam updates per network, both arms
    minibatch_size: int = 32
    n_seeds: int = 7

    def __post_init__(self):
        check_fields(self, layer_dims="layers", split_seed="count0", n_dev="count", sizes="counts",
                     shift="count0", angle="nonnegative", learning_rate="positive", num_steps="count",
                     minibatch_size="count", n_seeds="count")
        if self.layer_dims[0] != 64 or self.layer_dims[-1] != 6:
            raise ValueError(f"layer_dims must be 64, ..., 6 (8x8 images, 6 classes), got {self.layer_dims}")
        n_fit = 963 - self.n_dev
        if self.n_dev >= 963 - self.minibatch_size:
            raise ValueError(f"n_dev={self.n_dev!r} leaves too few of the 963 training images")
        if list(self.sizes) != sorted(set(self.sizes)) or self.sizes[-1] > n_fit:
            raise ValueError(f"sizes must increase and be at most the {n_fit} fit images, got {self.sizes}")
        if self.shift > 7:
            raise ValueError(f"shift must be at most 7 pixels (8x8 images), got {self.shift}")
        if self.angle > 45:
            raise ValueError(f"angle must be at most 45 degrees, got {self.angle}")
        if self.shift == 0 and self.angle == 0:
            raise ValueError("shift=0 and angle=0 leave nothing to augment with")

    @property
    def shifts(self) -> tuple[tuple[int, int], ...]:
        """The ``(dx, dy)`` of the moved copies: right, left, down, up by ``shift`` pixels."""
        return tuple((dx * self.shift, dy * self.shift) for dx, dy in FOUR_SHIFTS) if self.shift else ()

    @property
    def angles(self) -> tuple[float, ...]:
        """The angles of the turned copies, ``angle`` and ``-angle`` degrees."""
        return (float(self.angle), -float(self.angle)) if self.angle else ()


#: Small enough for the tests.
TINY = Config(sizes=(20, 60), num_steps=40, n_seeds=2)


@dataclass(frozen=True)
class Result:
    config: Config
    dev_accuracy: np.ndarray          # (n_sizes, 2, n_seeds): plain, augmented
    shifted_dev_accuracy: np.ndarray  # (n_sizes, 2, n_seeds): on the dev images' shifted copies
    train_accuracy: np.ndarray        # (n_sizes, 2, n_seeds): on the network's own original images
    test_accuracy: np.ndarray         # (2, n_seeds): at the largest size, scored once
    epochs: np.ndarray                # (n_sizes, 2): passes over each training set
    n_shifted_dev: int                # dev copies in the shifted dev set
    example: np.ndarray               # (64,): the first fit image, for the page's figure
    example_label: int
    n_train: int                      # training images before the dev cut
    n_test: int
    ink_centre_std: np.ndarray        # (2,): std over the fit images of the ink's centre row, column


def split(config: Config):
    """``(data, (X_fit, Y_fit), (X_dev, Y_dev))``: the Softmax page's split, dev cut from train."""
    data = datasets.digits(rng=np.random.default_rng(config.split_seed))
    cut = data.X_train.shape[1] - config.n_dev
    fit = data.X_train[:, :cut], data.Y_train[:, :cut]
    return data, fit, (data.X_train[:, cut:], data.Y_train[:, cut:])


def epochs_for(m: int, config: Config) -> int:
    """Passes over ``m`` images giving about ``num_steps`` updates (at least one pass)."""
    per_epoch = -(-m // config.minibatch_size)
    return max(1, round(config.num_steps / per_epoch))


def _fit(X, Y, init: dict, config: Config, rng):
    epochs = epochs_for(X.shape[1], config)
    result = train(X, Y, list(config.layer_dims), optimizer=adam(), schedule=constant(config.learning_rate),
                   num_epochs=epochs, mini_batch_size=config.minibatch_size, init=init, rng=rng,
                   record_every=epochs, output="softmax")
    return result.params, epochs


def run(config: Config, *, rng: np.random.Generator) -> Result:
    """Train both arms at every size for every seed; score dev (plain and shifted) and, at the
    largest size, test."""
    data, (X_fit, Y_fit), dev = split(config)
    extra = {"shifts": config.shifts, "angles": config.angles}
    X_sd, Y_sd = augment(*dev, shifts=FOUR_SHIFTS)
    shifted_dev = X_sd[:, config.n_dev:], Y_sd[:, config.n_dev:]  # the copies only
    shape = (len(config.sizes), len(ARMS), config.n_seeds)
    dev_acc, shifted_acc, train_acc = np.empty(shape), np.empty(shape), np.empty(shape)
    test_acc, epochs = np.empty((len(ARMS), config.n_seeds)), np.zeros(shape[:2], dtype=int)
    for s, seed_rng in enumerate(rng.spawn(config.n_seeds)):
        order = seed_rng.permutation(X_fit.shape[1])            # nested subsets for this seed
        init = initialize_parameters(list(config.layer_dims), "xavier", rng=seed_rng)
        for i, n in enumerate(config.sizes):
            X, Y = X_fit[:, order[:n]], Y_fit[:, order[:n]]
            for a, (Xa, Ya) in enumerate([(X, Y), augment(X, Y, **extra)]):
                batch_rng = np.random.default_rng(seed_rng.integers(2**63))  # mini-batch order
                params, epochs[i, a] = _fit(Xa, Ya, init, config, batch_rng)
                dev_acc[i, a, s] = accuracy(*dev, params, output="softmax")
                shifted_acc[i, a, s] = accuracy(*shifted_dev, params, output="softmax")
                train_acc[i, a, s] = accuracy(X, Y, params, output="softmax")
                if i == len(config.sizes) - 1:
                    test_acc[a, s] = accuracy(data.X_test, data.Y_test, params, output="softmax")
    return Result(config, dev_acc, shifted_acc, train_acc, test_acc, epochs, int(shifted_dev[0].shape[1]),
                  X_fit[:, 0].copy(), int(np.argmax(Y_fit[:, 0])), int(data.X_train.shape[1]),
                  int(data.X_test.shape[1]), ink_centre_std(X_fit))


def ink_centre_std(X: np.ndarray) -> np.ndarray:
    """How much the centre of the ink moves between images: std of its (row, column), shape (2,).

    ``X`` is (64, m), one 8x8 image per column; an image's centre is the mean pixel position
    weighted by the pixel values.
    """
    imgs = X.reshape(8, 8, -1)
    ink = imgs.sum(axis=(0, 1))
    rows = np.einsum("rcm,r->m", imgs, np.arange(8)) / ink
    cols = np.einsum("rcm,c->m", imgs, np.arange(8)) / ink
    return np.array([rows.std(), cols.std()])
