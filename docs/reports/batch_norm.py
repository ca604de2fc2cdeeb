# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Batch normalization: the executable report
#
# This notebook re-runs a shortened version of the experiment of the [Batch
# normalization](../../batch_norm/) page: a deep ReLU network (its layer sizes are in the config
# printed below) on the moons, trained by full-batch gradient descent with and without batch
# norm over a few learning rates. It also checks the batch-norm gradient of a whole network and
# shows why prediction uses running statistics. It runs in a few seconds.
#
# The first cell installs `course_code` when it is not importable (in Colab, say); in a
# clone of the repository, where it is installed, it does nothing.

# %%
import importlib.util
import subprocess
import sys

REPOSITORY = "https://github.com/course-site/improving-deep-networks"
if importlib.util.find_spec("course_code") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"git+{REPOSITORY}"], check=True)

# %% [markdown]
# ## The gradient check
#
# A network with batch norm in every hidden layer, $\gamma$ and $\beta$ moved away from
# their initial 1 and 0, checked against centred differences in training mode (the batch's
# own mean and variance). Then the classic bug: backpropagating as if the mean and the
# variance were constants.

# %%
import functools

import numpy as np

from course_code.batchnorm_network import backward, forward, with_batchnorm
from course_code.gradient_check import gradient_check
from course_code.initializers import initialize_parameters

training_mode = functools.partial(forward, training=True)  # the batch's own mean and variance

rng = np.random.default_rng(0)
dims = [4, 8, 6, 5, 1]
params = with_batchnorm(initialize_parameters(dims, "he", rng=rng), (1, 2, 3))
for k in params:
    if k.startswith(("gamma", "beta")):
        params[k] = params[k] + 0.3 * rng.standard_normal(params[k].shape)
X = rng.standard_normal((4, 16))
Y = (rng.random((1, 16)) < 0.5).astype(float)


def constant_statistics(AL, Y, caches, **kw):
    """Backprop that treats the batch mean and variance as constants (wrong in training mode)."""
    wrong = [c._replace(batchnorm=c.batchnorm._replace(training=False)) if c.batchnorm else c
             for c in caches]
    return backward(AL, Y, wrong, **kw)


right = gradient_check(params, X, Y, epsilon=1e-6, forward_fn=training_mode, backward_fn=backward)
wrong = gradient_check(params, X, Y, epsilon=1e-6, forward_fn=training_mode, backward_fn=constant_statistics)
print(f"correct backward:          relative difference {right:.2e}")
print(f"statistics as constants:   relative difference {wrong:.2e}")

# %% [markdown]
# ## Run the experiment, shortened
#
# Three learning rates and two initial draws instead of six and five.

# %%
import dataclasses

import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from course_code import experiments, figures

bn = experiments.get("batch_norm")
bn_figures = figures.get("batch_norm")
config = dataclasses.replace(bn.Config(), learning_rates=(0.3, 1.0, 3.0), n_seeds=2)
print(config)
result = bn.run(config, rng=np.random.default_rng(bn.SEED))
print(f"{result.diverged.size} training runs")

# %%
report = bn_figures.report(result)
spec = report.figures["rates"]
fig = plt.figure(figsize=spec.size, layout="constrained")
spec.draw(fig)
plt.show()
display(Markdown(report.tables["tolerance"]))

# %% [markdown]
# "Trains" is decided on the dev set (fresh moons drawn like the training points); the
# test set is scored only at the rate the dev set chose for each network:

# %%
print(f"dev {result.n_dev} points, test {result.config.n_test} points; "
      f"decisions made on: {result.selection_set}")
display(Markdown(report.tables["test"]))

# %% [markdown]
# ## Same numbers as the site
#
# The experiment is a pure function of its config and seed, and the first initial draw
# does not depend on how many draws are made. So the headline runs at the cost-curve rate
# are the site's own runs: their final costs equal those in the build's `metrics.json`
# (read when this notebook runs inside the repository).

# %%
import json
from pathlib import Path

j = config.learning_rates.index(config.curve_rate)
metrics_file = Path("../generated/batch_norm/metrics.json")
if metrics_file.is_file():
    site = json.loads(metrics_file.read_text())
    for i, method in enumerate(bn.METHODS):
        ours, theirs = result.final_cost[i, j, 0], site[method]["curve_final_cost_headline"]
        assert np.isclose(ours, theirs, rtol=1e-9, atol=0), (method, ours, theirs)
        print(f"{bn_figures.LABELS[method]:>20}: final cost {ours:.6f}, site {theirs:.6f}")
else:
    print("metrics.json not found (not inside the repository): nothing to compare")

# %% [markdown]
# ## Training mode against inference mode
#
# Train one batch-normalized network, then predict the same test points twice: with the
# running statistics (what `predict` does) and with the statistics of the batch being
# predicted. With the running statistics a point's prediction does not depend on which
# other points are predicted with it.

# %%
from course_code import datasets
from course_code.batchnorm_network import accuracy, train
from course_code.optimizers import gd
from course_code.schedules import constant

data = datasets.moons(n_test=300)
r = train(data.X_train, data.Y_train, list(config.layer_dims), optimizer=gd(), schedule=constant(1.0),
          num_epochs=120, batch_norm=True, rng=np.random.default_rng(0))
test_accuracy = accuracy(data.X_test, data.Y_test, r.params, running=r.running)
print(f"test accuracy, running statistics: {test_accuracy:.3f}")
for size in (300, 10, 2):
    AL, _ = forward(data.X_test[:, :size], r.params, training=True)  # this batch's own statistics
    agree = np.mean((AL > 0.5) == (forward(data.X_test[:, :size], r.params, training=False,
                                           running=r.running)[0] > 0.5))
    print(f"batch of {size:3d} test points: batch statistics agree with running ones on {agree:.0%}")

# %% [markdown]
# ## Try it
#
# - Use mini-batches: `train(..., mini_batch_size=32, batch_norm=True)`. The batch
#   statistics become noisy (the lecture's "slight regularization effect").
# - Normalize only some layers: `batch_norm=(False, True, True, True, True)`.
# - Replace `gd()` by `adam()` and sweep the learning rate again: does batch norm still
#   widen the range that trains?
