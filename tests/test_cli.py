"""The ``sweep`` subcommand of ``python -m course_code``."""

import pytest

from course_code.cli import main


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
