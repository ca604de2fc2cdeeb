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
# This notebook re-runs the experiment of the [Bias and variance](../../bias_variance/) page
# with fewer sets for the Bayes error and a shorter grid (the configuration is printed below):
# the Bayes error of the football stand-in, then train and dev error of networks of several
# sizes and L2 strengths, each diagnosed by the course's rule.
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

# %%
import dataclasses

import matplotlib.pyplot as plt
import numpy as np

from course_code import experiments, figures

exp = experiments.get("bias_variance")
exp_figures = figures.get("bias_variance")
config = dataclasses.replace(exp.Config(), hidden=((3,), (20, 3)), n_seeds=2, bayes_sets=100,
                             curve_sizes=(25, 100, 400))
result = exp.run(config, rng=np.random.default_rng(exp.SEED))
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
# - Train on clean labels (`patches=0`): the Bayes error becomes zero, and every gap is
#   avoidable.
# - Make the rule stricter or looser (`gap=0.01` or `gap=0.05`) and see how the diagnoses
#   change: the rule needs a judgement of what counts as "high".
# - Train longer (`num_iterations=5000`): the large unregularized networks memorize more of
#   the flipped points.
