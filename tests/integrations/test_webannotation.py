"""W3C Web Annotation export and import of an article's items and reviews."""

from __future__ import annotations

import copy

import pytest

from annotations.models import HistoryEvent, Item, Review
from annotations.services.revisions import article_revise
from tests.factories import article_with_revision
from tests.support.desk import BODY, QUOTE, SENTENCE_1, SENTENCE_2, item_on


def review_post(client, item, verdict, **extra):
    version = Item.objects.get(pk=item.pk).version
    return client.post(
        f"/api/v1/{item.kind}s/{item.pk}/reviews/", {"verdict": verdict, **extra}, format="json",
        HTTP_IF_MATCH=f'"{version}"',
    )


def _selectors(annotation: dict) -> dict[str, dict]:
    return {selector["type"]: selector for selector in annotation["target"]["selector"]}


@pytest.mark.django_db
def test_export_is_an_annotation_collection_with_quote_and_position_selectors(viewer_client, reviewer_client, article):
    claim = item_on(article, SENTENCE_1)
    quote = item_on(article, QUOTE, kind="quote", speaker="the minister")
    evidence = [{"url": "https://stats.example.org/jobs", "title": "Survey", "excerpt": "4.1%"}]
    review_post(reviewer_client, claim, "correct", rationale="Matches the survey.", evidence=evidence)

    response = viewer_client.get(f"/api/v1/articles/{article.pk}/annotations/")

    assert response.status_code == 200, response.content
    collection = response.json()
    assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert collection["type"] == "AnnotationCollection" and collection["total"] == 3
    items = collection["first"]["items"]
    assert [a["motivation"] for a in items] == ["highlighting", "assessing", "highlighting"]
    claim_annotation, review_annotation, quote_annotation = items
    selectors = _selectors(claim_annotation)
    assert selectors["TextQuoteSelector"]["exact"] == SENTENCE_1
    assert selectors["TextQuoteSelector"]["suffix"] == BODY[claim.end : claim.end + 32]
    assert (selectors["TextPositionSelector"]["start"], selectors["TextPositionSelector"]["end"]) == (
        claim.start, claim.end,
    )
    assert claim_annotation["target"]["source"] == "https://news.example.com/jobs"
    bodies = {body.get("purpose"): body for body in review_annotation["body"]}
    assert bodies["assessing"]["value"] == "correct"
    assert bodies["commenting"]["value"] == "Matches the survey."
    assert bodies["linking"]["id"] == "https://stats.example.org/jobs"
    assert review_annotation["creator"]["nickname"] == "reviewer"
    assert {"purpose": "describing", "type": "TextualBody", "value": "the minister"} in quote_annotation["body"]
    assert _selectors(quote_annotation)["TextQuoteSelector"]["exact"] == QUOTE
    assert quote.pk  # exported in reading order: claim, its review, then the quote


@pytest.mark.django_db
def test_export_asked_as_json_ld_is_served_as_json_ld(viewer_client, article):
    response = viewer_client.get(f"/api/v1/articles/{article.pk}/annotations/", HTTP_ACCEPT="application/ld+json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")


@pytest.mark.django_db
def test_export_hides_others_reviews_from_a_reviewer_in_blind_mode(editor_client, reviewer_client, article):
    from tests.conftest import _client_for
    from tests.factories import UserFactory

    article.blind_review = True
    article.save()
    claim = item_on(article, SENTENCE_1)
    review_post(_client_for(UserFactory(username="other", role="reviewer")), claim, "disputed")

    as_reviewer = reviewer_client.get(f"/api/v1/articles/{article.pk}/annotations/").json()
    as_editor = editor_client.get(f"/api/v1/articles/{article.pk}/annotations/").json()

    assert as_reviewer["total"] == 1 and as_editor["total"] == 2


@pytest.mark.django_db
def test_round_trip_onto_revised_text_reanchors_items_and_reviews(editor_client, reviewer_client, editor, article):
    claim = item_on(article, SENTENCE_1)
    review_post(reviewer_client, claim, "disputed", rationale="The survey says 4.3.")
    exported = editor_client.get(f"/api/v1/articles/{article.pk}/annotations/").json()
    target = article_with_revision(body="Breaking. " + BODY.replace("June", "June 2025"), title="Copy")

    response = editor_client.post(f"/api/v1/articles/{target.pk}/annotations/", exported, format="json")

    assert response.status_code == 201, response.content
    report = response.json()
    assert report["unanchored"] == [] and report["failed"] == []
    assert report["created"][0]["match"] == "approximate"  # the words changed: "June" -> "June 2025"
    item = Item.objects.get(pk=report["created"][0]["item"])
    body = target.current_revision.body
    assert body[item.start : item.end] == item.text and item.text.startswith("Unemployment fell")
    assert item.origin == "reviewer" and item.created_by == editor
    review = Review.objects.get(item=item)
    assert (review.verdict, review.rationale, review.reviewer) == ("disputed", "The survey says 4.3.", editor)
    # Recorded like any change made over the API.
    assert set(HistoryEvent.objects.filter(item=item).values_list("action", flat=True)) >= {"item_add", "review"}


@pytest.mark.django_db
def test_importing_the_same_annotations_twice_changes_nothing_the_second_time(editor_client, article):
    document = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationPage",
        "items": [
            {
                "type": "Annotation", "motivation": "assessing",
                "body": [{"type": "TextualBody", "purpose": "assessing", "value": "correct"}],
                "target": {"selector": {"type": "TextQuoteSelector", "exact": SENTENCE_2}},
            },
        ],
    }

    first = editor_client.post(f"/api/v1/articles/{article.pk}/annotations/", document, format="json").json()
    second = editor_client.post(f"/api/v1/articles/{article.pk}/annotations/", document, format="json").json()

    assert len(first["created"]) == 1 and first["reviewed"][0]["unchanged"] is False
    assert second["created"] == [] and second["reviewed"][0]["unchanged"] is True
    assert Item.objects.filter(revision=article.current_revision).count() == 1
    assert Review.objects.count() == 1


@pytest.mark.django_db
def test_unanchorable_and_malformed_annotations_are_reported_not_dropped(editor_client, article):
    good = {
        "type": "Annotation", "motivation": "highlighting", "id": "urn:x:good",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": "claim"}],
        "target": {"selector": [{"type": "TextPositionSelector", "start": 0, "end": len(SENTENCE_1)}]},
    }
    missing = copy.deepcopy(good) | {"id": "urn:x:missing"}
    missing["target"] = {"selector": {"type": "TextQuoteSelector", "exact": "Penguins colonised the moon in 1850."}}
    no_selector = {"type": "Annotation", "id": "urn:x:none", "target": "https://example.com/"}
    bad_verdict = copy.deepcopy(good) | {"id": "urn:x:verdict", "motivation": "assessing"}
    bad_verdict["body"] = [{"type": "TextualBody", "purpose": "assessing", "value": "maybe"}]

    response = editor_client.post(
        f"/api/v1/articles/{article.pk}/annotations/", [good, missing, no_selector, bad_verdict], format="json"
    )

    report = response.json()
    assert response.status_code == 201
    assert [entry["id"] for entry in report["created"]] == ["urn:x:good"]
    assert [(entry["index"], entry["id"]) for entry in report["unanchored"]] == [(1, "urn:x:missing")]
    assert "not in the article's current text" in report["unanchored"][0]["reason"]
    assert {entry["id"] for entry in report["failed"]} == {"urn:x:none", "urn:x:verdict"}


@pytest.mark.django_db
def test_import_accepts_application_ld_json(editor_client, article):
    import json

    document = {"type": "Annotation", "target": {"selector": {"type": "TextQuoteSelector", "exact": SENTENCE_2}}}

    response = editor_client.post(
        f"/api/v1/articles/{article.pk}/annotations/", json.dumps(document), content_type="application/ld+json"
    )

    assert response.status_code == 201, response.content
    assert Item.objects.get(pk=response.json()["created"][0]["item"]).text == SENTENCE_2


@pytest.mark.django_db
def test_import_needs_an_editor_and_an_unpublished_article(reviewer_client, editor_client, editor, article):
    document = {"type": "Annotation", "target": {"selector": {"type": "TextQuoteSelector", "exact": SENTENCE_2}}}
    denied = reviewer_client.post(f"/api/v1/articles/{article.pk}/annotations/", document, format="json")
    editor_client.post(f"/api/v1/articles/{article.pk}/publish/")
    locked = editor_client.post(f"/api/v1/articles/{article.pk}/annotations/", document, format="json")

    assert denied.status_code == 403 and "editor" in denied.json()["error"]["message"]
    assert locked.status_code == 409 and locked.json()["error"]["code"] == "locked"
    assert Item.objects.count() == 0


@pytest.mark.django_db
def test_a_document_that_is_not_annotations_is_400(editor_client, article):
    response = editor_client.post(f"/api/v1/articles/{article.pk}/annotations/", {"type": "Book"}, format="json")

    assert response.status_code == 400
    assert "type" in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_items_moved_by_a_revision_export_at_their_new_place(viewer_client, editor, article):
    claim = item_on(article, SENTENCE_2)
    article_revise(article_id=article.pk, editor=editor, text="Update: " + BODY)

    items = viewer_client.get(f"/api/v1/articles/{article.pk}/annotations/").json()["first"]["items"]

    position = _selectors(items[0])["TextPositionSelector"]
    assert position["start"] == claim.start + len("Update: ")


@pytest.mark.django_db
def test_export_costs_the_same_queries_however_many_items(
    viewer_client, reviewer_client, article, django_assert_num_queries
):
    for words in (SENTENCE_1, SENTENCE_2, QUOTE):
        review_post(reviewer_client, item_on(article, words), "correct", rationale="ok")

    # Token with user and roles, the article with its text, the items, their reviews with reviewers.
    with django_assert_num_queries(4):
        response = viewer_client.get(f"/api/v1/articles/{article.pk}/annotations/")

    assert response.json()["total"] == 6
