"""How an item's status follows from its reviews and an editor's resolution."""

from __future__ import annotations

import pytest

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
