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
# # Bias and variance: the executable report
#
# This notebook works on the experiment of the [Bias and variance](../../bias_variance/)
# page: the Bayes error of the football stand-in, then train and dev error of networks of
# several sizes and L2 strengths, each diagnosed by the course's rule (the configuration is
# printed below).
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
# `build.result("bias_variance")` returns the Result the page was made from (the site's
# configuration and seed). Inside a built copy of the repository it is read from the build's
# cache, so every number below is the page's; anywhere else it is computed here, which takes
# a while, and cached for the next call.

# %%
import dataclasses  # for your own variants (see "Try it")

import matplotlib.pyplot as plt

from course_code import build, figures

exp_figures = figures.get("bias_variance")
result = build.result("bias_variance")
config = result.config
print(config)
print(f"Bayes error: {result.bayes_error:.2%} (standard error {result.bayes_error_se:.2%})")

# %% [markdown]
# ## The diagnosis of each network

# %%
report = exp_figures.report(result)
print(report.tables["grid"])

# %%
spec = report.figures["curves"]
fig = plt.figure(figsize=spec.size, layout="constrained")
spec.draw(fig)
plt.show()

# %% [markdown]
# ## Try it
#
# Each change below is a new configuration: run it with
# `result = build.result("bias_variance", dataclasses.replace(config, patches=0))` (say), which
# trains every network again and caches the Result, then run the cells below it again.
#
# - Train on clean labels (`patches=0`): the Bayes error becomes zero, and every gap is
#   avoidable.
# - Make the rule stricter or looser (`gap=0.01` or `gap=0.05`) and see how the diagnoses
#   change: the rule needs a judgement of what counts as "high".
# - Train longer (`num_iterations=5000`): the large unregularized networks memorize more of
#   the flipped points.
