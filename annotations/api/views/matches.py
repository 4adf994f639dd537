"""An item's earlier fact-checks ("checked before"), and a reviewer's feedback on one.

Actions of ``ItemViewSet``: ``GET /claims/{id}/matches/`` and
``POST /claims/{id}/matches/{match_id}/feedback/`` (and the same under ``/quotes/``).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from annotations.api.serializers.matches import ClaimMatchSerializer, MatchJobSerializer, MatchListSerializer
from annotations.models import ClaimMatch
from annotations.selectors.factchecks import latest_match_job, matches_visible_to
from annotations.services import matching as matching_services
from factcheck.api.serializers import StrictSerializer, validated

# What the API says, and what is stored.
FEEDBACK = {"confirm": ClaimMatch.Feedback.CONFIRMED, "reject": ClaimMatch.Feedback.REJECTED}


class MatchFeedbackInputSerializer(StrictSerializer):
    feedback = serializers.ChoiceField(choices=sorted(FEEDBACK), help_text="confirm, or reject (never shown again).")


class ItemMatchActions:
    """For ``ItemViewSet``: uses its ``kind`` and ``readable_item``."""

    @extend_schema(responses=MatchListSerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def matches(self, request: Request, pk: str | None = None) -> Response:
        """Earlier fact-checks of this item, best first: score, the earlier claim, its verdict or rating,
        source, date and URL. A desk verdict blind mode keeps from you is not listed; rejected ones never."""
        item = self.readable_item(pk)
        found = matches_visible_to(item=item, reader=request.user)
        job = latest_match_job(revision_id=item.revision_id)
        return Response({
            "matching": MatchJobSerializer(job).data if job is not None else None,
            "results": ClaimMatchSerializer(found, many=True).data,
        })

    @extend_schema(request=MatchFeedbackInputSerializer, responses=ClaimMatchSerializer)
    @action(
        detail=True, methods=["post"], filterset_class=None, url_path=r"matches/(?P<match_id>[0-9]{1,18})/feedback"
    )
    def match_feedback(self, request: Request, pk: str | None = None, match_id: str | None = None) -> Response:
        """Confirm or reject one match (reviewers); recorded in the item's history."""
        feedback = FEEDBACK[validated(MatchFeedbackInputSerializer, request)["feedback"]]
        match = matching_services.match_feedback(
            item_id=int(pk), kind=self.kind, match_id=int(match_id), reviewer=request.user, feedback=feedback
        )
        return Response(ClaimMatchSerializer(match).data)
