"""Conditional writes: the version a client names in ``If-Match``, and the ``ETag`` it is told.

An object's ETag is its version number in quotes; a write that names an older one is refused
with 412 (``factcheck.errors.StaleVersion``, answered by ``factcheck.api.errors``).
"""

from __future__ import annotations

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request

IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description="The item's ETag (its version), as read. A stale one is answered 412 with the current item.",
)
_ETAG_VERSION = re.compile(r'^\s*(?:W/)?"?([0-9]{1,18})"?\s*$')


def etag(version: int) -> str:
    """The ``ETag`` header of an object at ``version``."""
    return f'"{version}"'


def expected_version(request: Request) -> int | None:
    """The version named by ``If-Match`` (``"3"``, ``W/"3"`` or ``3``); ``None`` when absent.

    An unreadable value counts as version 0, which never matches, so it is answered 412.
    """
    header = request.headers.get("If-Match")
    if header is None:
        return None
    match = _ETAG_VERSION.match(header)
    return int(match.group(1)) if match else 0
