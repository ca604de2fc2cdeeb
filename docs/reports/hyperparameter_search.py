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
# # Hyperparameter search: the executable report
#
# This notebook works on the experiment of the [Hyperparameter search](../../hyperparameter_search/)
# page: grid against random search over the learning rate $\alpha$ and $1 - \beta$ (both on a
# log scale), then a coarse-to-fine search, and finally a small sweep on Dask.
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
# ## Sampling on a log scale
#
# `LogUniform` draws $\alpha = 10^r$ with $r$ uniform; `OneMinusLogUniform` draws
# $1 - \beta = 10^r$. Count how many of a thousand draws land in each decade:

# %%
import dataclasses  # for your own variants (see "Try it")

import matplotlib.pyplot as plt
import numpy as np

from course_code import search

space = (search.LogUniform("learning_rate", 1e-4, 1.0), search.OneMinusLogUniform("beta", 0.9, 0.999))
trials = search.random_trials(space, 1000, seed=0)
alphas = np.array([t.values["learning_rate"] for t in trials])
betas = np.array([t.values["beta"] for t in trials])
print("alpha per decade 1e-4..1:", np.histogram(np.log10(alphas), bins=[-4, -3, -2, -1, 0])[0])
print("beta in [0.9, 0.99):", np.sum(betas < 0.99), " beta in [0.99, 0.999]:", np.sum(betas >= 0.99))

# %% [markdown]
# A uniform draw of $\beta$ in $[0.9, 0.999]$ would put about $91\%$ of the trials below
# $0.99$; the log scale splits them evenly.
#
# ## Grid against random
#
# `build.result("hyperparameter_search")` returns the Result the page was made from (the
# site's configuration and seed, printed by the cell). Inside a built copy of the repository
# it is read from the build's cache, so every number below is the page's; anywhere else it is
# computed here, which takes a while, and cached for the next call.

# %%
from course_code import build, figures

hs_figures = figures.get("hyperparameter_search")
result = build.result("hyperparameter_search")
config = result.config
print(config)
report = hs_figures.report(result)
spec = report.figures["budget"]
fig = plt.figure(figsize=spec.size, layout="constrained")
spec.draw(fig)
plt.show()

# %%
from IPython.display import Markdown

Markdown(report.tables["targets"])

# %% [markdown]
# ## Coarse to fine

# %%
spec = report.figures["zoom"]
fig = plt.figure(figsize=spec.size, layout="constrained")
spec.draw(fig)
plt.show()
Markdown(report.tables["rounds"])

# %% [markdown]
# ## A sweep on Dask
#
# The sweep runner sends the trials to Dask workers. Here, the runner uses an embedded
# `LocalCluster` with two worker processes. It gives the same results as a serial run:
# each trial's seed comes from its index, not from the worker that runs it. `cache_dir=None`
# keeps this notebook from writing a trial cache. Dask is an optional part of the package
# (`pip install "course_code[sweep]"`); without it the cell runs the trials serially only.

# %%
import importlib.util

from course_code.build.sweep import sweep

trials = search.random_trials(search.SPACE, 8, seed=1)
serial = sweep(trials, serial=True, cache_dir=None)
if importlib.util.find_spec("distributed") is None:
    print("Dask is not installed: the trials ran serially (pip install 'course_code[sweep]' for Dask)")
    on_dask = serial
else:
    on_dask = sweep(trials, workers=2, cache_dir=None)
    print(f"{len(trials)} trials, serially and on {on_dask.where}")
    print("same results:", serial.results == on_dask.results)
for r in sorted(on_dask.results, key=lambda r: -r.val_accuracy)[:3]:
    print(f"  alpha = {r.trial.values['learning_rate']:.3g}, beta = {r.trial.values['beta']:.4f}: "
          f"validation accuracy {r.val_accuracy:.3f}")

# %% [markdown]
# Eight tiny trials are too few for the cluster's start-up (a second or two) to pay off.
# Sweeps of real size run from the command line: `python -m course_code sweep --trials 64`.
# Add `--scheduler tcp://HOST:8786` to run them on an existing Dask cluster.
#
# ## Try it
#
# - Narrow the learning-rate range to `lr_high=1.0` (the course's range):
#   `result = build.result("hyperparameter_search", dataclasses.replace(config, lr_high=1.0))`
#   runs every search again and caches the Result; then run the figure cells again. Does the
#   grid still find the best region?
# - Give momentum more updates (`num_epochs=60`). Does $\beta$ start to matter on its own?
# - Change `target_gap` and watch the race between grid and random search tip either way.
