"""``manage.py match``: fact-checks from a file, claims on stdin, scored matches out; bad input is named."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[3]
FACTS = [
    {"id": "gitmo", "claim": "122 detainees released from Guantanamo under Obama re-engaged in terrorism."},
    {"id": "cbc", "claim": "The CBC cut Donald Trump's scene from Home Alone 2.", "title": "Did CBC Cut Trump?"},
    {
        "id": 3,
        "claim": "Butterflies drank from a wombat hole after the bushfires.",
        "rating": "True",
        "url": "https://x.org",
    },
]


def _facts_file(tmp_path, lines: list[str]) -> Path:
    path = tmp_path / "facts.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(*args, stdin: str = "") -> str:
    out = io.StringIO()
    old_stdin, old_stdout = sys.stdin, sys.stdout
    sys.stdin, sys.stdout = io.StringIO(stdin), out
    try:
        call_command(*args)
    finally:
        sys.stdin, sys.stdout = old_stdin, old_stdout
    return out.getvalue()


def test_match_jsonl_answers_each_claim_with_its_best_fact_checks_first(tmp_path):
    facts = _facts_file(tmp_path, [json.dumps(fact) for fact in FACTS])
    claims = [
        json.dumps({"id": "t1", "text": "CBC deletes Trump from Home Alone 2 #DefundTheCBC https://t.co/x"}),
        "",
        json.dumps({"id": 2, "text": "Obama freed 122 Gitmo prisoners who went back to terror"}),
    ]

    output = [
        json.loads(line)
        for line in _run("match", "--jsonl", "--against", str(facts), stdin="\n".join(claims)).splitlines()
    ]

    assert [record["id"] for record in output] == ["t1", 2]
    assert [record["matches"][0]["id"] for record in output] == ["cbc", "gitmo"]
    assert all(len(record["matches"]) == 3 and record["version"].startswith("bm25-") for record in output)
    scores = [match["score"] for match in output[0]["matches"]]
    assert scores == sorted(scores, reverse=True) and all(0 <= score <= 1 for score in scores)


def test_match_limit_caps_the_matches(tmp_path):
    facts = _facts_file(tmp_path, [json.dumps(fact) for fact in FACTS])

    output = json.loads(
        _run("match", "--jsonl", "--against", str(facts), "--limit", "1", stdin=json.dumps({"id": 1, "text": "Gitmo"}))
    )

    assert len(output["matches"]) == 1


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", r"facts\.jsonl line 2 is not JSON"),
        (json.dumps({"id": "x"}), r"facts\.jsonl line 2 needs a \"claim\" string"),
        (json.dumps({"claim": "no id"}), r"facts\.jsonl line 2 needs an \"id\""),
        (json.dumps(["a", "list"]), r"facts\.jsonl line 2 must be a JSON object"),
        (json.dumps({"id": "gitmo", "claim": "again"}), r"'gitmo' appears twice"),
    ],
)
def test_a_bad_facts_line_is_an_error_naming_its_line(tmp_path, line, message):
    facts = _facts_file(tmp_path, [json.dumps(FACTS[0]), line])

    with pytest.raises(CommandError, match=message):
        _run("match", "--jsonl", "--against", str(facts), stdin="")


def test_a_bad_claim_line_or_missing_arguments_are_errors(tmp_path):
    facts = _facts_file(tmp_path, [json.dumps(fact) for fact in FACTS])

    with pytest.raises(CommandError, match=r"Input line 2 must be a JSON object with a string \"text\""):
        _run("match", "--jsonl", "--against", str(facts), stdin=json.dumps({"id": 1, "text": "a"}) + "\n{}\n")
    with pytest.raises(CommandError, match="Cannot read the facts file"):
        _run("match", "--jsonl", "--against", str(tmp_path / "absent.jsonl"))
    with pytest.raises(CommandError, match="--against"):
        _run("match", "--jsonl")


def test_the_command_exits_non_zero_and_names_the_line_of_a_bad_facts_file(tmp_path):
    facts = _facts_file(tmp_path, [json.dumps(FACTS[0]), "", '{"id": 5, "claim": 7}'])
    environment = {**os.environ, "FACTCHECK_VAR_DIR": str(tmp_path / "var")}

    done = subprocess.run(
        [sys.executable, "manage.py", "match", "--jsonl", "--against", str(facts)],
        cwd=ROOT,
        input="",
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )

    assert done.returncode != 0
    assert 'facts.jsonl line 3 needs a "claim" string' in done.stderr
    assert done.stdout == ""
