"""Request parsing with a size limit that answers 413 instead of reading a huge body."""

from __future__ import annotations

import json

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The request body is too large."


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


class LimitedJSONParser(JSONParser):
    """JSON parser that refuses bodies over ``ARTICLE_MAX_REQUEST_BYTES``.

    The declared Content-Length is checked first; a body sent without one (chunked) is read
    only up to the limit plus one byte. NaN and Infinity, which are not JSON, are refused.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.ARTICLE_MAX_REQUEST_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        too_large = RequestTooLarge(f"The request body is larger than the limit of {limit} bytes.")
        if declared and str(declared).isdigit() and int(declared) > limit:
            raise too_large
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise too_large
        try:
            return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
        except UnicodeDecodeError as exc:
            raise ParseError(f"The request body is not valid UTF-8: {exc}") from exc
        except ValueError as exc:
            raise ParseError(f"Malformed JSON: {exc}") from exc
