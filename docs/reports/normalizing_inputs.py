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
# # Normalizing inputs: the executable report
#
# This notebook re-runs the experiment of the [Normalizing inputs](../../normalizing_inputs/)
# page: a logistic regression on a 2-D set with one stretched feature, then a small ReLU
# network on scikit-learn's wine data, on raw and on normalized features, over a grid of
# learning rates. It takes a few seconds.
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
# `TINY` trains for fewer epochs, on fewer learning rates and seeds than the site (the cell
# prints both configurations).

# %%
import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from course_code import experiments, figures
from course_code.normalize import condition_number, fit_input_stats, logistic_hessian, normalize_inputs

ni = experiments.get("normalizing_inputs")
ni_figures = figures.get("normalizing_inputs")
config = ni.TINY
result = ni.run(config, rng=np.random.default_rng(ni.SEED))
site = ni.Config()
print(f"this notebook: {config.n_rates} rates, {config.num_epochs} epochs, {config.n_seeds} seeds; "
      f"the site: {site.n_rates} rates, {site.num_epochs} epochs, {site.n_seeds} seeds")

# %%
from IPython.display import Markdown, display

report = ni_figures.report(result)
display(Markdown(report.tables["summary"]))

# %% [markdown]
# ## The stretched cost
#
# The figure is drawn by the same function as the site's: the contours of the cost in the
# two weights and the path of gradient descent, raw and normalized.

# %%
spec = report.figures["contours"]
fig = plt.figure(figsize=spec.size, layout="constrained")
spec.draw(fig)
plt.show()

# %% [markdown]
# ## The training statistics, by hand
#
# Fit $\mu$ and $\sigma$ on the training part of the wine data and apply them to the test
# part. The training features come out centred; the test features do not, and should not.

# %%
train, dev, test = ni.wine_split(site, np.random.default_rng(0))
stats = fit_input_stats(train[0])
print("training means after normalizing:", np.round(normalize_inputs(train[0], stats).mean(axis=1), 12))
print("test means after normalizing:    ", np.round(normalize_inputs(test[0], stats).mean(axis=1), 2))
print(f"condition number, raw: {condition_number(logistic_hessian(train[0])):.3g}, "
      f"normalized: {condition_number(logistic_hessian(normalize_inputs(train[0], stats))):.3g}")

# %% [markdown]
# ## Same numbers as the site
#
# The condition numbers depend only on the split, which is the site's, so they equal those
# on the page (read from the build's `metrics.json` when this notebook runs inside the
# repository).

# %%
metrics_file = Path("../generated/normalizing_inputs/metrics.json")
if metrics_file.is_file():
    on_site = json.loads(metrics_file.read_text())
    for kind in ni.KINDS:
        assert np.isclose(result.condition[kind], on_site[kind]["condition"], rtol=1e-6), kind
    print("condition numbers: the same as the site's run")
else:
    print("metrics.json not found (not inside the repository): nothing to compare")

# %% [markdown]
# ## Try it
#
# - Stretch the 2-D set more: `dataclasses.replace(config, stretch=30)`; the raw condition
#   number grows with the square of the stretch, and so does the number of steps.
# - Train the wine network with Adam instead of gradient descent: its per-weight step sizes
#   undo part of the scaling problem, but not the saturation of the first layer.
# - Normalize the test set with its own statistics and compare the test accuracy.
