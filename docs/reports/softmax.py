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
# # Softmax regression: the executable report
#
# This notebook shows the experiment of the [Softmax regression](../../softmax/) page:
# the NumPy network with a softmax output on the handwritten digits of the TensorFlow page
# (the same split), its gradient check, the two-class softmax against the sigmoid network,
# the choice of learning rate and epochs on a dev set, the test score, and the softmax
# against the hardmax.
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
# ## The gradient is y_hat - y
#
# The numerical gradient of the categorical cross-entropy with respect to the scores,
# against $(\hat y - y) / m$, on random scores.

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display

from course_code import build, experiments, figures
from course_code.activations import softmax
from course_code.gradient_check import numerical_gradient
from course_code.losses import categorical_cross_entropy_from_logits

rng = np.random.default_rng(0)
Z = rng.standard_normal((6, 5))
Y = np.eye(6)[:, rng.integers(0, 6, 5)]
numeric = numerical_gradient(lambda z: categorical_cross_entropy_from_logits(z, Y), Z, epsilon=1e-6)
print("largest difference:", np.abs(numeric - (softmax(Z)[0] - Y) / 5).max())

# %% [markdown]
# ## The experiment's Result
#
# `build.result("softmax")` returns the page's own run: the site's configuration (its grid
# of learning rates and epochs, its seeds) and seed. In a built copy of the repository it is
# read from the build's cache, so the numbers below are the page's; anywhere else (Colab,
# say) it is computed on the first call and cached for the next.

# %%
exp = experiments.get("softmax")
exp_figures = figures.get("softmax")
result = build.result("softmax")
config = result.config
print(config)
report = exp_figures.report(result)
m = report.metrics
print(f"gradient check: {m['gradient_check']:.1e} (with L2: {m['gradient_check_l2']:.1e})")
print(f"two classes against the sigmoid network: {m['two_class_difference']:.1e}")
print(f"chosen on dev: learning rate {m['best_rate']:g}, {m['best_epochs']} epochs")
print(f"test accuracy over {config.n_seeds} seeds: mean {m['test_mean']:.3f}, "
      f"from {m['test_min']:.3f} to {m['test_max']:.3f}")

# %%
display(Markdown(report.tables["selection"]))
display(Markdown(report.tables["final"]))

# %% [markdown]
# ## Softmax against hardmax
#
# The least confident test images: the softmax shows the hesitation, the hardmax hides it.

# %%
spec = report.figures["softmax_vs_hardmax"]
fig = plt.figure(figsize=spec.size, layout="constrained")
spec.draw(fig)
plt.show()
display(Markdown(report.tables["least_confident"]))

# %% [markdown]
# ## Try it: two classes
#
# Train the softmax network on the digits 0 and 1 only (those of the Result's data, the
# page's split) and compare its class-1 probability with the sigmoid network carrying the
# difference of its last-layer weights.

# %%
from course_code.network import forward
from course_code.optimizers import adam
from course_code.schedules import constant
from course_code.training import train


def zeros_and_ones(X, Y):
    keep = Y[:2].sum(axis=0) == 1  # one-hot rows 0 and 1: the digits 0 and 1
    return X[:, keep], Y[:2, keep]


X_train, Y_train = zeros_and_ones(result.data.X_train, result.data.Y_train)
X_test, _ = zeros_and_ones(result.data.X_test, result.data.Y_test)
r = train(X_train, Y_train, [64, 8, 2], optimizer=adam(), schedule=constant(1e-3), num_epochs=20,
          mini_batch_size=32, rng=np.random.default_rng(2), output="softmax")
p = r.params
twin = {**p, "W2": p["W2"][1:] - p["W2"][:1], "b2": p["b2"][1:] - p["b2"][:1]}
p_softmax = forward(X_test, p, output="softmax")[0][1]
p_sigmoid = forward(X_test, twin)[0][0]
print(f"{X_train.shape[1]} training and {X_test.shape[1]} test images")
print("largest relative difference:", np.max(np.abs(p_softmax - p_sigmoid) / p_sigmoid))
