"""What makes the read cache's answers and identities stale, in one place.

Every change to what an article's answers or a queue show saves (or deletes) an article, an
extraction job, an item or a review, so a receiver per model sees it wherever it is made
(services, admin). A write made with ``QuerySet.update()`` sends no signal: the service that
makes it calls ``after_update`` in the same transaction, the one rule for such writes. Tokens,
users and group memberships decide who a cached token stands for, and Django's own auth code
changes them. The receivers are connected by ``connect`` from the app's ``ready()``; like the
rest of this module they only tell the store what to drop, and decide nothing else.
"""

from __future__ import annotations

import logging
import threading

from django.contrib.auth import get_user_model
from django.core.signals import request_started
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from rest_framework.authtoken.models import Token

from annotations.models import Article, ArticleRevision, Claim, ExtractionJob, Item, Quote, Review
from annotations.readcache.store import DESK, article_scope, enabled, generations_drop, token_identities_drop

logger = logging.getLogger(__name__)


def after_update(*, article_id: int | None = None, revision_id: int | None = None, job_id: int | None = None):
    """The rule for rows changed with ``QuerySet.update()`` (which sends no ``post_save``): call
    it inside the writing transaction, naming the article the rows belong to, or one of its
    revisions or extraction jobs. After the commit the cached answers about that article, and
    every queue, are unreachable, as a ``save()`` of those rows would have made them.

    A revision or job is looked up after the commit, so a write that knows only that id pays
    nothing more inside its transaction.
    """
    _article_changed(article_id=article_id, revision_id=revision_id, job_id=job_id)


def _article_changed(*, article_id: int | None = None, revision_id: int | None = None, job_id: int | None = None):
    if enabled():
        _forget_after_commit((article_id, revision_id, job_id))


def _desk_changed() -> None:
    """After the current transaction commits, make every queue's cached answer unreachable."""
    if enabled():
        _forget_after_commit((None, None, None))


# Changes waiting for a commit, per connection (per thread and database alias, as Django's
# on_commit hooks are). One write saves an item, a review and perhaps the superseded review:
# each asks for an invalidation, and the first callback to run after the commit drops them all
# in one round trip; the others find nothing left. A change whose savepoint or transaction
# rolled back stays pending and is dropped with the next commit's (an answer made unreachable
# for nothing costs one recomputation, never a stale read), or discarded when the next request
# starts outside any transaction (``pending_discard``).
_pending = threading.local()
Change = tuple[int | None, int | None, int | None]  # (article_id, revision_id, job_id)


def _pending_changes(using: str) -> set[Change]:
    by_alias = getattr(_pending, "by_alias", None)
    if by_alias is None:
        by_alias = _pending.by_alias = {}
    return by_alias.setdefault(using, set())


def _forget_after_commit(change: Change, using: str = DEFAULT_DB_ALIAS) -> None:
    _pending_changes(using).add(change)
    transaction.on_commit(lambda: _forget_pending(using), using=using)


def _forget_pending(using: str) -> None:
    pending = _pending_changes(using)
    if pending:
        changes = set(pending)
        pending.clear()
        _forget(changes)


def pending_discard(using: str = DEFAULT_DB_ALIAS) -> None:
    """Drop the invalidations asked for by work that never committed. Only for a caller with no
    transaction open on ``using`` (a request that starts): anything pending then rolled back."""
    if not transaction.get_connection(using).in_atomic_block:
        _pending_changes(using).clear()


def _forget(changes: set[Change]) -> None:
    # Each change names one of the three (see after_update); the desk's names none.
    article_ids, revision_ids, job_ids = set(), set(), set()
    for article_id, revision_id, job_id in changes:
        if article_id is not None:
            article_ids.add(article_id)
        elif revision_id is not None:
            revision_ids.add(revision_id)
        elif job_id is not None:
            job_ids.add(job_id)
    try:  # a failed look-up loses only the articles it was for: the desk and the known ones still go
        if revision_ids:
            article_ids.update(ArticleRevision.objects.filter(pk__in=revision_ids).values_list("article_id", flat=True))
        if job_ids:
            article_ids.update(ExtractionJob.objects.filter(pk__in=job_ids).values_list("article_id", flat=True))
    except Exception:  # the write has committed; its readers see it within BODY_TTL
        logger.error("Could not find the articles of changed revisions %s / jobs %s", revision_ids, job_ids,
                     exc_info=True)
    generations_drop([DESK, *(article_scope(pk) for pk in sorted(article_ids))])


def tokens_forget(*, token_keys: list[str] | None = None, user_id: int | None = None) -> None:
    """Drop cached identities now and again after commit, leaving a marker that keeps a request
    which read the row before the change from storing it again (the token is then read from the
    database for up to ``TOKEN_TTL`` seconds)."""
    if not enabled():
        return

    def forget() -> None:
        keys = list(token_keys or [])
        if user_id is not None:
            keys += Token.objects.filter(user_id=user_id).values_list("key", flat=True)
        token_identities_drop(keys)

    forget()
    transaction.on_commit(forget)


# --- Receivers -----------------------------------------------------------------------------


def _article_saved(sender, instance: Article, **kwargs) -> None:
    _article_changed(article_id=instance.pk)


def _job_saved(sender, instance: ExtractionJob, **kwargs) -> None:
    _article_changed(article_id=instance.article_id)


def _item_saved(sender, instance: Item, **kwargs) -> None:
    if Item.revision.is_cached(instance):  # services load it with the item: no look-up after commit
        _article_changed(article_id=instance.revision.article_id)
    else:
        _article_changed(revision_id=instance.revision_id)


def _review_saved(sender, instance: Review, **kwargs) -> None:
    # The queues leave out what their reviewer has reviewed. A review through the service also
    # saves its item, which drops them as well; this covers a review changed anywhere else.
    _desk_changed()


def _token_changed(sender, instance: Token, created: bool = False, **kwargs) -> None:
    if not created:  # a new token has nothing cached yet
        tokens_forget(token_keys=[instance.key])
    # Queues are kept per token: a key given again to someone else must not find the old queue.
    _desk_changed()


def _request_started(sender, **kwargs) -> None:
    pending_discard()


def _user_saved(sender, instance, created: bool, update_fields=None, **kwargs) -> None:
    # A new user has no token yet; a login only stamps last_login, which no identity holds.
    if not created and set(update_fields or ()) != {"last_login"}:
        tokens_forget(user_id=instance.pk)


def _user_groups_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if not reverse:
        if action.startswith("post_"):
            tokens_forget(user_id=instance.pk)
        return
    # group.user_set.add(...): instance is the group, pk_set the users; on clear, the members
    # are only known before the clear.
    if action == "pre_clear":
        user_model = get_user_model()
        instance._readcache_members = list(user_model.objects.filter(groups=instance).values_list("pk", flat=True))
    elif action.startswith("post_"):
        members = pk_set if action != "post_clear" else getattr(instance, "_readcache_members", [])
        for user_id in members or ():
            tokens_forget(user_id=user_id)


def connect() -> None:
    """Connect the receivers (from ``AnnotationsConfig.ready``); connecting twice changes nothing."""
    user_model = get_user_model()
    post_save.connect(_article_saved, sender=Article, dispatch_uid="readcache-article")
    post_delete.connect(_article_saved, sender=Article, dispatch_uid="readcache-article-deleted")
    post_save.connect(_job_saved, sender=ExtractionJob, dispatch_uid="readcache-job")
    # Saving through a proxy sends the proxy's class, so each kind of item is connected too.
    for model, name in ((Item, "item"), (Claim, "claim"), (Quote, "quote")):
        post_save.connect(_item_saved, sender=model, dispatch_uid=f"readcache-{name}")
    post_delete.connect(_item_saved, sender=Item, dispatch_uid="readcache-item-deleted")
    post_save.connect(_review_saved, sender=Review, dispatch_uid="readcache-review")
    post_delete.connect(_review_saved, sender=Review, dispatch_uid="readcache-review-deleted")
    post_save.connect(_token_changed, sender=Token, dispatch_uid="readcache-token-saved")
    post_delete.connect(_token_changed, sender=Token, dispatch_uid="readcache-token-deleted")
    request_started.connect(_request_started, dispatch_uid="readcache-request-started")
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="readcache-user")
    m2m_changed.connect(_user_groups_changed, sender=user_model.groups.through, dispatch_uid="readcache-user-groups")
