"""A small web site on 127.0.0.1 whose every path is a behaviour, for link-check tests.

``serving()`` runs it in a child process, so the times it records are not skewed by the
checker holding the test process's GIL; ``RemoteSite`` reads its request log back.
``local_config`` shrinks the checker's numbers and opens only 127.0.0.1, and
``local_names`` is a resolver that sends chosen host names there, so nothing a test
checks can leave the machine.

Use it from a test module with a module-scoped fixture::

    @pytest.fixture(scope="module")
    def server():
        with serving() as site:
            yield site
"""

import contextlib
import functools
import gzip
import http.client
import json
import multiprocessing
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from roadmap.links.check import CheckConfig

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


def stall(h, site, n):
    time.sleep(5.0)
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
    "/stall": stall,
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


def use_local_checks(monkeypatch, settings, **overrides) -> None:
    """Make ``roadmap.links.store`` reach 127.0.0.0/8 and check quickly (Django tests).

    The allow-list comes from settings, as in production; the shrunk numbers replace
    the defaults of ``store.check_config``.
    """
    from roadmap.links import store

    settings.LINKCHECK_ALLOW_NETWORKS = ["127.0.0.0/8"]
    shrunk = {
        "connect_timeout": 1.0,
        "total_timeout": 2.0,
        "per_host_interval": 0.0,
        "backoff_base": 0.01,
    }
    original = store.check_config
    monkeypatch.setattr(
        store, "check_config", lambda **more: original(**(shrunk | overrides | more))
    )


def no_network(host):
    """A resolver on a machine without a network: every lookup fails, none is NXDOMAIN."""
    raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
