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
# # Gradient checking: the executable report
#
# This notebook works on the experiment of the [Gradient checking](../../gradient_checking/)
# page: the course's 1-D check of $J(\theta) = \theta x$, the N-D check of its
# `[4, 5, 3, 1]` network with a correct backward pass and with the course's two bugs
# ($dW^{[2]} \times 2$, $db^{[1]} \times 4$), and the sweep of the step $\varepsilon$ that
# shows truncation and round-off.
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
# `build.result("gradient_checking")` returns the Result the page was made from (the site's
# configuration and seed, printed by the cell). Inside a built copy of the repository it is
# read from the build's cache, so every number below is the page's; anywhere else it is
# computed here and cached for the next call.

# %%
import dataclasses  # for your own variants (see "Try it")

import matplotlib.pyplot as plt
import numpy as np

from course_code import build, experiments, figures
from course_code.gradient_check import (
    gradient_check,
    grads_to_vector,
    numerical_gradient,
    params_to_vector,
    relative_difference,
    vector_to_params,
)
from course_code.losses import cross_entropy_from_logits
from course_code.network import backward, forward

gc = experiments.get("gradient_checking")
gc_figures = figures.get("gradient_checking")
result = build.result("gradient_checking")
config = result.config
print(config)

# %%
header = f"check (epsilon = {config.epsilon:g})"
print(f"{header:<30} {'course':>12} {'the page':>12}")
rows = [("1-D, J = theta x", gc.COURSE["one_d"], result.one_d),
        ("N-D buggy, course cost", gc.COURSE["buggy"], result.nd["buggy_course"]),
        ("N-D correct, course cost", gc.COURSE["correct"], result.nd["correct_course"]),
        ("N-D correct, cost from logits", None, result.nd["correct_stable"])]
for name, course, ours in rows:
    print(f"{name:<30} {'-' if course is None else f'{course:.6g}':>12} {ours:12.6g}")

# %% [markdown]
# The course's numbers come back, and the exact cost from the logits takes the correct
# backprop's difference from about $10^{-7}$ down to about $10^{-9}$.
#
# One number says that something is wrong; the same difference restricted to each parameter
# block says where: only the two sabotaged blocks light up, at the $(k-1)/(k+1)$ the
# formula predicts ($3/5$ for $k = 4$, $1/3$ for $k = 2$).

# %%
from IPython.display import Markdown, display

rows = ["| block | bug | correct backprop | buggy backprop |", "| :-- | :-- | --: | --: |"]
for name, good, bad in zip(result.block_names, result.blocks["correct"], result.blocks["buggy"], strict=True):
    bug = gc.BUG.get("d" + name)
    rows.append(f"| {name} | {'-' if bug is None else f'x {bug:g}'} | {good:.2e} | {bad:.3g} |")
display(Markdown("\n".join(rows)))

# %% [markdown]
# ## The error against the step
#
# The figure is drawn by the same function as the site's figure: a V on a log-log plot,
# slope $+2$ (truncation) on the right, slope $-1$ (round-off) on the left, with the course's
# $\varepsilon = 10^{-7}$ on the round-off side.

# %%
report = gc_figures.report(result)
spec = report.figures["sweep"]
fig = plt.figure(figsize=spec.size, layout="constrained")
spec.draw(fig)
plt.show()

# %% [markdown]
# ## A few steps by hand
#
# `gradient_check` on the course's tensors, at four steps, for the correct and the buggy
# backward pass. The correct one moves along the V; the buggy one stays where it is
# whatever the step: a bug is not a matter of precision.

# %%
params, X, Y = gc.draw_case(config, None)   # the course's tensors (np.random.seed(1))
for eps in (1e-3, 1e-5, 1e-7, 1e-9):
    good = gradient_check(params, X, Y, epsilon=eps)
    bad = gradient_check(params, X, Y, epsilon=eps, backward_fn=gc.buggy_backward)
    print(f"epsilon = {eps:.0e}:  correct {good:.2e}   buggy {bad:.6f}")

# %% [markdown]
# ## Dropout: a fixed mask, or nothing
#
# With dropout, a gradient check only makes sense if every cost evaluation uses the same
# masks. With fixed masks the check passes; with a fresh mask at each forward pass, the
# centred difference divides random noise by $2\varepsilon$ and the difference goes to
# nearly 1, although backprop is correct.

# %%
rng = np.random.default_rng(0)
keep_prob = 0.8
masks = [(rng.random((n, X.shape[1])) < keep_prob).astype(float) for n in config.layer_dims[1:-1]]
print(f"fixed masks: {gradient_check(params, X, Y, keep_prob=keep_prob, masks=masks, epsilon=1e-5):.2e}")

AL, caches = forward(X, params, keep_prob=keep_prob, masks=masks)
grad = grads_to_vector(backward(AL, Y, caches, keep_prob=keep_prob), params)


def cost_with_a_fresh_mask(theta):
    _, c = forward(X, vector_to_params(theta, params), keep_prob=keep_prob, rng=rng)
    return cross_entropy_from_logits(c[-1].linear_activation.Z, Y)


approx = numerical_gradient(cost_with_a_fresh_mask, params_to_vector(params), epsilon=1e-5)
print(f"fresh masks: {relative_difference(grad, approx):.6f}")

# %% [markdown]
# ## Try it
#
# - Put your own bug in: copy `gc.buggy_backward`, scale another block (or swap a sign) and
#   look at `gc.block_differences` to see which block lights up. A sign flip of one block
#   scores 1 there, a factor $k$ scores $(k-1)/(k+1)$.
# - Change the course's example: `gc.draw_case` returns plain arrays; set `Y[0, 2] = 1`
#   (so the saturated example is no longer wrong) and the course cost's difference at
#   $\varepsilon = 10^{-7}$ drops towards $10^{-9}$.
# - Run `build.result("gradient_checking", dataclasses.replace(config, n_seeds=20))` to see
#   the spread of the best step over more random networks (it runs the study again and caches
#   the Result).
