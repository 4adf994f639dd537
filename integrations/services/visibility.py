"""Which reviews a reader may see in an export: blind mode applies to exports as to the API."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser

from annotations.models import Review
from factcheck.roles import EDITOR, user_has_role


class ReviewVisibility:
    """Blind mode (``Article.blind_review``): a non-editor sees others' reviews of an item only
    after reviewing it. Reads the reader's reviewed items once, not once per item."""

    def __init__(self, user: AbstractBaseUser) -> None:
        self.user_id = user.pk
        self.sees_everything = user_has_role(user, EDITOR)
        self._reviewed: set[int] | None = None

    def _reviewed_items(self) -> set[int]:
        if self._reviewed is None:
            self._reviewed = set(Review.objects.filter(reviewer_id=self.user_id).values_list("item_id", flat=True))
        return self._reviewed

    def filter(self, reviews: Iterable[Review], *, item_id: int, blind: bool) -> list[Review]:
        reviews = list(reviews)
        if self.sees_everything or not blind or item_id in self._reviewed_items():
            return reviews
        return [review for review in reviews if review.reviewer_id == self.user_id]
