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
# # Early stopping: the executable report
#
# This notebook works on the experiment of the [Early stopping](../../early_stopping/) page: the
# `[2, 20, 3, 1]` network of the Regularization page, trained by full-batch gradient descent on
# fresh draws of the football stand-in. For each seed it keeps the weights at the lowest dev
# cost (early stopping), trains the same initial weights with L2 at several values of
# $\lambda$ and keeps the one the dev set prefers, and scores the test set once for each final
# network. It then asks what a practical early stopping, which quits training once the dev
# cost stops improving, would have saved.
#
# The data are `course_code.datasets.football`, a **synthetic stand-in** for the course's
# French-football file, which cannot be distributed here. The course's numbers are on its own
# data and cannot be compared with these.
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
# `build.result("early_stopping")` returns the Result the page was made from (the site's
# configuration and seed; the cell prints the configuration). Inside a built copy of the
# repository it is read from the build's cache, so every number below is the page's;
# anywhere else it is computed here, which takes a while, and cached for the next call.
#
# The first table gives each seed's stopping iteration, with the training cost and the sum of
# squared weights there (and, in brackets, at the end of training); the second the $\lambda$
# chosen on dev and the three test accuracies.

# %%
import dataclasses  # for your own variants (see "Try it")

import matplotlib.pyplot as plt
import numpy as np

from course_code import build, figures

es_figures = figures.get("early_stopping")
result = build.result("early_stopping")
config = result.config
print(config)

rows = np.arange(config.n_seeds)
stops = result.iterations[result.stop]
print(f"{'seed':>4} {'stop':>5} {'train cost':>10} {'(end)':>6} {'sum W^2':>8} {'(end)':>6}")
for s in rows:
    k = result.stop[s]
    print(f"{s + 1:>4} {stops[s]:>5} {result.train_cost[s, k]:10.3f} {result.train_cost[s, -1]:6.3f} "
          f"{result.weight_sq[s, k]:8.1f} {result.weight_sq[s, -1]:6.1f}")

print(f"\n{'seed':>4} {'lambda':>6} {'test: none':>10} {'early':>6} {'L2':>6}")
for s in rows:
    none, early, l2 = result.test_accuracy[s]
    print(f"{s + 1:>4} {config.lambdas[result.chosen[s]]:>6g} {none:10.3f} {early:6.3f} {l2:6.3f}")

# %% [markdown]
# ## The curves
#
# Drawn by the same function as the site's figure: the training cost keeps falling, the dev
# cost turns, and early stopping keeps the weights at its lowest point.

# %%
report = es_figures.report(result)
for name in ("curves", "weights"):
    spec = report.figures[name]
    fig = plt.figure(figsize=spec.size, layout="constrained")
    spec.draw(fig)
    plt.show()

# %% [markdown]
# ## Stopping for real: patience
#
# The experiment trains every run to the end, to draw the whole curves, and only then picks
# the lowest dev cost. In practice you stop training once the dev cost has not improved for
# a few checks in a row (the *patience*) and go back to the best weights seen. The recorded
# dev costs say where each patience would have quit, whether it would have kept the same
# weights, and how many iterations it would have saved.

# %%
def patience_stop(dev_cost: np.ndarray, patience: int) -> tuple[int, int]:
    """(index of the best check so far, index of the check where training quits)."""
    best, waited = 0, 0
    for t in range(1, len(dev_cost)):
        if dev_cost[t] < dev_cost[best]:
            best, waited = t, 0
        else:
            waited += 1
            if waited == patience:
                return best, t
    return best, len(dev_cost) - 1


print(f"{'seed':>4} {'patience':>8} {'quits at':>8} {'keeps':>6} {'same as the page':>16}")
for s in rows:
    for patience in (2, 5, 20):
        best, quit_at = patience_stop(result.dev_cost[s], patience)
        same = best == result.stop[s]
        print(f"{s + 1:>4} {patience:>8} {result.iterations[quit_at]:>8} {result.iterations[best]:>6} "
              f"{same!s:>16}")

# %% [markdown]
# The last column says whether each patience kept the same weights as the full run. A short
# patience quits soonest, but on a noisy dev curve it can quit at a small bump, before the
# true lowest point; a long one costs more iterations and is harder to fool. Whatever the
# patience, compare where it quits with the iterations of one full run per $\lambda$.
#
# ## Try it
#
# Each change below is a new configuration: run it with
# `result = build.result("early_stopping", dataclasses.replace(config, check_every=500))` (say),
# which trains every seed again and caches the Result, then run the cells below it again.
#
# - Check less often (`check_every=500`): the stop can only land on a check, so a coarse grid
#   of checks misses the lowest point.
# - Train without the mislabeled patches (`patches=0`): with clean labels there is little to
#   overfit, and the dev cost turns much later, if at all.
# - Try a smaller dev set (`n_dev=40`): the dev curve gets noisier, and so do the stop and the
#   chosen $\lambda$.
