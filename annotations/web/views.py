"""Views of the review pages: read with selectors, render a template (the admin dashboard is
``annotations.dashboard.views``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import ensure_csrf_cookie

from annotations import selectors
from annotations.live.presence import presence_of_articles
from annotations.models import Article, ExtractionJob
from annotations.selectors.desk import article_progress_for, desk_member_usernames, next_article_for
from factcheck.api.pagination import CappedCountPaginator
from factcheck.roles import EDITOR, REVIEWER, VIEWER, user_has_role

ARTICLES_PER_PAGE = 50
QUEUE_PAGE_ITEMS = 20


def viewer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages for the desk only: an anonymous visitor goes to the login form; a logged-in account
    with no desk role gets a 403 page that says whom to ask, and nothing of the desk's articles."""

    @login_required
    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not user_has_role(request.user, VIEWER):
            return render(request, "annotations/no_desk_role.html", status=403)
        return view(request, *args, **kwargs)

    return guarded


def editor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages for editors only: other desk roles get a 403 page naming the role needed."""

    @viewer_required
    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not user_has_role(request.user, EDITOR):
            return render(request, "annotations/needs_role.html", {"role": EDITOR}, status=403)
        return view(request, *args, **kwargs)

    return guarded


@viewer_required
def article_list(request: HttpRequest) -> HttpResponse:
    """Articles with their extraction state, items by status and how many are assigned to me,
    in the order ``sort`` names (``selectors.ARTICLE_LIST_SORTS``; an unknown value is the first).

    Seven queries whatever the page shows: session, user, my roles, the capped count, the page's
    articles (job, who added them and the revision without its body joined), their item counts
    and my assignments.
    """
    search = request.GET.get("q", "").strip()[:200]
    status = request.GET.get("status", "")
    if status not in ExtractionJob.Status.values:
        status = ""
    sort = request.GET.get("sort", "")
    if sort not in selectors.ARTICLE_LIST_SORTS:
        sort = next(iter(selectors.ARTICLE_LIST_SORTS))
    mine = request.GET.get("mine") == "1"
    articles = selectors.articles_for_review_list(
        user=request.user, search=search, status=status, mine=mine, sort=sort
    )
    page = CappedCountPaginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    revision_ids = [article.current_revision_id for article in page]
    counts = selectors.item_counts(revision_ids=revision_ids, reader=request.user)  # by the statuses I am shown
    assigned = selectors.items_assigned_counts(user=request.user, revision_ids=revision_ids)
    here = presence_of_articles([article.pk for article in page])  # who has each open now (no query)
    rows = []
    for article in page:
        # An article whose page is still being fetched has no text, hence no items yet.
        article_counts = counts.get(article.current_revision_id) or selectors.empty_item_counts()
        rows.append(
            {
                "article": article,
                "counts": article_counts,
                "progress": _progress(article_counts),
                "assigned_to_me": assigned.get(article.current_revision_id, 0),
                "open_by": sorted({person["user"] for person in here.get(article.pk, [])}),
                # A revision written later than the article (a text edit) is worth its own date.
                "revised_at": _revised_at(article),
                # "queued 0 minutes ago" reads like a fault; under a minute is "just now".
                "job_just_queued": article.current_job is not None
                and timezone.now() - article.current_job.created_at < dt.timedelta(minutes=1),
            }
        )
    return render(
        request,
        "annotations/article_list.html",
        {
            "page": page,
            "rows": rows,
            "search": search,
            "status": status,
            "mine": mine,
            "sort": sort,
            "sorts": selectors.ARTICLE_LIST_SORTS.items(),
            "sort_label": selectors.ARTICLE_LIST_SORTS[sort],
            "statuses": ExtractionJob.Status.choices,
            "can_ingest": user_has_role(request.user, EDITOR),
        },
    )


def _revised_at(article: Article) -> dt.datetime | None:
    """When the current text was written, if not within the minute the article was added."""
    revision = article.current_revision
    if revision is None or revision.created_at - article.created_at < dt.timedelta(minutes=1):
        return None
    return revision.created_at


def _progress(counts: dict[str, dict[str, int]]) -> dict[str, object]:
    """Claims and quotes together, by status, with percentages and offsets for the progress bar."""
    totals = {status: counts["claims"][status] + counts["quotes"][status] for status in ("correct", "disputed")}
    totals["unverified"] = counts["claims"]["unverified"] + counts["quotes"]["unverified"]
    total = sum(totals.values())
    parts, offset = [], 0.0
    for status in ("correct", "disputed", "unverified"):
        percent = round(100 * totals[status] / total, 1) if total else 0
        # Drawn as SVG rects (x, width in a 0-100 box): no inline style for the CSP to refuse.
        parts.append({"status": status, "n": totals[status], "percent": percent, "offset": round(offset, 1)})
        offset += percent
    return {"total": total, "reviewed": totals["correct"] + totals["disputed"], "parts": parts}


@viewer_required
@ensure_csrf_cookie
def article_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The review page: a shell the script fills from the API (text, items, reviews, history)."""
    article = get_object_or_404(selectors.article_list(), pk=pk)
    api_root = reverse("queue").removesuffix("queue/")
    config = {
        "article": article.pk,
        "apiRoot": api_root,
        "user": request.user.get_username(),
        "canRead": True,  # viewer_required
        "canReview": user_has_role(request.user, REVIEWER),
        "isEditor": user_has_role(request.user, EDITOR),
        "pollSeconds": settings.REVIEW_POLL_SECONDS,
        "pushUrl": settings.DESK_PUSH_URL,  # empty: this page's own origin
        "progressUrl": reverse("review:article-progress", args=[article.pk]),
    }
    context = {"article": article, "config": config}
    if config["isEditor"]:
        context["desk_members"] = desk_member_usernames()  # whom an editor may assign items to
    return render(request, "annotations/article_review.html", context)



@viewer_required
def article_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """The review page's own progress: which live items I reviewed, how many wait for a second
    review, and the next article with something left for me (``null`` when none)."""
    article = get_object_or_404(selectors.article_list(), pk=pk)
    progress = article_progress_for(article=article, user=request.user)
    following = next_article_for(article=article, user=request.user)
    progress["next_article"] = (
        {"url": reverse("review:article", args=[following.pk]), "title": following.title or "(untitled)"}
        if following
        else None
    )
    return JsonResponse(progress)


@viewer_required
def my_queue(request: HttpRequest) -> HttpResponse:
    """"My queue": the reviewer's next items (the API's ``/queue/``), each a link into its article."""
    can_review = user_has_role(request.user, REVIEWER)
    items = list(selectors.review_queue(user=request.user)[:QUEUE_PAGE_ITEMS]) if can_review else []
    titles = dict(
        selectors.article_list().filter(pk__in={item.article_id for item in items}).values_list("pk", "title")
    )
    rows = [{"item": item, "article_title": titles.get(item.article_id) or "(untitled)"} for item in items]
    return render(request, "annotations/my_queue.html", {"rows": rows, "can_review": can_review})


@editor_required
@ensure_csrf_cookie
def article_ingest_page(request: HttpRequest) -> HttpResponse:
    """Ingest by paste, URL or file: a form the page's script posts to ``POST /api/v1/articles/``,
    so the validation, the error body and the ingest service are the API's own."""
    config = {
        "apiRoot": reverse("queue").removesuffix("queue/"),
        "articleUrl": reverse("review:article", args=[0]).replace("/0/", "/{id}/"),
        "maxBytes": settings.ARTICLE_MAX_REQUEST_BYTES,
    }
    return render(request, "annotations/ingest.html", {"config": config})
