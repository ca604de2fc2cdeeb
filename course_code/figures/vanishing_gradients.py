"""Figures, tables, metrics and claims of the ``vanishing_gradients`` experiment."""

from __future__ import annotations

import numpy as np

from ..experiments.vanishing_gradients import INITS, Result, trained
from .plotting import COLORS
from .report import FigureSpec, Report, markdown_table

LABELS = {
    "small": "small random (×0.01)",
    "unit": "unit random",
    "he": "He",
    "lecun": "LeCun",
    "glorot": "Glorot",
}
COLOR = dict(zip(INITS, (COLORS[5], COLORS[1], COLORS[0], COLORS[2], COLORS[3]), strict=True))


def _geo(a: np.ndarray, axis=0) -> np.ndarray:
    """Geometric mean over seeds."""
    return np.exp(np.mean(np.log(a), axis=axis))


def ratios(result: Result) -> dict[str, dict[str, float]]:
    """Per init, geometric means over seeds: last over first hidden layer, forward and backward."""
    out = {}
    for n in INITS:
        act, grad = result.activation[n], result.grad_activation[n]
        out[n] = {
            "activation": float(_geo(act[:, -1] / act[:, 0])),
            "gradient": float(_geo(grad[:, 0] / grad[:, -1])),  # first layer over last: backwards
            "grad_weight": float(_geo(np.median(result.grad_weight[n], axis=1))),
            "per_layer_activation": float(_geo(act[:, -1] / act[:, 0]) ** (1 / (act.shape[1] - 1))),
        }
    return out


def claims(result: Result) -> dict[str, bool]:
    r = ratios(result)
    big, s = 1e6, result.config.linear_scales
    lin_out = result.linear_outputs
    return {
        "linear_grows_and_shrinks": bool(
            any(v > 1 for v in s)
            and any(v < 1 for v in s)
            and all((lin_out[i, -1] > lin_out[i, 0]) == (v > 1) for i, v in enumerate(s))
        ),
        "he_within_tenfold": bool(all(0.1 < r["he"][k] < 10 for k in ("activation", "gradient"))),
        "small_vanishes": bool(r["small"]["activation"] < 1 / big and r["small"]["gradient"] < 1 / big),
        "unit_explodes": bool(r["unit"]["activation"] > big and r["unit"]["gradient"] > big),
        "lecun_glorot_shrink": bool(
            all(r[n]["activation"] < 1e-3 and r[n]["gradient"] < 1e-3 for n in ("lecun", "glorot"))
        ),
        "he_every_seed_within_tenfold": bool(
            np.all(np.abs(np.log10(result.activation["he"][:, -1] / result.activation["he"][:, 0])) < 1)
        ),
        "weight_gradients_span_orders": bool(
            r["unit"]["grad_weight"] > big * r["he"]["grad_weight"] > big**2 * r["small"]["grad_weight"]
        ),
    }


OPTIMIZER_NAMES = {"adam": "Adam", "gd": "gradient descent"}
CAREFUL = ("he", "lecun", "glorot")


def _num(v: float):
    """``v`` as a float, or None when it is nan or infinite (metrics must be finite)."""
    return float(v) if np.isfinite(v) else None


def _mean_or_none(values: np.ndarray):
    """Mean over the runs that did not diverge (nan entries), or None when every run diverged."""
    v = values[~np.isnan(values)]
    return float(v.mean()) if v.size else None


def at_log2(result: Result, tol: float = 1e-3) -> dict[str, np.ndarray]:
    """Per init, (n_seeds,) bool: the final cost is within ``tol`` of log 2, the cost of
    answering 1/2 everywhere (a diverged run, nan, is not)."""
    return {n: np.abs(np.nan_to_num(c[:, -1], nan=np.inf) - np.log(2)) < tol
            for n, c in result.training.costs.items()}


def careful_misses(result: Result) -> dict[str, int]:
    """Over He, LeCun and Glorot: the runs that missed the accuracy mark, those of them that
    ended at log 2, and the others (no dead layer, cost elsewhere)."""
    tr, c = result.training, result.config
    ok, flat = trained(tr, c.trained_accuracy), at_log2(result)
    missed = np.concatenate([~ok[n] & ~tr.diverged[n] for n in CAREFUL])
    stuck = np.concatenate([flat[n] for n in CAREFUL])
    dead = np.concatenate([tr.dead_layer[n] for n in CAREFUL])
    return {"missed": int(missed.sum()), "at_log2": int((missed & stuck).sum()),
            "missed_alive": int((missed & ~stuck & ~dead).sum())}


def training_summary(result: Result) -> dict:
    """Per init, over seeds: how many trained, diverged, ended with a dead layer; medians and means."""
    tr, c = result.training, result.config
    ok = trained(tr, c.trained_accuracy)
    out = {}
    for n in INITS:
        final = tr.costs[n][:, -1]
        out[n] = {
            "trained": int(ok[n].sum()),
            "diverged": int(tr.diverged[n].sum()),
            "dead": int(tr.dead_layer[n].sum()),
            "first_grad": _num(np.median(tr.first_grad_weight[n])),
            "last_activation": _num(np.median(tr.first_activation[n][:, -1])),
            "initial_cost": _num(np.median(tr.initial_cost[n])),
            "final_cost": None if np.all(np.isnan(final)) else _num(np.nanmedian(final)),
            "train_accuracy": _mean_or_none(tr.train_accuracy[n]),
            "dev_accuracy": _mean_or_none(tr.dev_accuracy[n]),
        }
    return out


def training_claims(result: Result) -> dict[str, bool]:
    tr, c = result.training, result.config
    s, ok = training_summary(result), trained(tr, c.trained_accuracy)
    S = c.n_seeds
    small_final = tr.costs["small"][:, -1]
    flat = at_log2(result)
    g = {n: float(np.median(tr.first_grad_weight[n])) for n in INITS}  # nan compares False
    k = {n: s[n]["trained"] for n in INITS}
    last = {n: float(np.median(tr.first_activation[n][:, -1])) for n in INITS}
    return {
        "train_small_never_moves": bool(
            not tr.diverged["small"].any()
            and np.all(np.abs(small_final - tr.initial_cost["small"]) < 1e-3 * tr.initial_cost["small"])
            and s["small"]["trained"] == 0
        ),
        "train_unit_starts_exploded": bool(np.min(tr.initial_cost["unit"]) > 1e3),
        "train_unit_never_trains": s["unit"]["trained"] == 0,
        "train_unit_no_divergence": s["unit"]["diverged"] == 0,
        "train_unit_coin_toss": s["unit"]["dev_accuracy"] is not None and s["unit"]["dev_accuracy"] < 0.6,
        "train_he_not_every_seed": 0 < s["he"]["dead"] and s["he"]["trained"] < S,
        "train_some_stuck_at_log2": careful_misses(result)["at_log2"] > 0,
        "train_he_most_seeds": s["he"]["trained"] > S / 2,
        "train_he_at_least_lecun_glorot": s["he"]["trained"] >= max(k["lecun"], k["glorot"]),
        "train_lecun_glorot_some_seeds": min(k["lecun"], k["glorot"]) >= 1,
        "train_gradient_gap": bool(
            max(g["lecun"], g["glorot"]) < g["he"] / 100
            and g["small"] < 1e-20 * g["he"]
            and g["unit"] > 1e6 * g["he"]
        ),
        # a dead layer and a cost of exactly log 2 go together, both ways
        "train_log2_runs_dead": bool(all(np.all(tr.dead_layer[n][flat[n]]) for n in CAREFUL)),
        "train_dead_runs_at_log2": bool(all(np.all(flat[n][tr.dead_layer[n]]) for n in CAREFUL)),
        # one Adam step (about the learning rate) against the last hidden layer's activations
        "train_step_dwarfs_small_activations": bool(
            max(last["small"], last["lecun"], last["glorot"]) < c.learning_rate / 10 < last["he"] / 10
        ),
        "train_trained_runs_alive": bool(all(not np.any(tr.dead_layer[n][ok[n]]) for n in INITS)),
    }


def metrics(result: Result) -> dict:
    c = result.config
    out = {
        "depth": c.depth,
        "width": c.width,
        "narrow": c.narrow,
        "m": c.m,
        "n_seeds": c.n_seeds,
        "small_scale": c.small_scale,
        "linear": {},
        "inits": ratios(result),
    }
    for i, s in enumerate(c.linear_scales):
        out["linear"][f"{s:g}".replace(".", "_")] = {
            "scale": s,
            "last_output": float(result.linear_outputs[i, -1]),
            "first_grad": float(result.linear_grads[i, 0]),
        }
    tr = result.training
    out["training"] = {
        "hidden": c.train_hidden,
        "width": c.train_width,
        "epochs": c.train_epochs,
        "learning_rate": c.learning_rate,
        "optimizer": OPTIMIZER_NAMES[c.optimizer],
        "n_train": tr.n_train,
        "n_dev": tr.n_dev,
        "threshold": c.trained_accuracy,
        "inits": training_summary(result),
        "careful": careful_misses(result),
    }
    out["claims"] = {**claims(result), **training_claims(result)}
    return out


def draw_linear(result: Result):
    def draw(fig):
        ax = fig.subplots()
        layers = np.arange(1, result.config.depth + 1)
        for i, s in enumerate(result.config.linear_scales):
            col = COLORS[5] if s > 1 else COLORS[0]
            ax.semilogy(layers, result.linear_outputs[i], color=col, label=f"W = {s:g} I: output ‖a[l]‖")
            ax.semilogy(
                layers, result.linear_grads[i], color=col, ls="--", label=f"W = {s:g} I: gradient ‖∂ŷ/∂a[l]‖"
            )
        ax.set(
            xlabel="layer l",
            ylabel="norm (log scale)",
            title="The linear example: every layer multiplies by s",
        )
        ax.legend(fontsize=8)

    return draw


def draw_relu(result: Result):
    def draw(fig):
        ax_f, ax_b = fig.subplots(1, 2, sharex=True)
        layers = np.arange(1, result.config.depth)
        for n in INITS:
            for ax, values in ((ax_f, result.activation[n]), (ax_b, result.grad_activation[n])):
                for row in values:
                    ax.semilogy(layers, row, color=COLOR[n], lw=0.6, alpha=0.35)
                ax.semilogy(layers, _geo(values), color=COLOR[n], lw=2, label=LABELS[n])
        ax_f.set(xlabel="hidden layer l", ylabel="RMS of A[l]", title="Forward: activations")
        ax_b.set(
            xlabel="hidden layer l", ylabel="RMS of m·dA[l]", title="Backward: gradient reaching layer l"
        )
        ax_f.legend(fontsize=8)
        fig.suptitle(
            f"{result.config.depth}-layer ReLU network at initialization, {result.config.n_seeds} seeds "
            "(thin) and their geometric mean (thick)",
            fontsize=10,
        )

    return draw


def draw_training(result: Result):
    tr, c = result.training, result.config

    def draw(fig):
        ax_c, ax_g = fig.subplots(1, 2)
        layers = np.arange(1, len(tr.layer_dims))
        for n in INITS:
            for s in range(c.n_seeds):
                if tr.diverged[n][s]:
                    ax_c.semilogy([0], [tr.initial_cost[n][s]], "x", color=COLOR[n], ms=8)
                else:
                    ax_c.semilogy(tr.epochs, tr.costs[n][s], color=COLOR[n], lw=1.0, alpha=0.8)
                ax_g.semilogy(layers, tr.first_grad_weight[n][s], color=COLOR[n], lw=0.6, alpha=0.35)
            ax_c.plot([], [], color=COLOR[n], label=LABELS[n])  # one legend entry per init
            ax_g.semilogy(layers, _geo(tr.first_grad_weight[n]), color=COLOR[n], lw=2, label=LABELS[n])
        ax_c.axhline(np.log(2), color="0.5", ls=":", lw=1.2, label="log 2: output ½ for every point")
        ax_c.set(xlabel="epoch (one full-batch step)", ylabel="cost (log scale)",
                 title="Cost while training, one line per seed")
        ax_g.set(xlabel="layer l", ylabel="‖dW[l]‖ (log scale)", title="Weight gradients at the first step")
        ax_c.legend(fontsize=8)
        hidden = len(tr.layer_dims) - 2
        fig.suptitle(f"{hidden} hidden layers of {tr.layer_dims[1]} units on the circles, "
                     f"{OPTIMIZER_NAMES[c.optimizer]} (learning rate {c.learning_rate:g}), {c.n_seeds} seeds",
                     fontsize=10)

    return draw


def _fmt(v, spec: str) -> str:
    return "—" if v is None else format(v, spec)


def _training_table(result: Result) -> str:
    s, S = training_summary(result), result.config.n_seeds
    rows = [
        [
            LABELS[n],
            _fmt(s[n]["first_grad"], ".2g"),
            f"{_fmt(s[n]['initial_cost'], '.3g')} → {_fmt(s[n]['final_cost'], '.3g')}",
            f"{_fmt(s[n]['train_accuracy'], '.0%')} / {_fmt(s[n]['dev_accuracy'], '.0%')}",
            f"{s[n]['trained']} / {s[n]['dead']} / {s[n]['diverged']}",
        ]
        for n in INITS
    ]
    return markdown_table(
        [
            "initialization",
            "‖dW[l]‖ at the first step (median)",
            "cost: start → end (median)",
            "accuracy: train / dev (mean)",
            f"of {S} seeds: trained / dead layer / diverged",
        ],
        rows,
    )


def _table(result: Result) -> str:
    r = ratios(result)
    rows = [
        [
            LABELS[n],
            f"{r[n]['per_layer_activation']:.3g}",
            f"{r[n]['activation']:.2g}",
            f"{r[n]['gradient']:.2g}",
            f"{r[n]['grad_weight']:.2g}",
        ]
        for n in INITS
    ]
    return markdown_table(
        [
            "initialization",
            "factor per layer (forward)",
            "last / first layer (forward)",
            "first / last layer (backward)",
            "median ‖dW[l]‖",
        ],
        rows,
    )


def report(result: Result) -> Report:
    figs = {
        "linear": FigureSpec(
            draw_linear(result),
            (7.0, 3.8),
            "Norm of each layer's output and gradient in the linear example, log scale: "
            "W = 1.5 I grows geometrically, W = 0.5 I shrinks",
        ),
        "relu": FigureSpec(
            draw_relu(result),
            (9.0, 4.2),
            "Activation scale and backward gradient scale against depth for five "
            "initializations, log scale: only He stays flat",
        ),
        "training": FigureSpec(
            draw_training(result),
            (9.0, 4.2),
            "Left: the training cost of a deep ReLU network against epochs, log scale, one line per "
            "initialization and seed. Right: the norm of each layer's weight gradient at the first "
            "step, log scale, for the five initializations",
        ),
    }
    tables = {"summary": _table(result), "training_summary": _training_table(result)}
    return Report(figs, tables, metrics(result), thumbnail="relu")
