"""The command-line entry points: ``adduser`` and ``extract``."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from factcheck.roles import user_has_role

TEXT = "Unemployment fell to 4.1 percent in June, the lowest since 2019. “We are pleased,” Ann Lee said."


def _run(*args, stdin: str = "") -> str:
    out = io.StringIO()
    old_stdin, old_stdout = sys.stdin, sys.stdout
    sys.stdin, sys.stdout = io.StringIO(stdin), out
    try:
        call_command(*args, stdout=out)
    finally:
        sys.stdin, sys.stdout = old_stdin, old_stdout
    return out.getvalue()


@pytest.mark.django_db
def test_adduser_prints_the_token_last_and_is_idempotent():
    first = _run("adduser", "alice", "--role", "reviewer").strip().splitlines()
    again = _run("adduser", "alice", "--role", "editor").strip().splitlines()

    token = Token.objects.get(user__username="alice")
    assert first[-1] == token.key and again[-1] == token.key
    assert "Created" in first[0] and "Updated" in again[0]
    assert user_has_role(token.user, "editor")
    assert not token.user.has_usable_password()


@pytest.mark.django_db
def test_adduser_refuses_an_unknown_role():
    with pytest.raises(CommandError):
        call_command("adduser", "bob", "--role", "owner")


def test_extract_jsonl_answers_each_line_with_anchored_items():
    lines = [
        json.dumps({"id": "a", "text": TEXT}),
        "",
        json.dumps({"id": 2, "html": f"<html><body><article><p>{TEXT}</p></article></body></html>"}),
    ]

    output = [json.loads(line) for line in _run("extract", "--jsonl", stdin="\n".join(lines) + "\n").splitlines()]

    assert [record["id"] for record in output] == ["a", 2]
    for record in output:
        text = record.get("text", TEXT)
        assert record["claims"] or record["quotes"]
        for item in record["claims"] + record["quotes"]:
            assert text[item["start"] : item["end"]] == item["text"]
        for quote in record["quotes"]:
            assert {"speaker", "speaker_start", "speaker_end", "cue"} <= set(quote)
    assert "4.1 percent" in output[1]["text"]


def test_extract_jsonl_names_the_bad_line():
    with pytest.raises(CommandError, match="Line 2"):
        _run("extract", "--jsonl", stdin=json.dumps({"id": 1, "text": TEXT}) + "\n{not json\n")
    with pytest.raises(CommandError, match='string "text" or "html"'):
        _run("extract", "--jsonl", stdin=json.dumps({"id": 1}) + "\n")


def test_extract_files_prints_a_table(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(TEXT + "\n\nTags:\n\nRelated news & articles\n", encoding="utf-8")

    table = _run("extract", "--clean", str(article))

    assert str(article) in table and "claims" in table and "extractor" in table
    assert "Related news" not in table


def test_extract_without_input_explains_itself():
    with pytest.raises(CommandError, match="--jsonl"):
        call_command("extract")
