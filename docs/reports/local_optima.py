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
# # Local optima, saddle points and plateaus: the executable report
#
# This notebook shows the experiment of the
# [Local optima, saddle points and plateaus](../../local_optima/) page: gradient descent,
# momentum, RMSprop and Adam (the package's own update rules) on a saddle and on a plateau,
# from several starts, and a Monte Carlo count of how many random symmetric matrices have all
# eigenvalues positive.
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
# `build.result("local_optima")` returns the page's own run, with the site's configuration
# and seed. In a built copy of the repository it is read from the build's cache, so the
# counts below are the page's; anywhere else (Colab, say) it is computed on the first call
# and cached for the next.

# %%
import dataclasses  # for your own variants (see "What to try next")

import matplotlib.pyplot as plt
import numpy as np

from course_code import build, experiments, figures
from course_code.landscapes import saddle_grad
from course_code.optimizers import adam, gd

local_optima = experiments.get("local_optima")
local_optima_figures = figures.get("local_optima")
result = build.result("local_optima")
config = result.config
print(config)
report = local_optima_figures.report(result)

# %%
for surface in local_optima.SURFACES:
    print(surface)
    for name, steps in result.escape_steps[surface].items():
        shown = ["never" if s == 0 else str(s) for s in steps]
        print(f"  {name:<9}", " ".join(f"{s:>6}" for s in shown))
print("claims:", report.metrics["claims"])

# %% [markdown]
# Each row is one optimizer, each column one start ("never": not within `max_steps`).
#
# ## Try it: a larger learning rate on the saddle
#
# Gradient descent's escape time scales like $\ln(1/y_0) / \ln(1 + \alpha)$, Adam's barely
# depends on $y_0$. Here both from one start near the ridge, for a few learning rates.

# %%
start = np.array([[1.0], [1e-4]])
fig, ax = plt.subplots(figsize=(6, 3.2))
for lr in (0.003, 0.01, 0.03, 0.1):
    for opt, style in ((gd(), "-"), (adam(), "--")):
        params, steps, ys = {"W": start}, 0, []
        state = opt.init(params)
        while abs(params["W"][1, 0]) < 0.5 and steps < 20_000:
            params, state = opt.update(params, {"dW": saddle_grad(params["W"])}, state, learning_rate=lr)
            ys.append(abs(params["W"][1, 0]))
            steps += 1
        ax.plot(ys, style, label=f"{opt.name}, lr {lr}: {steps} steps")
ax.set_yscale("log")
ax.set_xscale("log")
ax.set_xlabel("step")
ax.set_ylabel("|y|, distance from the ridge")
ax.legend(fontsize=7)
plt.show()

# %% [markdown]
# ## What to try next
#
# - RMSprop with a smaller `beta` (`rmsprop(beta=0.9)`): its first steps are then much less
#   oversized, and its escape from the saddle slows down.
# - More samples per batch, `build.result("local_optima", dataclasses.replace(config,
#   samples_per_seed=40000))`, to push the Monte Carlo one or two dimensions further
#   before it stops finding minima.
# - A saddle with more downhill directions: the same idea, with a Hessian that has several
#   negative eigenvalues, escapes along the steepest of them.
