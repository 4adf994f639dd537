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


def _annotation(**selectors) -> dict:
    """One highlighting annotation of a claim with the given selectors (by type)."""
    return {
        "type": "Annotation", "motivation": "highlighting", "id": "urn:x:far",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": "claim"}],
        "target": {"selector": [{"type": kind, **fields} for kind, fields in selectors.items()]},
    }


@pytest.mark.django_db
@pytest.mark.attack(
    "Web Annotation import", "TextPositionSelector.start = 10**15 beside a quote",
    "position past the text ignored, anchored by the quote, no padding built",
)
def test_a_position_far_past_the_text_is_ignored_and_the_quote_anchors_it(editor_client, article):
    far = 10**15
    document = _annotation(
        TextQuoteSelector={"exact": SENTENCE_2, "prefix": "in June. ", "suffix": " “We"},
        TextPositionSelector={"start": far, "end": far + len(SENTENCE_2)},
    )

    response = editor_client.post(f"/api/v1/articles/{article.pk}/annotations/", document, format="json")

    start = BODY.index(SENTENCE_2)
    assert response.status_code == 201, response.content
    assert response.json()["created"] == [
        {"index": 0, "id": "urn:x:far", "kind": "claim", "start": start, "end": start + len(SENTENCE_2),
         "item": response.json()["created"][0]["item"], "match": "exact"}
    ]
    assert list(Item.objects.values_list("start", "end")) == [(start, start + len(SENTENCE_2))]


@pytest.mark.django_db
@pytest.mark.attack(
    "Web Annotation import", "TextPositionSelector.start = 10**15, no quote",
    "201 with the annotation reported unanchored, nothing stored",
)
def test_a_position_past_the_text_without_a_quote_is_reported_unanchored(editor_client, article):
    document = _annotation(TextPositionSelector={"start": 10**15, "end": 10**15 + 5})

    response = editor_client.post(f"/api/v1/articles/{article.pk}/annotations/", document, format="json")

    assert response.status_code == 200, response.content
    report = response.json()
    assert report["created"] == [] and report["failed"] == []
    assert [(entry["index"], entry["id"]) for entry in report["unanchored"]] == [(0, "urn:x:far")]
    assert "outside the article's text" in report["unanchored"][0]["reason"]
    assert Item.objects.count() == 0


def test_anchoring_a_position_of_10_to_the_9_costs_no_memory_of_that_size():
    """It built ``" " * start`` as a stand-in for the old text: 2 GB for this one annotation."""
    import tracemalloc

    from integrations.services.webannotation import anchor_in

    tracemalloc.start()
    try:
        found = anchor_in(BODY, quote={"exact": SENTENCE_2, "prefix": "x", "suffix": "y"},
                          position=(10**9, 10**9 + len(SENTENCE_2)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    start = BODY.index(SENTENCE_2)
    assert found == (start, start + len(SENTENCE_2), True)
    assert peak < 1024 * 1024, f"anchoring one annotation peaked at {peak} bytes"


@pytest.mark.django_db
def test_among_equal_hits_the_one_nearest_the_posted_position_is_chosen(editor_client, db):
    """The old place still breaks ties between occurrences, without a padded stand-in text."""
    body = "Prices rose. " * 40
    article = article_with_revision(body=body)
    near = body.index("Prices rose.", 300)
    # Both selectors disagree with the text (the position is off by 2), so the quote decides.
    document = _annotation(
        TextQuoteSelector={"exact": "Prices rose."},
        TextPositionSelector={"start": near + 2, "end": near + 2 + len("Prices rose.")},
    )

    response = editor_client.post(f"/api/v1/articles/{article.pk}/annotations/", document, format="json")

    assert response.status_code == 201, response.content
    assert (response.json()["created"][0]["start"], response.json()["created"][0]["match"]) == (near, "exact")


@pytest.mark.django_db
@pytest.mark.attack(
    "Web Annotation import", "1,001 annotations in one request",
    "413 too_large naming the limit of 1,000, nothing stored",
)
def test_more_annotations_than_the_documented_limit_is_413_and_stores_nothing(editor_client, article):
    from integrations.services.webannotation import IMPORT_MAX_ANNOTATIONS

    one = _annotation(TextQuoteSelector={"exact": SENTENCE_2})
    page = {"type": "AnnotationPage", "items": [one] * (1000 + 1)}

    response = editor_client.post(f"/api/v1/articles/{article.pk}/annotations/", page, format="json")

    assert IMPORT_MAX_ANNOTATIONS == 1000  # the number the README and the OpenAPI description give
    assert response.status_code == 413, response.content
    assert response.json() == {"error": {
        "code": "too_large",
        "message": "1001 annotations in one request; the limit is 1000. Send them in several requests.",
        "fields": {},
    }}
    assert Item.objects.count() == 0 and HistoryEvent.objects.count() == 0


@pytest.mark.django_db
def test_exactly_the_limit_of_annotations_is_imported(editor_client, article, monkeypatch):
    from integrations.services import webannotation

    monkeypatch.setattr(webannotation, "IMPORT_MAX_ANNOTATIONS", 2)
    two = [_annotation(TextQuoteSelector={"exact": SENTENCE_1}), _annotation(TextQuoteSelector={"exact": SENTENCE_2})]

    accepted = editor_client.post(f"/api/v1/articles/{article.pk}/annotations/", two, format="json")
    refused = editor_client.post(f"/api/v1/articles/{article.pk}/annotations/", [*two, two[0]], format="json")

    assert accepted.status_code == 201 and len(accepted.json()["created"]) == 2
    assert refused.status_code == 413 and "the limit is 2" in refused.json()["error"]["message"]
    assert Item.objects.count() == 2
