"""The editors' desk dashboard (/review/desk/): progress of the articles with open work, what waits
for a second review, open workload per reviewer, verdicts and backlog per day, agreement per
article; every figure a link to the list behind it.

Desk-wide figures are read from the kept snapshot (``annotations.dashboard.snapshot``), computed
here only when it is missing or stale, as the admin's page does. The article table is read live
for one page of articles: five queries whatever the page holds (the capped count, the page, its
item counts, its waiting items, its reviews for agreement), none per row.

Where each link goes: an article's title and progress to its review page; open and waiting
counts to the claims or quotes list of the API (``/api/v1/claims/?revision=&status=unverified&
dismissed=false``, ``...&waiting_second=true``); agreement to ``/api/v1/stats/agreement/?article=``;
a reviewer's workload to ``?workload=<username>``; a day's verdicts and backlog to
``?decided_on=`` and ``?unverified_at=`` (with ``dismissed=false``). The filters state the same
conditions as the figures (``annotations.selectors.workload``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from annotations.dashboard.charts import duration_text
from annotations.dashboard.snapshot import desk_snapshot_current, desk_snapshot_refresh
from annotations.models import Item, Review
from annotations.rules.agreement import agreement_report
from annotations.selectors import article_list
from annotations.selectors.workload import waiting_second_review
from annotations.web.views import editor_required
from factcheck.api.pagination import CappedCountPaginator

DESK_ARTICLES_PER_PAGE = 25
KINDS = Item.Kind.values  # "claim", "quote": the two lists behind every count


def item_list_url(kind: str, **filters: object) -> str:
    """The API's list of claims or quotes narrowed by ``filters`` (booleans as ``true``/``false``)."""
    query = {name: str(value).lower() if isinstance(value, bool) else value for name, value in filters.items()}
    return f"{reverse(f'{kind}-list')}?{urlencode(query)}"


def by_kind_links(counts: dict[str, int], **filters: object) -> list[dict[str, object]]:
    """``[{"kind", "n", "url"}]`` for a count split into claims and quotes, each with its list."""
    return [{"kind": kind, "n": counts.get(kind, 0), "url": item_list_url(kind, **filters)} for kind in KINDS]


def articles_with_open_work():
    """Unpublished articles with a live unverified item on their current text, newest first."""
    open_items = Item.objects.filter(
        revision_id=OuterRef("current_revision_id"), status=Item.Status.UNVERIFIED, dismissed=False
    )
    return article_list().filter(published_at__isnull=True).filter(Exists(open_items))


def article_rows(articles: list) -> list[dict[str, object]]:
    """Progress, waiting items and agreement of ``articles`` (on their current text), in three
    grouped queries over all of them."""
    revision_ids = [article.current_revision_id for article in articles]
    live = Item.objects.filter(revision_id__in=revision_ids, dismissed=False)
    counts: dict[int, dict[str, dict[str, int]]] = {
        rid: {kind: dict.fromkeys(Item.Status.values, 0) for kind in KINDS} for rid in revision_ids
    }
    for revision_id, kind, status, n in (
        live.values_list("revision_id", "kind", "status").annotate(n=Count("id")).order_by()
    ):
        counts[revision_id][kind][status] = n
    waiting: dict[int, dict[str, int]] = {rid: dict.fromkeys(KINDS, 0) for rid in revision_ids}
    # A subquery per item here, not the desk-wide grouping: a page holds a few hundred items.
    for revision_id, kind, n in (
        live.filter(waiting_second_review(per_item=True))
        .values_list("revision_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        waiting[revision_id][kind] = n
    # As the agreement endpoint counts for an editor: every current review of the article's items.
    units: dict[int, dict[int, dict[str, str]]] = {article.pk: {} for article in articles}
    for article_id, item_id, reviewer, verdict in Review.objects.filter(
        is_current=True, item__revision__article_id__in=[article.pk for article in articles]
    ).values_list("item__revision__article_id", "item_id", "reviewer__username", "verdict"):
        units[article_id].setdefault(item_id, {})[reviewer] = verdict
    rows = []
    for article in articles:
        revision_id = article.current_revision_id
        by_status = counts[revision_id]
        total = sum(sum(statuses.values()) for statuses in by_status.values())
        reviewed = sum(by_status[kind]["correct"] + by_status[kind]["disputed"] for kind in KINDS)
        report = agreement_report({item: labels for item, labels in units[article.pk].items() if len(labels) >= 2})
        kappas = [pair["kappa"] for pair in report["pairs"] if pair["kappa"] is not None]
        rows.append(
            {
                "article": article,
                "url": reverse("review:article", args=[article.pk]),
                "total": total,
                "reviewed": reviewed,
                "percent": round(100 * reviewed / total) if total else 0,
                "open": by_kind_links(
                    {kind: by_status[kind]["unverified"] for kind in KINDS},
                    revision=revision_id, status="unverified", dismissed=False,
                ),
                "waiting": by_kind_links(waiting[revision_id], revision=revision_id, waiting_second=True,
                                         dismissed=False),
                "waiting_total": sum(waiting[revision_id].values()),
                "agreement": {
                    "items": report["items"],
                    "alpha": report["krippendorff_alpha"],
                    "kappa_min": min(kappas) if kappas else None,
                    "kappa_max": max(kappas) if kappas else None,
                    "url": f"{reverse('agreement')}?{urlencode({'article': article.pk})}",
                },
            }
        )
    return rows


@dataclass
class Column:
    """One segment of a stacked day column: a kind's count, placed in the SVG's box, and its list."""

    kind: str
    n: int
    y: float
    height: float
    url: str
    label: str


# The day charts' box: 30 columns of 20 units, bars 14 wide, 120 tall at most.
CHART_SLOT, CHART_BAR, CHART_HEIGHT = 20, 14, 120


def day_chart(daily: list[dict], *, figure: str, filter_name: str, verb: str) -> dict[str, object]:
    """A stacked column per day (claims below, quotes above), each segment linking to its list."""
    tallest = max((sum(day[figure].values()) for day in daily), default=0) or 1
    days = []
    for index, day in enumerate(daily):
        base, segments = float(CHART_HEIGHT), []
        for kind in KINDS:
            n = day[figure][kind]
            height = round(CHART_HEIGHT * n / tallest, 1)
            base -= height
            segments.append(Column(
                kind=kind, n=n, y=round(base, 1), height=height,
                url=item_list_url(kind, **{filter_name: day["day"]}, dismissed=False),
                label=f"{day['day']}: {n} {kind}s {verb}",
            ))
        days.append({
            "day": day["day"], "x": index * CHART_SLOT + (CHART_SLOT - CHART_BAR) / 2,
            # Today's date ends at the right edge rather than running past it.
            "label_x": (index + 1) * CHART_SLOT if index == len(daily) - 1 else index * CHART_SLOT + CHART_SLOT / 2,
            "label_anchor": "end" if index == len(daily) - 1 else "middle",
            # A date under every seventh column, counted back from today: 30 labels would overlap.
            "show_label": (len(daily) - 1 - index) % 7 == 0,
            "short": day["day"][5:], "segments": segments, "total": sum(day[figure].values()),
        })
    return {"days": days, "tallest": tallest, "width": CHART_SLOT * len(daily), "bar": CHART_BAR,
            "height": CHART_HEIGHT}


def desk_context(*, snapshot, page) -> dict[str, object]:
    """Everything the desk template shows: ``snapshot``'s desk-wide figures and ``page``'s articles."""
    figures = snapshot.figures
    now = timezone.now()
    items = figures["items"]
    workload = [
        {
            "reviewer": row["reviewer"],
            "total": row["total"],
            "links": by_kind_links(row, workload=row["reviewer"] or "nobody"),
        }
        for row in figures["workload"]
    ]
    daily = figures["daily"]
    throughput = day_chart(daily, figure="decided", filter_name="decided_on", verb="decided")
    backlog = day_chart(daily, figure="backlog", filter_name="unverified_at", verb="unverified at day end")
    return {
        "desk_as_of": snapshot.computed_at,
        "desk_age": duration_text(max(now - snapshot.computed_at, dt.timedelta(0))),
        "refresh_seconds": settings.DASHBOARD_REFRESH_SECONDS,
        "quorum": settings.REVIEW_QUORUM,
        "open": by_kind_links({kind: items[kind]["unverified"] for kind in KINDS}, status="unverified",
                              dismissed=False),
        "open_total": sum(items[kind]["unverified"] for kind in KINDS),
        "waiting": by_kind_links(figures["waiting_second"], waiting_second=True, dismissed=False),
        "waiting_total": sum(figures["waiting_second"].values()),
        "workload": [row for row in workload if row["reviewer"] is not None],
        "unassigned": next(row for row in workload if row["reviewer"] is None),
        "daily": daily,
        "throughput": throughput,
        "backlog": backlog,
        "day_rows": [
            {"day": decided["day"], "decided": decided["segments"], "backlog": left["segments"]}
            for decided, left in zip(throughput["days"], backlog["days"], strict=True)
        ],
        "page": page,
        "rows": article_rows(list(page)),
    }


@editor_required
def desk_dashboard(request: HttpRequest) -> HttpResponse:
    """The desk dashboard, for editors (staff or not): the kept figures, computed first when they
    are not current, and one page of the articles with open work."""
    now = timezone.now()
    snapshot = desk_snapshot_current(now=now) or desk_snapshot_refresh(now=now)
    page = CappedCountPaginator(articles_with_open_work(), DESK_ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "annotations/desk.html", desk_context(snapshot=snapshot, page=page))
