"""Fetch a web page for URL ingestion, bounded in time, size and redirects."""

from __future__ import annotations

import time
from dataclasses import dataclass

import requests

from annotations.errors import PermanentExtractionError, TransientExtractionError

_ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class FetchedPage:
    url: str  # after redirects
    content_type: str
    body: bytes


def fetch_page(url: str, *, timeout: float, max_bytes: int, max_redirects: int) -> FetchedPage:
    """GET ``url`` and return its body.

    ``timeout`` bounds the whole fetch (connection, every read, and the total wall time).
    Raises ``TransientExtractionError`` for what may pass (connection errors, time-outs, 5xx,
    429) and ``PermanentExtractionError`` for what will not (4xx, too many redirects, a body
    over ``max_bytes``, content that is not a web page).
    """
    deadline = time.monotonic() + timeout
    session = requests.Session()
    session.max_redirects = max_redirects
    headers = {"User-Agent": "factcheck-service/1.0", "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"}
    try:
        with session.get(url, headers=headers, timeout=(timeout, timeout), stream=True) as response:
            if response.status_code == 429 or response.status_code >= 500:
                raise TransientExtractionError(f"The source answered HTTP {response.status_code} for {url}.")
            if response.status_code >= 400:
                raise PermanentExtractionError(f"The source answered HTTP {response.status_code} for {url}.")
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if content_type and content_type not in _ACCEPTED_TYPES:
                raise PermanentExtractionError(f"{url} is {content_type}, not a web page.")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise PermanentExtractionError(
                    f"The page ({declared} bytes) is larger than the limit of {max_bytes} bytes."
                )
            body = bytearray()
            for chunk in response.iter_content(_CHUNK):
                body.extend(chunk)
                if len(body) > max_bytes:
                    raise PermanentExtractionError(f"The page is larger than the limit of {max_bytes} bytes.")
                if time.monotonic() > deadline:
                    raise TransientExtractionError(f"Fetching {url} took longer than {timeout:g} s.")
            return FetchedPage(url=response.url, content_type=content_type, body=bytes(body))
    except requests.TooManyRedirects as exc:
        raise PermanentExtractionError(f"{url} redirects more than {max_redirects} times.") from exc
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise TransientExtractionError(f"Could not fetch {url}: {exc}") from exc
    except requests.RequestException as exc:
        raise PermanentExtractionError(f"Could not fetch {url}: {exc}") from exc
    finally:
        session.close()
