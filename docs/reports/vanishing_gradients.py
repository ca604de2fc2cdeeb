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
# # Vanishing and exploding gradients: the executable report
#
# This notebook shows the experiment of the
# [Vanishing and exploding gradients](../../vanishing_gradients/) page: the course's linear
# example, then one forward and backward pass through a deep ReLU network initialized five
# ways, then that question's answer in practice: a deep network trained from each
# initialization on several seeds.
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
# ## The experiment's Result
#
# `build.result("vanishing_gradients")` returns the page's own run, with the site's
# configuration and seed. In a built copy of the repository it is read from the build's
# cache, so the tables below are the page's; anywhere else (Colab, say) it is computed on
# the first call and cached for the next.

# %%
import dataclasses  # for your own variants (see "Try it")

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display

from course_code import build, experiments, figures
from course_code.depth import signal_propagation
from course_code.initializers import initialize_parameters

vg = experiments.get("vanishing_gradients")
vg_figures = figures.get("vanishing_gradients")
result = build.result("vanishing_gradients")
config = result.config
report = vg_figures.report(result)
print(config)
display(Markdown(report.tables["summary"]))

# %%
spec = report.figures["relu"]
fig = plt.figure(figsize=spec.size, layout="constrained")
spec.draw(fig)
plt.show()

# %% [markdown]
# ## Does it train?
#
# The same five initializations, now on a deep network trained on the circles. The table
# counts, per initialization, the seeds that reach the dev-accuracy threshold, the runs that
# ended with a dead layer (a hidden layer silent on every training point) and the runs that
# diverged.

# %%
print(f"threshold: {config.trained_accuracy:.0%} dev accuracy; optimizer: {config.optimizer}, "
      f"learning rate {config.learning_rate}")
display(Markdown(report.tables["training_summary"]))
spec = report.figures["training"]
fig = plt.figure(figsize=spec.size, layout="constrained")
spec.draw(fig)
plt.show()

# %% [markdown]
# ## Your own scale
#
# Multiply He's weights by a factor $c$: each layer then multiplies the second moment by
# $c^2$, and the activations' scale after the whole network by about $c$ to the power of the
# depth.

# %%
dims = vg.layer_dims(config)
rng = np.random.default_rng(1)
X, Y = rng.standard_normal((dims[0], config.m)), rng.integers(0, 2, (1, config.m)).astype(float)
for c in (0.8, 0.9, 1.0, 1.1, 1.25):
    params = initialize_parameters(dims, "he", rng=np.random.default_rng(2))
    params = {k: v * c if k.startswith("W") else v for k, v in params.items()}
    act = signal_propagation(params, X, Y)["activation"]
    print(f"c = {c:<5} last / first hidden layer: {act[-1] / act[0]:.3g}")

# %% [markdown]
# ## Try it
#
# - Make the network deeper, `result = build.result("vanishing_gradients",
#   dataclasses.replace(config, depth=100))`, and run the cells again: the He curve still
#   wanders, the others leave the range of floating-point numbers sooner.
# - Give all hidden layers the same width (`narrow=100`): Glorot's scale becomes LeCun's.
# - Swap ReLU for tanh in your head: which initialization would keep the factor near one?
# - Train with plain gradient descent instead of Adam
#   (`dataclasses.replace(config, optimizer="gd", learning_rate=0.1)`): it follows the raw
#   gradient, so a gradient that is small by a constant factor is followed that much more
#   slowly. Which initializations still move in the same budget? With a much larger rate,
#   watch for runs reported as diverged.
# - Make the trained network shallower (`train_hidden=5`) or wider (`train_width=50`): do
#   the stuck runs disappear?
