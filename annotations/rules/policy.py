"""How an item's status follows from its reviews and an editor's resolution.

1. An editor's resolution decides: the item takes the resolved status, whatever the reviews say.
2. Without one, current reviews are counted (``unverified`` verdicts do not count):
   - any ``correct`` together with any ``disputed``: the reviewers disagree, so ``disputed``;
   - at least ``quorum`` agreeing verdicts (``REVIEW_QUORUM``, default 2): that verdict;
   - otherwise ``unverified``.
"""

from __future__ import annotations

from collections.abc import Iterable

CORRECT = "correct"
DISPUTED = "disputed"
UNVERIFIED = "unverified"


def status_from_reviews(*, verdicts: Iterable[str], resolution: str = "", quorum: int = 2) -> str:
    """The status an item with these current ``verdicts`` and this ``resolution`` has."""
    if resolution:
        return resolution
    verdicts = list(verdicts)
    correct = verdicts.count(CORRECT)
    disputed = verdicts.count(DISPUTED)
    if correct and disputed:
        return DISPUTED
    if correct >= quorum:
        return CORRECT
    if disputed >= quorum:
        return DISPUTED
    return UNVERIFIED
