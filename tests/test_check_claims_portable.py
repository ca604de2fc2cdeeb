"""scripts/check_claims_portable.py: which variants a machine runs, and which claims flip."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import check_claims_portable as ccp


def test_variants_follow_the_cpu():
    both = ccp.variants("x86_64", {"avx", "avx2", "avx512f"}, ["X86_V3", "X86_V4"])
    assert both == {
        "older": {"OPENBLAS_CORETYPE": "Sandybridge", "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4"},
        "avx512": {"OPENBLAS_CORETYPE": "SkylakeX"}}
    # no AVX-512: no Skylake-X kernels (they would not run); no AVX: Nehalem's kernels
    assert set(ccp.variants("x86_64", {"avx", "avx2"}, ["X86_V3"])) == {"older"}
    assert ccp.variants("x86_64", set(), [])["older"] == {"OPENBLAS_CORETYPE": "Nehalem"}
    assert ccp.variants("aarch64", {"asimd"}, []) == {}


def test_numpy_targets_are_ones_this_numpy_knows():
    targets = ccp.numpy_dispatched()
    assert set(targets) <= set(ccp.NUMPY_WIDE)


def test_a_claim_that_fails_in_a_build_is_listed_with_its_line(tmp_path):
    topic = tmp_path / "docs" / "generated" / "topic"
    topic.mkdir(parents=True)
    (topic / "metrics.json").write_text(json.dumps({"claims": {"yes": True, "no": False}, "n": 3}))
    page = tmp_path / "page.md"
    page.write_text("Holds{{ claim topic.claims.yes }}.\nHolds too{{ claim not topic.claims.no }}.\n"
                    "Fails{{ claim topic.claims.no }}.\nNot a boolean{{ claim topic.n }}.\n")
    flips = ccp.flipped_claims([page], tmp_path)
    assert len(flips) == 2
    assert flips[0].startswith("docs/page.md:3: the text claims topic.claims.no, "
                               "but the experiment gives False")
    assert flips[1].startswith("docs/page.md:4:") and "gives 3" in flips[1]
