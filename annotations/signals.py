"""Receivers that keep the read cache (``annotations.readcache``) honest. A deliberate seam.

Every change to what an article's answers or a queue show saves (or deletes) an article, an
extraction job, an item or a review, so a receiver per model sees it wherever it is made
(services, admin); the few services that write with ``update()`` instead call
``readcache.article_changed`` themselves. Tokens, users and group memberships decide who a
cached token stands for, and Django's own auth code changes them. The receivers only call the
cache module; they decide nothing.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.signals import request_started
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token

from annotations import readcache
from annotations.models import Article, Claim, ExtractionJob, Item, Quote, Review

User = get_user_model()


@receiver(post_delete, sender=Article, dispatch_uid="readcache-article-deleted")
@receiver(post_save, sender=Article, dispatch_uid="readcache-article")
def _article_saved(sender, instance: Article, **kwargs) -> None:
    readcache.article_changed(article_id=instance.pk)


@receiver(post_save, sender=ExtractionJob, dispatch_uid="readcache-job")
def _job_saved(sender, instance: ExtractionJob, **kwargs) -> None:
    readcache.article_changed(article_id=instance.article_id)


@receiver(post_delete, sender=Item, dispatch_uid="readcache-item-deleted")
@receiver(post_save, sender=Item, dispatch_uid="readcache-item")
@receiver(post_save, sender=Claim, dispatch_uid="readcache-claim")  # proxies send their own class
@receiver(post_save, sender=Quote, dispatch_uid="readcache-quote")
def _item_saved(sender, instance: Item, **kwargs) -> None:
    if Item.revision.is_cached(instance):  # services load it with the item: no look-up after commit
        readcache.article_changed(article_id=instance.revision.article_id)
    else:
        readcache.article_changed(revision_id=instance.revision_id)


@receiver(post_delete, sender=Review, dispatch_uid="readcache-review-deleted")
@receiver(post_save, sender=Review, dispatch_uid="readcache-review")
def _review_saved(sender, instance: Review, **kwargs) -> None:
    # The queues leave out what their reviewer has reviewed. A review through the service also
    # saves its item, which drops them as well; this covers a review changed anywhere else.
    readcache.desk_changed()


@receiver(post_delete, sender=Token, dispatch_uid="readcache-token-deleted")
@receiver(post_save, sender=Token, dispatch_uid="readcache-token-saved")
def _token_changed(sender, instance: Token, created: bool = False, **kwargs) -> None:
    if not created:  # a new token has nothing cached yet
        readcache.tokens_forget(token_keys=[instance.key])
    # Queues are kept per token: a key given again to someone else must not find the old queue.
    readcache.desk_changed()


@receiver(request_started, dispatch_uid="readcache-request-started")
def _request_started(sender, **kwargs) -> None:
    readcache.pending_discard()


@receiver(post_save, sender=User, dispatch_uid="readcache-user")
def _user_saved(sender, instance, created: bool, update_fields=None, **kwargs) -> None:
    # A new user has no token yet; a login only stamps last_login, which no identity holds.
    if not created and set(update_fields or ()) != {"last_login"}:
        readcache.tokens_forget(user_id=instance.pk)


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="readcache-user-groups")
def _user_groups_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if not reverse:
        if action.startswith("post_"):
            readcache.tokens_forget(user_id=instance.pk)
        return
    # group.user_set.add(...): instance is the group, pk_set the users; on clear, the members
    # are only known before the clear.
    if action == "pre_clear":
        instance._readcache_members = list(User.objects.filter(groups=instance).values_list("pk", flat=True))
    elif action.startswith("post_"):
        members = pk_set if action != "post_clear" else getattr(instance, "_readcache_members", [])
        for user_id in members or ():
            readcache.tokens_forget(user_id=user_id)
