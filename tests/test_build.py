"""The build: cache hits and invalidation, publishing, failures, interruption, and the CLI."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from course_code import experiments
from course_code.build import cache, codec, publish, render, runner
from course_code.cli import main, parse_overrides
from course_code.experiments import initialization

TINY = {"initialization": initialization.TINY}


def _build(tmp_path, **kw):
    lines = []
    outcomes = runner.build(["initialization"], out_dir=tmp_path / "out", cache_dir=tmp_path / "cache",
                       configs=kw.pop("configs", TINY), jobs=1, progress=lines.append, **kw)
    return outcomes, lines


def _entries(tmp_path, kind: str) -> list[Path]:
    folder = tmp_path / "cache" / kind / "initialization"
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []


def test_second_build_runs_nothing_and_rewrites_nothing(tmp_path):
    (first,), lines = _build(tmp_path)
    assert first.status == "ran" and any("initialization" in line for line in lines)
    out = tmp_path / "out" / "initialization"
    files = sorted(p.name for p in out.iterdir())
    assert {"costs.svg", "costs-dark.svg", "costs.md", "accuracy.md", "metrics.json",
            "provenance.json"} <= set(files)
    mtimes = {p: p.stat().st_mtime_ns for p in out.iterdir()}
    (second,), lines = _build(tmp_path)
    assert second.status == "cached" and lines == ["  cached   initialization"]
    assert {p: p.stat().st_mtime_ns for p in out.iterdir()} == mtimes
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["config"]["num_iterations"] == initialization.TINY.num_iterations
    assert prov["seed"] == initialization.SEED and len(prov["code"]) == 64
    assert {"numpy", "python"} <= set(prov["versions"]) and "seconds" not in prov
    # The run time stays in the results cache: published files do not depend on the clock.
    (entry,) = _entries(tmp_path, "results")
    assert entry.name == prov["key"] and "timing.json" not in files
    assert cache.run_seconds(cache.Entry(entry)) >= 0


def test_the_result_cache_holds_data_only(tmp_path):
    _build(tmp_path)
    (entry,) = _entries(tmp_path, "results")
    assert sorted(p.name for p in entry.iterdir()) == ["arrays.npz", "manifest.json", "result.json",
                                                      "timing.json"]
    with np.load(entry / "arrays.npz", allow_pickle=False) as npz:  # no pickled object inside
        assert npz.files
    loaded = cache.load_result(cache.Entry(entry))
    fresh = initialization.run(initialization.TINY, rng=np.random.default_rng(initialization.SEED))
    assert type(loaded) is type(fresh) and loaded.config == fresh.config
    np.testing.assert_array_equal(loaded.runs["he"].costs, fresh.runs["he"].costs)


def test_changed_config_or_force_reruns(tmp_path):
    _build(tmp_path)
    (changed,), _ = _build(tmp_path, configs={"initialization": initialization.Config(
        num_iterations=200, record_every=50, n_seeds=1)})
    assert changed.status == "ran"
    (forced,), _ = _build(tmp_path, force=True)
    assert forced.status == "ran"
    assert len(_entries(tmp_path, "results")) == 2


def _edited(modules: str, real=cache.code_hash):
    """A ``code_hash`` as if the source of ``modules`` had changed."""
    def code_hash(*names, **kw):
        return real(*names, **kw) + ("-edited" if modules in names else "")
    return code_hash


def test_a_figure_edit_renders_again_and_trains_nothing(tmp_path, monkeypatch):
    _build(tmp_path)
    (result_entry,) = _entries(tmp_path, "results")
    stamp = result_entry.stat().st_mtime_ns
    monkeypatch.setattr(cache, "code_hash", _edited("course_code.figures.initialization"))
    monkeypatch.setattr(initialization, "run", lambda *a, **k: pytest.fail("the experiment ran again"))
    (outcome,), lines = _build(tmp_path)
    assert outcome.status == "rendered", lines
    assert _entries(tmp_path, "results") == [result_entry] and result_entry.stat().st_mtime_ns == stamp
    assert len(_entries(tmp_path, "rendered")) == 2  # the old rendering and the new one


def test_a_math_edit_reruns_exactly_the_experiments_that_import_it(tmp_path):
    """Edit optimizers.py in a copy of the package: the result keys of the experiments that import
    it (directly or not) change, and only those."""
    root = tmp_path / "course_code"
    shutil.copytree(cache.PACKAGE_DIR, root, ignore=shutil.ignore_patterns("__pycache__"))
    names = experiments.names()
    before = {n: cache.code_hash(f"course_code.experiments.{n}", root=root) for n in names}
    importers = {n for n in names if root / "optimizers.py" in
                 cache.code_files(f"course_code.experiments.{n}", root=root)}
    (root / "optimizers.py").write_text((root / "optimizers.py").read_text() + "\n# edit\n")
    after = {n: cache.code_hash(f"course_code.experiments.{n}", root=root) for n in names}
    assert {n for n in names if before[n] != after[n]} == importers
    assert "optimization" in importers and "gradient_checking" not in importers
    (root / "figures" / "optimization.py").write_text("# a figure edit\n")
    assert {n: cache.code_hash(f"course_code.experiments.{n}", root=root) for n in names} == after
    # registering a new topic (the registry imports no course_code module) retrains nothing
    registry = root / "experiments" / "__init__.py"
    registry.write_text(registry.read_text().replace('NAMES = (\n', 'NAMES = (\n    "new_topic",\n'))
    assert "new_topic" in registry.read_text()
    assert {n: cache.code_hash(f"course_code.experiments.{n}", root=root) for n in names} == after
    # but a package file that imports the math is part of the key of what lies below it
    registry.write_text(registry.read_text() + "\nfrom course_code import optimizers  # noqa\n")
    assert all(cache.code_hash(f"course_code.experiments.{n}", root=root) != after[n] for n in names)


@pytest.mark.parametrize("damage", ["truncated arrays", "edited json", "wrong shape", "missing file",
                                    "edited figure"])
def test_a_corrupted_entry_is_reported_discarded_and_rebuilt(tmp_path, damage):
    _build(tmp_path)
    published = {p.name: p.read_bytes() for p in (tmp_path / "out" / "initialization").iterdir()}
    (results,), (rendered,) = _entries(tmp_path, "results"), _entries(tmp_path, "rendered")
    if damage == "truncated arrays":
        data = (results / "arrays.npz").read_bytes()
        (results / "arrays.npz").write_bytes(data[: len(data) // 2])
    elif damage == "edited json":
        text = (results / "result.json").read_text()
        (results / "result.json").write_text(text.replace("0.01", "0.02", 1))
    elif damage == "wrong shape":
        tree = json.loads((results / "result.json").read_text())
        with np.load(results / "arrays.npz") as npz:
            arrays = {k: npz[k] for k in npz.files}
        arrays["a0"] = arrays["a0"][:1]
        np.savez(results / "arrays.npz", **arrays)
        (results / "result.json").write_text(json.dumps(tree))
    elif damage == "missing file":
        (results / "result.json").unlink()
    else:
        (rendered / "metrics.json").write_text("{}")
    if damage != "edited figure":  # a damaged Result is noticed when it is needed: at the next render
        shutil.rmtree(rendered)
    (outcome,), lines = _build(tmp_path)
    damaged = rendered if damage == "edited figure" else results
    assert any(f"discarding the corrupted cache entry {damaged}" in line for line in lines), lines
    assert outcome.status == ("rendered" if damage == "edited figure" else "ran")
    republished = {p.name: p.read_bytes() for p in (tmp_path / "out" / "initialization").iterdir()}
    assert republished == published  # the same numbers as before the damage
    for entry in (*_entries(tmp_path, "results"), *_entries(tmp_path, "rendered")):
        assert cache.Entry(entry).problem() is None


def test_the_codec_refuses_classes_outside_the_package(tmp_path):
    tree = {"$class": "subprocess:Popen", "fields": {"args": "true"}}
    (tmp_path / "result.json").write_text(json.dumps(tree))
    np.savez(tmp_path / "arrays.npz")
    with pytest.raises(codec.CorruptEntry, match="not one of course_code's"):
        codec.load(tmp_path)
    with pytest.raises(TypeError, match="without pickle"):
        codec.encode({"f": lambda: 0}, {})


def test_two_cold_builds_publish_byte_identical_files(tmp_path):
    _build(tmp_path)
    first = {p.name: p.read_bytes() for p in (tmp_path / "out" / "initialization").iterdir()}
    shutil.rmtree(tmp_path / "cache")
    _build(tmp_path / "again")
    again = {p.name: p.read_bytes() for p in (tmp_path / "again" / "out" / "initialization").iterdir()}
    assert first == again and len(first) > 4  # figures, tables, metrics, provenance
    assert all(b"<dc:date>" not in data for name, data in first.items() if name.endswith(".svg"))


def test_the_result_key_follows_the_computing_code_only():
    files = {p.relative_to(cache.PACKAGE_DIR).as_posix()
             for p in cache.code_files("course_code.experiments.initialization")}
    assert {"experiments/initialization.py", "training.py", "engine.py", "optimizers.py",
            "datasets.py"} <= files
    assert not any(f.startswith(("figures/", "build/")) or f == "cli.py" for f in files), files
    assert "tf_intro.py" not in files and "gradient_check.py" not in files
    rendered = {p.relative_to(cache.PACKAGE_DIR).as_posix()
                for p in cache.code_files("course_code.figures.initialization", "course_code.build.render")}
    assert {"figures/initialization.py", "figures/plotting.py", "build/render.py"} | files <= rendered


def test_a_failing_experiment_is_reported_and_caches_nothing(tmp_path, monkeypatch):
    def fail(config, *, rng):
        raise ValueError("something went wrong at -1.0")

    monkeypatch.setattr(initialization, "run", fail)  # jobs=1: the build runs in this process
    (outcome,), lines = _build(tmp_path)
    assert outcome.status == "failed"
    assert "ValueError" in outcome.error and "-1.0" in outcome.error
    assert any("Traceback" in line for line in lines)
    assert not _entries(tmp_path, "results") and not _entries(tmp_path, "rendered")
    assert not (tmp_path / "out" / "initialization").exists()


def test_publish_is_atomic_and_removes_stale_files(tmp_path):
    entry, target = tmp_path / "entry", tmp_path / "target"
    entry.mkdir()
    (entry / "a.svg").write_text("new")
    target.mkdir()
    (target / "a.svg").write_text("old")
    (target / "stale.svg").write_text("gone")
    assert publish.publish(cache.Entry(entry), target) == 1
    assert (target / "a.svg").read_text() == "new" and not (target / "stale.svg").exists()
    assert publish.publish(cache.Entry(entry), target) == 0
    assert not list(target.glob(".*tmp"))


def test_killed_build_leaves_no_half_written_file(tmp_path):
    script = (
        "import sys; from pathlib import Path\n"
        "from course_code import build\n"
        "from course_code.experiments import initialization as e\n"
        "build.build(['initialization'], out_dir=Path(sys.argv[1]), cache_dir=Path(sys.argv[2]),\n"
        "            configs={'initialization': e.Config(n_seeds=3)}, jobs=1)\n"
    )
    out, cache_dir = tmp_path / "out", tmp_path / "cache"
    proc = subprocess.Popen([sys.executable, "-c", script, str(out), str(cache_dir)],
                            stderr=subprocess.PIPE, text=True)
    assert "building" in proc.stderr.readline()  # it has started the experiment
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    assert not out.exists() or not any(out.rglob("*"))  # nothing published
    leftovers = [p for kind in ("results", "rendered")
                 for p in (cache_dir / kind / "initialization").glob("*")]
    assert all(p.name.startswith(".partial-") for p in leftovers)  # no entry that looks complete
    (outcome,), _ = _build(tmp_path)  # the next build cleans up and succeeds
    assert outcome.status == "ran"
    assert not list(cache_dir.glob("*/initialization/.partial-*"))


def test_cli_rejects_bad_names_keys_and_values(capsys):
    for argv, expected in [
        (["run", "nope"], "valid names: "),
        (["run", "initialization", "--set", "bogus=1"], "valid keys"),
        (["run", "initialization", "--set", "learning_rate=fast"],
         "learning_rate takes a value of type float"),
        (["run", "initialization", "--set", "n_seeds"], "key=value"),
        (["build", "nope"], "valid names: "),
        (["build", "--jobs", "0"], "--jobs must be at least 1"),
        (["frobnicate"], "invalid choice"),
    ]:
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2, argv
        assert expected in capsys.readouterr().err, argv


def test_cli_list_and_overrides(capsys):
    assert main(["list"]) == 0
    assert "initialization" in capsys.readouterr().out
    cfg = parse_overrides(initialization.Config, ["learning_rate=0.5", "layer_dims=2,4,1",
                                                  "course_weights=false"])
    assert cfg.learning_rate == 0.5 and cfg.layer_dims == (2, 4, 1) and cfg.course_weights is False


def test_cli_run_writes_outputs(tmp_path, capsys):
    code = main(["run", "initialization", "--set", "num_iterations=50", "--set", "n_seeds=1",
                 "--seed", "4", "--out", str(tmp_path)])
    assert code == 0
    metrics = json.loads(capsys.readouterr().out)
    assert metrics["zeros"]["train_accuracy"] == 0.5
    assert (tmp_path / "costs.svg").is_file()


def test_module_entry_point():
    env = {**os.environ, "PYTHONPATH": str(Path(cache.PACKAGE_DIR).parent)}
    proc = subprocess.run([sys.executable, "-m", "course_code", "list"], capture_output=True, text=True,
                          env=env, check=False)
    assert proc.returncode == 0 and "initialization" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "course_code", "run", "bogus"], capture_output=True,
                          text=True, env=env, check=False)
    assert proc.returncode == 2 and "valid names" in proc.stderr


def test_expected_seconds_reads_the_newest_entry(tmp_path):
    assert runner.expected_seconds("initialization", tmp_path) == initialization.EXPECTED_SECONDS
    for i, (key, seconds) in enumerate([("old", 30.0), ("new", 12.5)]):
        entry = tmp_path / "results" / "initialization" / key
        entry.mkdir(parents=True)
        (entry / "timing.json").write_text(json.dumps({"seconds": seconds}))
        os.utime(entry / "timing.json", (1000 + i, 1000 + i))
    assert runner.expected_seconds("initialization", tmp_path) == 12.5


def test_render_writes_the_data_files(tmp_path):
    import numpy as np

    from course_code.figures.report import Report

    render.render("demo", Report(data={"grid": {"x": np.linspace(0, 1, 3)}, "empty": []}), tmp_path)
    assert (tmp_path / "grid.json").read_text() == '{"x":[0.0,0.5,1.0]}\n'
    assert json.loads((tmp_path / "empty.json").read_text()) == []
    assert json.loads((tmp_path / "metrics.json").read_text()) == {}


def test_render_draws_the_thumbnail_as_a_small_png_in_both_themes(tmp_path):
    from course_code.figures.report import FigureSpec, Report

    def draw(fig):
        fig.subplots().plot([0, 1, 2], [2, 0, 1])

    specs = {"costs": FigureSpec(draw, (6.0, 3.0), "a line"), "other": FigureSpec(draw, (6.0, 3.0), "x")}
    render.render("demo", Report(specs, thumbnail="costs"), tmp_path)
    light, dark = tmp_path / "costs-thumb.png", tmp_path / "costs-thumb-dark.png"
    assert light.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and light.read_bytes() != dark.read_bytes()
    width = int.from_bytes(light.read_bytes()[16:20], "big")  # the IHDR chunk
    assert width == render.THUMB_WIDTH
    assert light.read_bytes()[25] == 3  # IHDR colour type 3: a palette image, small
    assert not (tmp_path / "other-thumb.png").exists()


def test_rasterized_parts_of_svg_figures_are_palette_images(tmp_path):
    import base64
    import re

    import numpy as np

    from course_code.figures.report import FigureSpec, Report

    def draw(fig):
        ax = fig.subplots()
        ax.imshow(np.linspace(0, 1, 400).reshape(20, 20), rasterized=True)
        ax.plot([0, 19], [0, 19])

    render.render("demo", Report({"shade": FigureSpec(draw, (4.0, 4.0), "a gradient")}), tmp_path)
    svg = (tmp_path / "shade.svg").read_bytes()
    images = re.findall(rb"data:image/png;base64,([A-Za-z0-9+/=\n]+)", svg)
    assert images, "the figure should embed its rasterized image"
    assert all(base64.b64decode(img)[25] == 3 for img in images)  # colour type 3: palette
    assert b"<path" in svg  # the line stays vector


# ------------------------------------------------------- build.result (the report notebooks)
def test_result_reads_the_builds_entry_and_trains_nothing(tmp_path, monkeypatch):
    _build(tmp_path)
    (entry,) = _entries(tmp_path, "results")

    def no_run(*a, **k):
        raise AssertionError("trained although the Result is cached")

    expected = codec.load(entry)
    monkeypatch.setattr(initialization, "run", no_run)
    lines = []
    got = runner.result("initialization", initialization.TINY, cache_dir=tmp_path / "cache",
                        progress=lines.append)
    assert lines == [] and type(got) is type(expected)
    for variant in expected.runs:
        assert np.array_equal(got.runs[variant].costs, expected.runs[variant].costs)
    # the folder may also come from the environment (the build sets it for the notebooks' kernels)
    monkeypatch.setenv(runner.CACHE_VARIABLE, str(tmp_path / "cache"))
    again = runner.result("initialization", initialization.TINY, progress=lines.append)
    assert lines == [] and np.array_equal(again.runs["he"].costs, expected.runs["he"].costs)


def test_result_without_a_cache_runs_like_the_build_and_caches(tmp_path):
    lines = []
    folder = tmp_path / "elsewhere"
    got = runner.result("initialization", initialization.TINY, cache_dir=folder, progress=lines.append)
    assert len(lines) == 1 and "running initialization" in lines[0] and runner.NOT_CACHED in lines[0]
    ran = initialization.run(initialization.TINY, rng=np.random.default_rng(initialization.SEED))
    for variant in ran.runs:
        assert np.array_equal(got.runs[variant].costs, ran.runs[variant].costs)
    (entry,) = (folder / "results" / "initialization").iterdir()
    assert cache.Entry(entry).problem() is None
    # the build finds the entry the notebook made: it only renders
    (outcome,), _ = _build_into(tmp_path, folder)
    assert outcome.status == "rendered"


def _build_into(tmp_path, cache_dir):
    lines = []
    outcomes = runner.build(["initialization"], out_dir=tmp_path / "out", cache_dir=cache_dir,
                            configs=TINY, jobs=1, progress=lines.append)
    return outcomes, lines


def test_result_discards_a_corrupted_entry_and_computes_it_again(tmp_path):
    _build(tmp_path)
    (entry,) = _entries(tmp_path, "results")
    (entry / "result.json").write_text((entry / "result.json").read_text().replace("0.01", "0.02", 1))
    lines = []
    got = runner.result("initialization", initialization.TINY, cache_dir=tmp_path / "cache",
                        progress=lines.append)
    assert any(f"discarding the corrupted cache entry {entry}" in line for line in lines), lines
    ran = initialization.run(initialization.TINY, rng=np.random.default_rng(initialization.SEED))
    assert np.array_equal(got.runs["he"].costs, ran.runs["he"].costs)
    assert cache.Entry(entry).problem() is None  # cached afresh


def test_result_refuses_a_config_of_another_experiment(tmp_path):
    from course_code.experiments import gradient_checking

    with pytest.raises(TypeError, match="initialization Config, got Config"):
        runner.result("initialization", gradient_checking.Config(), cache_dir=tmp_path)
    with pytest.raises(KeyError):
        runner.result("no_such_topic", cache_dir=tmp_path)
    assert not any(tmp_path.iterdir())  # nothing written


def test_the_runs_that_use_tensorflow_share_one_worker_process():
    def task(name, run=True):
        return runner._Task(name, None, 0, Path("r"), Path("d"), {}, run=run)

    tasks = [task("tensorflow_intro"), task("initialization"), task("framework_equivalence"),
             task("softmax", run=False), task("framework_equivalence", run=False)]
    chains = runner._chains(tasks)
    names = [[t.name for t in c] for c in chains]
    assert names == [["tensorflow_intro", "framework_equivalence"], ["initialization"], ["softmax"],
                     ["framework_equivalence"]]
    assert all(t.run for t in chains[0]) and not chains[-1][0].run  # a render imports no TensorFlow


def test_pool_processes_get_one_blas_and_one_tensorflow_thread(monkeypatch, tmp_path):
    from concurrent.futures import Future

    seen = []

    class Pool:  # records the environment a spawned worker would inherit; runs nothing
        def __init__(self, *args, **kwargs):
            seen.append(dict(os.environ))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def submit(self, fn, chain):
            future = Future()
            future.set_result([(t.name, "ran", 0.0, "") for t in chain])
            return future

    monkeypatch.setattr(runner, "ProcessPoolExecutor", Pool)
    for name in runner.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")  # the user's value wins
    tasks = [runner._Task(n, None, 0, Path("r"), Path("d"), {}, run=False)
             for n in ("initialization", "softmax")]
    out = list(runner._execute(tasks, 2, tmp_path, lambda line: None))
    assert sorted(name for name, *_ in out) == ["initialization", "softmax"]
    (env,) = seen
    assert {k: env[k] for k in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OPENBLAS_NUM_THREADS")} \
        == dict.fromkeys(("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OPENBLAS_NUM_THREADS"), "1")
    assert env["OMP_NUM_THREADS"] == "3"
    assert "TF_NUM_INTRAOP_THREADS" not in os.environ  # the parent's environment is restored


def test_the_dark_svg_swaps_the_theme_colours_and_refuses_an_ambiguous_swap():
    from course_code.figures.plotting import THEME_COLORS

    (fg, grid), (dark_fg, dark_grid) = THEME_COLORS["light"], THEME_COLORS["dark"]
    svg = '<text style="fill: {}"/><path style="stroke: {}"/><path style="stroke: #0072b2"/>'
    light = svg.format(fg, grid).encode()
    assert render.dark_from_light(light) == svg.format(dark_fg, dark_grid).encode()
    # a figure that already uses a dark-theme colour: swapping would merge two colours
    assert render.dark_from_light(light + f'<path style="fill: {dark_fg}"/>'.encode()) is None
