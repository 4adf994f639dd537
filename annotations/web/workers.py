"""Whether the workers look down, for the review page's note on a queued or running extraction.

The same notion as the dashboard's queue health: the latest worker heartbeat is stale
(``annotations.dashboard.heartbeats.workers_heartbeat``).
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from annotations.dashboard.heartbeats import workers_heartbeat
from annotations.web.views import viewer_required


@viewer_required
def workers_state(request: HttpRequest) -> JsonResponse:
    """``{"now", "workers_down", "last_seen"}``: the server's clock too, so the page tells a job's
    age by it rather than by the reader's clock."""
    now = timezone.now()
    heartbeat, stale = workers_heartbeat(now=now)
    return JsonResponse(
        {
            "now": now.isoformat(),
            "workers_down": stale,
            "last_seen": heartbeat.seen_at.isoformat() if heartbeat else None,
        }
    )
