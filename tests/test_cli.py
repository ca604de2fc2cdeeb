"""``python -m course_code``: bad input is refused in one line, and the ``sweep`` subcommand."""

import dataclasses
import subprocess
import sys
import typing

import pytest

from course_code import experiments
from course_code.cli import main


def _refused(argv, capsys) -> str:
    """Run the command line; it must exit with status 2 and print one line. Returns that line."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: ") and err.count("\n") == 1, err
    return err


@pytest.mark.parametrize(("argv", "expected"), [
    (["run", "optimization", "--set", "n_seeds=-1"], "n_seeds must be a whole number >= 1, got -1"),
    (["run", "lr_decay", "--set", "n_seeds=0"], "n_seeds must be a whole number >= 1, got 0"),
    (["run", "optimization", "--seed", "-1"], "--seed: must be a whole number >= 0, got '-1'"),
    (["run", "initialization", "--set", "num_iterations=0"], "num_iterations must be a whole number >= 1"),
    (["run", "initialization", "--set", "layer_dims=2,0,1"], "got 2,0,1"),
    (["run", "optimization", "--set", "learning_rate=-1"], "learning_rate must be a finite number > 0"),
    (["run", "regularization", "--set", "keep_prob=1.5"], "keep_prob must be in (0, 1], got 1.5"),
    (["run", "regularization", "--set", "init=glorot"], "init must be one of zeros, random, he"),
    (["run", "optimization", "--set", "course_weights=maybe"], "takes true or false, got 'maybe'"),
    (["run", "optimization", "--set", "n_seeds"], "--set expects key=value, got 'n_seeds'"),
    (["run", "optimization", "--set", "foo=1"], "unknown key 'foo'"),
    (["run", "nope"], "unknown experiment 'nope'"),
    (["build", "nope"], "unknown experiment(s) 'nope'"),
    (["build", "--jobs", "0"], "--jobs must be at least 1, got 0"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_bad_input_is_refused_in_one_line(argv, expected, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # `run` would write out/NAME here
    assert expected in _refused(argv, capsys)
    assert not list(tmp_path.iterdir())  # nothing written


def test_an_output_folder_that_cannot_be_made_is_refused_before_the_run(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    err = _refused(["run", "gradient_checking", "--out", str(blocker / "out")], capsys)
    assert f"--out '{blocker / 'out'}' cannot be made" in err


def _bad_text(kind) -> str:
    """A value of the field's type that no setting accepts."""
    if typing.get_origin(kind) is tuple:
        return ""            # an empty tuple
    return {int: "-1", float: "nan", bool: "maybe", str: "no-such-value"}[kind]


CASES = [(name, field.name) for name in experiments.names()
         for field in dataclasses.fields(experiments.get(name).Config)]


@pytest.mark.parametrize(("name", "key"), CASES, ids=[f"{n}.{k}" for n, k in CASES])
def test_every_config_field_refuses_a_bad_value(name, key, capsys, tmp_path, monkeypatch):
    kind = typing.get_type_hints(experiments.get(name).Config)[key]
    text = _bad_text(kind)
    monkeypatch.chdir(tmp_path)
    err = _refused(["run", name, "--set", f"{key}={text}"], capsys)
    assert key in err and (text or "(empty)") in err
    assert not list(tmp_path.iterdir())


def test_configs_are_checked_when_made_in_python():
    with pytest.raises(ValueError, match=r"n_seeds must be a whole number >= 1, got 2.5"):
        experiments.get("optimization").Config(n_seeds=2.5)
    for name in experiments.names():  # the defaults and the tests' configs pass
        module = experiments.get(name)
        assert module.Config() == dataclasses.replace(module.Config())
        assert dataclasses.replace(module.TINY) == module.TINY


def test_the_module_entry_point_exits_2_without_a_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "course_code", "run", "lr_decay", "--set", "n_seeds=0"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == ("error: n_seeds must be a whole number >= 1, got 0 "
                                   "(see python -m course_code run --help)")


@pytest.mark.parametrize(("argv", "expected"), [
    (["--trials", "0"], "--trials must be at least 1, got 0"),
    (["--workers", "0"], "--workers must be at least 1, got 0"),
    (["--rounds", "-1"], "--rounds must be at least 1, got -1"),
    (["--trials", "3", "--method", "grid"], "--trials 3 with --method grid"),
    (["--method", "bayes"], "invalid choice: 'bayes'"),
    (["--scheduler", "localhost:8786"], "got 'localhost:8786'"),
    (["--trials", "many"], "invalid int value: 'many'"),
])
def test_sweep_rejects_bad_values(argv, expected, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["sweep", *argv])
    assert exit_info.value.code == 2
    assert expected in capsys.readouterr().err


def test_sweep_prints_a_table_and_reuses_the_cache(tmp_path, capsys):
    argv = ["sweep", "--trials", "9", "--method", "grid", "--serial", "--seed", "2", "--cache", str(tmp_path)]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert "9 grid trials, learning_rate in [0.0001, 10], beta in [0.9, 0.999]" in out
    assert out.count("\n| ") == 11  # header, rule and 9 rows
    assert "best: trial" in out and "9 computed (serial), 0 cached" in err
    assert main(argv) == 0
    out2, err2 = capsys.readouterr()
    assert out2 == out and "0 computed (cache), 9 cached" in err2 and "(cached)" in err2


def test_sweep_refines_over_rounds(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where the default cache would go
    assert main(["sweep", "--trials", "6", "--rounds", "2", "--serial", "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "round 1/2: 6 random trials" in out and "round 2/2: 6 random trials" in out
    assert not list(tmp_path.iterdir())
