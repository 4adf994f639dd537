"""The candidate search of the fact-check library: which words a query asks for, and how rows rank.

``search_plan`` is pure and tested on counts written by hand; the database tests run on both
stacks, except the word counts, which only PostgreSQL keeps (SQLite's FTS5 has its own).
"""

from __future__ import annotations

import pytest
from django.db import connection

from annotations.models import FactCheck, FactCheckTerm, FactCheckVector
from annotations.selectors import factchecks as search
from annotations.selectors.factchecks import SearchPlan, Term, factcheck_candidates, search_plan
from annotations.services.factchecks import (
    SEARCH_INDEXES,
    TERMS_TASK,
    factcheck_terms_refresh,
    factchecks_import_batch,
    factchecks_store_embeddings,
)


def terms(*counts: int) -> list[Term]:
    return [Term(f"w{n}", documents, 1.0) for n, documents in enumerate(counts)]


def lexemes(plan: SearchPlan) -> tuple[list[str], list[tuple[str, str]]]:
    return [t.lexeme for t in plan.singles], [(a.lexeme, b.lexeme) for a, b in plan.pairs]


def test_the_rarest_words_are_asked_for_alone_while_their_counts_fit_the_budget():
    plan = search_plan(terms(0, 3, 40, 500, 900), library=100_000, budget=1000)

    assert lexemes(plan)[0] == ["w0", "w1", "w2", "w3"]  # 543 rows; with w4, 1,443


def test_commoner_words_are_asked_for_in_pairs_fewest_expected_rows_first():
    # 100,000 rows; the pairs expect 900*1000/100000 = 9, 900*8000/1e5 = 72, 1000*8000/1e5 = 80 rows.
    plan = search_plan(terms(900, 1000, 8000), library=100_000, budget=1000)

    singles, pairs = lexemes(plan)
    assert singles == ["w0"]
    assert pairs == [("w1", "w2")]  # 900 + 80: the only pair among the words past the budget
    assert [t.lexeme for t in plan.scored] == ["w0", "w1", "w2"]


def test_a_word_most_of_a_large_library_holds_is_never_asked_for():
    plan = search_plan(terms(60_000, 90_000), library=100_000, budget=2000)

    assert plan.singles == [] and plan.pairs == []


def test_when_nothing_fits_the_cheapest_pair_or_one_word_is_still_asked_for():
    pair = search_plan(terms(5000, 6000, 7000), library=100_000, budget=100)
    alone = search_plan(terms(5000), library=100_000, budget=100)

    assert lexemes(pair) == ([], [("w0", "w1")])
    assert lexemes(alone) == (["w0"], [])


def test_in_a_small_library_every_word_is_asked_for():
    plan = search_plan(terms(8, 9, 10), library=10, budget=2000)

    assert lexemes(plan) == (["w0", "w1", "w2"], [])


def _library(claims: list[str]) -> list[FactCheck]:
    return factchecks_import_batch(
        [FactCheck(source="imported", claim_text=text, review_url=f"https://checks.example/{n}")
         for n, text in enumerate(claims)]
    )


@pytest.mark.django_db
def test_the_row_sharing_the_rarer_word_ranks_first():
    rows = _library([f"Prices rose {n} percent in the capital" for n in range(6)] + ["Zebra numbers rose 3 percent"])
    factcheck_terms_refresh()

    found = factcheck_candidates(text="Zebra prices rose percent")

    assert found[0].id == rows[-1].pk  # "zebra" is held by one row, "prices" by six
    assert {row.id for row in found} == {row.pk for row in rows}


@pytest.mark.django_db
def test_counts_are_kept_per_word_and_a_common_word_is_left_out_of_the_search(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the word counts are PostgreSQL's; SQLite's FTS5 ranks with its own statistics")
    rows = _library([f"Turnout was {n} percent in district {n}" for n in range(10)] + ["Zebras are 40 percent striped"])

    counted = factcheck_terms_refresh()
    # Budget 3 and share 0.1 of 11 rows: "percent" (11 rows) is too common to search for.
    monkeypatch.setattr(search, "QUERY_ROW_BUDGET", 3)
    monkeypatch.setattr(search, "PAIR_MAX_SHARE", 0.1)
    found = [row.id for row in factcheck_candidates(text="zebras percent")]

    assert FactCheckTerm.objects.get(lexeme="percent").documents == 11
    assert FactCheckTerm.objects.get(lexeme="zebra").documents == 1
    assert counted == FactCheckTerm.objects.count()
    assert found == [rows[-1].pk]


@pytest.mark.django_db
def test_a_refresh_replaces_the_counts_whole():
    if connection.vendor != "postgresql":
        pytest.skip("the word counts are PostgreSQL's")
    FactCheckTerm.objects.create(lexeme="gone", documents=99)
    _library(["Tariffs doubled"])

    factcheck_terms_refresh()

    assert dict(FactCheckTerm.objects.values_list("lexeme", "documents")) == {"tariff": 1, "doubl": 1}


@pytest.mark.django_db(transaction=True)
def test_an_import_asks_a_worker_to_count_the_words_again_after_commit(published_jobs):
    from django.db import transaction

    from annotations.services.factchecks import factchecks_after_import

    with transaction.atomic():
        checks = _library(["Tariffs doubled"])
        factchecks_after_import(factcheck_ids=[check.pk for check in checks])
        assert TERMS_TASK not in published_jobs  # not before the rows are there to count

    assert TERMS_TASK in published_jobs


@pytest.mark.django_db
def test_beat_counts_the_words_again_on_the_matching_queue(settings):
    from workers.matching_tasks import refresh_factcheck_terms

    _library(["Tariffs doubled"])
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-factcheck-terms"]

    counted = refresh_factcheck_terms.apply().get()

    assert entry["task"] == "workers.matching_tasks.refresh_factcheck_terms"
    assert entry["options"]["queue"] == settings.MATCHING_QUEUE
    assert counted == (2 if connection.vendor == "postgresql" else 0)



def _pending_entries(index: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pending_tuples FROM pgstatginindex(%s::regclass)", [index])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_storing_vectors_leaves_the_searched_rows_and_their_indexes_as_they_were():
    if connection.vendor != "postgresql":
        pytest.skip("GIN pending lists are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")  # contrib, to read the index's metapage
    rows = _library([f"Turnout was {n} percent in district {n}" for n in range(20)])
    factcheck_terms_refresh()
    assert _pending_entries("factcheck_search_idx") == 0

    stored = factchecks_store_embeddings(vectors=[(row.pk, b"\0" * 16) for row in rows], version="enc-1")
    again = factchecks_store_embeddings(vectors=[(rows[0].pk, b"\1" * 16), (-1, b"\0" * 16)], version="enc-2")

    assert (stored, again) == (20, 1)  # a fact-check gone since its text was read is skipped
    # Vectors in the fact-check rows would leave each row's words pending in both indexes.
    assert [_pending_entries(index) for index in SEARCH_INDEXES] == [0, 0]
    found = factcheck_candidates(text="turnout district")
    assert len(found) == 20
    assert {(row.embedding, row.embedding_version) for row in found if row.id == rows[0].pk} == {(b"\1" * 16, "enc-2")}


@pytest.mark.django_db
def test_a_vector_of_words_that_changed_since_they_were_read_is_not_stored():
    first, second = _library(["Exports doubled", "Tariffs fell"])
    embedded = {first.pk: "Exports doubled", second.pk: "Tariffs fell"}
    FactCheck.objects.filter(pk=second.pk).update(claim_text="Tariffs fell by half")  # a desk edit meanwhile

    stored = factchecks_store_embeddings(
        vectors=[(first.pk, b"\0" * 16), (second.pk, b"\0" * 16)], version="enc-1", texts=embedded
    )

    assert stored == 1
    assert list(FactCheckVector.objects.values_list("factcheck_id", flat=True)) == [first.pk]
