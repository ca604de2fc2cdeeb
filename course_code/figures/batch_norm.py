"""Figures, tables and metrics of the ``batch_norm`` experiment."""

from __future__ import annotations

import numpy as np

from ..experiments.batch_norm import PERCENTILES, Result
from .report import FigureSpec, Report, markdown_table, seed_summary

METHODS = ("plain", "bn")
LABELS = {"plain": "without batch norm", "bn": "with batch norm"}
COLORS = {"plain": "C5", "bn": "C0"}


# ---------------------------------------------------------------------- summaries
def trained(result) -> np.ndarray:
    """(2, R, S) bool: the run did not diverge and reached ``good_accuracy`` on the DEV set."""
    ok = np.where(result.diverged, False, np.nan_to_num(result.dev_accuracy, nan=0.0))
    return ~result.diverged & (ok >= result.config.good_accuracy)


def stalled(result) -> np.ndarray:
    """(2, R, S) bool: finite, but the final cost is no better than guessing 1/2 (ln 2 or more)."""
    with np.errstate(invalid="ignore"):
        return ~result.diverged & (np.nan_to_num(result.final_cost, nan=0.0) >= np.log(2) - 1e-3)


def largest_good_rate(result) -> np.ndarray:
    """(2, S): for each method and seed, the largest rate at which that run trained (0 if none)."""
    rates = np.asarray(result.config.learning_rates)[None, :, None]
    return np.max(np.where(trained(result), rates, 0.0), axis=1)


def chosen_rate_index(result) -> np.ndarray:
    """(2,): per method, the rate with the highest mean DEV accuracy over the seeds.

    A diverged run counts as accuracy 0, so a rate where some seeds blow up is penalized.
    """
    dev = np.where(result.diverged, 0.0, np.nan_to_num(result.dev_accuracy, nan=0.0))
    return np.argmax(dev.mean(axis=2), axis=1)


def chosen_test_accuracy(result) -> np.ndarray:
    """(2, S): the test accuracy of each seed at its method's dev-chosen rate (the one test score)."""
    j = chosen_rate_index(result)
    return np.stack([result.test_accuracy[i, j[i]] for i in range(len(METHODS))])


def _largest_all(result, i: int) -> float:
    """Largest rate at which *every* seed of method ``i`` trained (0 if none)."""
    ok = trained(result)[i].all(axis=1)
    rates = np.asarray(result.config.learning_rates)
    return float(rates[ok].max()) if ok.any() else 0.0


def _cell(values: np.ndarray, diverged: np.ndarray, headline: bool) -> str:
    """One table cell: the headline value, or 'mean (range)' over the seeds, diverged runs named."""
    if headline:
        return "diverged" if diverged[0] else f"{values[0]:.3f}"
    finite = values[~diverged]
    if finite.size == 0:
        return f"all {diverged.size} diverged"
    text = seed_summary(finite) if finite.size > 1 else f"{finite[0]:.3f}"
    return text + (f", {int(diverged.sum())} diverged" if diverged.any() else "")


def _rate_table(result, values: np.ndarray) -> str:
    s = result.config.n_seeds
    rows = []
    for j, lr in enumerate(result.config.learning_rates):
        row = [f"{lr:g}"]
        for i in range(len(METHODS)):
            row += [_cell(values[i, j], result.diverged[i, j], True),
                    _cell(values[i, j], result.diverged[i, j], False)]
        rows.append(row)
    header = ["learning rate"]
    for m in METHODS:
        header += [f"{LABELS[m]}: headline", f"{LABELS[m]}: {s} seeds, mean (range)"]
    return markdown_table(header, rows, align="r" + "c" * (len(header) - 1))


def tables(result) -> dict[str, str]:
    c = result.config
    good = largest_good_rate(result)
    stuck = stalled(result)
    rows = [[LABELS[m], f"{good[i, 0]:g}", f"{_largest_all(result, i):g}",
             ", ".join(f"{v:g}" for v in good[i]),
             int(stuck[i].sum()), int(result.diverged[i].sum())] for i, m in enumerate(METHODS)]
    tolerance = markdown_table(
        ["network", "largest rate that trains: headline", f"on all {c.n_seeds} seeds", "per seed",
         f"stalled runs (of {stuck[0].size})", f"diverged runs (of {stuck[0].size})"], rows,
        align="lccccc")
    rates = result.config.learning_rates
    chosen = chosen_rate_index(result)
    test = chosen_test_accuracy(result)
    test_table = markdown_table(
        ["network", "rate chosen on dev", "dev accuracy", f"test, scored once ({c.n_seeds} seeds)"],
        [[LABELS[m], f"{rates[chosen[i]]:g}",
          _cell(result.dev_accuracy[i, chosen[i]], result.diverged[i, chosen[i]], False),
          _cell(test[i], result.diverged[i, chosen[i]], False)] for i, m in enumerate(METHODS)],
        align="lccc")
    return {"accuracy": _rate_table(result, result.dev_accuracy),
            "test": test_table,
            "cost": _rate_table(result, result.final_cost),
            "tolerance": tolerance, **mb_tables(result)}


def _band_change(band: np.ndarray) -> np.ndarray:
    """Per tracked layer: largest |change| over training of the 5-95 % width, relative to the start."""
    width = band[:, :, -1] - band[:, :, 0]
    return np.max(np.abs(width - width[:1]), axis=0) / np.maximum(width[0], 1e-12)


def _claims(result) -> dict:
    """The findings the page states, each checked over every seed."""
    rates = list(result.config.learning_rates)
    j = rates.index(result.config.curve_rate)
    good, tr = largest_good_rate(result), trained(result)
    both = tr.all(axis=2).all(axis=0)  # rates at which both methods train on every seed
    lower_cost = [bool(np.all(result.final_cost[1, jj] < result.final_cost[0, jj]))
                  for jj in np.flatnonzero(both)]
    change = {m: _band_change(result.bands[m]) for m in ("plain", "bn_raw", "bn")}
    mean_dev = np.nanmean(np.where(result.diverged, np.nan, result.dev_accuracy), axis=2) \
        if not result.diverged.all() else np.zeros(result.diverged.shape[:2])
    top = _largest_all(result, 1)
    growth = np.nanmean(np.where(result.diverged[1], np.nan, result.weight_growth[1]), axis=1)
    return {
        # per seed, batch norm trains at a strictly larger rate than the plain network
        "bn_tolerates_larger_rates": bool(np.all(good[1] > good[0])),
        "bn_tolerates_larger_rates_all_seeds": top > _largest_all(result, 0),
        "plain_fails_at_some_rate": bool((~tr[0]).any()),
        # the plain network's failures are mostly stalls (a constant output), not overflow
        "plain_stalls_more_than_diverges": bool(stalled(result)[0].sum() > result.diverged[0].sum()),
        "bn_fails_at_some_rate": bool((~tr[1]).any()),
        # at every rate where both train on every seed, BN ends lower on every seed
        "bn_lower_cost_wherever_both_train": bool(lower_cost) and all(lower_cost),
        "bn_lower_cost_at_curve_rate": bool(np.all(result.final_cost[1, j] < result.final_cost[0, j])),
        "bn_relu_input_steadier": bool(np.max(change["bn"]) < np.max(change["plain"])),
        "bn_raw_z_steadier": bool(np.max(change["bn_raw"]) < np.max(change["plain"])),
        # at every rate where both train on every seed, BN's mean dev accuracy is higher
        "bn_higher_mean_dev_wherever_both_train": bool(both.any()) and bool(
            np.all(mean_dev[1, both] > mean_dev[0, both])),
        "trained_decided_on_dev": result.selection_set == "dev",
        # the hidden weights of the BN network grow more at the largest rate where it trains
        "bn_weights_grow_with_rate": bool(np.all(np.diff(growth[: rates.index(top) + 1 if top else 1]) > 0)),
    }


def metrics(result) -> dict:
    c = result.config
    rates = list(c.learning_rates)
    j = rates.index(c.curve_rate)
    good, tr = largest_good_rate(result), trained(result)
    change = {m: _band_change(result.bands[m]) for m in ("plain", "bn_raw", "bn")}
    out = {
        "learning_rates": rates, "curve_rate": c.curve_rate, "n_seeds": c.n_seeds,
        "num_epochs": c.num_epochs, "good_accuracy": c.good_accuracy, "hidden_layers": len(c.layer_dims) - 2,
        "tracked_layers": list(c.tracked_layers), "units": int(c.layer_dims[1]),
        "n_train": result.n_train,
        "n_dev": result.n_dev, "selection_set": result.selection_set,
        "n_test": c.n_test, "band_low": PERCENTILES[0], "band_high": PERCENTILES[-1],
    }
    chosen = chosen_rate_index(result)
    for i, m in enumerate(METHODS):
        finite = ~result.diverged[i]
        out[m] = {
            "largest_good_rate_headline": float(good[i, 0]),
            "largest_good_rate_all_seeds": _largest_all(result, i),
            "diverged_runs": int(result.diverged[i].sum()),
            "failed_runs": int((~tr[i]).sum()),
            "stalled_runs": int(stalled(result)[i].sum()),
            "curve_final_cost_headline": float(result.final_cost[i, j, 0]),
            "curve_final_cost_mean": float(np.mean(result.final_cost[i, j])),
            "curve_dev_accuracy_mean": float(np.mean(result.dev_accuracy[i, j])),
            # the test set, once: at the rate the dev set chose for this network
            "chosen_rate": float(rates[chosen[i]]),
            "chosen_dev_accuracy_mean": float(np.nanmean(result.dev_accuracy[i, chosen[i]])),
            "chosen_test_accuracy_mean": float(np.nanmean(chosen_test_accuracy(result)[i])),
            "band_width_change_max": float(np.max(change[m])),
            # per learning rate (indices as in learning_rates)
            "trained_seeds": [int(v) for v in tr[i].sum(axis=1)],
            "stalled_seeds": [int(v) for v in stalled(result)[i].sum(axis=1)],
            "diverged_seeds": [int(v) for v in result.diverged[i].sum(axis=1)],
        }
        if m == "bn":  # (the plain network's weights can overflow to inf at large rates)
            out[m]["weight_growth_mean"] = [float(np.mean(g[f])) if f.any() else 0.0
                                            for g, f in zip(result.weight_growth[i], finite, strict=True)]
    out["bn_raw"] = {"band_width_change_max": float(np.max(change["bn_raw"]))}
    out["claims"] = _claims(result)
    out["minibatch"] = mb_metrics(result)
    return out


# ---------------------------------------------------------------------- figures
def _mark_diverged(ax, x, n, color, ymax_frac=1.04):
    """An x at the top of the axes for each rate with diverged runs, labelled with their count."""
    for xi, k in zip(x, n, strict=True):
        if k:
            ax.plot([xi], [ymax_frac], marker="x", color=color, ms=7, mew=2,
                    transform=ax.get_xaxis_transform(), clip_on=False)
            ax.annotate(f"{k}", (xi, ymax_frac), xycoords=("data", "axes fraction"), xytext=(5, -3),
                        textcoords="offset points", color=color, fontsize=8)


def draw_rates(result):
    def draw(fig):
        from matplotlib.ticker import NullLocator

        c = result.config
        rates = np.asarray(c.learning_rates)
        ax_cost, ax_acc = fig.subplots(1, 2)
        s = c.n_seeds
        for i, m in enumerate(METHODS):
            col = COLORS[m]
            offset = rates * (1.06 if i else 1 / 1.06)  # side by side, not on top of each other
            for ax, values in ((ax_cost, result.final_cost[i]), (ax_acc, result.dev_accuracy[i])):
                with np.errstate(invalid="ignore"):
                    mean = np.where(result.diverged[i].all(axis=1), np.nan, np.nanmean(
                        np.where(result.diverged[i], np.nan, values), axis=1))
                ax.plot(rates, mean, color=col, label=LABELS[m], zorder=2)
                xs = np.repeat(offset[:, None], s, axis=1)
                ax.scatter(xs[~result.diverged[i]], values[~result.diverged[i]], s=12, color=col,
                           alpha=0.7, linewidths=0, zorder=3)
                _mark_diverged(ax, offset, result.diverged[i].sum(axis=1), col)
        ax_cost.set_yscale("log")
        ax_cost.set_ylabel("final training cost")
        ax_cost.set_title(f"Cost after {c.num_epochs} epochs", pad=14)
        ax_acc.axhline(c.good_accuracy, color="0.5", lw=0.8, ls=":")
        ax_acc.set_ylim(0.4, 1.02)
        ax_acc.set_ylabel("dev accuracy")
        ax_acc.set_title(f"Dev accuracy, {s} seeds (dots) and mean (line)", pad=14)
        for ax in (ax_cost, ax_acc):
            ax.set_xscale("log")
            ax.set_xticks(rates, [f"{lr:g}" for lr in rates])  # the swept rates, not powers of 10
            ax.xaxis.set_minor_locator(NullLocator())
            ax.set_xlabel("learning rate (gradient descent)")
        ax_acc.plot([], [], ls="none", marker="x", color="0.5", mew=2, label="× n: n runs diverged")
        ax_acc.legend(loc="lower left")
    return draw


def draw_curves(result):
    def draw(fig):
        c = result.config
        j = list(c.learning_rates).index(c.curve_rate)
        ax = fig.subplots()
        for i, m in enumerate(METHODS):
            for s in range(c.n_seeds - 1, -1, -1):  # the headline (seed 0) drawn last, on top
                label = f"{LABELS[m]} (headline)" if s == 0 else (
                    f"{LABELS[m]}, other seeds" if s == 1 else None)
                ax.plot(result.epochs, result.costs[i, j, s], color=COLORS[m], label=label,
                        lw=1.9 if s == 0 else 0.9, alpha=1.0 if s == 0 else 0.45)
        ax.set_yscale("log")
        ax.set_xlabel("epoch (one full-batch update each)")
        ax.set_ylabel("cost (mean cross-entropy)")
        ax.set_title(f"Gradient descent at learning rate {c.curve_rate:g}, "
                     f"{len(c.layer_dims) - 2} hidden layers")
        ax.set_ylim(top=ax.get_ylim()[1] * 1.8)  # room for the legend above the curves
        ax.legend(loc="upper right", ncols=2, fontsize=8)
    return draw


def draw_bands(result):
    def draw(fig):
        c = result.config
        panels = (("plain", "no batch norm: Z = Wa + b"),
                  ("bn_raw", "batch norm, before: Z = Wa"),
                  ("bn", "batch norm, after: γ·norm(Z) + β"))
        axes = fig.subplots(len(c.tracked_layers), 3, sharex=True, sharey="row", squeeze=False)
        x = result.band_epochs
        for r, layer in enumerate(c.tracked_layers):
            for col, (key, title) in enumerate(panels):
                ax, band = axes[r, col], result.bands[key][:, r]
                color = COLORS["plain" if key == "plain" else "bn"]
                ax.fill_between(x, band[:, 0], band[:, 4], color=color, alpha=0.18, lw=0,
                                label="5–95 %")
                ax.fill_between(x, band[:, 1], band[:, 3], color=color, alpha=0.4, lw=0,
                                label="25–75 %")
                ax.plot(x, band[:, 2], color=color, lw=1.4, label="median")
                ax.set_title(f"layer {layer}, {title}", fontsize=9.5)
                if r == len(c.tracked_layers) - 1:
                    ax.set_xlabel("epoch")
                if col == 0:
                    ax.set_ylabel("pre-activation value")
        axes[0, 0].legend(loc="upper left", fontsize=7.5)
        fig.suptitle(f"Pre-activations on the training set, learning rate {c.curve_rate:g} (headline seed)",
                     fontsize=10.5)
    return draw


def report(result: Result) -> Report:
    """Figures (rates, curves, preactivations), tables (accuracy, cost, tolerance) and metrics."""
    c = result.config
    figures = {
        "rates": FigureSpec(draw_rates(result), (9.0, 3.6),
                            "Final training cost and dev accuracy against the learning rate, "
                            "with and without batch norm, one dot per seed"),
        "curves": FigureSpec(draw_curves(result), (6.4, 3.6),
                             f"Cost against epoch at learning rate {c.curve_rate:g}, "
                             "with and without batch norm"),
        "preactivations": FigureSpec(draw_bands(result), (9.0, 2.4 * len(c.tracked_layers) + 0.6),
                                     "Percentile bands of hidden-layer pre-activations against epoch: "
                                     "without batch norm, before and after normalizing"),
    }
    figures["modes"] = FigureSpec(draw_modes(result), (6.4, 3.6),
                                  "Dev accuracy when the dev points are normalized with the statistics "
                                  "of the batch they are predicted in, against that batch's size, with the "
                                  "inference-mode accuracy as a line")
    figures["batch_sizes"] = FigureSpec(draw_batch_sizes(result), (6.4, 3.6),
                                        "Training and dev accuracy against the training mini-batch size, "
                                        "one dot per seed")
    return Report(figures, tables(result), metrics(result), thumbnail="rates")


# ---------------------------------------------------------------------- the mini-batch part
MODE_COLORS = {"train": "C1", "dev": "C0", "inference": "C2"}


def _size_label(size: int, n: int, whole: str) -> str:
    return f"{n} ({whole})" if size >= n else f"{size}"


def _mean_range(values: np.ndarray) -> str:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return "all diverged"
    text = seed_summary(finite) if finite.size > 1 else f"{finite[0]:.3f}"
    return text + (f", {values.size - finite.size} diverged" if finite.size < values.size else "")


def mb_chosen_index(result) -> int:
    """The training batch size with the highest mean DEV accuracy, inference mode (diverged counts 0)."""
    mb = result.minibatch
    return int(np.argmax(np.where(mb.diverged, 0.0, np.nan_to_num(mb.dev_accuracy)).mean(axis=1)))


def _mb_parts(result):
    """Shared numbers of the mini-batch part's tables, metrics and claims."""
    c, mb = result.config, result.minibatch
    h = list(c.mb_sizes).index(c.mb_headline)
    one = list(c.eval_batch_sizes).index(1)
    with np.errstate(invalid="ignore"):
        mean = {k: np.nanmean(getattr(mb, k), axis=-1) if np.isfinite(getattr(mb, k)).any() else
                np.full(getattr(mb, k).shape[:-1], np.nan)
                for k in ("train_accuracy", "dev_accuracy", "dev_accuracy_batch", "test_accuracy",
                          "eval_accuracy", "eval_agreement")}
    return c, mb, h, one, mean


def mb_tables(result) -> dict[str, str]:
    c, mb, h, _, _ = _mb_parts(result)
    n_train, n_dev = result.n_train, result.n_dev
    rows = [["inference mode: running averages", _mean_range(mb.dev_accuracy[h]), "1.000 (by definition)"]]
    for e, k in enumerate(c.eval_batch_sizes):
        what = ("training mode: one point at a time" if k == 1 else
                "training mode: the whole dev set as one batch" if k >= n_dev else
                f"training mode: batches of {k}")
        rows.append([what, _mean_range(mb.eval_accuracy[e]), _mean_range(mb.eval_agreement[e])])
    modes = markdown_table(["how the dev set is predicted", f"dev accuracy, {c.n_seeds} seeds: mean (range)",
                            "same prediction as inference mode"], rows, align="lcc")
    rows = [[_size_label(size, n_train, "full batch"), int(mb.steps[b]), int(mb.epochs[b]),
             _mean_range(mb.train_accuracy[b]), _mean_range(mb.dev_accuracy[b]),
             _mean_range(mb.dev_accuracy_batch[b])] for b, size in enumerate(c.mb_sizes)]
    sizes = markdown_table(["training batch size", "updates", "epochs", "training accuracy",
                            "dev accuracy", "dev accuracy, training mode (whole dev set)"], rows,
                           align="rrrccc")
    b = mb_chosen_index(result)
    test = markdown_table(
        ["batch size chosen on dev", "dev accuracy", f"test, scored once ({c.n_seeds} seeds)"],
        [[_size_label(c.mb_sizes[b], n_train, "full batch"), _mean_range(mb.dev_accuracy[b]),
          _mean_range(mb.test_accuracy[b])]], align="ccc")
    return {"mb_modes": modes, "mb_sizes": sizes, "mb_test": test}


def mb_metrics(result) -> dict:
    c, mb, h, one, mean = _mb_parts(result)
    full = [b for b, size in enumerate(c.mb_sizes) if size >= result.n_train]
    b = mb_chosen_index(result)
    gap = np.abs(mb.dev_accuracy - mb.dev_accuracy_batch)
    drop = mb.dev_accuracy[h] - mb.eval_accuracy[one]
    ok = ~mb.diverged
    share = mb.dev_positive_share
    agree = mean["eval_agreement"]
    order = np.argsort(c.eval_batch_sizes)
    out = {
        "sizes": list(c.mb_sizes), "headline": c.mb_headline, "rate": c.mb_rate, "updates": c.mb_steps,
        "steps": mb.steps.tolist(), "epochs": mb.epochs.tolist(), "eval_sizes": list(c.eval_batch_sizes),
        "train_mean": mean["train_accuracy"].tolist(), "dev_mean": mean["dev_accuracy"].tolist(),
        "dev_batch_mean": mean["dev_accuracy_batch"].tolist(),
        "gap_mean": (mean["train_accuracy"] - mean["dev_accuracy"]).tolist(),
        "eval_accuracy_mean": mean["eval_accuracy"].tolist(), "eval_agreement_mean": agree.tolist(),
        "headline_dev_mean": float(mean["dev_accuracy"][h]),
        "headline_dev_batch_mean": float(mean["dev_accuracy_batch"][h]),
        "single_accuracy_mean": float(mean["eval_accuracy"][one]),
        "single_spread_max": (float(np.nanmax(mb.single_spread)) if np.isfinite(mb.single_spread).any()
                              else 0.0),
        "single_drop_min": float(np.nanmin(drop)) if np.isfinite(drop).any() else 0.0,
        "dev_positive_share": share,
        "max_mode_gap": float(np.nanmax(gap)) if np.isfinite(gap).any() else 0.0,
        "diverged_runs": int(mb.diverged.sum()),
        "chosen_size": int(c.mb_sizes[b]), "chosen_dev_mean": float(mean["dev_accuracy"][b]),
        "chosen_test_mean": float(mean["test_accuracy"][b]),
        "chosen_beats_full_seeds": int(np.sum(mb.dev_accuracy[b] > mb.dev_accuracy[full[0]])) if full else 0,
    }
    single = mb.eval_accuracy[one][ok[h]]
    smallest = int(np.argmin(c.mb_sizes))
    out["smallest"] = {"size": int(c.mb_sizes[smallest]), "epochs": int(mb.epochs[smallest]),
                       "train_mean": float(mean["train_accuracy"][smallest]),
                       "dev_mean": float(mean["dev_accuracy"][smallest])}
    if full:
        f = full[0]
        out["full"] = {"epochs": int(mb.epochs[f]), "train_mean": float(mean["train_accuracy"][f]),
                       "dev_mean": float(mean["dev_accuracy"][f])}
    out["claims"] = {
        "mb_selection_on_dev": result.selection_set == "dev",
        "mb_none_diverged": not mb.diverged.any(),
        # a batch of one: every dev point gets the same output, so the accuracy is a class share
        "single_same_output": bool(ok[h].any()) and bool(np.all(mb.single_spread[ok[h]] <= 1e-12)),
        "single_is_class_share": bool(single.size) and bool(np.all(
            np.isclose(single, share) | np.isclose(single, 1 - share))),
        "single_below_inference_every_seed": bool(ok[h].any()) and bool(np.all(drop[ok[h]] > 0)),
        # larger prediction batches agree more and more with inference mode
        "agreement_rises_with_eval_batch": bool(np.all(np.diff(agree[order]) > 0)),
        # the whole dev set as one batch is close to inference mode: far closer than a batch of one
        "whole_dev_close_to_inference": bool(np.isfinite(gap).any()) and bool(
            np.nanmax(gap) < np.nanmin(drop)),
        "full_batch_highest_train": bool(full) and int(np.nanargmax(mean["train_accuracy"])) == full[0],
        "full_batch_largest_gap": bool(full) and int(np.nanargmax(
            mean["train_accuracy"] - mean["dev_accuracy"])) == full[0],
        "some_minibatch_beats_full_dev": bool(full) and bool(np.any(np.delete(
            mean["dev_accuracy"], full) > mean["dev_accuracy"][full[0]])),
        "smallest_batch_lowest_train_and_dev": int(np.nanargmin(mean["train_accuracy"])) == smallest
        and int(np.nanargmin(mean["dev_accuracy"])) == smallest,
        "chosen_not_every_seed": bool(full) and 0 < out["chosen_beats_full_seeds"] < c.n_seeds,
        "chosen_is_minibatch": c.mb_sizes[b] < result.n_train,
    }
    return out


def _size_axis(ax, sizes, n, whole):
    from matplotlib.ticker import NullLocator

    ax.set_xscale("log", base=2)
    ax.set_xticks(sizes, [_size_label(s, n, whole) for s in sizes])
    ax.xaxis.set_minor_locator(NullLocator())


def draw_modes(result):
    def draw(fig):
        c, mb, h, _, mean = _mb_parts(result)
        ax = fig.subplots()
        sizes = np.minimum(np.asarray(c.eval_batch_sizes), result.n_dev)
        order = np.argsort(sizes)
        col = MODE_COLORS["dev"]
        ax.axhline(mean["dev_accuracy"][h], color=MODE_COLORS["inference"], lw=1.6, ls="--",
                   label="inference mode (running averages), mean")
        ax.axhline(max(mb.dev_positive_share, 1 - mb.dev_positive_share), color="0.5", lw=0.9, ls=":",
                   label="always the same answer")
        for s in range(c.n_seeds):
            ax.scatter(sizes, mb.eval_accuracy[:, s], s=14, color=col, alpha=0.6, linewidths=0, zorder=3)
        ax.plot(sizes[order], mean["eval_accuracy"][order], color=col, marker="o", ms=4, zorder=4,
                label=f"training mode (batch statistics), {c.n_seeds} seeds and mean")
        _size_axis(ax, sizes[order], result.n_dev, "all")
        ax.set_ylim(0.4, 1.02)
        ax.set_xlabel("number of dev points predicted together")
        ax.set_ylabel("dev accuracy")
        ax.set_title(f"Predicting with batch statistics, network trained with batches of {c.mb_headline}",
                     fontsize=10)
        ax.legend(loc="lower right", fontsize=8)
    return draw


def draw_batch_sizes(result):
    def draw(fig):
        c, mb, _, _, mean = _mb_parts(result)
        ax = fig.subplots()
        sizes = np.minimum(np.asarray(c.mb_sizes), result.n_train)
        order = np.argsort(sizes)
        for key, label in (("train_accuracy", "training set"), ("dev_accuracy", "dev set")):
            col = MODE_COLORS["train" if key == "train_accuracy" else "dev"]
            values = getattr(mb, key)
            shifted = sizes * (0.95 if key == "train_accuracy" else 1.05)  # side by side
            for s in range(c.n_seeds):
                ax.scatter(shifted, values[:, s], s=14, color=col, alpha=0.6, linewidths=0, zorder=3)
            ax.plot(sizes[order], mean[key][order], color=col, marker="o", ms=4, zorder=4,
                    label=f"{label}: {c.n_seeds} seeds and mean")
        _size_axis(ax, sizes[order], result.n_train, "full")
        ax.set_xlabel(f"training batch size ({c.mb_steps} updates each, rate {c.mb_rate:g})")
        ax.set_ylabel("accuracy, inference mode")
        ax.set_title("Accuracy against the mini-batch size", fontsize=10)
        ax.legend(loc="lower right", fontsize=8)
    return draw
