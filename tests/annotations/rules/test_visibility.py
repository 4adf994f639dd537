"""Blind mode: who may see the other reviewers' verdicts on an item."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db.models import Exists, OuterRef

from annotations.models import Review
from annotations.rules.visibility import others_reviews_shown, reviews_shown, sees_others_reviews
from tests.factories import ItemFactory, RevisionFactory, UserFactory


def _never() -> bool:
    raise AssertionError("asked a fact the earlier ones had already decided")


@pytest.mark.parametrize(
    ("blind", "is_editor", "has_reviewed", "expected"),
    [
        (False, False, False, True),
        (True, True, False, True),
        (True, False, True, True),
        (True, True, True, True),
        (True, False, False, False),
    ],
)
def test_others_reviews_are_hidden_only_in_blind_mode_from_a_non_editor_who_has_not_reviewed(
    blind, is_editor, has_reviewed, expected
):
    assert (
        sees_others_reviews(blind=blind, is_editor=lambda: is_editor, has_reviewed=lambda: has_reviewed) is expected
    )


def test_a_later_fact_is_asked_only_when_the_earlier_ones_did_not_decide():
    # Whether the reader is an editor or has reviewed may each cost a query.
    assert sees_others_reviews(blind=False, is_editor=_never, has_reviewed=_never)
    assert sees_others_reviews(blind=True, is_editor=lambda: True, has_reviewed=_never)


@dataclass
class _Review:
    reviewer_id: int
    verdict: str


def test_a_reader_who_may_not_see_others_sees_their_own_reviews_only():
    reviews = [_Review(1, "correct"), _Review(2, "disputed"), _Review(1, "disputed")]

    assert reviews_shown(reviews, reader_id=1, sees_others=False) == [reviews[0], reviews[2]]
    assert reviews_shown(reviews, reader_id=3, sees_others=False) == []
    assert reviews_shown(iter(reviews), reader_id=3, sees_others=True) == reviews


@pytest.mark.django_db
def test_the_filter_keeps_reviews_of_open_articles_and_of_items_the_reader_reviewed():
    reader, other = UserFactory(), UserFactory()
    open_item = ItemFactory(revision=RevisionFactory(article__blind_review=False, body="Open article text."))
    blind_reviewed = ItemFactory(revision=RevisionFactory(article__blind_review=True, body="Blind, reviewed."))
    blind_unreviewed = ItemFactory(revision=RevisionFactory(article__blind_review=True, body="Blind, not yet."))
    for item in (open_item, blind_reviewed, blind_unreviewed):
        Review.objects.create(item=item, reviewer=other, verdict="correct")
    # A superseded review counts as having reviewed the item.
    Review.objects.create(item=blind_reviewed, reviewer=reader, verdict="disputed", is_current=False)

    mine = Review.objects.filter(item=OuterRef("item_id"), reviewer=reader)
    shown = Review.objects.filter(reviewer=other).filter(
        others_reviews_shown(blind="item__revision__article__blind_review", has_reviewed=Exists(mine))
    )

    assert set(shown.values_list("item_id", flat=True)) == {open_item.pk, blind_reviewed.pk}
