"""The small article most desk tests share, and helpers to anchor items on it and review them."""

from __future__ import annotations

from annotations.models import Item
from tests.conftest import _client_for
from tests.factories import ItemFactory, UserFactory

BODY = (
    "Unemployment fell to 4.1 percent in June. Exports rose by 12 percent in 2024. “We are pleased,” the minister said."
)
SENTENCE_1 = "Unemployment fell to 4.1 percent in June."
SENTENCE_2 = "Exports rose by 12 percent in 2024."
QUOTE = "We are pleased,"


def item_on(article, words: str, **fields) -> Item:
    """An item spanning ``words`` in the article's current text."""
    start = article.current_revision.body.index(words)
    return ItemFactory(revision=article.current_revision, start=start, length=len(words), **fields)


def item_version(item) -> int:
    """The item's version as stored now (what a fresh ``If-Match`` would name)."""
    return Item.objects.get(pk=item.pk).version


def review_post(client, item, verdict, version=None, **extra):
    """POST a review of a claim; ``version`` None sends the current one, False sends no If-Match."""
    expected = version if version is not None else item_version(item)
    headers = {} if version is False else {"HTTP_IF_MATCH": f'"{expected}"'}
    return client.post(f"/api/v1/claims/{item.pk}/reviews/", {"verdict": verdict, **extra}, format="json", **headers)


def second_reviewer():
    """An API client of another reviewer than the ``reviewer`` fixture's."""
    return _client_for(UserFactory(username="reviewer2", role="reviewer"))
