"""Agreement between reviewers (Krippendorff's alpha, pairwise kappa)."""

from __future__ import annotations

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import selectors
from annotations.api.serializers.agreement import AgreementSerializer
from annotations.rules.agreement import agreement_report
from factcheck.api.permissions import RoleFor
from factcheck.roles import VIEWER

_ARTICLE_ID = re.compile(r"^[0-9]{1,9}$")


class AgreementView(APIView):
    """Agreement between reviewers over items with two or more current reviews."""

    permission_classes = [IsAuthenticated, RoleFor]
    default_role = VIEWER

    @extend_schema(
        responses=AgreementSerializer,
        parameters=[OpenApiParameter("article", OpenApiTypes.INT, description="Only this article's items.")],
    )
    def get(self, request: Request) -> Response:
        article = request.query_params.get("article")
        if article is not None and not _ARTICLE_ID.match(article):
            raise ValidationError({"article": ["Must be an article id."]})
        units = selectors.agreement_units(user=request.user, article_id=int(article) if article else None)
        report = agreement_report(units)
        return Response(AgreementSerializer(report).data)
