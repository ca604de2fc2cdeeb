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
# This notebook works on the experiment of the [Batch normalization](../../batch_norm/) page:
# a deep ReLU network (its layer sizes are in the config printed below) on the moons, trained
# by full-batch gradient descent with and without batch norm over a range of learning rates.
# It also checks the batch-norm gradient of a whole network and shows why prediction uses
# running statistics.
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
# ## The page's run
#
# `build.result("batch_norm")` returns the Result the page was made from (the site's
# configuration and seed). Inside a built copy of the repository it is read from the build's
# cache, so every number below is the page's; anywhere else it is computed here, which takes
# a while, and cached for the next call.

# %%
import dataclasses  # for your own variants (see "Try it")

import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from course_code import build, figures

bn_figures = figures.get("batch_norm")
result = build.result("batch_norm")
config = result.config
print(config)
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
# ## Mini-batches: training mode against inference mode
#
# The run above also trained the batch-normalized network with mini-batches. Its dev points
# are predicted in inference mode (running averages) and in training mode, in batches of
# growing size; a batch of one gives every point the same output.

# %%
mb = result.minibatch
spec = report.figures["modes"]
fig = plt.figure(figsize=spec.size, layout="constrained")
spec.draw(fig)
plt.show()
display(Markdown(report.tables["mb_modes"]))

# %% [markdown]
# Why a batch of one fails: train one network with batches of the headline size, then
# predict five test points one at a time with their own statistics. Every output is the
# same number, because each normalized unit sees $z - \mu = 0$.

# %%
from course_code import datasets
from course_code.batchnorm_network import batch_statistics_output, predict, train
from course_code.optimizers import gd
from course_code.schedules import constant

data = datasets.moons(n_test=config.n_test)
init = initialize_parameters(list(config.layer_dims), "he", rng=np.random.default_rng(0))
r = train(data.X_train, data.Y_train, list(config.layer_dims), optimizer=gd(),
          schedule=constant(config.mb_rate), num_epochs=20, batch_norm=True,
          mini_batch_size=config.mb_headline, init=init, rng=np.random.default_rng(1))
points = data.X_test[:, :5]
print("alone, batch statistics:", np.round(batch_statistics_output(points, r.params, 1), 4))
print("together, batch stats:  ", np.round(batch_statistics_output(points, r.params, 5), 4))
print("inference mode:         ", predict(points, r.params, running=r.running))

# %% [markdown]
# ## The noise of small batches
#
# Training and dev accuracy against the training batch size (the same number of updates for
# every size), and the test set scored once at the size the dev set chose:

# %%
spec = report.figures["batch_sizes"]
fig = plt.figure(figsize=spec.size, layout="constrained")
spec.draw(fig)
plt.show()
display(Markdown(report.tables["mb_sizes"]))
display(Markdown(report.tables["mb_test"]))

# %% [markdown]
# ## Try it
#
# - Give every batch size the same number of epochs instead of the same number of updates
#   (`num_epochs` in `train`): does the full batch still fit the training set best?
# - Predict the dev set in batches that hold a single class only: what happens to the
#   training-mode accuracy?
# - Normalize only some layers: `batch_norm=(False, True, True, True, True)`.
# - Replace `gd()` by `adam()` and sweep the learning rate again: does batch norm still
#   widen the range that trains?
# - Run the whole experiment with your own settings, for instance other learning rates:
#   `build.result("batch_norm", dataclasses.replace(config, learning_rates=(0.1, 1.0)))`
#   (it trains every network again, so it takes a while; the Result is cached).
