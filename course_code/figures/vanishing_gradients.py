"""Figures, tables, metrics and claims of the ``vanishing_gradients`` experiment."""

from __future__ import annotations

import numpy as np

from ..experiments.vanishing_gradients import INITS, Result
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
    out["claims"] = claims(result)
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
    }
    return Report(figs, {"summary": _table(result)}, metrics(result), thumbnail="relu")
