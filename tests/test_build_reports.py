"""Executing the report notebooks: deterministic .ipynb bytes, errors that fail the build."""

import importlib.util
import json
from pathlib import Path

import pytest

pytest.importorskip("nbclient", reason="the docs extra is not installed (make test installs it)")
pytest.importorskip("jupytext")

SPEC = importlib.util.spec_from_file_location(
    "build_reports", Path(__file__).resolve().parent.parent / "scripts" / "build_reports.py")
reports = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(reports)


def _report(tmp_path, body: str) -> Path:
    source = tmp_path / "demo.py"
    source.write_text("# %% [markdown]\n# A demo report.\n\n# %%\n" + body + "\n")
    return source


def test_executing_twice_gives_the_same_bytes_with_numbered_cells(tmp_path):
    source = _report(tmp_path, "import sys\nprint(6 * 7)\nprint('to stderr', file=sys.stderr)")
    first, second = reports.execute(source, timeout=60), reports.execute(source, timeout=60)
    assert first == second
    nb = json.loads(first)
    assert [c["id"] for c in nb["cells"]] == ["cell-0", "cell-1"]
    outputs = nb["cells"][1]["outputs"]
    assert any("42" in "".join(o.get("text", "")) for o in outputs)
    assert "jupytext" not in nb["metadata"]


def test_a_failing_cell_fails_with_the_report_name_and_the_error(tmp_path):
    source = _report(tmp_path, "raise ValueError('bad learning rate -1.0')")
    with pytest.raises(SystemExit, match=r"(?s)report demo\.py failed.*bad learning rate -1\.0"):
        reports.execute(source, timeout=60)


def test_native_log_lines_are_dropped_from_cell_outputs_and_warnings_kept(tmp_path):
    source = _report(tmp_path, (
        "import sys\n"
        "print('WARNING: All log messages before absl::InitializeLog() is called are written to STDERR',"
        " file=sys.stderr)\n"
        "print('I0000 00:00:1795581938.436254   22663 port.cc:153] oneDNN custom operations are on.',"
        " file=sys.stderr)\n"
        "print('UserWarning: a real warning', file=sys.stderr)\n"
        "print('result 42')"))
    outputs = json.loads(reports.execute(source, timeout=60))["cells"][1]["outputs"]
    text = "".join("".join(o.get("text", "")) for o in outputs)
    assert "result 42" in text and "a real warning" in text
    assert "oneDNN" not in text and "absl" not in text



def _plot_png() -> bytes:
    import io

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, ax = plt.subplots(figsize=(6, 3), dpi=100)
    x = np.linspace(0, 6, 200)
    for k in range(8):
        ax.plot(x, np.sin(x + k), lw=0.8)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def test_a_figure_output_becomes_a_smaller_palette_png_that_looks_the_same():
    import base64
    import io

    import numpy as np
    from PIL import Image

    png = _plot_png()
    out = reports._palette_png({"data": {"image/png": base64.b64encode(png).decode()}})
    small = base64.b64decode(out["data"]["image/png"])
    before, after = Image.open(io.BytesIO(png)), Image.open(io.BytesIO(small))
    assert before.mode == "RGBA" and after.mode == "P" and after.size == before.size
    assert len(small) < len(png) / 2, (len(small), len(png))
    diff = np.abs(np.asarray(after.convert("RGBA"), int) - np.asarray(before, int))
    # within 2 of 255 levels on average (the octree moves flat colours by one), 48 at worst
    assert diff.mean() < 2 and diff.max() <= 48, (diff.mean(), diff.max())
    text = {"output_type": "stream", "name": "stdout", "text": "hi"}
    assert reports._palette_png(dict(text)) == text


def test_an_executed_report_stores_its_figures_as_palette_pngs(tmp_path):
    import base64
    import io

    from PIL import Image

    source = _report(tmp_path, "import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])\nplt.show()")
    nb = json.loads(reports.execute(source, timeout=120))
    (png,) = [o["data"]["image/png"] for o in nb["cells"][1]["outputs"] if "image/png" in o.get("data", {})]
    assert Image.open(io.BytesIO(base64.b64decode(png))).mode == "P"


# ------------------------------------------------ reports that read the build's Results
def _reads_initialization(tmp_path) -> Path:
    return _report(tmp_path, 'from course_code import build\nresult = build.result("initialization")')


def test_a_report_that_reads_a_result_is_keyed_by_that_results_key(tmp_path, monkeypatch):
    from course_code.build.cache import result_key
    from course_code.experiments import initialization

    source = _reads_initialization(tmp_path)
    expected = result_key("initialization", initialization.Config(), initialization.SEED)[0]
    assert reports.results_read(source) == {"initialization": expected}
    assert "course_code.experiments.initialization" in reports.used_modules(source)
    before = reports.cache_key(source)
    # another Result key (say the experiment's code changed): another report key
    monkeypatch.setattr(reports, "results_read", lambda s: {"initialization": "0" * 20})
    assert reports.cache_key(source) != before


def test_a_report_waits_for_its_results_or_for_the_experiments_process(tmp_path, monkeypatch):
    import subprocess
    import sys
    import threading

    monkeypatch.setattr(reports, "CACHE_ROOT", tmp_path / "cache")
    source = _reads_initialization(tmp_path)
    (key,) = reports.results_read(source).values()
    entry = tmp_path / "cache" / "results" / "initialization" / key
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert reports._running(sleeper.pid)
        threading.Timer(0.3, lambda: entry.mkdir(parents=True)).start()
        reports._wait_for_results(source, sleeper.pid)  # returns once the entry is there
        assert entry.is_dir() and sleeper.poll() is None
    finally:
        sleeper.kill()
        sleeper.wait()
    assert not reports._running(sleeper.pid)
    entry.rmdir()
    reports._wait_for_results(source, sleeper.pid)  # the process has ended: no waiting
    assert not entry.exists()


def test_a_report_that_computes_a_result_itself_fails_the_build(tmp_path, monkeypatch):
    from course_code.experiments import initialization

    monkeypatch.setenv("COURSE_CODE_CACHE", str(tmp_path / "empty-cache"))
    source = _report(tmp_path, "from course_code import build, experiments\n"
                               "build.result('initialization', experiments.get('initialization').TINY)")
    assert initialization.TINY.num_iterations < initialization.Config().num_iterations
    with pytest.raises(SystemExit, match=r"report demo\.py computed a Result the build did not give it"
                                         r" \(running initialization \(no cached Result"):
        reports.execute(source, timeout=120)
