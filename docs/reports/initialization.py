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
# This notebook re-runs the experiment of the [Initialization](../../initialization/) page:
# the course's `[2, 10, 5, 1]` network trained by gradient descent from zeros, from large
# random weights ($\mathcal{N}(0, 1) \times 10$) and from He weights
# ($\mathcal{N}(0, 1)\sqrt{2 / n^{[l-1]}}$). It runs in a few seconds.
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
#
# The site's run also repeats every initialization from several other seeds (its `n_seeds`);
# here one extra seed is enough, which keeps the notebook fast.

# %%
import dataclasses
import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from course_code import experiments, figures

init = experiments.get("initialization")
init_figures = figures.get("initialization")
config = dataclasses.replace(init.Config(), n_seeds=1)
result = init.run(config, rng=np.random.default_rng(init.SEED))
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
# ## Same numbers as the site
#
# The experiment is a pure function of its config and seed, so this run's headline
# numbers equal those on the page (read from the build's `metrics.json` when this
# notebook runs inside the repository).

# %%
metrics_file = Path("../generated/initialization/metrics.json")
if metrics_file.is_file():
    site = json.loads(metrics_file.read_text())
    for method, run in result.runs.items():
        assert run.train_accuracy == site[method]["train_accuracy"], method
        assert run.test_accuracy == site[method]["test_accuracy"], method
    print("train and test accuracy: identical to the site's run")
else:
    print("metrics.json not found (not inside the repository): nothing to compare")

# %% [markdown]
# ## Try it
#
# Change the scale of the large random weights (`random_scale`) or the number of
# iterations and run the cells again: for instance `random_scale=1.0` already trains much
# better than the course's factor of ten.
