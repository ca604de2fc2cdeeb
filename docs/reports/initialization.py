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
# # Initialization: the executable report
#
# This notebook shows the experiment of the [Initialization](../../initialization/) page:
# the course's `[2, 10, 5, 1]` network trained by gradient descent from zeros, from large
# random weights ($\mathcal{N}(0, 1) \times 10$) and from He weights
# ($\mathcal{N}(0, 1)\sqrt{2 / n^{[l-1]}}$), each repeated from several other initial
# draws.
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
# `build.result("initialization")` returns the page's own run: the site's configuration and
# seed. In a built copy of the repository it is read from the build's cache, so the numbers
# below are the page's; anywhere else (Colab, say) it is computed on the first call and
# cached for the next.

# %%
import dataclasses  # for your own variants (see "Try it")

import matplotlib.pyplot as plt

from course_code import build, experiments, figures

init = experiments.get("initialization")
init_figures = figures.get("initialization")
result = build.result("initialization")
config = result.config
print(config)
print(f"{len(result.runs)} runs of {config.num_iterations} iterations")

# %%
print(f"{'':>18} {'first cost':>10} {'last cost':>9} {'train':>6} {'test':>5}  distinct units")
for method, run in result.runs.items():
    print(f"{init_figures.LABELS[method]:>18} {run.costs[0]:10.4f} {run.costs[-1]:9.4f} "
          f"{run.train_accuracy:6.4f} {run.test_accuracy:5.2f}  {run.distinct_units}")

# %% [markdown]
# The first cost of the large random weights is large but finite: the cost is computed
# from the logits, where the course's version printed `inf`.
#
# ## The cost curves
#
# The figure is drawn by the same function as the site's figure.

# %%
report = init_figures.report(result)
spec = report.figures["costs"]
fig = plt.figure(figsize=spec.size, layout="constrained")
spec.draw(fig)
plt.show()

# %% [markdown]
# ## The other initial draws
#
# Each initialization again from `n_seeds` other draws of the weights: mean and range of
# the accuracies.

# %%
print(f"{'':>18} {'train: mean (range)':>20} {'test: mean (range)':>20}")
for method, accuracy in result.seed_accuracy.items():
    cells = [f"{a.mean():.3f} ({a.min():.3f}-{a.max():.3f})" for a in accuracy.T]
    print(f"{init_figures.LABELS[method]:>18} {cells[0]:>20} {cells[1]:>20}")

# %% [markdown]
# ## Try it
#
# Change the scale of the large random weights (`random_scale`) or the number of
# iterations, `result = build.result("initialization", dataclasses.replace(config,
# random_scale=1.0))`, and run the cells again: a scale of one already trains much better
# than the course's factor of ten.
