"""Fetch a web page for URL ingestion, bounded in time, size and redirects, and only from the public internet.

A URL posted by a user is fetched from inside the deployment, where the database, Redis, the
cloud metadata service (169.254.169.254) and admin panels on 10.x or 127.0.0.1 are reachable.
So every hop is checked before anything is sent (server-side request forgery):

- the host is resolved once, and every address it resolves to must be public (not private,
  loopback, link-local, multicast, reserved or unspecified, IPv4-mapped forms included); one bad
  address refuses the whole host, so a DNS answer mixing public and private addresses is refused;
- the connection is made to an address that was checked, never to the name again, so a DNS
  answer that changes between the check and the connection (DNS rebinding) cannot redirect it;
  the name still goes in ``Host`` and, for HTTPS, in SNI and the certificate check;
- redirects are followed by hand, each new location checked the same way, up to a limit.

``URL_FETCH_ALLOW_PRIVATE`` (default false) lifts the address check, for a desk that ingests
from its own intranet, and for tests that serve pages from 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import certifi
import urllib3
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import NewConnectionError, ProtocolError, SSLError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from workers.errors import PermanentExtractionError, TransientExtractionError

_ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_CHUNK = 64 * 1024
_REDIRECT_STATUSES = (301, 302, 303, 307, 308)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_HEADERS = {
    "User-Agent": "factcheck-service/1.0",
    "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    "Accept-Encoding": "gzip, deflate",
}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class FetchedPage:
    url: str  # after redirects
    content_type: str
    body: bytes


def forbidden_address_reason(address: IPAddress) -> str | None:
    """Why the fetcher must not connect to ``address``, or ``None`` when it is a public address.

    ``is_global`` is the allow rule (it is false for private, loopback, link-local, shared
    100.64/10, documentation and reserved ranges); the named checks only give a clearer message.
    """
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        # ::ffff:127.0.0.1 reaches 127.0.0.1: judge the IPv4 address it carries.
        address = address.ipv4_mapped
    for label, flagged in (  # the most specific name first: 127/8 and 0.0.0.0 are also "private"
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("unspecified", address.is_unspecified),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
    ):
        if flagged:
            return label
    if not address.is_global:
        return "not public"
    return None


def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to for a TCP connection, in the resolver's order.

    An IP literal (also the decimal and hex forms ``getaddrinfo`` accepts) comes back as itself.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])  # drop an IPv6 zone id
        if address not in addresses:
            addresses.append(address)
    return addresses


def fetch_page(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    max_redirects: int,
    allow_private: bool | None = None,
    resolver: Callable[[str, int], list[IPAddress]] | None = None,
) -> FetchedPage:
    """GET ``url`` and return its body.

    ``timeout`` bounds the whole fetch (connection, every read, and the total wall time across
    redirects). ``allow_private`` defaults to the ``URL_FETCH_ALLOW_PRIVATE`` setting.
    ``resolver`` defaults to the system resolver (``resolve_host``).

    Raises ``TransientExtractionError`` for what may pass (DNS or connection errors, time-outs,
    5xx, 429) and ``PermanentExtractionError`` for what will not (4xx, a URL that is not http(s),
    a host that resolves to a non-public address, too many redirects, a body over ``max_bytes``,
    content that is not a web page).
    """
    if allow_private is None:
        from django.conf import settings

        allow_private = bool(getattr(settings, "URL_FETCH_ALLOW_PRIVATE", False))
    resolve = resolver or resolve_host
    deadline = time.monotonic() + timeout
    current = url
    for _hop in range(max_redirects + 1):
        response, pool = _request_checked(current, resolve=resolve, allow_private=allow_private, deadline=deadline)
        try:
            location = response.headers.get("Location")
            if response.status in _REDIRECT_STATUSES and location:
                current = urljoin(current, location.strip())
                continue
            return _read_page(current, response, max_bytes=max_bytes, deadline=deadline, timeout=timeout)
        finally:
            response.close()
            pool.close()
    raise PermanentExtractionError(f"{url} redirects more than {max_redirects} times.")


def _request_checked(
    url: str, *, resolve: Callable[[str, int], list[IPAddress]], allow_private: bool, deadline: float
) -> tuple[urllib3.BaseHTTPResponse, urllib3.HTTPConnectionPool]:
    """One GET of ``url`` without following redirects, connected only to an address that was checked.

    Returns the response (body not read yet) and its pool, which the caller closes.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise PermanentExtractionError(f"Only http and https URLs can be fetched, not {url!r}.")
    host = parts.hostname
    if not host:
        raise PermanentExtractionError(f"{url!r} has no host name.")
    try:
        port = parts.port or _DEFAULT_PORTS[scheme]
    except ValueError as exc:
        raise PermanentExtractionError(f"{url!r} has an invalid port.") from exc

    try:
        addresses = resolve(host, port)
    except (socket.gaierror, UnicodeError) as exc:
        raise TransientExtractionError(f"Could not resolve the host of {url}: {exc}") from exc
    if not addresses:
        raise TransientExtractionError(f"The host of {url} resolves to no address.")
    if not allow_private:
        for address in addresses:
            reason = forbidden_address_reason(address)
            if reason:
                raise PermanentExtractionError(
                    f"Refused to fetch {url}: {host} resolves to {address}, a {reason} address. Only public "
                    "addresses are fetched (URL_FETCH_ALLOW_PRIVATE=true lifts this for an intranet)."
                )

    # The Host header carries the name (and the port when it is not the scheme's default).
    host_header = host if ":" not in host else f"[{host}]"
    if parts.port and parts.port != _DEFAULT_PORTS[scheme]:
        host_header = f"{host_header}:{parts.port}"
    target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    last_error: Exception | None = None
    for address in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        pool = _pool_for(scheme, str(address), port, host=host, timeout=remaining)
        try:
            response = pool.urlopen(
                "GET",
                target,
                headers={**_HEADERS, "Host": host_header},
                redirect=False,
                retries=False,
                preload_content=False,
                assert_same_host=False,
                release_conn=False,
            )
        except (NewConnectionError, Urllib3Timeout) as exc:
            # Try the next checked address, as a browser would; all of them were checked above.
            pool.close()
            last_error = exc
            continue
        except SSLError as exc:
            pool.close()
            raise PermanentExtractionError(f"Could not verify the TLS certificate of {host}: {exc}") from exc
        except (ProtocolError, Urllib3Error) as exc:
            pool.close()
            raise TransientExtractionError(f"Could not fetch {url}: {exc}") from exc
        return response, pool
    if last_error is None:
        raise TransientExtractionError(f"Fetching {url} took longer than the time limit.")
    raise TransientExtractionError(f"Could not fetch {url}: {last_error}") from last_error


def _pool_for(scheme: str, address: str, port: int, *, host: str, timeout: float) -> urllib3.HTTPConnectionPool:
    """A one-connection pool to ``address``, verifying HTTPS against the name ``host``."""
    limits = urllib3.Timeout(connect=timeout, read=timeout)
    if scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            port,
            maxsize=1,
            timeout=limits,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            server_hostname=host,
            assert_hostname=host,
        )
    return urllib3.HTTPConnectionPool(address, port, maxsize=1, timeout=limits, retries=False)


def _read_page(
    url: str, response: urllib3.BaseHTTPResponse, *, max_bytes: int, deadline: float, timeout: float
) -> FetchedPage:
    """Check the status and type, then read at most ``max_bytes`` (decoded) before ``deadline``."""
    if response.status == 429 or response.status >= 500:
        raise TransientExtractionError(f"The source answered HTTP {response.status} for {url}.")
    if response.status >= 400:
        raise PermanentExtractionError(f"The source answered HTTP {response.status} for {url}.")
    if response.status >= 300:
        raise PermanentExtractionError(f"The source answered HTTP {response.status} without a Location for {url}.")
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type and content_type not in _ACCEPTED_TYPES:
        raise PermanentExtractionError(f"{url} is {content_type}, not a web page.")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise PermanentExtractionError(f"The page ({declared} bytes) is larger than the limit of {max_bytes} bytes.")
    body = bytearray()
    try:
        # read1 returns what has arrived instead of waiting for a full chunk, so a server that
        # trickles bytes is cut at the deadline. Counted after decompression: a small gzip bomb
        # stops at the same limit.
        while chunk := response.read1(_CHUNK, decode_content=True):
            body.extend(chunk)
            if len(body) > max_bytes:
                raise PermanentExtractionError(f"The page is larger than the limit of {max_bytes} bytes.")
            if time.monotonic() > deadline:
                raise TransientExtractionError(f"Fetching {url} took longer than {timeout:g} s.")
    except (Urllib3Timeout, ProtocolError) as exc:
        raise TransientExtractionError(f"Could not read {url}: {exc}") from exc
    except Urllib3Error as exc:
        raise PermanentExtractionError(f"Could not read {url}: {exc}") from exc
    return FetchedPage(url=url, content_type=content_type, body=bytes(body))
