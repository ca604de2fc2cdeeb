"""scripts/prose_numbers.py: results in prose come from the build, never typed."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import prose_numbers as pn

ROOT = pn.ROOT


@pytest.mark.parametrize("text", [
    "The network reaches 0.93 accuracy.",
    "We train for 5000 epochs.",
    "Over 5 seeds the gap is small.",
    "About 30 000 iterations.",
    "A step of 1e-7 is too small.",
    "It puts 91% of the trials there.",
    "Each round keeps the best 3.",
])
def test_typed_results_are_found(text):
    assert pn.typed_numbers(text)


@pytest.mark.parametrize("text", [
    "Accuracy {{ metric optimization.accuracy :.3f }} after"
    " {{ metric optimization.config.num_epochs }} epochs.",
    "A step of $\\varepsilon = 10^{-7}$ and a grid of $5 \\times 5$.",
    "The call `train(X, Y, [2, 5, 2, 1], num_epochs=5000)` trains it.",
    "```python\nx = 0.93\n```",
    "Labels 0 and 1, mean 0 and variance 1.",
    "In week 2, layer 3 and epoch 0 of step 1.",
    "L2 and float64 and W2A1 are names.",
    "Adam (Kingma & Ba, 2015) and NeurIPS 2018.",
    "1. first item\n2. second item",
    "A 2-D plane and a 1-D function.",
    "[a link](https://example.com/page-2.html) and <span data-x=\"5\">text</span>",
    "--8<-- \"docs/generated/optimization/costs.md\"",
    "Math over a line break: $a +\nb = 2$.",
])
def test_what_is_not_a_typed_result_is_left_alone(text):
    assert pn.typed_numbers(text) == []


def test_line_numbers_point_at_the_number():
    assert pn.typed_numbers("one\n\nand 42 here")[0][:2] == (3, "42")


def test_report_markdown_cells_are_checked_and_code_is_not():
    source = "# %% [markdown]\n# It reaches 0.95.\n\n# %%\nx = 0.95  # in code\n"
    assert [n for _, n, _ in pn.typed_numbers(pn.markdown_cells(source))] == ["0.95"]


def test_every_page_and_report_is_clean():
    files = sorted((ROOT / "docs").glob("*.md")) + sorted((ROOT / "docs" / "reports").glob("*.py"))
    found = {str(f.relative_to(ROOT)): pn.check_file(f) for f in files}
    assert not any(found.values()), {k: v for k, v in found.items() if v}
