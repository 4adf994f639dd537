"""Request parsing with a size limit that answers 413 instead of reading a huge body, and a
nesting limit that answers 400 instead of exhausting the interpreter's stack."""

from __future__ import annotations

import json

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

# Arrays and objects inside one another, the body itself counting as one. The deepest body the
# API takes (a Web Annotation with a refined selector) needs under 10; Python's C parser gives
# up near 1,000 with a RecursionError, and every later walk over the data would recurse too.
MAX_JSON_DEPTH = 32


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The request body is too large."


def too_large_message(limit: int) -> str:
    return f"The request body is larger than the limit of {limit} bytes."


def _too_deep() -> ParseError:
    return ParseError(
        f"The JSON body is nested too deeply: at most {MAX_JSON_DEPTH} levels of arrays and objects."
    )


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def json_depth_exceeds(data, limit: int) -> bool:
    """Whether arrays and objects nest deeper than ``limit`` in parsed JSON (iterative: no recursion)."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class LimitedJSONParser(JSONParser):
    """JSON parser that refuses bodies over ``ARTICLE_MAX_REQUEST_BYTES`` and deeper than ``MAX_JSON_DEPTH``.

    The declared Content-Length is checked first, and at most the limit plus one byte is read.
    A body sent without a Content-Length (chunked) never gets here: under /api/ it is answered
    411 by ``factcheck.api.middleware.RequestBodyLimits``, because Django reads no body it was
    not told the length of. NaN and Infinity, which are not JSON, are refused.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.ARTICLE_MAX_REQUEST_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        too_large = RequestTooLarge(too_large_message(limit))
        if declared and str(declared).isdigit() and int(declared) > limit:
            raise too_large
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise too_large
        try:
            data = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
        except UnicodeDecodeError as exc:
            raise ParseError(f"The request body is not valid UTF-8: {exc}") from exc
        except RecursionError:
            raise _too_deep() from None  # a client's mistake, not the server's: no traceback
        except ValueError as exc:
            raise ParseError(f"Malformed JSON: {exc}") from exc
        if json_depth_exceeds(data, MAX_JSON_DEPTH):
            raise _too_deep()
        return data
