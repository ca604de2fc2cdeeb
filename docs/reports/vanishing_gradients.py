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
# This notebook re-runs the experiment of the
# [Vanishing and exploding gradients](../../vanishing_gradients/) page: the course's linear
# example, then one forward and backward pass through a deep ReLU network initialized five
# ways, then that question's answer in practice: a deep network trained from each
# initialization on several seeds. It takes a few seconds.
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
# ## Run the experiment
#
# The site's configuration is cheap enough to run here as it is.

# %%
import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display

from course_code import experiments, figures
from course_code.depth import signal_propagation
from course_code.initializers import initialize_parameters

vg = experiments.get("vanishing_gradients")
vg_figures = figures.get("vanishing_gradients")
config = vg.Config()
result = vg.run(config, rng=np.random.default_rng(vg.SEED))
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
# ## Same numbers as the site
#
# The run is deterministic, so its numbers equal those on the page (read from the build's
# `metrics.json` when this notebook runs inside the repository).

# %%
metrics_file = Path("../generated/vanishing_gradients/metrics.json")
if metrics_file.is_file():
    on_site = json.loads(metrics_file.read_text())
    for name, values in report.metrics["inits"].items():
        assert np.isclose(values["activation"], on_site["inits"][name]["activation"], rtol=1e-4), name
    for name, values in report.metrics["training"]["inits"].items():
        assert values["trained"] == on_site["training"]["inits"][name]["trained"], name
    print("activation ratios and trained counts: the same as the site's run")
else:
    print("metrics.json not found (not inside the repository): nothing to compare")

# %% [markdown]
# ## Try it
#
# - Make the network deeper (`dataclasses.replace(config, depth=100)`): the He curve still
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
