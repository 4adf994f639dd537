"""The attack table is generated from test outcomes: a failed attack test must show as failing."""

from __future__ import annotations

import json

from tests.support import attacks


def test_a_failed_attack_shows_as_failing_and_the_newest_run_wins(tmp_path):
    path = tmp_path / "results.json"
    held = attacks.outcome_record(nodeid="t::a", area="API", attack="deep | JSON", answer="400", passed=True)
    attacks.results_merge([held], path)
    failed = attacks.outcome_record(nodeid="t::a", area="API", attack="deep | JSON", answer="400", passed=False)
    attacks.results_merge([failed], path)

    table = attacks.render(json.loads(path.read_text()))

    assert "| API | deep \\| JSON | 400 | FAILS | `t::a` |" in table
    assert "holds" not in table
    assert "1 attacks" in table


def test_no_results_says_how_to_get_them():
    assert "make test" in attacks.render({})
