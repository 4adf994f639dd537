"""Reads of articles: the list with its joins decided once, and the review page's narrowed list."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet

from annotations.models import Article, Item


def article_list() -> QuerySet[Article]:
    """Articles with their extraction job and who added them, without loading any body text."""
    return Article.objects.select_related("current_job", "added_by").order_by("-created_at", "-id")


def article_detail() -> QuerySet[Article]:
    """Like ``article_list`` but with the current revision (and its body) joined."""
    return article_list().select_related("current_revision")


def articles_for_review_list(
    *, user: AbstractBaseUser | AnonymousUser, search: str = "", status: str = "", mine: bool = False
) -> QuerySet[Article]:
    """The review page's article list: ``article_list`` narrowed by title, extraction status and
    "has items assigned to me" (an EXISTS on the assignee index, not a join that multiplies rows)."""
    articles = article_list()
    if search:
        articles = articles.filter(title__icontains=search)
    if status:
        articles = articles.filter(current_job__status=status)
    if mine:
        assigned = Item.objects.filter(
            revision_id=OuterRef("current_revision_id"), assigned_to=user, dismissed=False
        )
        articles = articles.filter(Exists(assigned))
    return articles
