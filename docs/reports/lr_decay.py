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
# # Learning-rate decay: the executable report
#
# This notebook shows the experiment of the [Learning-rate decay](../../lr_decay/) page:
# the course's `[2, 5, 2, 1]` network on the moons with mini-batches, with no decay,
# inverse-time decay every epoch, $\alpha_0 / (1 + k e)$, and staircase decay,
# $\alpha_0 / (1 + k \lfloor e / T \rfloor)$, for GD, momentum and Adam. It also runs
# GD under three readings of the course's training loop and counts which one reproduces the
# course's printouts.
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
# `build.result("lr_decay")` returns the page's own run: the site's configuration (the
# course's initial weights, mini-batch order and number of epochs, and several other random
# starts) and seed. In a built copy of the repository it is read from the build's cache, so
# the numbers below are the page's; anywhere else (Colab, say) it is computed on the first
# call and cached for the next.

# %%
import dataclasses  # for your own variants (see "What to try next")

import matplotlib.pyplot as plt
import numpy as np

from course_code import build, experiments, figures

lr_decay = experiments.get("lr_decay")
lr_decay_figures = figures.get("lr_decay")
result = build.result("lr_decay")
config = result.config
print(config)
print(f"{len(result.runs) + len(result.variants)} runs from the course's start and "
      f"{config.n_seeds} other seeds, {config.num_epochs} epochs each")

# %%
report = lr_decay_figures.report(result)
print(f"{'train accuracy':<28} {'course':>6} {'here':>6} {'seeds: mean (range)':>20}")
for key, run in result.runs.items():
    course = report.metrics["runs"][key].get("course_accuracy")
    seeds = result.seed_accuracy[key]
    print(f"{lr_decay_figures.label(key):<28} {'-' if course is None else f'{course:.3f}':>6} "
          f"{run.accuracy:6.3f} {f'{seeds.mean():.3f} ({seeds.min():.3f}-{seeds.max():.3f})':>20}")

# %% [markdown]
# "here" starts from the course's weights and batch order, "seeds" from fresh random starts.
# Decay every epoch is the weakest schedule, from the course's start and from the fresh
# ones alike.
#
# ## Which decay does the course's loop apply?
#
# The course sets the rate after each epoch. Three readings of that loop, run with GD:
# the formula as written (what the site uses), the formula one epoch late, and the rate fed
# back into the decay (compounded). The table counts how many of the rates and costs the
# course printed (one every $T$ epochs) each reading reproduces.

# %%
found = lr_decay_figures.readings(result)
print(f"{'decay/reading':<22} {'rates printed after 0/1000/2000':<33} {'rates':>5} {'costs':>5} {'acc':>5}")
for key, r in found.items():
    printed = " / ".join(r["printed_lr"][:3])
    print(f"{key:<22} {printed:<33} {r['lr_matches']:>3}/5 {r['cost_matches']:>3}/5 "
          f"{r['run'].accuracy:5.3f}")
full = [key for key, r in found.items() if r["lr_matches"] == 5 and r["cost_matches"] == 5]
print("reproduce every printed rate and cost:", full)

# %% [markdown]
# Only the one-epoch-late reading reproduces the course for both schedules: the course
# applies its own formula one epoch late, it does not compound it.
#
# The cost curves of the three readings, with the course's printed costs marked (the
# figure is drawn by the same function as the site's):

# %%
spec = report.figures["reading_costs"]
fig = plt.figure(figsize=spec.size, layout="constrained")
spec.draw(fig)
plt.show()

# %% [markdown]
# ## Try it: true exponential decay
#
# The course's "exponential" decay is inverse-time decay. True exponential decay,
# $\alpha_0 \gamma^e$, is in `course_code.schedules` too. Here GD from the course's
# weights and batch order under two values of $\gamma$, next to the Result's GD run
# without decay (which is $\gamma = 1$): with $\gamma = 0.95$ (the lectures' example)
# the rate is gone after a few hundred epochs.

# %%
from course_code.initializers import initialize_parameters
from course_code.network import accuracy
from course_code.optimizers import gd
from course_code.schedules import exponential_decay
from course_code.training import train

data, dims, epochs = result.data, list(config.layer_dims), config.num_epochs
params0 = initialize_parameters(dims, "he", rng=np.random.RandomState(3))  # the course's weights
order = lr_decay.course_batch_order(epochs, data.X_train.shape[1])
for gamma in (0.95, 0.999):
    schedule = exponential_decay(config.lr0, gamma)
    r = train(data.X_train, data.Y_train, dims, optimizer=gd(), schedule=schedule,
              num_epochs=epochs, mini_batch_size=config.mini_batch_size, init=params0,
              rng=lr_decay.Replay(order), record_every=1000)
    acc = accuracy(data.X_train, data.Y_train, r.params)
    print(f"gamma {gamma:<6}  last rate {schedule(epochs - 1):.1e}  cost {r.costs[-1]:.4f}  "
          f"accuracy {acc:.3f}")
gd_run = result.runs["gd"]
print(f"gamma {1.0:<6}  last rate {config.lr0:.1e}  cost {gd_run.costs[-1]:.4f}  "
      f"accuracy {gd_run.accuracy:.3f}")

# %% [markdown]
# ## What to try next
#
# - A gentler per-epoch decay, `result = build.result("lr_decay", dataclasses.replace(config,
#   decay_rate=0.001))`, and run the cells again; with $k = 0.001$ the rate halves only
#   after a thousand epochs.
# - A shorter interval for the staircase (`time_interval=200`) or a larger Adam rate
#   (`lr0_adam=0.05`), and compare the late jitter of the cost curves
#   (`report.figures["costs"]`).
# - More seeds (a larger `n_seeds`, slower) to see how much of each accuracy is the start.
