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
# # Optimization methods: the executable report
#
# This notebook shows the experiment of the [Optimization methods](../../optimization/) page:
# the course's `[2, 5, 2, 1]` network on the moons data, trained with mini-batches at the
# course's learning rate (the config is printed below) with gradient descent, momentum, RMSprop
# and Adam, from the course's own initial weights and from several other draws.
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
# `build.result("optimization")` returns the page's own run, with the site's configuration
# and seed. In a built copy of the repository it is read from the build's cache, so the
# numbers below are the page's; anywhere else (Colab, say) it is computed on the first call
# and cached for the next.

# %%
import dataclasses  # for your own variants (see "Try it")

import matplotlib.pyplot as plt
import numpy as np

from course_code import build, experiments, figures
from course_code.optimizers import momentum

opt = experiments.get("optimization")
opt_figures = figures.get("optimization")
result = build.result("optimization")
config = result.config
print(config)
print(f"{len(result.runs)} optimizers x {config.num_epochs} epochs, "
      f"each also from {config.n_seeds} other initial weights")

# %%
print(f"{'':>18} {'first cost':>10} {'last cost':>9} {'train acc':>9}  course")
for name, run in result.runs.items():
    course = opt.COURSE[name]
    print(f"{opt_figures.LABELS[name]:>18} {run.costs[0]:10.4f} {run.costs[-1]:9.4f} {run.accuracy:9.4f}  "
          f"{'-' if course is None else f'{course:.4f}'}")

# %% [markdown]
# Gradient descent, momentum and Adam end at the course's accuracies (the last column).
# RMSprop is not in the course. From the other initial weights (mean and range of the
# training accuracy):

# %%
for name, accs in result.seed_accuracy.items():
    print(f"{opt_figures.LABELS[name]:>18} {accs.mean():.3f} ({accs.min():.3f}-{accs.max():.3f})")

# %% [markdown]
#
# ## The cost curves
#
# The figure is drawn by the same function as the site's figure.

# %%
report = opt_figures.report(result)
spec = report.figures["costs"]
fig = plt.figure(figsize=spec.size, layout="constrained")
spec.draw(fig)
plt.show()

# %% [markdown]
# ## Batch, mini-batch and stochastic gradient descent
#
# Every batch size makes the same number of updates. The time column is *estimated* from
# two constants measured once on the build machine (`c_update`, `c_example` in the config),
# never timed during the run, so the table is the same on every machine.

# %%
from IPython.display import Markdown, display

display(Markdown(report.tables["batch_comparison"]))

# %% [markdown]
# ## Momentum in the course's form is Keras' momentum with a smaller learning rate
#
# Keras' `SGD(learning_rate=eta, momentum=mu)` keeps a velocity $u \leftarrow \mu u - \eta g$ and
# steps $w \leftarrow w + u$. Written out in NumPy (no TensorFlow needed), it follows our
# `momentum(beta)` at learning rate `alpha` exactly when $\mu = \beta$ and
# $\eta = \alpha(1 - \beta)$, and takes much larger steps when $\eta = \alpha$:

# %%
def keras_sgd_path(w, grad, eta, mu, steps):
    u = np.zeros_like(w)
    for _ in range(steps):
        u = mu * u - eta * grad(w)
        w = w + u
    return w


def our_momentum_path(w, grad, alpha, beta, steps):
    rule, params = momentum(beta), {"w": w}
    state = rule.init(params)
    for _ in range(steps):
        params, state = rule.update(params, {"dw": grad(params["w"])}, state, learning_rate=alpha)
    return params["w"]


def grad(w):
    return np.array([1.0, 25.0]) * w  # the page's quadratic, f(w) = (w1^2 + 25 w2^2) / 2


w0, alpha, beta = np.array([-4.0, 1.5]), 0.05, 0.9
ours = our_momentum_path(w0, grad, alpha, beta, 30)
mapped = keras_sgd_path(w0, grad, alpha * (1 - beta), beta, 30)
naive = keras_sgd_path(w0, grad, alpha, beta, 30)
print("ours                         ", ours)
print("SGD(alpha * (1 - beta), beta)", mapped, " max difference", np.abs(ours - mapped).max())
print("SGD(alpha, beta)             ", naive)
assert np.allclose(ours, mapped, rtol=1e-12, atol=1e-12)

# %% [markdown]
# ## Try it
#
# - Raise the learning rate, `result = build.result("optimization",
#   dataclasses.replace(config, learning_rate=0.01))`, and run the cells again. How much
#   of the gap between gradient descent and Adam is left? Does momentum now differ from
#   gradient descent?
# - Set `course_weights=False` to start the headline runs from fresh He weights: the
#   course's accuracy for gradient descent and momentum was an unlucky draw.
# - Try `mini_batch_size=1` or `300` to see stochastic and batch gradient descent with each
#   optimizer.
