"""Bulk actions of the admin: the same services as single changes, applied to many rows.

Each item goes through the single-item service (``item_assign``, ``item_resolve``) with the
version it has now, so a bulk change is versioned and written to the history exactly like one
made on the review page. Items that cannot change (their article is published, or someone
changed them in the same instant twice) are skipped and counted, never forced.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from annotations.models import Article, Item
from annotations.services.items import item_assign, item_write_at_current_version
from annotations.services.queue import extraction_job_create
from annotations.services.review import item_resolve
from factcheck.errors import Locked, NotFound, StaleVersion


@dataclass
class BulkResult:
    """How many rows changed, and how many were skipped for which reason."""

    changed: int = 0
    skipped: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        reasons = ", ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items()))
        return f"{self.changed} changed" + (f"; skipped: {reasons}" if reasons else "")


def _each_item(item_ids: Iterable[int], change: Callable[[Item], object]) -> BulkResult:
    """Apply ``change`` to each item with its current version (``item_write_at_current_version``)."""
    result = BulkResult()
    for item_id in item_ids:
        try:
            item_write_at_current_version(item_id=item_id, write=change)
        except StaleVersion:
            result.skipped["changed meanwhile"] += 1
        except Locked:
            result.skipped["on a published article"] += 1
        except NotFound:
            result.skipped["gone"] += 1
        else:
            result.changed += 1
    return result


def items_bulk_assign(
    *, item_ids: Iterable[int], editor: AbstractBaseUser, assignee: AbstractBaseUser | None
) -> BulkResult:
    """Assign every item to ``assignee`` (``None``: to nobody), one recorded change per item."""
    return _each_item(
        item_ids,
        lambda item: item_assign(
            item_id=item.pk, kind=item.kind, editor=editor, assignee=assignee, expected_version=item.version
        ),
    )


def items_bulk_resolve(*, item_ids: Iterable[int], editor: AbstractBaseUser, status: str, note: str = "") -> BulkResult:
    """An editor's decision on every item (``item_resolve``), one recorded change per item."""
    return _each_item(
        item_ids,
        lambda item: item_resolve(
            item_id=item.pk, kind=item.kind, editor=editor, status=status, note=note, expected_version=item.version
        ),
    )


def articles_reextract(*, article_ids: Iterable[int]) -> BulkResult:
    """Run extraction again on each article's current text: a new job becomes the current one.

    Items already found stay (with their reviews); the worker adds only spans not there yet.
    Articles still waiting for their page (no text yet) are skipped: their job will run anyway.
    """
    result = BulkResult()
    for article_id in article_ids:
        with transaction.atomic():
            article = Article.objects.select_for_update().filter(pk=article_id).first()
            if article is None:
                result.skipped["gone"] += 1
                continue
            if article.current_revision_id is None:
                result.skipped["without text yet"] += 1
                continue
            extraction_job_create(article=article, revision_id=article.current_revision_id)
            article.save(update_fields=["current_job", "updated_at"])
            result.changed += 1
    return result
