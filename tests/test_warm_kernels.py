"""Report kernels forked from a warm process: the same outputs as fresh kernels, errors and
timeouts handled as for a fresh kernel, no kernel left behind."""

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("nbclient", reason="the docs extra is not installed (make test installs it)")
pytest.importorskip("jupytext")
if not hasattr(os, "fork"):
    pytest.skip("forked kernels need fork()", allow_module_level=True)

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(SCRIPTS))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(SCRIPTS))
    return module


reports = _load("build_reports")
warm_kernels = _load("warm_kernels")


@pytest.fixture(scope="module")
def manager():
    env = {**os.environ, **reports.KERNEL_ENV}
    saved = dict(os.environ)
    os.environ.update(env)  # what build_reports does before starting kernels
    try:
        with warm_kernels.kernels(env) as manager_class:
            assert manager_class is not None
            yield manager_class
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _report(tmp_path, body: str, name: str = "demo") -> Path:
    source = tmp_path / f"{name}.py"
    source.write_text("# %% [markdown]\n# A demo report.\n\n# %%\n" + body + "\n")
    return source


def _kernels_of(template_pid: int) -> list[int]:
    children = Path(f"/proc/{template_pid}/task/{template_pid}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def test_a_forked_kernel_gives_the_bytes_of_a_fresh_kernel(tmp_path, manager, monkeypatch):
    monkeypatch.setattr(os, "environ", {**os.environ, **reports.KERNEL_ENV})
    source = _report(tmp_path, (
        "import os, sys\nimport matplotlib.pyplot as plt\nfrom IPython.display import Markdown\n"
        "print('cwd', os.path.basename(os.getcwd()), 'hash seed', os.environ['PYTHONHASHSEED'])\n"
        "print('scripts/ on the path:', any(p.endswith('scripts') for p in sys.path))\n"
        "print('to stderr', file=sys.stderr)\n"
        "plt.plot([0, 1], [1, 0])\nplt.show()\nMarkdown('**bold**')"))
    fresh = reports.execute(source, timeout=60)
    forked = reports.execute(source, timeout=60, kernel_manager=manager)
    assert forked == fresh
    outputs = json.loads(forked)["cells"][1]["outputs"]
    kinds = [o["output_type"] for o in outputs]
    assert kinds.count("display_data") == 1 and kinds[-1] == "execute_result"  # the figure, the Markdown
    text = "".join("".join(o.get("text", "")) for o in outputs)
    assert f"cwd {tmp_path.name}" in text and "to stderr" in text
    assert "scripts/ on the path: False" in text  # the template's own folder is not importable


def test_a_failing_cell_in_a_forked_kernel_fails_with_the_report_name(tmp_path, manager):
    source = _report(tmp_path, "raise ValueError('bad learning rate -1.0')")
    with pytest.raises(SystemExit, match=r"(?s)report demo\.py failed.*bad learning rate -1\.0"):
        reports.execute(source, timeout=60, kernel_manager=manager)


def _wait_until(condition, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def test_a_cell_past_its_timeout_fails_and_leaves_no_kernel(tmp_path, manager):
    source = _report(tmp_path, "import time\nwhile True:\n    time.sleep(0.05)")
    with pytest.raises(Exception, match=r"(?i)timed out|timeout"):
        reports.execute(source, timeout=2, kernel_manager=manager)
    assert _wait_until(lambda: _kernels_of(manager.template_pid) == [])


def test_killing_the_stand_in_kills_its_kernel(manager):
    from jupyter_client import KernelManager

    spec = manager(kernel_name="python3").kernel_spec
    assert spec.argv[1:3] == [str(SCRIPTS / "warm_kernels.py"), "kernel"]
    km = KernelManager(kernel_name="python3")
    km.write_connection_file()
    before = set(_kernels_of(manager.template_pid))
    stand_in = subprocess.Popen([*spec.argv[:4], "-f", km.connection_file],
                                env={**os.environ, **reports.KERNEL_ENV})
    try:
        assert _wait_until(lambda: set(_kernels_of(manager.template_pid)) - before), "no kernel was forked"
        (kernel,) = set(_kernels_of(manager.template_pid)) - before
        stand_in.kill()  # what jupyter_client does to a kernel that does not stop
        stand_in.wait()
        assert _wait_until(lambda: not Path(f"/proc/{kernel}").exists())
    finally:
        stand_in.kill()
        km.cleanup_connection_file()


def test_the_template_refuses_to_preload_what_a_fork_would_break():
    code = (f"import sys; sys.path.insert(0, {str(SCRIPTS)!r})\nimport warm_kernels\n"
            "warm_kernels.PRELOAD = ('numpy', 'matplotlib.pyplot')\nwarm_kernels._preload()")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                          env={**os.environ, "MPLBACKEND": "Agg"})
    assert proc.returncode != 0
    assert "the kernel template imported matplotlib.pyplot" in proc.stderr


def test_a_template_that_does_not_start_leaves_ordinary_kernels(monkeypatch, capsys):
    monkeypatch.setattr(warm_kernels, "template_command",
                        lambda path: [sys.executable, "-c", "raise SystemExit(3)"])
    with warm_kernels.kernels(dict(os.environ)) as manager_class:
        assert manager_class is None
    assert "the kernel template did not start (it exited with status 3)" in capsys.readouterr().err
