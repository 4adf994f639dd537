"""The URL fetcher refuses private, loopback and link-local targets (server-side request forgery).

A local HTTP server on 127.0.0.1 stands in for the internal services an attacker would aim at;
each test also checks that the refused server received **no** request, i.e. the address was
refused before connecting. DNS is outside the project, so DNS answers are given by a fake
resolver passed to ``fetch_page``; IP literals and ``localhost`` go through the real resolver.
"""

from __future__ import annotations

import gzip
import ipaddress
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from workers import fetching
from workers.errors import PermanentExtractionError, TransientExtractionError
from workers.fetching import fetch_page, forbidden_address_reason

PAGE = b"<html><head><title>T</title></head><body><p>The rate was 2.5 percent.</p></body></html>"
LIMITS = {"timeout": 5.0, "max_bytes": 100_000, "max_redirects": 5}


class _Recorder(BaseHTTPRequestHandler):
    """Answers by path; records every request (path and Host) on the server object."""

    def do_GET(self):
        self.server.hits.append((self.path, self.headers.get("Host")))
        routes = self.server.routes
        if self.path in routes:
            status, headers, body = routes[self.path]
        else:
            status, headers, body = 200, {"Content-Type": "text/html"}, PAGE
        if callable(body):
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            body(self.wfile)
            return
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _serve(host: str, routes: dict | None = None) -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer((host, 0), _Recorder)
    server.hits = []
    server.routes = routes or {}
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def internal():
    """An 'internal service' on 127.0.0.1 that must never be reached when private addresses are refused."""
    yield from _serve("127.0.0.1")


@pytest.fixture
def internal_second():
    """Another internal service, on 127.0.0.2 (the whole 127/8 is loopback on Linux)."""
    try:
        yield from _serve("127.0.0.2")
    except OSError as exc:  # pragma: no cover - some sandboxes only route 127.0.0.1
        pytest.skip(f"cannot listen on 127.0.0.2: {exc}")


def _resolver(table: dict[str, list[str]], calls: list[str] | None = None):
    """A fake DNS: host name -> addresses; records every lookup in ``calls``."""

    def resolve(host: str, port: int):
        if calls is not None:
            calls.append(host)
        if host in table:
            return [ipaddress.ip_address(a) for a in table[host]]
        return fetching.resolve_host(host, port)

    return resolve


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.0.0.7", "private"),
        ("172.16.4.4", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("169.254.169.254", "link-local"),  # the cloud metadata service
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 - an address under test, not a bind
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "not public"),  # carrier-grade NAT
        ("8.8.8.8", None),
        ("93.184.216.34", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_address_classification(address, reason):
    found = forbidden_address_reason(ipaddress.ip_address(address))
    if reason is None:
        assert found is None, f"{address} is public and must be allowed"
    else:
        assert found is not None, f"{address} must be refused"
        if reason != "not public":
            assert found == reason or reason in found


@pytest.mark.parametrize(
    "url_template",
    [
        "http://127.0.0.1:{port}/",
        "http://localhost:{port}/",
        "http://2130706433:{port}/",  # 127.0.0.1 as one decimal number
        "http://0x7f000001:{port}/",  # ... and in hex
        "http://127.1:{port}/",  # ... and abbreviated
        "http://[::ffff:127.0.0.1]:{port}/",
    ],
)
def test_loopback_urls_in_any_spelling_are_refused_before_connecting(internal, url_template):
    url = url_template.format(port=internal.server_address[1])

    with pytest.raises(PermanentExtractionError, match=r"Refused to fetch .* (loopback|private) address"):
        fetch_page(url, allow_private=False, **LIMITS)

    assert internal.hits == [], "the internal service must not have received any request"


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (["10.0.0.7"], "private"),
        (["169.254.169.254"], "link-local"),
        (["fe80::1"], "link-local"),
        (["93.184.216.34", "127.0.0.1"], "loopback"),  # one bad address refuses the host
    ],
)
def test_a_name_whose_dns_answer_holds_a_private_address_is_refused(answer, reason):
    calls: list[str] = []
    resolve = _resolver({"news.example": answer}, calls)

    with pytest.raises(PermanentExtractionError, match=f"news.example resolves to .*a {reason} address"):
        fetch_page("http://news.example/story", allow_private=False, resolver=resolve, **LIMITS)
    assert calls == ["news.example"]


@pytest.mark.attack(
    "URL ingestion", "a host resolving to 6to4 / NAT64 / Teredo / IPv4-mapped IPv6 of a private IPv4",
    "refused before connecting, naming the embedded IPv4",
)
@pytest.mark.parametrize(
    ("answer", "embedded"),
    [
        ("2002:7f00:1::", "127.0.0.1"),  # 6to4 of loopback
        ("2002:a00:7::1", "10.0.0.7"),  # 6to4 of a private address
        ("2002:a9fe:a9fe::", "169.254.169.254"),  # 6to4 of the cloud metadata service
        ("64:ff9b::a00:7", "10.0.0.7"),  # NAT64 (well-known prefix)
        ("64:ff9b::7f00:1", "127.0.0.1"),
        ("::ffff:a00:7", "10.0.0.7"),  # IPv4-mapped
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "10.0.0.1"),  # Teredo, client 10.0.0.1 (stored inverted)
    ],
)
def test_ipv6_forms_carrying_a_private_ipv4_are_refused_naming_it(internal, answer, embedded):
    reason = forbidden_address_reason(ipaddress.ip_address(answer))
    assert reason is not None and embedded in reason, f"{answer} carries {embedded}; got {reason!r}"

    resolve = _resolver({"news.example": [answer]})
    with pytest.raises(PermanentExtractionError, match=f"news.example resolves to .*{embedded}"):
        fetch_page("http://news.example/story", allow_private=False, resolver=resolve, **LIMITS)
    assert internal.hits == []


@pytest.mark.parametrize("address", ["2002:808:808::1", "64:ff9b::808:808", "::ffff:8.8.8.8"])
def test_ipv6_forms_carrying_a_public_ipv4_are_judged_by_that_ipv4(address):
    # A deployment on IPv6 with DNS64 reaches every IPv4-only site through 64:ff9b::/96.
    assert forbidden_address_reason(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 resolves to 169.254.169.254, a link-local"),
        ("http://intranet.test/admin", "intranet.test resolves to 10.1.2.3, a private"),
        ("http://127.0.0.2:{second}/secret", "a loopback address"),
        ("http://[::1]:{second}/secret", "a loopback address"),
    ],
)
def test_a_redirect_to_a_private_address_is_refused_at_that_hop(
    internal, internal_second, monkeypatch, location, message
):
    # 127.0.0.1 plays the public news site here: the real rule is applied to every other address.
    real_rule = fetching.forbidden_address_reason
    monkeypatch.setattr(
        fetching, "forbidden_address_reason", lambda a: None if str(a) == "127.0.0.1" else real_rule(a)
    )
    target = location.format(second=internal_second.server_address[1])
    internal.routes["/story"] = (302, {"Location": target}, b"")
    resolve = _resolver({"news.test": ["127.0.0.1"], "intranet.test": ["10.1.2.3"]})

    with pytest.raises(PermanentExtractionError, match=message):
        fetch_page(f"http://news.test:{internal.server_address[1]}/story", allow_private=False, resolver=resolve,
                   **LIMITS)

    assert [path for path, _ in internal.hits] == ["/story"], "the first hop was fetched"
    assert internal_second.hits == [], "the private target of the redirect must not have been contacted"


def test_connection_is_pinned_to_the_checked_address_and_the_name_goes_in_host(internal):
    calls: list[str] = []
    port = internal.server_address[1]
    internal.routes["/moved"] = (301, {"Location": f"http://news.test:{port}/final"}, b"")
    resolve = _resolver({"news.test": ["127.0.0.1"]}, calls)

    page = fetch_page(f"http://news.test:{port}/moved", allow_private=True, resolver=resolve, **LIMITS)

    assert page.body == PAGE and page.url == f"http://news.test:{port}/final"
    # One lookup per hop, and the connection went to that answer: a second, different answer
    # (DNS rebinding) is never asked for.
    assert calls == ["news.test", "news.test"]
    assert internal.hits == [("/moved", f"news.test:{port}"), ("/final", f"news.test:{port}")]


def test_the_setting_decides_when_the_caller_does_not(internal):
    url = f"http://127.0.0.1:{internal.server_address[1]}/"
    with override_settings(URL_FETCH_ALLOW_PRIVATE=False), pytest.raises(PermanentExtractionError):
        fetch_page(url, **LIMITS)
    with override_settings(URL_FETCH_ALLOW_PRIVATE=True):
        assert fetch_page(url, **LIMITS).body == PAGE


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://127.0.0.1:6379/_FLUSHALL", "http:///nohost"]
)
def test_only_http_and_https_urls_with_a_host_are_fetched(url):
    with pytest.raises(PermanentExtractionError, match=r"Only http and https|has no host"):
        fetch_page(url, allow_private=True, **LIMITS)


def test_redirect_loops_stop_at_the_limit(internal):
    port = internal.server_address[1]
    for hop in range(10):
        internal.routes[f"/hop{hop}"] = (302, {"Location": f"/hop{hop + 1}"}, b"")

    with pytest.raises(PermanentExtractionError, match="redirects more than 3 times"):
        fetch_page(f"http://127.0.0.1:{port}/hop0", allow_private=True, timeout=5, max_bytes=1000, max_redirects=3)
    assert len(internal.hits) == 4


def test_a_compressed_page_is_capped_after_decompression(internal):
    bomb = gzip.compress(b"<p>" + b"a" * 5_000_000 + b"</p>")
    assert len(bomb) < 10_000
    internal.routes["/bomb"] = (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, bomb)

    with pytest.raises(PermanentExtractionError, match="larger than the limit of 100000 bytes"):
        fetch_page(f"http://127.0.0.1:{internal.server_address[1]}/bomb", allow_private=True, **LIMITS)


def test_a_page_that_trickles_in_is_cut_at_the_time_limit(internal):
    def trickle(stream):
        try:
            for _ in range(40):
                stream.write(b"x" * 10)
                stream.flush()
                time.sleep(0.1)
        except OSError:
            pass  # the fetcher hung up, as it should

    internal.routes["/slow"] = (200, {"Content-Type": "text/html"}, trickle)
    started = time.monotonic()

    with pytest.raises(TransientExtractionError, match=r"took longer than 1 s|Could not read"):
        fetch_page(f"http://127.0.0.1:{internal.server_address[1]}/slow", allow_private=True, timeout=1.0,
                   max_bytes=100_000, max_redirects=0)
    assert time.monotonic() - started < 2.5


@pytest.mark.django_db
def test_url_job_for_a_loopback_address_fails_with_the_reason(internal, published_jobs):
    from annotations.models import ExtractionJob
    from annotations.services.ingest import article_ingest
    from tests.factories import UserFactory
    from workers import tasks

    result = article_ingest(added_by=UserFactory(), url=f"http://localhost:{internal.server_address[1]}/article")
    tasks.extract_article.apply(args=[result.article.current_job_id])

    job = ExtractionJob.objects.get(pk=result.article.current_job_id)
    assert job.status == "failed" and job.attempts == 1, "a refused address is permanent: no retries"
    assert "Refused to fetch" in job.last_error and "loopback" in job.last_error
    assert internal.hits == []


def _certificates(directory, name: str) -> tuple[str, str, str]:
    """A throwaway CA and a server certificate for ``name`` signed by it (openssl CLI)."""
    import subprocess

    def run(*args):
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True, timeout=60)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "1",
        "-subj", "/CN=Test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", f"/CN={name}")
    (directory / "ext.cnf").write_text(f"subjectAltName=DNS:{name}\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.pem", "-days", "1", "-extfile", "ext.cnf")
    return str(directory / "ca.pem"), str(directory / "server.pem"), str(directory / "server.key")


@pytest.fixture
def tls_site(tmp_path):
    """An HTTPS server on 127.0.0.1 whose certificate names ``news.test``, signed by a test CA."""
    import shutil
    import ssl

    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make test certificates")
    ca, cert, key = _certificates(tmp_path, "news.test")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.hits, server.routes, server.daemon_threads = [], {}, True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, ca
    server.shutdown()
    server.server_close()


def test_https_on_the_pinned_address_is_verified_against_the_name(tls_site, monkeypatch):
    server, ca = tls_site
    port = server.server_address[1]
    monkeypatch.setattr(fetching.certifi, "where", lambda: ca)  # trust the test CA instead of the public ones
    resolve = _resolver({"news.test": ["127.0.0.1"], "wrong-name.test": ["127.0.0.1"]})

    page = fetch_page(f"https://news.test:{port}/", allow_private=True, resolver=resolve, **LIMITS)
    assert page.body == PAGE, "connected to the checked address, verified the certificate for news.test"

    with pytest.raises(PermanentExtractionError, match=r"Could not verify the TLS certificate of wrong-name\.test"):
        fetch_page(f"https://wrong-name.test:{port}/", allow_private=True, resolver=resolve, **LIMITS)
