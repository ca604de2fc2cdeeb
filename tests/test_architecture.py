"""The package's layers (pyproject.toml's import-linter contracts) and what importing it loads."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "course_code"


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def test_the_import_contracts_hold():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint is None:
        pytest.skip("import-linter is not installed (make test installs it)")
    proc = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout and proc.stdout.count("KEPT") == len(_config()["contracts"])


def test_every_module_is_in_a_layer():
    """A new module must be placed in the layers (and, if it is math, in the forbidden lists)."""
    (layers,) = [c for c in _config()["contracts"] if c["type"] == "layers"]
    placed = {name.strip() for layer in layers["layers"] for name in layer.split(":")}
    modules = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    modules |= {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert modules == placed, f"not in a layer: {sorted(modules - placed)}; gone: {sorted(placed - modules)}"
    math = {name.strip() for name in layers["layers"][-1].split(":")}
    for contract in _config()["contracts"]:
        if contract["type"] == "forbidden" and "matplotlib" in contract["forbidden_modules"]:
            assert {f"course_code.{m}" for m in math} <= set(contract["source_modules"])


@pytest.mark.parametrize("statement", [
    "import course_code, course_code.experiments",
    "from course_code import experiments\nfor name in experiments.names(): experiments.get(name)",
    "import course_code.training, course_code.batchnorm_network, course_code.search, course_code.paths",
])
def test_importing_the_math_and_the_experiments_loads_no_plotting_framework_or_dask(statement):
    code = (f"{statement}\nimport sys\n"
            "print(sorted(m for m in ('matplotlib', 'tensorflow', 'keras', 'dask', 'distributed') "
            "if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_no_source_file_is_ignored_by_git():
    """A source file .gitignore matches is missing from every clone ('build/' once hid course_code/build)."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    folders = ["course_code", "scripts", "tests", "docs/reports", "docs/javascripts", "docs/stylesheets",
               "docs/overrides"]
    proc = subprocess.run(["git", "ls-files", "--others", "--ignored", "--exclude-standard", "--", *folders],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    ignored = [f for f in proc.stdout.splitlines()
               if f.endswith((".py", ".js", ".css", ".html")) and "__pycache__" not in f]
    assert ignored == [], f"source files ignored by .gitignore (a clone would lack them): {ignored}"
