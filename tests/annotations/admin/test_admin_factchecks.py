"""The admin of the fact-check library: lists that render with rows, nothing added by hand, a desk
check never deleted behind its item's back, a run queued again through the matching service."""

from __future__ import annotations

import pytest

from annotations.models import ClaimMatch, FactCheck, Item, MatchJob
from annotations.services.factchecks import factcheck_sync_from_item, factchecks_import_batch
from tests.factories import UserFactory, article_with_revision
from tests.support.desk import BODY, SENTENCE_1, item_on

PAGES = ["/admin/annotations/factcheck/", "/admin/annotations/claimmatch/", "/admin/annotations/matchjob/"]


@pytest.fixture
def library(client, db, published_jobs):
    imported = factchecks_import_batch(
        [FactCheck(source="imported", claim_text=f"Claim number {n} was checked", review_url=f"https://c.example/{n}")
         for n in range(12)]
    )
    article = article_with_revision(body=BODY)
    item = item_on(article, SENTENCE_1)
    Item.objects.filter(pk=item.pk).update(status="disputed")
    item.refresh_from_db()
    desk = factcheck_sync_from_item(item)
    for check in imported[:5]:
        ClaimMatch.objects.create(item=item, factcheck=check, score=0.8)
    failed = MatchJob.objects.create(revision=item.revision, status="failed", last_error="the encoder is missing")
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return {"client": client, "imported": imported, "desk": desk, "failed": failed}


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_the_library_lists_render_without_a_query_per_row(library, path, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = library["client"].get(path)

    assert response.status_code == 200
    assert f'href="{path}add/"'.encode() not in response.content  # rows come from imports, verdicts and runs
    assert response.context["cl"].result_count > 0


@pytest.mark.django_db
def test_a_fact_check_page_shows_it_read_only_and_nothing_is_added_by_hand(library):
    client, check = library["client"], library["imported"][0]

    page = client.get(f"/admin/annotations/factcheck/{check.pk}/change/")
    add = client.get("/admin/annotations/factcheck/add/")

    assert page.status_code == 200 and b"Claim number 0 was checked" in page.content
    assert b'name="claim_text"' not in page.content
    assert add.status_code == 403


@pytest.mark.django_db
def test_deleting_takes_out_imported_checks_and_keeps_the_desk_s(library):
    client, desk = library["client"], library["desk"]
    chosen = [library["imported"][0].pk, desk.pk]

    response = client.post(
        "/admin/annotations/factcheck/", {"action": "take_out", "_selected_action": chosen}, follow=True
    )

    assert b"1 imported check(s) taken out of the library." in response.content
    assert b"1 desk check(s) kept" in response.content
    assert not FactCheck.objects.filter(pk=chosen[0]).exists()
    assert not ClaimMatch.objects.filter(factcheck_id=chosen[0]).exists()
    assert FactCheck.objects.filter(pk=desk.pk).exists()
    assert client.get(f"/admin/annotations/factcheck/{desk.pk}/delete/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_failed_run_is_queued_again_through_the_service(library, published_jobs):
    client, failed = library["client"], library["failed"]

    response = client.post(
        "/admin/annotations/matchjob/", {"action": "match_again", "_selected_action": [failed.pk]}, follow=True
    )

    queued = MatchJob.objects.get(revision_id=failed.revision_id, status="queued")
    assert b"1 run(s) queued." in response.content
    assert queued.pk in published_jobs
    assert MatchJob.objects.get(pk=failed.pk).status == "failed"  # its record stays as it was
