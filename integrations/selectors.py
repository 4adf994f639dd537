"""Reads of the integrations endpoints, with their joins decided once."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from annotations.models import Article, Item, Review
from integrations.models import WebhookDelivery, WebhookSubscription

# A ClaimReview needs a verdict: these statuses have one.
RESOLVED_STATUSES = (Item.Status.CORRECT, Item.Status.DISPUTED)


def _current_reviews() -> Prefetch:
    return Prefetch(
        "reviews",
        queryset=Review.objects.filter(is_current=True).select_related("reviewer").order_by("created_at", "id"),
        to_attr="current_reviews",
    )


def item_for_claimreview(*, item_id: int, kind: str) -> Item | None:
    """One item with its article (no body text)."""
    return (
        Item.objects.select_related("revision__article").defer("revision__body").filter(pk=item_id, kind=kind).first()
    )


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
        .prefetch_related(_current_reviews())
        .order_by("start", "end", "id")
    )


def webhook_subscriptions() -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.select_related("created_by").order_by("id")


def webhook_deliveries(*, subscription_id: int) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(subscription_id=subscription_id).order_by("-created_at", "-id")
