"""The pure rules behind reviews: status policy, agreement statistics, re-anchoring."""

from __future__ import annotations

import pytest

from annotations.rules.agreement import agreement_report, cohen_kappa, krippendorff_alpha_nominal
from annotations.rules.anchoring import reanchor
from annotations.rules.policy import status_from_reviews


@pytest.mark.parametrize(
    ("verdicts", "resolution", "expected"),
    [
        ([], "", "unverified"),
        (["correct"], "", "unverified"),
        (["correct", "correct"], "", "correct"),
        (["disputed", "disputed"], "", "disputed"),
        (["correct", "disputed"], "", "disputed"),
        (["correct", "correct", "disputed"], "", "disputed"),
        (["correct", "unverified", "unverified"], "", "unverified"),
        (["disputed", "disputed"], "correct", "correct"),
        ([], "unverified", "unverified"),
    ],
)
def test_status_policy(verdicts, resolution, expected):
    assert status_from_reviews(verdicts=verdicts, resolution=resolution, quorum=2) == expected


def test_quorum_is_configurable():
    assert status_from_reviews(verdicts=["correct"], quorum=1) == "correct"
    assert status_from_reviews(verdicts=["correct", "correct"], quorum=3) == "unverified"


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


OLD = "The minister spoke on Monday. Unemployment fell to 4.1 percent in June. Exports rose."


def _span(text, words):
    start = text.index(words)
    return start, start + len(words)


def test_reanchor_exact_after_text_inserted_before():
    new = "BREAKING. " + OLD
    start, end = _span(OLD, "Unemployment fell to 4.1 percent in June.")
    anchor = reanchor(
        old_text=OLD, new_text=new, start=start, end=end, prefix=OLD[start - 20 : start], suffix=OLD[end : end + 20]
    )

    assert anchor.exact and new[anchor.start : anchor.end] == OLD[start:end]


def test_reanchor_picks_the_occurrence_whose_context_matches():
    old = "Prices rose. He said yes. Later, prices fell. He said yes. The end."
    start = old.rindex("He said yes.")
    end = start + len("He said yes.")
    new = "Intro. " + old
    anchor = reanchor(
        old_text=old, new_text=new, start=start, end=end, prefix=old[start - 20 : start], suffix=old[end : end + 10]
    )

    assert anchor.start == new.rindex("He said yes.")


def test_reanchor_fuzzy_when_words_changed_and_none_when_gone():
    start, end = _span(OLD, "Unemployment fell to 4.1 percent in June.")
    edited = OLD.replace("4.1 percent", "4.2 percent")
    anchor = reanchor(
        old_text=OLD, new_text=edited, start=start, end=end, prefix=OLD[start - 20 : start], suffix=OLD[end : end + 20]
    )
    assert anchor is not None and not anchor.exact
    assert "4.2 percent" in edited[anchor.start : anchor.end]

    gone = "The minister spoke on Monday. Exports rose."
    assert reanchor(old_text=OLD, new_text=gone, start=start, end=end, prefix="", suffix="") is None
