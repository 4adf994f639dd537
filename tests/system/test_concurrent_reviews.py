"""Real concurrent requests against a live server: no review is lost, the history is complete.

Every reviewer reads the item, then submits with If-Match. Reviews are independent: another
reviewer's review, landing between the read and the write, never makes a review stale, so every
one is accepted at the first try (only a change of the item itself is a 412). Under PostgreSQL
(CI) this runs against row locks in a real database server; on SQLite the database serialises
the writers.
"""

from __future__ import annotations

import threading

import pytest
import requests
from rest_framework.authtoken.models import Token

from annotations.models import HistoryEvent, Item, Review
from tests.factories import ItemFactory, UserFactory, article_with_revision

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

REVIEWERS = 50
BODY = "Unemployment fell to 4.1 percent in June. Exports rose by 12 percent in 2024."
SPANS = [(0, 42), (43, 78)]


def test_fifty_reviewers_on_the_same_items_lose_no_update(live_server, stack_name):
    article = article_with_revision(body=BODY)
    claims = [ItemFactory(revision=article.current_revision, start=start, length=end - start) for start, end in SPANS]
    tokens = [
        Token.objects.create(user=UserFactory(username=f"reviewer{n}", role="reviewer")).key for n in range(REVIEWERS)
    ]
    outcomes: dict[tuple[str, int], int] = {}
    start = threading.Barrier(REVIEWERS)

    def review(token: str, number: int) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {token}"
        start.wait()
        # Half the reviewers take the items in one order, half in the other.
        for claim in claims if number % 2 else reversed(claims):
            url = f"{live_server.url}/api/v1/claims/{claim.pk}/"
            version = session.get(url, timeout=60).headers["ETag"]
            response = session.post(
                f"{url}reviews/",
                json={"verdict": "correct" if number % 2 else "disputed", "rationale": f"reviewer {number}"},
                headers={"If-Match": version},
                timeout=60,
            )
            assert response.status_code == 201, response.text
            # Raced: others' reviews landed between this reviewer's read and write.
            outcomes[(token, claim.pk)] = int(response.headers["ETag"].strip('"')) - 1 - int(version.strip('"'))

    threads = [threading.Thread(target=review, args=(token, n)) for n, token in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert len(outcomes) == REVIEWERS * len(claims)
    raced = sum(1 for overtaken in outcomes.values() if overtaken > 0)
    for claim in claims:
        item = Item.objects.get(pk=claim.pk)
        assert Review.objects.filter(item=item, is_current=True).count() == REVIEWERS
        assert item.version == 1 + REVIEWERS, "every accepted write bumps the version exactly once"
        assert HistoryEvent.objects.filter(item=item, action="review").count() == REVIEWERS
        assert item.status == "disputed"  # correct and disputed verdicts: a split
    assert raced > 0, "the reviewers never raced: the test proved nothing about concurrent writes"
    print(
        f"{stack_name}: {REVIEWERS} reviewers x {len(claims)} items, "
        f"{raced} reviews submitted on a version others' reviews had passed, all accepted, none lost"
    )
