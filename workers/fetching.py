"""Fetch a web page for URL ingestion, bounded in time, size and redirects, and only from the public internet.

A URL posted by a user is fetched from inside the deployment, where the database, Redis, the
cloud metadata service (169.254.169.254) and admin panels on 10.x or 127.0.0.1 are reachable.
So every hop is checked before anything is sent (server-side request forgery):

- the host is resolved once, and every address it resolves to must be public (not private,
  loopback, link-local, multicast, reserved or unspecified; an IPv6 form carrying an IPv4
  address, IPv4-mapped, 6to4, NAT64 or Teredo, is judged by that IPv4 address); one bad address
  refuses the whole host, so a DNS answer mixing public and private addresses is refused;
- the connection is made to an address that was checked, never to the name again, so a DNS
  answer that changes between the check and the connection (DNS rebinding) cannot redirect it;
  the name still goes in ``Host`` and, for HTTPS, in SNI and the certificate check;
- redirects are followed by hand, each new location checked the same way, up to a limit;
- the deadline is wall-clock time for the whole exchange: a timer shuts the socket down when it
  passes, so a server trickling its headers or body a byte at a time is cut too.

``URL_FETCH_ALLOW_PRIVATE`` (default false) lifts the address check, for a desk that ingests
from its own intranet, and for tests that serve pages from 127.0.0.1. Webhook deliveries
(``integrations.services.webhooks``) send through ``open_checked`` under the same rules.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.client import HTTPException
from urllib.parse import urljoin, urlsplit, urlunsplit

import certifi
import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import ProtocolError, SSLError
from urllib3.exceptions import TimeoutError as Urllib3Timeout
from urllib3.util.ssl_match_hostname import CertificateError

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


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address] | None:
    """The IPv4 address an IPv6 transition form carries, with the form's name, or ``None``."""
    if address.ipv4_mapped is not None:
        return "IPv4-mapped", address.ipv4_mapped
    if address.sixtofour is not None:
        return "6to4", address.sixtofour
    if address in _NAT64:
        return "NAT64", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.teredo is not None:
        return "Teredo", address.teredo[1]  # (server, client): traffic ends at the client
    return None


def _ipv4_reason(address: IPAddress) -> str | None:
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


def forbidden_address_reason(address: IPAddress) -> str | None:
    """Why the fetcher must not connect to ``address``, or ``None`` when it is a public address.

    ``is_global`` is the allow rule (it is false for private, loopback, link-local, shared
    100.64/10, documentation and reserved ranges); the named checks only give a clearer message.
    An IPv6 form that carries an IPv4 address (IPv4-mapped ``::ffff:0:0/96``, 6to4 ``2002::/16``,
    NAT64 ``64:ff9b::/96``, Teredo ``2001::/32``) reaches that IPv4 address through a gateway,
    so the IPv4 rules judge it: ``2002:7f00:1::`` is 127.0.0.1. Teredo is refused in any case
    (not globally reachable); a public IPv4 behind the other forms is allowed.
    """
    if isinstance(address, ipaddress.IPv6Address) and (embedded := _embedded_ipv4(address)):
        form, ipv4 = embedded
        reason = _ipv4_reason(ipv4)
        if reason:
            # Read inside "a {reason} address": "a loopback address (127.0.0.1) inside a 6to4 address".
            article = "an" if form[0] in "AEIOU" else "a"
            return f"{reason} address ({ipv4}) inside {article} {form}"
        if form != "Teredo":
            return None
    return _ipv4_reason(address)


def address_refusal(host: str, addresses: list[IPAddress]) -> str | None:
    """"<host> resolves to <address>, a <reason> address" for the first forbidden one, or ``None``.

    One bad address refuses the host: a DNS answer mixing public and private addresses is refused.
    """
    for address in addresses:
        reason = forbidden_address_reason(address)
        if reason:
            return f"{host} resolves to {address}, a {reason} address"
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


class RefusedAddress(PermanentExtractionError):
    """The host resolves to an address that may not be reached (see ``forbidden_address_reason``)."""


class _Watchdog:
    """Cuts a connection's socket at a wall-clock deadline.

    A socket timeout bounds each read, not the exchange: a server sending one byte every
    second never trips it. Shutting the socket down from a timer ends any read or write in
    progress (status line and headers included) at the deadline.
    """

    def __init__(self, connection: HTTPConnection, deadline: float):
        self.fired = False
        self._connection = connection
        self._socket: socket.socket | None = None
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._cut)
        self._timer.daemon = True
        self._timer.start()

    def hold_socket(self) -> None:
        """Call once connected: http.client drops ``connection.sock`` when the response closes it."""
        self._socket = self._connection.sock

    def _cut(self) -> None:
        self.fired = True
        sock = self._socket or getattr(self._connection, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                # The plain socket's shutdown, also for TLS: it ends a read blocked in another thread.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


@dataclass
class PinnedExchange:
    """One request on a connection to an address that was checked; the body is not read yet.

    ``cut`` tells that the deadline ended the exchange (a short or empty read then means that,
    not the end of the body). ``close()`` ends the exchange and stops the watchdog.
    """

    response: urllib3.HTTPResponse
    connection: HTTPConnection
    watchdog: _Watchdog

    @property
    def cut(self) -> bool:
        return self.watchdog.fired

    def close(self) -> None:
        self.watchdog.cancel()
        self.response.close()
        self.connection.close()


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
    deadline = time.monotonic() + timeout
    current = url
    for _hop in range(max_redirects + 1):
        exchange = open_checked(
            "GET", current, headers=_HEADERS, deadline=deadline, allow_private=allow_private,
            allow_setting="URL_FETCH_ALLOW_PRIVATE", purpose="fetch", resolver=resolver,
        )
        response = exchange.response
        try:
            location = response.headers.get("Location")
            if response.status in _REDIRECT_STATUSES and location:
                current = urljoin(current, location.strip())
                continue
            try:
                page = _read_page(current, response, max_bytes=max_bytes, deadline=deadline, timeout=timeout)
            except (TransientExtractionError, PermanentExtractionError) as exc:
                if exchange.cut:
                    raise TransientExtractionError(f"Fetching {current} took longer than {timeout:g} s.") from exc
                raise
            if exchange.cut:  # the body ended because the deadline cut it, not because it was whole
                raise TransientExtractionError(f"Fetching {current} took longer than {timeout:g} s.")
            return page
        finally:
            exchange.close()
    raise PermanentExtractionError(f"{url} redirects more than {max_redirects} times.")


def open_checked(
    method: str,
    url: str,
    *,
    headers: dict[str, str],
    deadline: float,
    allow_private: bool,
    allow_setting: str,
    purpose: str,
    body: bytes | None = None,
    resolver: Callable[[str, int], list[IPAddress]] | None = None,
) -> PinnedExchange:
    """Send one request to ``url`` without following redirects, connected only to an address that was checked.

    Every address the host resolves to must pass ``forbidden_address_reason`` unless
    ``allow_private`` (the name of the setting that lifts it, ``allow_setting``, goes in the
    message); the connection goes to one of those addresses, never to the name again, with the
    name in ``Host`` and, for HTTPS, in SNI and the certificate check. Nothing of the exchange
    outlasts ``deadline`` (``time.monotonic()``), the body's reading included, until ``close()``.

    Raises ``RefusedAddress``, ``PermanentExtractionError`` (not http(s), no host, a bad port, a
    TLS failure) or ``TransientExtractionError`` (DNS, connection, the deadline). ``purpose``
    reads in messages: "Refused to {purpose} {url}".
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise PermanentExtractionError(f"Only http and https URLs can be used, not {url!r}.")
    host = parts.hostname
    if not host:
        raise PermanentExtractionError(f"{url!r} has no host name.")
    try:
        port = parts.port or _DEFAULT_PORTS[scheme]
    except ValueError as exc:
        raise PermanentExtractionError(f"{url!r} has an invalid port.") from exc

    try:
        addresses = (resolver or resolve_host)(host, port)
    except (OSError, UnicodeError) as exc:
        raise TransientExtractionError(f"Could not resolve the host of {url}: {exc}") from exc
    if not addresses:
        raise TransientExtractionError(f"The host of {url} resolves to no address.")
    refusal = None if allow_private else address_refusal(host, addresses)
    if refusal:
        raise RefusedAddress(
            f"Refused to {purpose} {url}: {refusal}. Only public addresses are allowed ({allow_setting}=true "
            "lifts this for an intranet)."
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
        connection = _connection_for(scheme, str(address), port, host=host, timeout=remaining)
        watchdog = _Watchdog(connection, deadline)
        try:
            connection.connect()
        except (ssl.SSLError, CertificateError, SSLError) as exc:
            watchdog.cancel()
            connection.close()
            if watchdog.fired:
                raise TransientExtractionError(f"Could not {purpose} {url} before the time limit.") from exc
            raise PermanentExtractionError(f"Could not verify the TLS certificate of {host}: {exc}") from exc
        except (OSError, Urllib3Error) as exc:
            # Try the next checked address, as a browser would; all of them were checked above.
            watchdog.cancel()
            connection.close()
            last_error = exc
            continue
        watchdog.hold_socket()
        try:
            connection.request(
                method, target, body=body, headers={**headers, "Host": host_header}, preload_content=False
            )
            response = connection.getresponse()
        except (OSError, HTTPException, Urllib3Error) as exc:
            watchdog.cancel()
            connection.close()
            if watchdog.fired:
                raise TransientExtractionError(f"Could not {purpose} {url} before the time limit.") from exc
            raise TransientExtractionError(f"Could not {purpose} {url}: {exc}") from exc
        return PinnedExchange(response=response, connection=connection, watchdog=watchdog)
    if last_error is None:
        raise TransientExtractionError(f"Could not {purpose} {url} before the time limit.")
    raise TransientExtractionError(f"Could not {purpose} {url}: {last_error}") from last_error


def _connection_for(scheme: str, address: str, port: int, *, host: str, timeout: float) -> HTTPConnection:
    """A connection to ``address``, verifying HTTPS against the name ``host``."""
    if scheme == "https":
        return HTTPSConnection(
            address,
            port,
            timeout=timeout,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            server_hostname=host,
            assert_hostname=host,
        )
    return HTTPConnection(address, port, timeout=timeout)


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
