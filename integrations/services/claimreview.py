"""ClaimReview (schema.org JSON-LD) for resolved items and published articles.

What search engines and fact-check aggregators read: ``claimReviewed`` (the claim's words),
``itemReviewed`` (a ``Claim`` with its author where known and where it appeared), a
``reviewRating`` mapped from the item's status by ``CLAIMREVIEW_RATINGS``, the desk as
``author``, ``datePublished`` and ``url``. Only resolved items (``correct`` or ``disputed``)
have a review to publish; an unverified one is refused with a message saying so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings

from annotations.models import Article, Item
from factcheck.errors import Conflict, NotFound
from integrations.selectors import RESOLVED_STATUSES

SCHEMA_CONTEXT = "https://schema.org"


def _iso_date(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()


def _organization() -> dict[str, Any]:
    organization = {"@type": "Organization", "name": settings.CLAIMREVIEW_ORGANIZATION_NAME}
    if settings.CLAIMREVIEW_ORGANIZATION_URL:
        organization["url"] = settings.CLAIMREVIEW_ORGANIZATION_URL
    return organization


def rating_for(status: str) -> dict[str, Any]:
    """The ``Rating`` of a status from ``CLAIMREVIEW_RATINGS``.

    ``textualRating`` is what the settings call the words of the verdict; it is written both as
    ``textualRating`` and as ``alternateName``, the property Google's ClaimReview guide reads.
    """
    mapping = settings.CLAIMREVIEW_RATINGS.get(status)
    if mapping is None:
        raise Conflict(f"CLAIMREVIEW_RATINGS has no entry for '{status}'; add one to the setting.")
    textual = mapping.get("textualRating") or Item.Status(status).label
    rating = {"@type": "Rating", "textualRating": textual, "alternateName": textual}
    for key in ("ratingValue", "bestRating", "worstRating"):
        if key in mapping:
            rating[key] = mapping[key]
    return rating


def claim_author(item: Item) -> str:
    """Who made the claim, where known: a quote's speaker, else the ``speaker`` facet of a claim."""
    if item.kind == Item.Kind.QUOTE and item.speaker:
        return item.speaker
    speaker = (item.facets or {}).get("speaker")
    return speaker if isinstance(speaker, str) else ""


def claimreview_for_item(
    item: Item, *, article: Article, url_for: Callable[[Item], str], with_context: bool = True
) -> dict[str, Any]:
    """The ClaimReview of one resolved item. ``url_for`` gives the review's public URL.

    Raises ``Conflict`` (409) for an item that is not resolved: there is no verdict to publish;
    and for one whose status the reader may not see (``status_shown``, set by the selector; an
    item read without it counts as released only once its article is published): in blind
    mode its verdict is released with the article, as the article's ClaimReview is.
    """
    if not getattr(item, "status_shown", article.is_published):
        raise Conflict(
            f"{item.kind.capitalize()} {item.pk} is on an article in blind review: its ClaimReview is "
            "released when the article is published."
        )
    if item.status not in RESOLVED_STATUSES:
        raise Conflict(
            f"{item.kind.capitalize()} {item.pk} is {item.status}: a ClaimReview exists only for a "
            "correct or disputed item. Review or resolve it first."
        )
    appearance: dict[str, Any] = {"@type": "CreativeWork"}
    if article.source_url:
        appearance["url"] = article.source_url
    if article.title:
        appearance["headline"] = article.title
    if article.publisher:
        appearance["publisher"] = {"@type": "Organization", "name": article.publisher}
    claim: dict[str, Any] = {"@type": "Claim", "appearance": appearance}
    claim_date = _iso_date(article.published_date) or _iso_date(article.created_at)
    if claim_date:
        claim["datePublished"] = claim_date
    author = claim_author(item)
    if author:
        claim["author"] = {"@type": "Person", "name": author}
    reviewed_at = article.published_at or item.resolved_at or item.status_changed_at or item.updated_at
    review: dict[str, Any] = {
        "@type": "ClaimReview",
        "url": url_for(item),
        "claimReviewed": item.text,
        "itemReviewed": claim,
        "reviewRating": rating_for(item.status),
        "author": _organization(),
        "datePublished": _iso_date(reviewed_at),
    }
    if item.resolution_note:
        review["reviewBody"] = item.resolution_note
    return {"@context": SCHEMA_CONTEXT, **review} if with_context else review


def claimreview_for_article(
    *, article: Article, items: Iterable[Item], url_for: Callable[[Item], str]
) -> dict[str, Any]:
    """A JSON-LD ``@graph`` of the ClaimReviews of a published article's resolved items.

    Raises ``Conflict`` when the article is not published: its verdicts are not final yet.
    """
    if not article.is_published:
        raise Conflict(
            f"Article {article.pk} is not published: its ClaimReviews are released with it. Publish it first."
        )
    graph = [
        claimreview_for_item(item, article=article, url_for=url_for, with_context=False)
        for item in items
        if item.status in RESOLVED_STATUSES
    ]
    return {"@context": SCHEMA_CONTEXT, "@graph": graph}


def default_review_url(build_absolute_uri: Callable[[str], str]) -> Callable[[Item], str]:
    """``CLAIMREVIEW_URL_TEMPLATE`` filled in, or the item's API URL when the template is empty."""
    template = settings.CLAIMREVIEW_URL_TEMPLATE

    def url_for(item: Item) -> str:
        if template:
            return template.format(id=item.pk, kind=item.kind)
        return build_absolute_uri(f"/api/v1/{item.kind}s/{item.pk}/")

    return url_for


def require_item(item: Item | None, *, kind: str, item_id: int) -> Item:
    if item is None:
        raise NotFound(f"No {kind} with id {item_id}.")
    return item
