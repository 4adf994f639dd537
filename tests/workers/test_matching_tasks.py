"""The matching tasks with the real engine (the committed encoder), run in-process on the test database."""

from __future__ import annotations

import pytest

from annotations.models import ClaimMatch, FactCheck, FactCheckVector, MatchJob
from annotations.services import matching
from annotations.services.factchecks import factchecks_import_batch
from tests.factories import article_with_revision
from tests.support.desk import item_on
from workers import matching_tasks
from workers.encoder import EncoderUnavailable, get_encoder


@pytest.fixture
def claim(db):
    article = article_with_revision(body="Unemployment fell to 4.1 percent in June. The sky is green.")
    return item_on(article, "Unemployment fell to 4.1 percent in June.")


def _import(claim_text: str, url: str) -> FactCheck:
    return factchecks_import_batch([FactCheck(source="imported", claim_text=claim_text, review_url=url)])[0]


@pytest.mark.django_db
def test_embedding_then_matching_stores_the_earlier_check_with_the_matcher_version(claim, published_jobs):
    wanted = _import("The unemployment rate dropped to 4.1% in June", "https://checks.example/1")
    _import("Exports of cheese doubled in 2020", "https://checks.example/2")

    embedded = matching_tasks.embed_factchecks.apply(args=[10]).get()
    job = matching.match_job_create(revision_id=claim.revision_id)
    matching_tasks.run_match_job.apply(args=[job.pk]).get()

    encoder = get_encoder()
    assert embedded == 2
    assert set(FactCheckVector.objects.values_list("version", flat=True)) == {encoder.version}
    assert FactCheckVector.objects.count() == 2
    assert len(bytes(FactCheckVector.objects.get(factcheck=wanted).data)) == 4 * encoder.dim
    job.refresh_from_db()
    assert job.status == "done" and job.last_error == ""
    best = ClaimMatch.objects.filter(item=claim).order_by("-score").first()
    assert best is not None and best.factcheck_id == wanted.pk
    assert best.matcher_version == job.matcher_version and encoder.version in job.matcher_version


@pytest.mark.django_db
def test_a_missing_encoder_fails_the_job_with_its_reason_not_silently(claim, published_jobs, monkeypatch):
    _import("The unemployment rate dropped to 4.1% in June", "https://checks.example/1")

    def missing():
        raise EncoderUnavailable("workers/encoder/model/model.onnx is missing: run training/encoder/export.py")

    monkeypatch.setattr(matching_tasks, "get_encoder", missing)
    job = matching.match_job_create(revision_id=claim.revision_id)
    matching_tasks.run_match_job.apply(args=[job.pk]).get()

    job.refresh_from_db()
    assert job.status == MatchJob.Status.FAILED
    assert job.last_error.startswith("The sentence encoder is unavailable: workers/encoder/model/model.onnx is missing")
    assert ClaimMatch.objects.count() == 0


def test_the_ranker_takes_the_database_word_score_and_recomputes_it_only_when_one_is_missing():
    from annotations.selectors.factchecks import CandidateRow

    encoder = get_encoder()
    ranker, _version = matching_tasks.engine_ranker(encoder)
    text = "Unemployment fell to 4.1 percent in June"
    # Same words, same vector: only the lexical score tells the two apart.
    rows = [CandidateRow(id=1, text=text, lexical=1.0), CandidateRow(id=2, text=text, lexical=9.0)]
    recomputed = [CandidateRow(id=1, text=text, lexical=None), CandidateRow(id=2, text=text, lexical=9.0)]

    assert [pk for pk, _score in ranker(text, rows)] == [2, 1]
    assert [pk for pk, _score in ranker(text, list(reversed(rows)))] == [2, 1]
    scores = dict(ranker(text, recomputed))
    assert scores[1] == scores[2]  # BM25 within the set: the same words score the same


def test_queries_embedded_ahead_on_the_embedding_thread_rank_exactly_as_those_embedded_inline(monkeypatch):
    import threading

    from annotations.selectors.factchecks import CandidateRow
    from workers.matching import ranking

    encoder = get_encoder()
    queries = ["Unemployment fell to 4.1 percent in June", "Exports of cheese doubled in 2020"]
    rows = [CandidateRow(id=n, text=text, lexical=float(n)) for n, text in enumerate([*queries, "Taxes rose"], 1)]
    inline, _version = matching_tasks.engine_ranker(encoder)
    expected = [inline(query, rows) for query in queries]
    threads = []
    real = ranking.query_vector_of

    def watched(query, encoder):
        threads.append(threading.current_thread().name)
        return real(query, encoder)

    def not_inline(query, encoder):
        raise AssertionError(f"{query!r} was embedded inline, not ahead")

    monkeypatch.setattr(matching_tasks, "query_vector_of", watched)
    ahead, _version = matching_tasks.engine_ranker(encoder)
    ahead.prepare([*queries, queries[0]])  # a claim twice in a revision is embedded once
    for future in list(ahead._ahead.values()):
        future.result()
    monkeypatch.setattr(ranking, "query_vector_of", not_inline)

    assert [ahead(query, rows) for query in queries] == expected
    assert len(threads) == 2 and all(name.startswith("match-embed") for name in threads)


def test_a_closed_ranker_drops_the_vectors_it_had_not_computed(monkeypatch):
    import threading

    encoder = get_encoder()
    started, release = threading.Event(), threading.Event()
    computed = []

    def slow(query, encoder):
        started.set()
        release.wait(10)
        computed.append(query)

    monkeypatch.setattr(matching_tasks, "query_vector_of", slow)
    ranker, _version = matching_tasks.engine_ranker(encoder)
    ranker.prepare(["first", "second", "third"])
    started.wait(10)
    ranker.close()  # the run failed while "first" was being embedded
    release.set()
    matching_tasks._embedding_pool().submit(lambda: None).result(10)  # the thread is free again

    assert computed == ["first"]


@pytest.mark.django_db
def test_a_revision_run_tells_the_ranker_its_claims_first_and_closes_it_after_even_on_failure(claim, published_jobs):
    _import("The unemployment rate dropped to 4.1% in June", "https://checks.example/1")
    told: list = []

    class Ranker:
        def prepare(self, queries):
            told.append(("prepare", list(queries)))

        def __call__(self, query, rows):
            told.append(("rank", query))
            if len(told) > 3:
                raise RuntimeError("the ranker broke")
            return [(row.id, 0.9) for row in rows]

        def close(self):
            told.append(("close",))

    job = matching.match_job_create(revision_id=claim.revision_id)
    matching.match_job_start(job_id=job.pk)
    matching.match_job_run(job_id=job.pk, ranker=Ranker(), matcher_version="test-1")
    assert told == [("prepare", [claim.text]), ("rank", claim.text), ("close",)]

    again = matching.match_job_create(revision_id=claim.revision_id)
    matching.match_job_start(job_id=again.pk)
    with pytest.raises(RuntimeError):
        matching.match_job_run(job_id=again.pk, ranker=Ranker(), matcher_version="test-1")
    assert told[3:] == [("prepare", [claim.text]), ("rank", claim.text), ("close",)]  # closed on failure too
