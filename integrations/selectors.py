"""Reads of the integrations endpoints, with their joins decided once."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, QuerySet

from annotations import selectors as annotation_selectors
from annotations.models import Article, Item, Review
from annotations.rules.visibility import reviews_shown, sees_others_reviews, sees_status
from factcheck.roles import EDITOR, user_has_role
from integrations.models import WebhookDelivery, WebhookSubscription

# A ClaimReview needs a verdict: these statuses have one.
RESOLVED_STATUSES = (Item.Status.CORRECT, Item.Status.DISPUTED)


def current_reviews_prefetch() -> Prefetch:
    """Each item's current reviews with their reviewers, oldest first, as ``item.current_reviews``."""
    return Prefetch(
        "reviews",
        queryset=Review.objects.filter(is_current=True).select_related("reviewer").order_by("created_at", "id"),
        to_attr="current_reviews",
    )


def item_for_claimreview(*, item_id: int, kind: str, reader: AbstractBaseUser) -> Item | None:
    """One item with its article (no body text), and whether ``reader`` may see its status
    (``status_shown``, blind mode), in one query."""
    items = Item.objects.select_related("revision__article").defer("revision__body").filter(pk=item_id, kind=kind)
    return annotation_selectors.items_as_seen_by(items, reader=reader).first()


def article_for_export() -> QuerySet[Article]:
    """Articles with their current text joined (selectors are read from it)."""
    return Article.objects.select_related("current_revision")


def resolved_items_of(*, article: Article) -> QuerySet[Item]:
    """Live resolved items of the article's current text, in reading order."""
    return Item.objects.filter(
        revision_id=article.current_revision_id, dismissed=False, status__in=RESOLVED_STATUSES
    ).order_by("start", "end", "id")


def live_items_with_reviews(*, article: Article) -> QuerySet[Item]:
    """Live items of the article's current text with their current reviews, in reading order."""
    return (
        Item.objects.filter(revision_id=article.current_revision_id, dismissed=False)
        .select_related("created_by")
        .prefetch_related(current_reviews_prefetch())
        .order_by("start", "end", "id")
    )


class ReviewsShownTo:
    """The reviews a reader may see in an export, item after item, and whether they may see its
    status (blind mode: ``rules.visibility``).

    The items the reader reviewed are read once, when the first item of a blind-mode article
    needs them, not once per item.
    """

    def __init__(self, user: AbstractBaseUser) -> None:
        self.user = user
        self._reviewed: set[int] | None = None

    def _has_reviewed(self, item_id: int) -> bool:
        if self._reviewed is None:
            self._reviewed = set(Review.objects.filter(reviewer_id=self.user.pk).values_list("item_id", flat=True))
        return item_id in self._reviewed

    def status_shown(self, item: Item) -> bool:
        """Whether the reader may see the status of ``item`` (read with its revision's article)."""
        article = item.revision.article
        return sees_status(
            blind=article.blind_review,
            published=article.published_at is not None,
            is_editor=lambda: user_has_role(self.user, EDITOR),
            has_reviewed=lambda: self._has_reviewed(item.pk),
        )

    def filter(self, reviews: Iterable[Review], *, item_id: int, blind: bool) -> list[Review]:
        """Those of ``reviews`` (of item ``item_id``, on an article whose ``blind_review`` is ``blind``) shown."""
        sees_others = sees_others_reviews(
            blind=blind,
            is_editor=lambda: user_has_role(self.user, EDITOR),
            has_reviewed=lambda: self._has_reviewed(item_id),
        )
        return reviews_shown(reviews, reader_id=self.user.pk, sees_others=sees_others)


def webhook_subscriptions() -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.select_related("created_by").order_by("id")


def webhook_deliveries(*, subscription_id: int) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(subscription_id=subscription_id).order_by("-created_at", "-id")
