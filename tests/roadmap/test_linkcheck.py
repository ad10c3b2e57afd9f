"""The link checker against a real HTTP server on 127.0.0.1 — no Django, no internet.

Every name the checker looks up goes through an injected resolver (or /etc/hosts for
``localhost``), and the allow-list opens only 127.0.0.1/32, so nothing here can leave
the machine. The server runs in a child process, so the times it records are not
skewed by the checker holding this process's GIL.
"""

import asyncio
import contextlib
import functools
import gzip
import http.client
import json
import multiprocessing
import shutil
import socket
import ssl
import struct
import subprocess
import threading
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from roadmap.linkcheck import (
    USER_AGENT,
    CheckConfig,
    CheckResult,
    InvalidCheckConfig,
    LinkHealth,
    check_links,
    is_outage,
    next_health,
    outage_reason,
    parse_retry_after,
    run_checks,
)

KIB = 1024


# --- a small web site whose every path is a behaviour -------------------------------


@dataclass
class Hit:
    method: str
    path: str
    host: str
    user_agent: str
    start: float
    end: float | None = None


@dataclass
class Site:
    """The server side: what the routes see, and the log of every request."""

    port: int
    hits: list[Hit] = field(default_factory=list)
    bytes_sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


@dataclass
class RemoteSite:
    """The test side: the site's address, and its log fetched from the server."""

    port: int

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def control(self, command: str) -> dict:
        # http.client, not urllib: no proxy from the environment can get in the way.
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", f"/__{command}")
            return json.loads(connection.getresponse().read())
        finally:
            connection.close()

    @property
    def hits(self) -> list[Hit]:
        return [Hit(**hit) for hit in self.control("log")["hits"]]

    @property
    def bytes_sent(self) -> int:
        return self.control("log")["bytes_sent"]

    def hits_for(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path.split("?")[0] == path]


def respond(handler, status, headers=(), body=b""):
    handler.send_response(status)
    for name, value in headers:
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)


def redirect(status, location):
    return lambda h, site, n: respond(
        h, status, [("Location", location(site) if callable(location) else location)]
    )


def by_method(head, get):
    return lambda h, site, n: (head if h.command == "HEAD" else get)(h, site, n)


def page(status, body=b"<html><title>Welcome</title><p>Hello, learner.</p></html>", headers=()):
    return lambda h, site, n: respond(h, status, [("Content-Type", "text/html"), *headers], body)


def busy_once(h, site, n):
    if n == 0:
        return respond(h, 429, [("Retry-After", "1")])
    return respond(h, 200)


def slow(h, site, n):
    time.sleep(1.0)
    respond(h, 200)


def reset(h, site, n):
    # SO_LINGER 0 turns close() into a TCP RST: the peer sees "connection reset".
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.connection.close()


def huge(h, site, n):
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", str(200 * KIB * KIB))
    h.end_headers()
    chunk = b"<p>" + b"x" * (64 * KIB - 3)
    for _ in range(200 * 16):
        h.wfile.write(chunk)
        with site.lock:
            site.bytes_sent += len(chunk)


@functools.cache
def zip_bomb() -> bytes:
    """64 MiB of zeros, gzipped to about 64 KiB."""
    return gzip.compress(bytes(64 * KIB * KIB), compresslevel=9)


def gzipped(body: bytes | Callable[[], bytes]):
    def route(h, site, n):
        data = body() if callable(body) else gzip.compress(body)
        respond(h, 200, [("Content-Type", "text/html"), ("Content-Encoding", "gzip")], data)

    return by_method(page(405), route)


def unhurried(h, site, n):
    time.sleep(0.7)
    respond(h, 200)


CHALLENGE = (
    b"<html><head><title>Just a moment...</title></head>"
    b"<script src='/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=1'></script></html>"
)
ARTICLE = (
    b"<html><title>How CAPTCHAs tell humans from bots</title>"
    b"<p>A captcha asks you to click traffic lights.</p></html>"
)

ROUTES = {
    "/ok": page(200),
    "/moved": redirect(301, "/moved-again"),
    "/moved-again": redirect(308, "/ok"),
    "/temporary": redirect(302, "/ok"),
    "/moved-then-temporary": redirect(301, "/temporary"),
    "/to-other-loopback": redirect(302, lambda site: f"http://127.0.0.2:{site.port}/ok"),
    "/to-metadata": redirect(302, "http://169.254.169.254/latest/meta-data/"),
    "/to-ftp": redirect(301, "ftp://127.0.0.1/file"),
    "/gone-404": page(404),
    "/gone-410": page(410),
    "/no-head": by_method(page(403), page(200)),
    "/busy-once": busy_once,
    "/busy-for-long": page(429, headers=[("Retry-After", "120")]),
    "/unavailable": page(503),
    "/error": page(500),
    "/slow": slow,
    "/reset": reset,
    "/loop": redirect(302, "/loop"),
    "/huge": by_method(page(405), huge),
    "/challenge": by_method(page(405), page(200, CHALLENGE)),
    "/cf-header": page(403, headers=[("cf-mitigated", "challenge")]),
    "/captcha-article": by_method(page(405), page(200, ARTICLE)),
    "/gzipped-challenge": gzipped(CHALLENGE),
    "/zip-bomb": gzipped(zip_bomb),
    "/unhurried": unhurried,
    "/to-b": redirect(302, lambda site: site.url("/unhurried", host="b.test")),
}


class Handler(BaseHTTPRequestHandler):
    def setup(self):
        self.accepted = self.server.accepted.pop(self.request.fileno(), time.monotonic())
        super().setup()

    def do_HEAD(self):
        self.serve()

    def do_GET(self):
        self.serve()

    def serve(self):
        site: Site = self.server.site
        path = self.path.split("?")[0]
        if path.startswith("/__"):
            return self.control(site, path)
        hit = Hit(self.command, self.path, self.headers.get("Host", ""),
                  self.headers.get("User-Agent", ""), self.accepted)  # fmt: skip
        with site.lock:
            earlier = sum(1 for h in site.hits if h.path.split("?")[0] == path)
            site.hits.append(hit)
        route = ROUTES.get(path, page(404))
        # The answer is "ended" before it is sent: the client holds its slot until it
        # has the answer, so this window always lies inside the client's.
        original_end_headers = self.end_headers

        def end_headers():
            hit.end = time.monotonic()
            original_end_headers()

        self.end_headers = end_headers
        try:
            route(self, site, earlier)
        except OSError:
            pass  # the checker hung up (timeout, 64 KiB read): that is the point
        finally:
            hit.end = hit.end or time.monotonic()

    def control(self, site: Site, path: str):
        with site.lock:
            if path == "/__reset":
                site.hits, site.bytes_sent = [], 0
            log = {"hits": [asdict(h) for h in site.hits], "bytes_sent": site.bytes_sent}
        respond(self, 200, [("Content-Type", "application/json")], json.dumps(log).encode())

    def log_message(self, format, *args):
        pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, *args):
        super().__init__(*args)
        self.accepted: dict[int, float] = {}

    def get_request(self):
        # Stamped on accept, before a thread is started for it: the first moment the
        # server sees a request, and the one least delayed by a busy machine.
        connection, address = super().get_request()
        self.accepted[connection.fileno()] = time.monotonic()
        return connection, address

    def handle_error(self, request, client_address):
        pass  # the reset route breaks its own socket on purpose


def serve(ready, certificate: tuple[str, str] | None) -> None:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    if certificate:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*certificate)
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    httpd.site = Site(httpd.server_address[1])
    ready.send(httpd.site.port)
    httpd.serve_forever()


@contextlib.contextmanager
def serving(certificate: tuple[str, str] | None = None):
    ready, child_end = multiprocessing.Pipe()
    process = multiprocessing.get_context("fork").Process(
        target=serve, args=(child_end, certificate)
    )
    process.start()
    try:
        yield RemoteSite(ready.recv())
    finally:
        process.terminate()
        process.join()


@pytest.fixture(scope="module")
def server():
    with serving() as site:
        yield site


@pytest.fixture
def site(server):
    server.control("reset")
    return server


def local_config(**overrides) -> CheckConfig:
    """Shrunk for tests; only 127.0.0.1 is reachable."""
    settings = {
        "allow_networks": ("127.0.0.1/32",),
        "connect_timeout": 1.0,
        "total_timeout": 2.0,
        "per_host_interval": 0.0,
        "backoff_base": 0.01,
    }
    return CheckConfig(**(settings | overrides))


def check(url: str, **overrides) -> CheckResult:
    report = run_checks([("r1", url)], config=local_config(**overrides))
    assert len(report.results) == 1
    return report.results[0]


def local_names(*names):
    """A resolver that knows only ``names``, all at 127.0.0.1, and counts lookups."""
    calls = []

    def resolve(host):
        calls.append(host)
        if host in names:
            return ["127.0.0.1"]
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    resolve.calls = calls
    return resolve


# --- what a single check reports -----------------------------------------------------


def test_a_live_page_is_ok_and_the_checker_says_who_it_is(site):
    result = check(site.url("/ok"))

    assert result.status == LinkHealth.OK
    assert (result.http_status, result.error, result.attempts) == (200, "", 1)
    assert result.final_url == site.url("/ok") and result.suggested_url is None
    assert result.resource_id == "r1" and result.latency_ms >= 0
    assert result.checked_at.tzinfo is not None
    (hit,) = site.hits_for("/ok")
    assert hit.method == "HEAD" and hit.user_agent == USER_AGENT
    assert "link" not in hit.user_agent.lower() and "https://" in hit.user_agent


def test_a_chain_of_permanent_redirects_suggests_the_new_url(site):
    result = check(site.url("/moved"))

    assert result.status == LinkHealth.REDIRECTED
    assert result.final_url == result.suggested_url == site.url("/ok")
    assert result.http_status == 200


def test_a_temporary_redirect_that_ends_well_is_just_ok(site):
    result = check(site.url("/temporary"))

    assert result.status == LinkHealth.OK
    assert result.final_url == site.url("/ok") and result.suggested_url is None


def test_only_the_leading_permanent_hops_are_adopted(site):
    result = check(site.url("/moved-then-temporary"))

    assert result.status == LinkHealth.REDIRECTED
    assert result.suggested_url == site.url("/temporary")
    assert result.final_url == site.url("/ok")


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/to-other-loopback", "127.0.0.2 is a loopback address"),
        ("/to-metadata", "169.254.169.254 is a link-local address (the cloud metadata service)"),
        ("/to-ftp", "scheme 'ftp' is not allowed"),
    ],
)
def test_a_redirect_out_of_bounds_is_refused(site, path, reason):
    result = check(site.url(path))

    assert result.status == LinkHealth.CONNECTION_ERROR and result.refused
    assert result.error.startswith(f"refused: {reason}")
    assert result.final_url != site.url(path)
    assert len(site.hits) == 1  # the hop itself was never requested


def test_a_private_address_is_refused_without_the_allow_list(site):
    result = check(site.url("/ok"), allow_networks=())

    assert result.status == LinkHealth.CONNECTION_ERROR and result.refused
    assert result.error == "refused: 127.0.0.1 is a loopback address"
    assert site.hits == []


@pytest.mark.parametrize("code", [404, 410])
def test_a_missing_page_is_broken_with_not_found_evidence(site, code):
    result = check(site.url(f"/gone-{code}"))

    assert result.status == LinkHealth.BROKEN and result.not_found
    assert result.http_status == code and result.error == f"HTTP {code}"


def test_a_server_that_refuses_head_is_asked_with_get(site):
    result = check(site.url("/no-head"))

    assert result.status == LinkHealth.OK
    assert [h.method for h in site.hits] == ["HEAD", "GET"]


def test_a_429_is_retried_after_the_wait_the_server_asked_for(site):
    result = check(site.url("/busy-once"))

    assert result.status == LinkHealth.OK and result.attempts == 2
    first, second = site.hits_for("/busy-once")
    assert second.start - first.start >= 0.99


def test_a_retry_after_longer_than_the_cap_is_not_waited_for(site):
    started = time.monotonic()
    result = check(site.url("/busy-for-long"))

    assert result.status == LinkHealth.BLOCKED and result.attempts == 1
    assert result.http_status == 429 and not result.not_found
    assert time.monotonic() - started < 1


def test_a_503_is_retried_then_blocked_never_broken(site):
    result = check(site.url("/unavailable"))

    assert result.status == LinkHealth.BLOCKED and result.attempts == 3
    assert len(site.hits_for("/unavailable")) == 3


def test_a_500_is_retried_then_broken_but_not_missing(site):
    result = check(site.url("/error"), max_attempts=2)

    assert result.status == LinkHealth.BROKEN and not result.not_found
    assert result.attempts == 2 and result.http_status == 500


def test_a_server_slower_than_the_timeout_times_out_after_retries(site):
    result = check(site.url("/slow"), total_timeout=0.3, max_attempts=2)

    assert result.status == LinkHealth.TIMEOUT and result.attempts == 2
    assert len(site.hits_for("/slow")) == 2
    assert result.latency_ms >= 300


def test_a_reset_connection_is_a_connection_error_without_retry(site):
    result = check(site.url("/reset"))

    assert result.status == LinkHealth.CONNECTION_ERROR and not result.refused
    assert result.attempts == 1 and len(site.hits_for("/reset")) == 1


def test_an_endless_redirect_loop_stops_after_ten_hops(site):
    result = check(site.url("/loop"))

    assert result.status == LinkHealth.BROKEN and not result.not_found
    assert result.error == "too many redirects (more than 10)"
    assert len(site.hits_for("/loop")) == 11  # the first request and ten redirects


def test_a_huge_body_is_read_only_up_to_64_kib(site):
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = check(site.url("/huge"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result.status == LinkHealth.OK
    assert time.monotonic() - started < 3
    assert peak < 2 * KIB * KIB
    assert site.bytes_sent < 50 * KIB * KIB  # of 200 MiB offered


@pytest.mark.parametrize("path", ["/challenge", "/cf-header", "/gzipped-challenge"])
def test_a_bot_challenge_is_blocked_not_broken(site, path):
    result = check(site.url(path))

    assert result.status == LinkHealth.BLOCKED
    assert result.error == "bot challenge" and not result.not_found


def test_a_compressed_body_is_inflated_only_up_to_64_kib(site):
    tracemalloc.start()
    try:
        result = check(site.url("/zip-bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result.status == LinkHealth.OK
    assert peak < 2 * KIB * KIB  # of 64 MiB it would inflate to


def test_an_article_that_mentions_captchas_is_no_challenge(site):
    assert check(site.url("/captcha-article")).status == LinkHealth.OK


@pytest.fixture(scope="module")
def tls_site(tmp_path_factory):
    """An HTTPS site whose certificate, from a throwaway CA, names only ``tls.test``."""
    if not shutil.which("openssl"):
        pytest.skip("needs the openssl command to make a certificate")
    folder = tmp_path_factory.mktemp("tls")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

    def openssl(*args):
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=Pathwise test CA")  # fmt: skip
    openssl("req", *ec, "-keyout", "site.key", "-out", "site.csr", "-subj", "/CN=tls.test")
    (folder / "san.ext").write_text("subjectAltName=DNS:tls.test\n")
    openssl("x509", "-req", "-in", "site.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "site.pem", "-days", "2", "-extfile", "san.ext")  # fmt: skip
    with serving((str(folder / "site.pem"), str(folder / "site.key"))) as site:
        site.ca_file = str(folder / "ca.pem")
        yield site


def test_tls_is_verified_against_the_name_though_the_connection_goes_to_an_ip(tls_site):
    resolver = local_names("tls.test", "other.test")
    config = local_config(ca_file=tls_site.ca_file)

    def check_tls(host, config=config):
        url = f"https://{host}:{tls_site.port}/ok"
        return run_checks([(1, url)], config=config, resolver=resolver).results[0]

    assert check_tls("tls.test").status == LinkHealth.OK
    wrong_name = check_tls("other.test")
    assert wrong_name.status == LinkHealth.TLS_ERROR and "other.test" in wrong_name.error
    untrusted = check_tls("tls.test", config=local_config())
    assert (
        untrusted.status == LinkHealth.TLS_ERROR and "certificate verify failed" in untrusted.error
    )


def test_tls_to_a_server_that_speaks_plain_http_is_a_tls_error(site):
    result = check(f"https://127.0.0.1:{site.port}/ok")

    assert result.status == LinkHealth.TLS_ERROR and result.error.startswith("TLS: ")


@pytest.mark.parametrize(
    ("errno", "not_found"), [(socket.EAI_NONAME, True), (socket.EAI_AGAIN, False)]
)
def test_a_dns_failure_is_reported_once_without_retry(errno, not_found):
    calls = []

    def failing(host):
        calls.append(host)
        raise socket.gaierror(errno, "lookup failed")

    report = run_checks([(7, "https://nowhere.example/x")], config=local_config(), resolver=failing)
    (result,) = report.results

    assert result.status == LinkHealth.DNS_ERROR and result.not_found is not_found
    assert result.attempts == 1 and calls == ["nowhere.example"]
    assert result.latency_ms is None and result.http_status is None


def test_the_connection_goes_to_the_address_that_was_checked(site):
    # A rebinding resolver: a public address first, then the metadata service. The
    # system cannot resolve "rebind.test" at all, so the request can only have reached
    # the site through the address the guard checked.
    answers = iter([["127.0.0.1"], ["169.254.169.254"]])
    lookups = []

    def rebinding(host):
        lookups.append(host)
        return next(answers)

    report = run_checks([(1, site.url("/moved", host="rebind.test"))], config=local_config(),
                        resolver=rebinding)  # fmt: skip
    (result,) = report.results

    assert result.status == LinkHealth.CONNECTION_ERROR and result.refused
    assert "rebind.test resolves to 169.254.169.254" in result.error
    assert lookups == ["rebind.test", "rebind.test"]  # one per hop, none behind our back
    assert [h.host for h in site.hits] == [f"rebind.test:{site.port}"]
    assert result.final_url == site.url("/moved-again", host="rebind.test")


def test_the_system_resolver_is_used_by_default(site):
    # localhost comes from /etc/hosts, never the network; it may list ::1 as well.
    result = check(site.url("/ok", host="localhost"), allow_networks=("127.0.0.0/8", "::1/128"))

    assert result.status == LinkHealth.OK
    assert site.hits_for("/ok")[0].host == f"localhost:{site.port}"


def test_when_one_checked_address_takes_no_connection_the_next_is_tried(site):
    # Nobody listens on 127.0.0.2 (the site is bound to 127.0.0.1 only).
    def two_addresses(host):
        return ["127.0.0.2", "127.0.0.1"]

    report = run_checks(
        [(1, site.url("/ok", host="dual.test"))],
        config=local_config(allow_networks=("127.0.0.0/8",)),
        resolver=two_addresses,
    )

    assert report.results[0].status == LinkHealth.OK
    assert report.results[0].attempts == 1


def test_a_refused_connection_is_a_connection_error_without_retry():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed when the block ends: nobody listens there

    result = check(f"http://127.0.0.1:{port}/")

    assert result.status == LinkHealth.CONNECTION_ERROR
    assert result.error == "connection refused" and result.attempts == 1


# --- a run of many checks -------------------------------------------------------------


def test_each_host_gets_at_most_two_requests_in_flight_spaced_apart(site):
    # Answers take 0.7 s and starts are 0.3 s apart, so without the in-flight limit a
    # third request would start at 0.6 s, before the first is answered.
    interval, per_host = 0.3, 4
    redirectors = [f"c{i}.test" for i in range(per_host)]
    resolver = local_names("a.test", "b.test", *redirectors)
    # a.test is asked directly; b.test is reached only through other hosts'
    # redirects, all at once, so only its own limits hold it back.
    targets = [(f"a-{i}", site.url(f"/unhurried?a-{i}", host="a.test")) for i in range(per_host)]
    targets += [(f"c-{i}", site.url(f"/to-b?c-{i}", host=c)) for i, c in enumerate(redirectors)]

    started = time.monotonic()
    config = local_config(per_host_interval=interval)
    report = run_checks(targets, config=config, resolver=resolver)
    elapsed = time.monotonic() - started

    assert {r.status for r in report.results} == {LinkHealth.OK}
    for host in ("a.test", "b.test"):
        hits = sorted((h for h in site.hits if h.host.startswith(host)), key=lambda h: h.start)
        assert len(hits) == per_host
        gaps = [b.start - a.start for a, b in zip(hits, hits[1:], strict=False)]
        # The slack is for a busy machine's scheduling, not for the checker.
        assert min(gaps) >= interval - 0.05, gaps
        overlap = max(sum(1 for o in hits if o.start <= h.start < o.end) for h in hits)
        assert overlap == 2, host
    # The two hosts were served side by side (~1.7 s), not one after the other.
    assert elapsed < 2.8


def test_results_come_back_in_input_order_and_each_is_reported_as_it_finishes(site):
    seen = []

    async def progress(result):
        seen.append(result.resource_id)

    targets = [(1, site.url("/slow")), (2, site.url("/ok")), (3, site.url("/gone-404"))]
    config = local_config(total_timeout=0.3, max_attempts=1, per_host=3)
    report = asyncio.run(check_links(targets, config=config, on_result=progress))

    assert [r.resource_id for r in report.results] == [1, 2, 3]
    assert sorted(seen) == [1, 2, 3] and seen[-1] == 1  # the slow one finished last
    assert report.counts()[LinkHealth.TIMEOUT] == 1
    assert report.started_at <= report.finished_at


def test_a_run_where_no_host_resolves_is_inconclusive():
    def no_network(host):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    targets = [(i, f"https://site{i % 4}.example/page{i}") for i in range(8)]
    report = run_checks(targets, config=local_config(), resolver=no_network)

    assert report.inconclusive
    assert report.reason == "inconclusive — no network: 4 of 4 hosts unreachable"


def test_a_run_with_a_few_dead_hosts_is_conclusive(site):
    resolver = local_names("a.test", "b.test", "c.test")
    targets = [(h, site.url("/ok", host=h)) for h in ("a.test", "b.test", "c.test", "d.test")]

    report = run_checks(targets, config=local_config(), resolver=resolver)

    assert not report.inconclusive and report.reason == ""
    assert report.counts()[LinkHealth.DNS_ERROR] == 1


# --- pure rules -------------------------------------------------------------------------

DAY1 = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)


def result(status, *, not_found=False, url="https://docs.example/page", refused=False):
    return CheckResult(1, url, status, None, None, None, "", DAY1, 1, not_found, None, refused)


def test_a_first_404_leaves_the_health_unchanged_but_counts():
    assert next_health(None, 0, None, result(LinkHealth.BROKEN, not_found=True), DAY1) == (
        LinkHealth.UNKNOWN, 1, DAY1,
    )  # fmt: skip
    assert next_health("ok", 0, None, result(LinkHealth.BROKEN, not_found=True), DAY1) == (
        LinkHealth.OK, 1, DAY1,
    )  # fmt: skip


def test_a_second_404_breaks_the_link_only_24_hours_after_the_first():
    gone = result(LinkHealth.BROKEN, not_found=True)
    soon = next_health("ok", 1, DAY1, gone, DAY1 + timedelta(hours=23))
    later = next_health(*soon, gone, DAY1 + timedelta(hours=24))

    assert soon == (LinkHealth.OK, 2, DAY1)
    assert later == (LinkHealth.BROKEN, 3, DAY1)


def test_a_confirmed_nxdomain_is_broken_and_a_confirmed_timeout_stays_a_timeout():
    next_day = DAY1 + timedelta(days=1)
    nxdomain = result(LinkHealth.DNS_ERROR, not_found=True)

    assert next_health("ok", 1, DAY1, nxdomain, next_day).health == LinkHealth.BROKEN
    assert next_health("ok", 1, DAY1, result(LinkHealth.TIMEOUT), next_day).health == "timeout"


def test_success_clears_the_failure_count():
    assert next_health("broken", 5, DAY1, result(LinkHealth.OK), DAY1) == ("ok", 0, None)
    assert next_health("ok", 1, DAY1, result(LinkHealth.REDIRECTED), DAY1).health == "redirected"


def test_a_block_shows_at_once_and_never_counts_as_a_failure():
    assert next_health("ok", 1, DAY1, result(LinkHealth.BLOCKED), DAY1 + timedelta(days=3)) == (
        LinkHealth.BLOCKED, 1, DAY1,
    )  # fmt: skip


def test_a_checker_error_changes_nothing():
    assert next_health("ok", 1, DAY1, result(LinkHealth.UNKNOWN), DAY1) == ("ok", 1, DAY1)


def test_the_outage_guard_counts_distinct_hosts_not_urls():
    down = [result(LinkHealth.CONNECTION_ERROR, url=f"https://h{i}.example/") for i in range(2)]
    up = [result(LinkHealth.OK, url="https://up.example/")]
    many_urls_one_dead_host = [
        result(LinkHealth.DNS_ERROR, url=f"https://dead.example/{i}") for i in range(50)
    ]

    assert is_outage(down + up)  # 2 of 3 hosts
    assert not is_outage(down + up * 2 + [result(LinkHealth.OK, url="https://b.example/")])
    assert not is_outage(
        many_urls_one_dead_host + up + [result(LinkHealth.OK, url="https://c.example/")]
    )
    assert not is_outage(down)  # too few hosts to tell
    assert outage_reason(down + up, threshold=0.7) is None


def test_a_host_with_one_good_answer_was_reachable():
    mixed = [
        result(LinkHealth.TIMEOUT, url="https://a.example/1"),
        result(LinkHealth.BROKEN, url="https://a.example/2"),
    ]
    others = [result(LinkHealth.TIMEOUT, url=f"https://h{i}.example/") for i in range(2)]

    assert outage_reason(mixed + others) == "inconclusive — no network: 2 of 3 hosts unreachable"


def test_refusals_say_nothing_about_the_network():
    refused = [
        result(LinkHealth.CONNECTION_ERROR, url=f"http://10.0.0.{i}/", refused=True)
        for i in range(5)
    ]
    assert not is_outage(
        refused + [result(LinkHealth.OK, url=f"https://h{i}.example/") for i in range(3)]
    )


def test_retry_after_reads_seconds_and_http_dates():
    now = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)

    assert parse_retry_after("7", now) == 7.0
    assert parse_retry_after("Sat, 01 Mar 2025 12:00:45 GMT", now) == 45.0
    assert parse_retry_after("Sat, 01 Mar 2025 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("", now) is parse_retry_after("later", now) is None


def test_the_health_values_match_the_stored_choices():
    assert [h.value for h in LinkHealth] == [
        "unknown", "ok", "redirected", "broken", "blocked",
        "timeout", "tls-error", "dns-error", "connection-error",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"per_host": 0}, "per_host must be positive, not 0"),
        ({"max_attempts": 0}, "max_attempts must be at least 1, not 0"),
        ({"per_host_interval": -1}, "per_host_interval cannot be negative (-1)"),
        ({"allow_networks": ("localhost",)}, "allow-list entry 'localhost' is not a network"),
    ],
)
def test_a_config_that_cannot_work_is_rejected_by_name(overrides, message):
    with pytest.raises(InvalidCheckConfig, match=message.replace("(", r"\(").replace(")", r"\)")):
        CheckConfig(**overrides)
