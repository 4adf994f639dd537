"""``manage.py import_factchecks``: ClaimReview JSON-LD (review, @graph, feed, list), CSV, JSON Lines;
idempotent; every bad input is a clear per-record line in the summary and nothing half-written."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from annotations.models import FactCheck, FactCheckVector, MatchJob
from tests.factories import UserFactory


def review(n: int, **overrides) -> dict:
    node = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"https://checks.example/review/{n}",
        "claimReviewed": f"Claim number {n} about unemployment figures",
        "headline": f"Fact check {n}",
        "datePublished": "2024-03-01",
        "author": {"@type": "Organization", "name": "Checkers", "url": "https://checks.example"},
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "A. Politician"}},
        "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1,
                         "alternateName": "False"},
    }
    node.update(overrides)
    return node


@pytest.fixture
def editor_name(db, published_jobs) -> str:
    return UserFactory(username="importer", role="editor").username


def run(path, *args, stdin: bytes | None = None, monkeypatch=None) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = 0
    try:
        call_command("import_factchecks", str(path), "--as", "importer", "--no-progress", *args, stdout=out, stderr=err)
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return out.getvalue(), err.getvalue(), code


@pytest.mark.django_db(transaction=True)
def test_a_feed_imports_every_review_and_a_second_run_imports_nothing_new(tmp_path, editor_name):
    feed = {"@context": "https://schema.org", "@type": "DataFeed",
            "dataFeedElement": [{"@type": "DataFeedItem", "item": [review(1)]}, review(2)]}
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed))

    first = run(path)
    second = run(path)

    assert first[0].startswith("imported: 2, duplicates: 0, failed: 0") and first[2] == 0
    assert second[0].startswith("imported: 0, duplicates: 2, failed: 0") and second[2] == 0
    check = FactCheck.objects.get(review_url="https://checks.example/review/1")
    assert (check.source, check.verdict, check.rating, check.rating_value, check.publisher, check.claimant) == (
        "imported", "disputed", "False", 1.0, "Checkers", "A. Politician"
    )
    assert not FactCheckVector.objects.filter(factcheck=check).exists()  # embedded later, never at import
    assert MatchJob.objects.filter(factcheck=check).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_pages_graph_a_single_review_and_a_top_level_list_all_import(tmp_path, editor_name):
    (tmp_path / "page.jsonld").write_text(json.dumps({"@graph": [{"@type": "WebPage"}, review(1)]}))
    (tmp_path / "one.json").write_text(json.dumps(review(2)))
    (tmp_path / "list.json").write_text(json.dumps([review(3), review(4), review(3)]))

    outputs = [run(tmp_path / name)[0] for name in ("page.jsonld", "one.json", "list.json")]

    assert [line.split(" (")[0] for line in outputs] == [
        "imported: 1, duplicates: 0, failed: 0",
        "imported: 1, duplicates: 0, failed: 0",
        "imported: 2, duplicates: 1, failed: 0",
    ]


@pytest.mark.django_db(transaction=True)
def test_csv_and_json_lines_from_stdin_import(tmp_path, editor_name, monkeypatch):
    (tmp_path / "sheet.csv").write_text(
        "id,claim,title,rating,url\nsnopes-1,Vaccines contain microchips,Microchips?,False,https://snopes.example/1\n"
    )
    lines = json.dumps({"id": "x-2", "claim": "The moon landing was staged", "rating": "Pants on Fire"}) + "\n"

    from_csv = run(tmp_path / "sheet.csv")
    from_stdin = run("-", stdin=lines.encode(), monkeypatch=monkeypatch)

    assert from_csv[0].startswith("imported: 1,") and from_stdin[0].startswith("imported: 1,")
    assert sorted(FactCheck.objects.values_list("external_id", "verdict")) == [
        ("snopes-1", "disputed"), ("x-2", "disputed")
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"claimReviewed": ""}, "review without a claim"),
        ({"reviewRating": {"ratingValue": 7, "bestRating": 5, "worstRating": 1}}, "rating 7 is outside its scale 1..5"),
        ({"url": "javascript:alert(1)"}, "review URL 'javascript:alert(1)' is not an http(s) URL"),
        ({"url": "ftp://checks.example/r"}, "is not an http(s) URL"),
        ({"datePublished": "last Tuesday"}, "date 'last Tuesday' is not an ISO 8601 date"),
    ],
)
def test_a_bad_record_is_one_clear_line_and_the_good_ones_still_import(tmp_path, editor_name, bad, reason):
    path = tmp_path / "list.json"
    path.write_text(json.dumps([review(1), review(2, **bad)]))

    out, err, code = run(path)

    assert code == 1
    assert out.startswith("imported: 1, duplicates: 0, failed: 1")
    assert f"failed: {path}#2: " in err and reason in err
    assert list(FactCheck.objects.values_list("review_url", flat=True)) == ["https://checks.example/review/1"]


@pytest.mark.django_db(transaction=True)
def test_malformed_json_ld_writes_nothing_even_after_good_reviews(tmp_path, editor_name):
    path = tmp_path / "broken.json"
    path.write_text(json.dumps([review(1), review(2)])[:-40] + "{oops")

    _out, err, code = run(path)

    assert code == 2
    assert "Nothing was imported: malformed JSON-LD" in err
    assert FactCheck.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_100_mb_list_is_streamed_not_refused(tmp_path, editor_name, settings):
    # 100 MB of reviews: padding in a field the importer ignores makes the file large without
    # making the test slow; the parser still reads every byte, one element at a time.
    settings.MATCH_NEW_FACTCHECKS_MAX = 0
    pad = "x" * 1_000_000
    path = tmp_path / "big.json"
    with path.open("w") as stream:
        stream.write("[")
        for n in range(100):
            stream.write(("," if n else "") + json.dumps(review(n, description=pad)))
        stream.write("]")
    assert path.stat().st_size > 100_000_000

    out, err, code = run(path)

    assert code == 0, err
    assert out.startswith("imported: 100, duplicates: 0, failed: 0")


@pytest.mark.django_db(transaction=True)
def test_one_json_object_over_the_document_limit_is_refused_with_the_fix(tmp_path, editor_name, monkeypatch):
    monkeypatch.setattr("integrations.services.factcheck_import.MAX_DOCUMENT_BYTES", 10_000)
    path = tmp_path / "feed.json"
    path.write_text(json.dumps({"@type": "DataFeed", "dataFeedElement": [review(n) for n in range(100)]}))

    _out, err, code = run(path)

    assert code == 2 and "top-level JSON array or as JSON Lines" in err
    assert FactCheck.objects.count() == 0


@pytest.mark.django_db
def test_only_an_editor_imports(tmp_path, published_jobs):
    UserFactory(username="importer", role="reviewer")

    with pytest.raises(CommandError, match="not an editor"):
        call_command("import_factchecks", str(tmp_path / "x.json"), "--as", "importer", "--no-progress")
