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
# # Data augmentation: the executable report
#
# This notebook works on the experiment of the [Data augmentation](../../data_augmentation/)
# page: the NumPy softmax network on the handwritten digits, trained on training sets of
# several sizes as they are and with moved copies of every image, scored on the dev images
# and on the dev images moved by one pixel. Then it tries turned copies, which the page does
# not.
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
# ## Moved and turned copies
#
# A single bright pixel moved right and down by one, and a small bar turned a quarter turn:
# the functions work on every column of `X` at once.

# %%
import dataclasses

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display

from course_code import build, experiments, figures
from course_code.augment import rotate_images, shift_images

dot = np.zeros((8, 8))
dot[3, 4] = 1.0
moved = shift_images(dot.reshape(64, 1), 1, 1).reshape(8, 8)
print("the pixel moved from (3, 4) to", tuple(int(i) for i in np.argwhere(moved == 1)[0]))
bar = np.zeros((8, 8))
bar[1:7, 3:5] = 1.0
turned = rotate_images(bar.reshape(64, 1), 90).reshape(8, 8)
print("a quarter turn is numpy's rot90:", np.allclose(turned, np.rot90(bar)))

# %% [markdown]
# ## The page's run
#
# `build.result("data_augmentation")` returns the Result the page was made from (the site's
# configuration and seed). Inside a built copy of the repository it is read from the build's
# cache, so every number below is the page's; anywhere else it is computed here, which takes
# a while, and cached for the next call.

# %%
exp = experiments.get("data_augmentation")
exp_figures = figures.get("data_augmentation")
result = build.result("data_augmentation")
config = result.config
print(config)
report = exp_figures.report(result)
m = report.metrics
for key in ("smallest", "full"):
    r = m[key]
    print(f"{r['size']} images: dev {r['plain']:.3f} plain, {r['augmented']:.3f} augmented; "
          f"moved dev {r['moved_plain']:.3f} plain, {r['moved_augmented']:.3f} augmented")


def show(name):
    spec = report.figures[name]
    fig = plt.figure(figsize=spec.size, layout="constrained")
    spec.draw(fig)
    plt.show()


show("examples")
show("dev_curves")
display(Markdown(report.tables["by_size"]))
show("moved_curves")
display(Markdown(report.tables["moved"]))
display(Markdown(report.tables["final"]))

# %% [markdown]
# ## Try it: turned copies too
#
# `angle` adds two more copies of every image, turned by that many degrees each way. The
# cell runs the experiment again with moves and turns, for the first few seeds only (the
# `n_seeds` of the cell) to keep it short. Each seed draws its subsets, initial weights and
# mini-batch order from its own generator, whatever the number of seeds, so these are the
# page's first seeds: the plain networks, which see no copies, come out identical to the
# page's (the cell checks it), and the moves-only column compares like with like. Try other
# angles, a two-pixel `shift`, or `shift=0` to turn the images without moving them.

# %%
n_seeds = 3
turned_config = dataclasses.replace(config, angle=12.0, n_seeds=n_seeds)
turned_result = exp.run(turned_config, rng=np.random.default_rng(exp.SEED))
plain, augmented = exp.ARMS.index("plain"), exp.ARMS.index("augmented")
same = np.array_equal(turned_result.dev_accuracy[:, plain], result.dev_accuracy[:, plain, :n_seeds])
print("the plain networks are the page's first seeds again:", same)
print(f"dev accuracy, mean of the first {n_seeds} seeds (moved dev images in brackets)")
print(f"{'images':>7} {'moves only':>18} {'moves and turns':>18}")
for i, size in enumerate(config.sizes):
    only = (result.dev_accuracy[i, augmented, :n_seeds].mean(),
            result.shifted_dev_accuracy[i, augmented, :n_seeds].mean())
    both = (turned_result.dev_accuracy[i, augmented].mean(),
            turned_result.shifted_dev_accuracy[i, augmented].mean())
    print(f"{size:>7} {only[0]:10.3f} ({only[1]:.3f}) {both[0]:10.3f} ({both[1]:.3f})")
report = exp_figures.report(turned_result)
show("examples")
