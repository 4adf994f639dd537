"""Agreement statistics between reviewers, checked against figures worked out by hand."""

from __future__ import annotations

import pytest

from annotations.rules.agreement import agreement_report, cohen_kappa, krippendorff_alpha_nominal


def test_cohen_kappa_by_hand():
    # A: c c d d, B: c d d d. p_o = 3/4; p_e = (2*1 + 2*3) / 16 = 1/2; kappa = 0.5.
    pairs = [("correct", "correct"), ("correct", "disputed"), ("disputed", "disputed"), ("disputed", "disputed")]
    assert cohen_kappa(pairs) == pytest.approx(0.5)
    assert cohen_kappa([]) is None
    assert cohen_kappa([("correct", "correct")] * 3) == 1.0


def test_krippendorff_alpha_by_hand():
    # Same data as the kappa case: coincidences o_cc=2, o_cd=o_dc=1, o_dd=4, n=8, n_c=3, n_d=5.
    # D_o = 2/8, D_e = 2*3*5 / (8*7), alpha = 1 - D_o/D_e = 1 - 0.25 / (30/56).
    units = {
        1: {"a": "correct", "b": "correct"},
        2: {"a": "correct", "b": "disputed"},
        3: {"a": "disputed", "b": "disputed"},
        4: {"a": "disputed", "b": "disputed"},
    }
    assert krippendorff_alpha_nominal(units) == pytest.approx(1 - 0.25 / (30 / 56))
    assert krippendorff_alpha_nominal({1: {"a": "correct"}}) is None


def test_agreement_report_has_every_pair_and_alpha():
    units = {
        1: {"ann": "correct", "bob": "correct", "cy": "disputed"},
        2: {"ann": "disputed", "bob": "disputed"},
        3: {"ann": "correct", "cy": "correct"},
    }
    report = agreement_report(units)

    assert report["items"] == 3 and report["reviewers"] == ["ann", "bob", "cy"]
    assert {tuple(p["reviewers"]): p["items"] for p in report["pairs"]} == {
        ("ann", "bob"): 2, ("ann", "cy"): 2, ("bob", "cy"): 1,
    }
    assert -1 <= report["krippendorff_alpha"] <= 1
