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
# # Regularization: the executable report
#
# This notebook runs the experiment of the [Regularization](../../regularization/) page: the
# course's `[2, 20, 3, 1]` network trained by full-batch gradient descent (the course's learning
# rate and iterations) with no regularization, with L2 and with inverted dropout (the course's
# $\lambda$ and `keep_prob`; the config is printed below), from several initial draws, and a
# sweep of $\lambda$ chosen on a dev set. It then trains once more with the course's **frozen**
# dropout mask, which the page only describes.
#
# The data are `course_code.datasets.football`, a **synthetic stand-in** for the course's
# French-football file, which cannot be distributed here: points on the same part of the
# field, labelled by a wavy boundary, with a few small patches of flipped labels in the
# training set and *other* patches in the test set. The course's numbers are on its own
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
# ## Run the experiment
#
# `build.result("regularization")` returns the page's own run (the site's configuration and
# seed). Inside a built copy of the repository it is read from the build's cache, so every
# number below is the page's; anywhere else (Colab, say) it is computed here, which takes
# a while, and cached for the next call. Pass a changed configuration,
# `build.result("regularization", dataclasses.replace(config, keep_prob=0.6))`, to run
# your own variant.

# %%
import dataclasses  # for your own variants (see "Try it")

import matplotlib.pyplot as plt
import numpy as np

from course_code import build, experiments, figures

reg = experiments.get("regularization")
reg_figures = figures.get("regularization")
result = build.result("regularization")
config = result.config
print(config)

print(f"{'':>28} {'train':>6} {'test':>6} {'gap':>6} {'sum W^2':>8}")
for variant, run in result.runs.items():
    print(f"{reg_figures.label(variant, config):>28} {run.train_accuracy:6.3f} {run.test_accuracy:6.3f} "
          f"{run.train_accuracy - run.test_accuracy:+6.3f} {run.weight_sq:8.1f}")

# %% [markdown]
# ## The decision boundaries
#
# Drawn by the same function as the site's figure: the unregularized network grows
# islands around the mislabeled training patches; L2 and dropout draw a smoother line.

# %%
report = reg_figures.report(result)
spec = report.figures["boundaries"]
fig = plt.figure(figsize=spec.size, layout="constrained")
spec.draw(fig)
plt.show()

# %% [markdown]
# The other initial draws: mean and range of the accuracies.

# %%
print(f"{'':>26} {'train: mean (range)':>20} {'test: mean (range)':>20}")
for variant in reg.VARIANTS:
    cells = [f"{a.mean():.3f} ({a.min():.3f}-{a.max():.3f})" for a in result.seed_accuracy[variant].T]
    print(f"{reg_figures.label(variant, config):>26} {cells[0]:>20} {cells[1]:>20}")

# %% [markdown]
# ## The course's frozen dropout mask
#
# The course's `forward_propagation_with_dropout` calls `np.random.seed(1)` every time it
# runs, so every iteration uses the *same* two masks: it trains one fixed thinned
# network, not a fresh one per step. `course_code.network.forward` accepts fixed masks
# (`masks=`), so a plain gradient-descent loop reproduces that behaviour (with our own
# mask, not the course's). Same initial weights as the headline run.

# %%
from course_code import datasets
from course_code.initializers import initialize_parameters
from course_code.losses import cross_entropy_cost
from course_code.network import accuracy, backward, forward

data_rng, head_rng, _, _ = np.random.default_rng(reg.SEED).spawn(4)
data = datasets.football(rng=data_rng)
init_rng, mask_rng = head_rng.spawn(2)
params = initialize_parameters(list(config.layer_dims), config.init, rng=init_rng)
m, kp = data.X_train.shape[1], config.keep_prob
masks = [(mask_rng.random((n, m)) < kp).astype(float) for n in config.layer_dims[1:-1]]

frozen_costs = []
for i in range(config.num_iterations):
    AL, caches = forward(data.X_train, params, keep_prob=kp, masks=masks)
    if i % config.record_every == 0:
        frozen_costs.append(cross_entropy_cost(AL, data.Y_train))
    grads = backward(AL, data.Y_train, caches, keep_prob=kp)
    params = {k: v - config.learning_rate * grads["d" + k] for k, v in params.items()}

fresh = result.runs["dropout"]
print(f"{'':>20} {'last cost':>9} {'train':>6} {'test':>6}")
frozen_train = accuracy(data.X_train, data.Y_train, params)
frozen_test = accuracy(data.X_test, data.Y_test, params)
print(f"{'fresh mask per step':>20} {fresh.costs[-1]:9.4f} "
      f"{fresh.train_accuracy:6.3f} {fresh.test_accuracy:6.3f}")
print(f"{'one frozen mask':>20} {frozen_costs[-1]:9.4f} {frozen_train:6.3f} {frozen_test:6.3f}")

# %%
fig, ax = plt.subplots(figsize=(6.4, 3.6), layout="constrained")
ax.plot(fresh.iterations, fresh.costs, label="fresh mask every step")
ax.plot(fresh.iterations, frozen_costs, label="one frozen mask (the course's way)")
ax.set(yscale="log", xlabel="iteration", ylabel="cost of the masked network",
       title=f"Dropout, keep_prob = {kp:g}")
ax.legend()
plt.show()

# %% [markdown]
# With a frozen mask the cost of the masked network falls smoothly and low, like that of a
# network trained without dropout: the same thinned network is fitted at every step, so
# nothing injects noise. It is a smaller network, trained plainly; prediction then uses
# all the units, a network that was never fitted as such, and how well it does depends on
# which units the one mask happened to drop. A fresh mask makes the cost noisy and keeps it
# high, because every step sees a different thinned network: that noise *is* dropout's
# regularization. (The course's low dropout cost on its own data comes from its frozen
# mask.)
#
# ## Try it
#
# - Change `keep_prob` or `lambd` (`build.result("regularization",
#   dataclasses.replace(config, keep_prob=0.6))`) and run the cells again. Very small
#   `keep_prob` or large `lambd` underfits: train and test
#   accuracy meet, both low.
# - Draw other frozen masks (another `mask_rng`) and compare the test accuracies: with a
#   frozen mask the result depends on which units happened to be dropped.
# - Train without the mislabeled patches, `datasets.football(rng=..., patches=0)`: with
#   clean labels there is little to overfit and regularization has little to cure.
