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
# # Exponentially weighted averages: the executable report
#
# This notebook works on the experiment of the
# [Exponentially weighted averages](../../averages/) page: mini-batch gradient descent on
# the course's moons records the cost of every mini-batch, and `course_code.averages.ewa`
# smooths that series with several $\beta$, with and without bias correction.
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
# ## The page's run
#
# `build.result("averages")` returns the Result the page was made from: the site's
# configuration and seed, several training runs, each with its own initial weights and
# mini-batch order. Inside a built copy of the repository it is read from the build's cache,
# so the numbers below are the page's; anywhere else it is computed here once and cached.

# %%
import dataclasses  # for your own variants (see "What to try next")

import matplotlib.pyplot as plt
import numpy as np  # used in "What to try next"

from course_code import build, figures
from course_code.averages import ewa

averages_figures = figures.get("averages")
result = build.result("averages")
config = result.config
print(config)
print(f"{result.costs.shape[0]} runs of {result.costs.shape[1]} mini-batch steps each")

# %%
report = averages_figures.report(result)
print(f"{'beta':>6} {'1/(1-beta)':>11} {'window':>7} {'lag':>6} {'roughness':>10} {'white noise':>12}")
for m in report.metrics["betas"].values():
    print(f"{m['beta']:6} {m['window']:11.1f} {m['window_steps']:7d} {m['mean_age']:6.1f} "
          f"{m['roughness_mean']:10.4f} {m['roughness_white']:12.4f}")
print("claims:", report.metrics["claims"])

# %% [markdown]
# "window" is the number of steps the average of a jump from 0 to 1 needs to reach
# $1 - 1/e$ of it; "lag" is the weighted mean age of the averaged values, $\beta/(1-\beta)$.
#
# ## Try it: your own beta
#
# One run's series, averaged with a $\beta$ of your choice, with and without the correction.

# %%
beta = 0.95
x = result.costs[0]
fig, ax = plt.subplots(figsize=(8, 3.2))
ax.plot(x, color="0.7", lw=0.7, label="cost of each mini-batch")
ax.plot(ewa(x, beta), label=f"beta = {beta}, uncorrected")
ax.plot(ewa(x, beta, bias_correction=True), label=f"beta = {beta}, corrected")
ax.set_xlabel("mini-batch step")
ax.set_ylabel("cost")
ax.legend()
plt.show()

# %% [markdown]
# ## What to try next
#
# - Average a series you know: `ewa(np.ones(50), 0.9)` shows the start-up bias alone, and
#   `ewa(np.ones(50), 0.9, bias_correction=True)` removes it.
# - A smaller learning rate makes the cost fall more slowly: the lag of the large-$\beta$
#   average then shows for longer: in a new cell, run
#   `result = build.result("averages", dataclasses.replace(config, learning_rate=0.02))`,
#   then the table and figure cells again.
# - Larger mini-batches (`mini_batch_size=150`) make the series less noisy: compare the
#   roughness of the raw series, and of its averages, with the site's.
