"""The calibration benchmark's arithmetic, on hand-made scores (the data it reads is not in the project)."""

from __future__ import annotations

import pytest

from benchmarks.claims_calibration import calibration, main


def test_brier_ece_and_the_reliability_table_on_hand_made_scores() -> None:
    # Two bins: four sentences scored 0.05 of which none is a claim, four at 0.75 of which two are.
    pairs = [(0.05, 0)] * 4 + [(0.75, 1), (0.75, 1), (0.75, 0), (0.75, 0)]

    figures = calibration(pairs, bins=10)

    assert figures["sentences"] == 8 and figures["share_claims"] == 0.25
    assert figures["brier"] == pytest.approx((4 * 0.05**2 + 2 * 0.25**2 + 2 * 0.75**2) / 8, abs=1e-4)
    assert figures["brier_constant"] == pytest.approx(0.1875)
    # Count-weighted gaps: half the sentences 0.05 off, half 0.25 off.
    assert figures["ece"] == pytest.approx(0.5 * 0.05 + 0.5 * 0.25, abs=1e-4)
    assert figures["reliability"] == [
        {"bin": "0.0-0.1", "sentences": 4, "mean_score": 0.05, "share_claims": 0.0},
        {"bin": "0.7-0.8", "sentences": 4, "mean_score": 0.75, "share_claims": 0.5},
    ]


def test_a_score_of_one_falls_in_the_last_bin() -> None:
    assert calibration([(1.0, 1), (0.95, 1)], bins=10)["reliability"] == [
        {"bin": "0.9-1.0", "sentences": 2, "mean_score": 0.975, "share_claims": 1.0}
    ]


def test_without_the_data_it_says_so_and_exits_2(tmp_path, capsys) -> None:
    assert main(["--datasets", str(tmp_path)]) == 2
    assert "read from beside the project" in capsys.readouterr().err
