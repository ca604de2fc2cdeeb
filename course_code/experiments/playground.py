"""The playground's data: circles, moons and the football stand-in, each with a train/dev split.

Nothing is trained here: the Playground page trains in the browser. This experiment draws the
three data sets the page offers, the way the topic pages draw them, so a preset trains on the
points its topic page used:

- circles: the course's 300 training points; its 100 test points serve as the dev set;
- moons: the course's 300 training points; a dev set of ``n_dev`` fresh points from the same
  generator (the course has no test set for the moons);
- football: the stand-in's 211 training points and the dev set of the Regularization page
  (the same two streams of the same seed: ``rng.spawn(5)``, the first and the last).

``Result.sets`` maps a name to ``(X_train, Y_train, X_dev, Y_dev)``, ``X`` of shape (2, m).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import datasets
from ..checks import check_fields

SEED = 0  # the Regularization page's seed: the same football points
#: Rough run time of the default config (only data is drawn).
EXPECTED_SECONDS = 1
NAMES = ("circles", "moons", "football")
LABELS = {"circles": "circles", "moons": "moons", "football": "football (stand-in)"}


@dataclass(frozen=True)
class Config:
    """``n_dev``: dev points drawn for the moons; ``football_dev``: the football dev set's size
    (the Regularization page's ``n_dev``)."""

    n_dev: int = 100
    football_dev: int = 200

    def __post_init__(self):
        check_fields(self, n_dev="count", football_dev="count")


#: Small enough for the tests (the data are small anyway).
TINY = Config(n_dev=20, football_dev=30)


@dataclass(frozen=True)
class Result:
    config: Config
    sets: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]


def run(config: Config, *, rng: np.random.Generator) -> Result:
    """Draw the three data sets with their dev sets (see the module's docstring)."""
    football_rng, _, _, _, football_dev_rng = rng.spawn(5)
    (moons_dev_rng,) = rng.spawn(1)  # the sixth child: the five above stay the Regularization page's
    circ = datasets.circles()
    moon = datasets.moons()
    moon_dev = datasets.moons(rng=moons_dev_rng, n_train=config.n_dev)
    foot = datasets.football(rng=football_rng)
    foot_dev = datasets.football(rng=football_dev_rng, n_train=config.football_dev, n_test=0)
    sets = {
        "circles": (circ.X_train, circ.Y_train, circ.X_test, circ.Y_test),
        "moons": (moon.X_train, moon.Y_train, moon_dev.X_train, moon_dev.Y_train),
        "football": (foot.X_train, foot.Y_train, foot_dev.X_train, foot_dev.Y_train),
    }
    return Result(config, sets)
