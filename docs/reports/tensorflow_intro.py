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
# # TensorFlow: the executable report
#
# This notebook shows the experiments of the [TensorFlow](../../tensorflow/)
# page: the course's introduction to TensorFlow (exercises, a LINEAR-RELU-LINEAR-RELU-LINEAR
# network trained with `tf.GradientTape` and Adam) on the stand-in data, scikit-learn's small
# handwritten digits (the course's SIGNS images cannot be downloaded here), then Keras `model.fit`
# against the low-level loop, TensorFlow's gradients against our NumPy backward pass, and our
# optimizers against Keras'.
#
# The first cell installs `course_code` and TensorFlow (CPU) when they are not importable
# (in Colab, say); in a clone of the repository, where both are installed, it does nothing.

# %%
import importlib.util
import subprocess
import sys

REPOSITORY = "https://github.com/course-site/improving-deep-networks"
if importlib.util.find_spec("course_code") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"git+{REPOSITORY}"], check=True)
if importlib.util.find_spec("tensorflow") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "tensorflow-cpu"], check=True)

# %% [markdown]
# ## The course's exercises
#
# The linear function with the course's `np.random.seed(1)`, the sigmoid and one-hot
# encoding, with the values the course expects.

# %%
import dataclasses  # for your own variants (see "Try it")
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display

from course_code import build, experiments, figures, tf_intro

print(tf_intro.linear_function(np.random.RandomState(1)).numpy().ravel())
print(tf_intro.sigmoid(np.array([-1.0, 0.0, 12.0])).numpy())
print(tf_intro.one_hot_matrix(1, depth=4).numpy())

# %% [markdown]
# ## The training runs
#
# `build.result("tensorflow_intro")` returns the page's own run: the site's configuration
# (printed below) and seed, with the Keras comparison and the GradientTape check. In a built
# copy of the repository it is read from the build's cache, so the numbers below are the
# page's; anywhere else (Colab, say) it is computed on the first call, which takes a while,
# and cached for the next.

# %%
tfi = experiments.get("tensorflow_intro")
tfi_figures = figures.get("tensorflow_intro")
result = build.result("tensorflow_intro")
config = result.config
print(config)
print(f"train {result.data.X_train.shape[1]}, dev {result.X_dev.shape[1]}, "
      f"test {result.data.X_test.shape[1]} images")
for name, run in (("raised rate", result.run), ("course's rate", result.course_rate)):
    # the per-epoch "test" record of train_model is the dev set here
    print(f"{name:>14}: cost {run.costs[0]:.3f} -> {run.costs[-1]:.3f}, "
          f"train {run.final_train_accuracy:.3f}, dev {run.final_test_accuracy:.3f}")
print(f"chosen on dev: {result.chosen_learning_rate:g}; "
      f"its test accuracy, scored once: {result.test_accuracy:.3f}")
for name, accs in (("raised rate", result.seed_accuracy), ("course's rate", result.seed_course_accuracy)):
    dev = accs[:, 1]
    print(f"{name:>14}, {len(dev)} other seeds: dev {dev.mean():.3f} ({dev.min():.3f}-{dev.max():.3f})")

# %% [markdown]
# The dev set chooses the learning rate, and only then is the test set scored. The train and
# dev accuracy curves, drawn by the same function as the site's figure:

# %%
report = tfi_figures.report(result)
spec = report.figures["accuracy_curves"]
fig = plt.figure(figsize=spec.size, layout="constrained")
spec.draw(fig)
plt.show()

# %% [markdown]
# Keras `model.fit` from the same weights on the same batches, and TensorFlow's gradients of
# our NumPy network against `course_code.network.backward`:

# %%
display(Markdown(report.tables["keras"]))
display(Markdown(report.tables["gradient_tape"]))

# %% [markdown]
# ## Our optimizers and schedules against Keras
#
# The `framework_equivalence` experiment's own run, `build.result("framework_equivalence")`
# (from the cache too): every rule with its mapping, and the mistakes without it.

# %%
fe = experiments.get("framework_equivalence")
fe_figures = figures.get("framework_equivalence")
eq = build.result("framework_equivalence")
eq_report = fe_figures.report(eq)
display(Markdown(eq_report.tables["mistakes"]))
assert eq_report.metrics["all_mapped_match"]

# %% [markdown]
# ## Try it
#
# - Run your own variant, `result = build.result("tensorflow_intro",
#   dataclasses.replace(config, num_epochs=300))`, with more epochs to watch the course's
#   rate catch up, or with other `layer_dims`.
# - Change `tiny_epsilon` to `1e-8`, `eq = build.result("framework_equivalence",
#   dataclasses.replace(eq.config, tiny_epsilon=1e-8))`, and see RMSprop's and Adam's errors
#   against Keras grow in proportion to epsilon.
# - Pass a Python float instead of `np.float64` to a Keras optimizer and compare the
#   trajectories (`course_code.keras_compat.optimizer_errors(..., python_floats=True)`).
