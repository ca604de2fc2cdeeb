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
# # Train, dev and test sets: the executable report
#
# This notebook works on the experiment of the [Train, dev and test sets](../../data_splits/)
# page (the configuration is printed below): a pool of `[2, 20, 3, 1]` networks with random
# L2 strengths is trained on the football stand-in, the best one is chosen on a test set or
# on a dev set, and the reported accuracy is compared with the accuracy on a large sample of
# fresh data from the same generator.
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
# `build.result("data_splits")` returns the Result the page was made from (the site's
# configuration and seed). Inside a built copy of the repository it is read from the build's
# cache, so every number below is the page's; anywhere else it is computed here, which takes
# a while, and cached for the next call.

# %%
import dataclasses  # for your own variants (see "Try it")

import matplotlib.pyplot as plt

from course_code import build, experiments, figures

exp = experiments.get("data_splits")
exp_figures = figures.get("data_splits")
result = build.result("data_splits")
config = result.config
print(config)

# %% [markdown]
# ## How much each choice overstates
#
# For each number of models compared: the reported accuracy minus the fresh accuracy of the
# chosen network, averaged over the redraws and the training sets, in percentage points.

# %%
print(f"{'models':>7} {'chosen on test':>15} {'chosen on dev':>14} {'dev score':>10}")
for k in config.model_counts:
    t = exp.overstatement(result, k, choose_on="test")
    d = exp.overstatement(result, k, choose_on="dev")
    print(f"{k:>7} {100 * t['test_over'].mean():+15.2f} {100 * d['test_over'].mean():+14.2f} "
          f"{100 * (d['selection'] - d['fresh']).mean():+10.2f}")

# %%
report = exp_figures.report(result)
spec = report.figures["overstatement"]
fig = plt.figure(figsize=spec.size, layout="constrained")
spec.draw(fig)
plt.show()

# %% [markdown]
# ## Try it
#
# Each change below is a new configuration: run it with
# `result = build.result("data_splits", dataclasses.replace(config, n_test=2000))` (say), which
# trains the pool again and caches the Result, then run the cells below it again.
#
# - Make the test set larger (`n_test=2000`): each score is less lucky, and the overstatement
#   of a test-set choice shrinks.
# - Compare more models (`n_models=80`, `model_counts=(1, 10, 80)`): the winner of a larger
#   pool is luckier still.
# - Narrow the range of L2 strengths (`lambda_low=0.1, lambda_high=0.3`): the networks become
#   nearly equally good, and the choice is almost pure luck.
