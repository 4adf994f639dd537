"""Undoing "not a claim" and correcting a quote's speaker: versioned, in the history, by role."""

from __future__ import annotations

import pytest

from annotations.models import HistoryEvent, Item
from tests.factories import ItemFactory, article_with_revision
from tests.support.desk import BODY, QUOTE, SENTENCE_1, item_on


@pytest.fixture
def article(db):
    return article_with_revision(body=BODY, title="Jobs")


@pytest.fixture
def quote(article) -> Item:
    start = BODY.index(QUOTE)
    return ItemFactory(
        kind=Item.Kind.QUOTE, revision=article.current_revision, start=start, length=len(QUOTE),
        speaker="Partial", cue="said",
    )


@pytest.mark.django_db
def test_restore_undoes_not_a_claim_and_keeps_both_in_the_history(reviewer_client, article):
    claim = item_on(article, SENTENCE_1)
    dismissed = reviewer_client.post(
        f"/api/v1/claims/{claim.pk}/dismiss/", {"reason": "A forecast."}, format="json", HTTP_IF_MATCH='"1"'
    )

    restored = reviewer_client.post(f"/api/v1/claims/{claim.pk}/restore/", format="json", HTTP_IF_MATCH='"2"')

    assert dismissed.status_code == 200
    assert restored.status_code == 200, restored.content
    assert restored.json()["dismissed"] is False and restored["ETag"] == '"3"'
    claim.refresh_from_db()
    assert (claim.dismissed, claim.dismissal_reason, claim.version) == (False, "", 3)
    events = list(HistoryEvent.objects.filter(item=claim, action="dismiss").values_list("before", "after"))
    assert events == [
        ({"dismissed": False, "reason": ""}, {"dismissed": True, "reason": "A forecast."}),
        ({"dismissed": True, "reason": "A forecast."}, {"dismissed": False}),
    ]


@pytest.mark.django_db
def test_restore_of_an_item_that_was_not_dismissed_is_409_and_stale_is_412(reviewer_client, article):
    claim = item_on(article, SENTENCE_1)

    not_dismissed = reviewer_client.post(f"/api/v1/claims/{claim.pk}/restore/", format="json", HTTP_IF_MATCH='"1"')
    stale = reviewer_client.post(f"/api/v1/claims/{claim.pk}/restore/", format="json", HTTP_IF_MATCH='"7"')
    without = reviewer_client.post(f"/api/v1/claims/{claim.pk}/restore/", format="json")

    assert (not_dismissed.status_code, stale.status_code, without.status_code) == (409, 412, 428)
    assert not_dismissed.json()["error"]["code"] == "conflict"


@pytest.mark.django_db
def test_editor_corrects_a_speaker_by_typing_it(editor_client, quote):
    response = editor_client.post(
        f"/api/v1/quotes/{quote.pk}/speaker/", {"speaker": "  the minister "}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 200, response.content
    assert response.json()["speaker"] == "the minister" and response["ETag"] == '"2"'
    event = HistoryEvent.objects.get(item=quote, action="span")
    assert event.before == {"speaker": "Partial", "speaker_start": None, "speaker_end": None}
    assert event.after == {"speaker": "the minister", "speaker_start": None, "speaker_end": None}


@pytest.mark.django_db
def test_editor_corrects_a_speaker_by_its_span_in_the_text(editor_client, quote):
    start = BODY.index("the minister")

    response = editor_client.post(
        f"/api/v1/quotes/{quote.pk}/speaker/",
        {"speaker_start": start, "speaker_end": start + len("the minister")},
        format="json", HTTP_IF_MATCH='"1"',
    )

    assert response.status_code == 200, response.content
    quote.refresh_from_db()
    assert (quote.speaker, quote.speaker_start, quote.speaker_end) == ("the minister", start, start + 12)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"speaker": "   "}, "speaker"),
        ({"speaker_start": 3}, "speaker_end"),
        ({"speaker_start": 5000, "speaker_end": 5010}, "speaker_start"),
        ({"speaker": "x", "extra": 1}, "extra"),
    ],
)
def test_bad_speaker_corrections_are_400_naming_the_field(editor_client, quote, body, field):
    response = editor_client.post(f"/api/v1/quotes/{quote.pk}/speaker/", body, format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    quote.refresh_from_db()
    assert quote.speaker == "Partial" and quote.version == 1


@pytest.mark.django_db
def test_a_claim_has_no_speaker(editor_client, article):
    claim = item_on(article, SENTENCE_1)

    response = editor_client.post(
        f"/api/v1/claims/{claim.pk}/speaker/", {"speaker": "Ann"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 400 and "speaker" in response.json()["error"]["fields"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("client_name", "speaker_status", "restore_status"),
    [
        ("anonymous_client", 401, 401),
        ("viewer_client", 403, 403),
        ("reviewer_client", 403, 200),
        ("editor_client", 200, 200),
    ],
)
def test_roles_for_restore_and_speaker(request, article, quote, client_name, speaker_status, restore_status):
    Item.objects.filter(pk=quote.pk).update(dismissed=True, dismissal_reason="Not a quote.")
    client = request.getfixturevalue(client_name)

    speaker = client.post(
        f"/api/v1/quotes/{quote.pk}/speaker/", {"speaker": "Ann"}, format="json", HTTP_IF_MATCH='"1"'
    )
    version = Item.objects.get(pk=quote.pk).version
    restore = client.post(f"/api/v1/quotes/{quote.pk}/restore/", format="json", HTTP_IF_MATCH=f'"{version}"')

    assert (speaker.status_code, restore.status_code) == (speaker_status, restore_status)
