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
# This notebook shows the experiment of the [Normalizing inputs](../../normalizing_inputs/)
# page: a logistic regression on a 2-D set with one stretched feature, then a small ReLU
# network on scikit-learn's wine data, on raw and on normalized features, over a grid of
# learning rates.
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
# `build.result("normalizing_inputs")` returns the page's own run, with the site's
# configuration and seed. In a built copy of the repository it is read from the build's
# cache, so the table below is the page's; anywhere else (Colab, say) it is computed on the
# first call and cached for the next.

# %%
import dataclasses  # for your own variants (see "Try it")

import matplotlib.pyplot as plt
import numpy as np

from course_code import build, experiments, figures
from course_code.normalize import condition_number, fit_input_stats, logistic_hessian, normalize_inputs

ni = experiments.get("normalizing_inputs")
ni_figures = figures.get("normalizing_inputs")
result = build.result("normalizing_inputs")
config = result.config
print(config)

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
# The site's split again (the experiment draws it from the first of three generators
# spawned from its seed). Fit $\mu$ and $\sigma$ on the training part of the wine data and
# apply them to the test part. The training features come out centred; the test features do
# not, and should not. The condition numbers computed here by hand are the Result's.

# %%
split_rng, _, _ = np.random.default_rng(ni.SEED).spawn(3)
train, dev, test = ni.wine_split(config, split_rng)
stats = fit_input_stats(train[0])
print("training means after normalizing:", np.round(normalize_inputs(train[0], stats).mean(axis=1), 12) + 0.0)
print("test means after normalizing:    ", np.round(normalize_inputs(test[0], stats).mean(axis=1), 2))
by_hand = {"raw": condition_number(logistic_hessian(train[0])),
           "normalized": condition_number(logistic_hessian(normalize_inputs(train[0], stats)))}
for kind in ni.KINDS:
    print(f"condition number, {kind}: {by_hand[kind]:.3g} by hand, "
          f"{result.condition[kind]:.3g} in the Result")
    assert np.isclose(by_hand[kind], result.condition[kind], rtol=1e-9), kind

# %% [markdown]
# ## Try it
#
# - Stretch the 2-D set more, `result = build.result("normalizing_inputs",
#   dataclasses.replace(config, stretch=30))`, and run the cells again; the raw condition
#   number grows with the square of the stretch, and so does the number of steps.
# - Train the wine network with Adam instead of gradient descent: its per-weight step sizes
#   undo part of the scaling problem, but not the saturation of the first layer.
# - Normalize the test set with its own statistics and compare the test accuracy.
