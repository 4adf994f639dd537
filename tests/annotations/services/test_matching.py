"""The fact-check library and matching runs, with a hand-made ranker standing in for the engine.

The engine (``workers.matching``) has its own tests; here the ranker is a word-overlap score so
what the database search, the desk sync and the storing of matches do is seen on its own.
"""

from __future__ import annotations

import pytest

from annotations.models import ClaimMatch, FactCheck, FactCheckVector, HistoryEvent, Item, MatchJob
from annotations.selectors.factchecks import factcheck_candidates, open_claim_candidates, search_words
from annotations.services import matching
from annotations.services.factchecks import factcheck_sync_from_item, factchecks_import_batch
from tests.factories import UserFactory, article_with_revision
from tests.support.desk import item_on


def overlap_ranker(query, rows):
    """Share of the query's words in the candidate: 1.0 for the same words."""
    words = set(search_words(query))
    scored = [(row.id, len(words & set(search_words(row.text))) / max(1, len(words))) for row in rows]
    return sorted(scored, key=lambda pair: -pair[1])


def imported(claim: str, url: str, **fields) -> FactCheck:
    return factchecks_import_batch([FactCheck(source="imported", claim_text=claim, review_url=url, **fields)])[0]


@pytest.fixture
def article(db):
    return article_with_revision(body="Unemployment fell to 4.1 percent in June. The sky is green today.")


@pytest.mark.django_db
def test_search_finds_a_fact_check_by_its_words_and_skips_rejected_pairs(article):
    wanted = imported("Unemployment fell to 4.1 percent in June 2024", "https://checks.example/1")
    imported("The moon is made of cheese", "https://checks.example/2")
    claim = item_on(article, "Unemployment fell to 4.1 percent in June.")

    found = factcheck_candidates(text=claim.text, item_id=claim.pk)
    ClaimMatch.objects.create(item=claim, factcheck=wanted, score=0.9, feedback="rejected")
    after_reject = factcheck_candidates(text=claim.text, item_id=claim.pk)

    assert [row.id for row in found] == [wanted.pk]
    assert after_reject == []


@pytest.mark.django_db
def test_search_reads_no_character_of_the_claim_as_syntax(article):
    imported("Taxes rose", "https://checks.example/1")

    assert [row.text for row in factcheck_candidates(text='taxes" OR NOT * rose) -- ;')] == ["Taxes rose"]
    assert factcheck_candidates(text="the and of") == []


@pytest.mark.django_db
def test_a_revision_run_stores_the_best_matches_and_keeps_feedback(article, settings):
    settings.MATCH_MIN_SCORE = 0.5
    check = imported("Unemployment fell to 4.1 percent in June", "https://checks.example/1")
    claim = item_on(article, "Unemployment fell to 4.1 percent in June.")
    job = matching.match_job_create(revision_id=article.current_revision_id)

    assert matching.match_job_start(job_id=job.pk) is not None
    stored = matching.match_job_run(job_id=job.pk, ranker=overlap_ranker, matcher_version="test-1")
    again = matching.match_job_create(revision_id=article.current_revision_id)
    matching.match_job_start(job_id=again.pk)
    matching.match_job_run(job_id=again.pk, ranker=overlap_ranker, matcher_version="test-1")

    assert stored == 1
    assert list(ClaimMatch.objects.values_list("item_id", "factcheck_id", "score", "matcher_version")) == [
        (claim.pk, check.pk, 1.0, "test-1")
    ]
    assert MatchJob.objects.get(pk=job.pk).status == "done"


@pytest.mark.django_db
def test_a_rejected_pair_is_never_written_again_and_the_feedback_is_in_history(article, settings):
    settings.MATCH_MIN_SCORE = 0.1
    check = imported("Unemployment fell to 4.1 percent in June", "https://checks.example/1")
    claim = item_on(article, "Unemployment fell to 4.1 percent in June.")
    reviewer = UserFactory(role="reviewer")
    matching.claim_matches_replace(item_id=claim.pk, found=[(check.pk, 0.9)], matcher_version="v")
    match = ClaimMatch.objects.get()

    matching.match_feedback(item_id=claim.pk, kind="claim", match_id=match.pk, reviewer=reviewer, feedback="rejected")
    matching.claim_matches_replace(item_id=claim.pk, found=[(check.pk, 0.95)], matcher_version="v2")
    matching.claim_match_add(item_id=claim.pk, factcheck_id=check.pk, score=0.99, matcher_version="v3")

    match.refresh_from_db()
    assert (match.feedback, match.score, match.matcher_version) == ("rejected", 0.9, "v")
    event = HistoryEvent.objects.get(action="match_feedback")
    assert (event.item_id, event.actor_id, event.after["feedback"]) == (claim.pk, reviewer.pk, "rejected")


@pytest.mark.django_db
def test_a_revision_s_matches_are_written_together_keeping_feedback(article, django_assert_max_num_queries):
    first = item_on(article, "Unemployment fell to 4.1 percent in June.")
    second = item_on(article, "The sky is green today.")
    a, b, c = (imported(f"Check {n}", f"https://checks.example/{n}") for n in range(3))
    matching.claim_matches_replace_many(
        found_by_item={first.pk: [(a.pk, 0.9), (b.pk, 0.8)], second.pk: [(c.pk, 0.7)]}, matcher_version="v1"
    )
    ClaimMatch.objects.filter(item=first, factcheck=b).update(feedback="confirmed")

    with django_assert_max_num_queries(8):  # whatever the number of claims and matches
        matching.claim_matches_replace_many(
            found_by_item={first.pk: [(a.pk, 0.95)], second.pk: [(a.pk, 0.6)]}, matcher_version="v2"
        )

    assert set(ClaimMatch.objects.values_list("item_id", "factcheck_id", "score", "matcher_version", "feedback")) == {
        (first.pk, a.pk, 0.95, "v2", ""),
        (first.pk, b.pk, 0.8, "v1", "confirmed"),  # no longer found, but a reviewer spoke of it
        (second.pk, a.pk, 0.6, "v2", ""),  # c, found no longer and never confirmed, is gone
    }


@pytest.mark.django_db
def test_a_desk_verdict_joins_the_library_and_leaves_it_when_unverified_again(article):
    claim = item_on(article, "The sky is green today.")
    Item.objects.filter(pk=claim.pk).update(status="disputed")
    claim.refresh_from_db()

    factcheck = factcheck_sync_from_item(claim)
    claim.status = "unverified"
    gone = factcheck_sync_from_item(claim)

    assert (factcheck.source, factcheck.verdict, factcheck.article_id) == ("desk", "disputed", article.pk)
    assert MatchJob.objects.filter(factcheck_id=factcheck.pk).exists() is False  # cascaded with the check
    assert gone is None and FactCheck.objects.count() == 0


def _checked(article, words: str) -> tuple[Item, FactCheck]:
    claim = item_on(article, words)
    Item.objects.filter(pk=claim.pk).update(status="disputed")
    claim.refresh_from_db()
    factcheck = factcheck_sync_from_item(claim)
    FactCheckVector.objects.create(factcheck=factcheck, version="enc-1", data=b"\0" * 8)
    return claim, factcheck


@pytest.mark.django_db
def test_a_moved_span_moves_the_desk_check_s_words_and_its_vector_is_computed_again(article, published_jobs):
    from annotations.services.items import item_update_span

    claim, factcheck = _checked(article, "Unemployment fell to 4.1 percent")
    editor = UserFactory(role="editor")
    end = article.current_revision.body.index(" June") + len(" June")

    item_update_span(
        item_id=claim.pk, kind="claim", user=editor, start=claim.start, end=end, expected_version=claim.version
    )

    factcheck.refresh_from_db()
    assert factcheck.claim_text == "Unemployment fell to 4.1 percent in June"
    assert not FactCheckVector.objects.filter(factcheck=factcheck).exists()
    assert MatchJob.objects.filter(factcheck=factcheck, status="queued").exists()


@pytest.mark.django_db
def test_new_text_carries_the_desk_check_s_new_words_with_the_item(article, published_jobs):
    from annotations.services.revisions import article_revise

    _claim, factcheck = _checked(article, "Unemployment fell to 4.1 percent in June.")
    _untouched, kept = _checked(article, "The sky is green today.")
    editor = UserFactory(role="editor")

    article_revise(
        article_id=article.pk, editor=editor, text="Unemployment fell to 4.2 percent in June. The sky is green today."
    )

    factcheck.refresh_from_db()
    kept.refresh_from_db()
    assert factcheck.claim_text == "Unemployment fell to 4.2 percent in June."
    assert not FactCheckVector.objects.filter(factcheck=factcheck).exists()
    assert kept.claim_text == "The sky is green today."
    assert FactCheckVector.objects.get(factcheck=kept).version == "enc-1"  # same words, same vector


@pytest.mark.django_db
def test_a_new_fact_check_run_matches_open_claims_of_other_articles_only(article, settings):
    settings.MATCH_MIN_SCORE = 0.5
    claim = item_on(article, "Unemployment fell to 4.1 percent in June.")
    check = imported("Unemployment fell to 4.1 percent in June", "https://checks.example/1")

    assert [row.id for row in open_claim_candidates(text=check.claim_text, exclude_article_id=None)] == [claim.pk]
    assert open_claim_candidates(text=check.claim_text, exclude_article_id=article.pk) == []
    job = matching.match_job_create(factcheck_id=check.pk)
    matching.match_job_start(job_id=job.pk)
    assert matching.match_job_run(job_id=job.pk, ranker=overlap_ranker, matcher_version="v") == 1
    assert ClaimMatch.objects.get().item_id == claim.pk


@pytest.mark.django_db
def test_asking_twice_for_a_waiting_run_queues_one(article):
    first = matching.match_job_create(revision_id=article.current_revision_id)
    second = matching.match_job_create(revision_id=article.current_revision_id)

    assert first.pk == second.pk and MatchJob.objects.count() == 1
