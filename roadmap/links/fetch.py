"""One URL checked over HTTP: the client, per-host politeness, retries and redirects.

``Checker`` is the machinery behind ``roadmap.links.check.check_links``, which most code
should call instead. Each hop of a redirect chain is cleared by the SSRF guard in
``roadmap.links.guard`` and sent to the very address the guard checked; the rules that
read the final answer (``classify_status``, ``is_bot_challenge``) are in
``roadmap.links.rules``. It is our own code because no library follows redirects through
such a guard, paces requests per host and honours Retry-After together.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
import ssl
import zlib
from collections.abc import Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy

import certifi
import httpx

from roadmap.links.config import CheckConfig
from roadmap.links.guard import (
    ResolutionFailed,
    Resolver,
    SystemResolver,
    Target,
    TargetRefused,
    resolve_target,
)
from roadmap.links.rules import (
    NOT_FOUND,
    CheckResult,
    LinkHealth,
    classify_status,
    is_bot_challenge,
    parse_retry_after,
)

logger = logging.getLogger("roadmap.links.check")  # one logger for the whole checker


HEAD_REJECTED = frozenset({400, 403, 405, 501})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})


@dataclass
class _Answer:
    """One HTTP exchange, or the network failure in its place."""

    status: int | None = None
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: bytes = b""
    latency_ms: int | None = None
    failure: LinkHealth | None = None
    error: str = ""
    attempts: int = 1


class _HostGate:
    def __init__(self, per_host: int):
        self.in_flight = asyncio.Semaphore(per_host)
        self.spacing = asyncio.Lock()
        self.next_start = 0.0


class Checker:
    """One run's HTTP client, politeness state and per-URL logic."""

    def __init__(self, config: CheckConfig, resolver: Resolver | None):
        self.config = config
        self.own_resolver = None
        if resolver is None:
            self.own_resolver = SystemResolver(config.concurrency, config.connect_timeout)
        self.resolver = resolver or self.own_resolver
        # The system resolver times each lookup itself, from when it really starts.
        self.dns_timeout = config.connect_timeout if resolver else None
        self.lookups: dict[str, asyncio.Future[list[str]]] = {}
        self.slots = asyncio.Semaphore(config.concurrency)
        self.hosts: dict[str, _HostGate] = {}
        self.client = httpx.AsyncClient(
            follow_redirects=False,  # each hop must pass the SSRF guard first
            verify=_tls_context(config.ca_file),
            trust_env=False,  # an environment proxy would resolve names on its own
            timeout=httpx.Timeout(config.total_timeout, connect=config.connect_timeout),
            # Requests go to an IP with the name in SNI; a kept-alive connection is
            # pooled by IP and could serve another site's request under the wrong name.
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=0),
            # Cookies are kept per redirect chain (``_follow``), never across sites.
            cookies=httpx.Cookies(CookieJar(DefaultCookiePolicy(allowed_domains=[]))),
        )

    async def __aenter__(self) -> Checker:
        return self

    async def __aexit__(self, *exc_info) -> None:
        pending = [lookup for lookup in self.lookups.values() if not lookup.done()]
        for lookup in pending:
            lookup.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        await self.client.aclose()
        if self.own_resolver is not None:
            self.own_resolver.close()

    async def check(self, resource_id: Hashable, url: str) -> CheckResult:
        try:
            return await self._follow(resource_id, url)
        except Exception as exc:  # a checker bug must never mark a link broken
            logger.exception("link check of %s failed", url)
            return _result(resource_id, url, LinkHealth.UNKNOWN, error=f"checker error: {exc!r}")

    async def _follow(self, resource_id: Hashable, url: str) -> CheckResult:
        config = self.config
        current, method = url, "HEAD"
        suggested, still_permanent = None, True
        cookies: dict[str, dict[str, str]] = {}
        for _hop in range(config.max_redirects + 1):
            try:
                target = await resolve_target(
                    current,
                    resolver=self._lookup,
                    allow_networks=config.networks,
                    allowed_ports=config.allowed_ports,
                    timeout=self.dns_timeout,
                )
            except TargetRefused as exc:
                return _result(
                    resource_id, url, LinkHealth.CONNECTION_ERROR, final_url=current,
                    error=str(exc), refused=True,
                )  # fmt: skip
            except ResolutionFailed as exc:
                return _result(
                    resource_id, url, LinkHealth.DNS_ERROR, final_url=current,
                    error=str(exc), not_found=exc.not_found,
                )  # fmt: skip
            jar = cookies.setdefault(target.host, {})
            answer = await self._fetch(target, method, jar)
            if method == "HEAD" and answer.status in HEAD_REJECTED:
                method = "GET"  # and stay with GET: this server does not like HEAD
                answer = await self._fetch(target, method, jar)
            if answer.failure is not None:
                return _result(
                    resource_id, url, answer.failure, final_url=current, error=answer.error,
                    latency_ms=answer.latency_ms, attempts=answer.attempts,
                )  # fmt: skip
            location = answer.headers.get("location")
            if answer.status in REDIRECTS and location:
                try:
                    current = str(target.url.join(location))
                except httpx.InvalidURL:
                    return self._final(resource_id, url, current, answer, None, "bad Location")
                # Adopt only a leading run of permanent hops: after a temporary hop,
                # the first URL is the stable entry point, not the one that moved.
                still_permanent = still_permanent and answer.status in PERMANENT_REDIRECTS
                suggested = current if still_permanent else suggested
                continue
            return self._final(resource_id, url, current, answer, suggested, "")
        error = f"too many redirects (more than {config.max_redirects})"
        return _result(resource_id, url, LinkHealth.BROKEN, final_url=current, error=error)

    async def _lookup(self, host: str) -> list[str]:
        """Resolve ``host`` for one hop, sharing what is worth sharing within the run.

        Checks that ask for the same name at once share one lookup, and a name that
        failed to resolve is not asked again in this run: its other URLs get the same
        answer at once. Without that, a run on a machine whose resolver stalls would
        wait a full DNS timeout per URL, one after another for a host with many URLs.
        A name that resolved is asked again at the next hop, as the SSRF guard wants.
        """
        lookup = self.lookups.get(host)
        if lookup is None:
            lookup = self.lookups[host] = asyncio.ensure_future(self._ask(host))
            lookup.add_done_callback(lambda done: self._forget_answer(host, done))
        # Shielded: one check giving up on the lookup must not cancel it for the others.
        return await asyncio.shield(lookup)

    async def _ask(self, host: str) -> list[str]:
        answer = self.resolver(host)
        if inspect.isawaitable(answer):
            answer = await answer
        return list(answer)

    def _forget_answer(self, host: str, lookup: asyncio.Future) -> None:
        if lookup.cancelled() or lookup.exception() is None:
            if self.lookups.get(host) is lookup:
                del self.lookups[host]

    def _final(self, resource_id, url, current, answer: _Answer, suggested, error) -> CheckResult:
        challenge = is_bot_challenge(answer.headers, answer.body)
        status = classify_status(answer.status, challenge=challenge, moved=suggested is not None)
        if status is LinkHealth.BLOCKED and challenge:
            error = "bot challenge"
        elif status not in (LinkHealth.OK, LinkHealth.REDIRECTED) and not error:
            error = f"HTTP {answer.status}"
            if answer.status in REDIRECTS:
                error += " without a Location header"
        return _result(
            resource_id, url, status, http_status=answer.status, final_url=current, error=error,
            latency_ms=answer.latency_ms, attempts=answer.attempts,
            not_found=answer.status in NOT_FOUND and not challenge,
            suggested_url=suggested if status is LinkHealth.REDIRECTED else None,
        )  # fmt: skip

    async def _fetch(self, target: Target, method: str, jar: dict[str, str]) -> _Answer:
        """Send one request, retrying what is worth retrying."""
        for attempt in range(1, self.config.max_attempts + 1):
            answer = await self._send(target, method, jar)
            answer.attempts = attempt
            delay = self._retry_delay(answer, attempt)
            if delay is None or attempt == self.config.max_attempts:
                return answer
            # A server's wait applies to the whole host, not only to this URL.
            gate = self._gate(target.host)
            gate.next_start = max(gate.next_start, asyncio.get_running_loop().time() + delay)
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    def _retry_delay(self, answer: _Answer, attempt: int) -> float | None:
        retryable = answer.failure is LinkHealth.TIMEOUT or (
            answer.status is not None
            and (answer.status in (408, 429) or (answer.status >= 500 and answer.status != 501))
        )
        if not retryable:
            return None
        wait = parse_retry_after(answer.headers.get("retry-after"), datetime.now(UTC))
        if wait is not None:
            # Coming back before the server asked would be rude; waiting longer than
            # the cap would stall the run. So a long Retry-After ends the check.
            return wait if wait <= self.config.retry_after_cap else None
        backoff = min(self.config.backoff_base * 2 ** (attempt - 1), self.config.retry_after_cap)
        return backoff / 2 + random.uniform(0, backoff / 2)  # jitter: hosts don't retry in step

    def _gate(self, host: str) -> _HostGate:
        if host not in self.hosts:
            self.hosts[host] = _HostGate(self.config.per_host)
        return self.hosts[host]

    @asynccontextmanager
    async def _polite_slot(self, host: str):
        """Hold a request slot: per host in flight and spacing first, then a global one.

        Yields a callback to call once the request is on the wire. Spacing counts from
        that moment, the start a server sees: counted from an earlier point, a slow
        connect or a busy event loop could land two requests closer than allowed.
        """
        gate, loop = self._gate(host), asyncio.get_running_loop()
        async with gate.in_flight:
            await gate.spacing.acquire()
            sent = False

            def on_sent() -> None:
                nonlocal sent
                if not sent:
                    sent = True
                    gate.next_start = max(
                        gate.next_start, loop.time() + self.config.per_host_interval
                    )
                    gate.spacing.release()

            try:
                # A loop, since a Retry-After can push next_start while we sleep.
                while (wait := gate.next_start - loop.time()) > 0:
                    await asyncio.sleep(wait)
                # The global slot is taken last, so no global slot idles while a host's
                # spacing runs out.
                async with self.slots:
                    yield on_sent
            finally:
                on_sent()  # a request that failed before sending still counts as a start

    async def _connect_and_send(
        self, target: Target, method, headers, extensions
    ) -> httpx.Response:
        """Send to the first checked address that takes a connection.

        Only the addresses the guard checked are tried, so no later DNS answer can
        redirect the connection; trying the next one helps when, say, this machine
        has no IPv6 route.
        """
        for number, address in enumerate(target.addresses, start=1):
            request = self.client.build_request(
                method,
                target.url.copy_with(host=address, userinfo=b""),
                headers=headers,
                extensions=extensions,
            )
            try:
                return await self.client.send(request, stream=True)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if number == len(target.addresses) or _is_tls_failure(exc):
                    raise
        raise AssertionError("a target always has an address")

    async def _send(self, target: Target, method: str, jar: dict[str, str]) -> _Answer:
        headers = {
            "Host": target.url.netloc.decode("ascii"),
            "User-Agent": self.config.user_agent,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
            "Accept-Encoding": "gzip, deflate",
        }
        if jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        extensions = {}
        if target.url.scheme == "https" and not target.literal:
            extensions["sni_hostname"] = target.host  # TLS checks the name, not the IP
        loop = asyncio.get_running_loop()
        async with self._polite_slot(target.host) as on_sent:

            async def trace(event: str, info: dict) -> None:
                if event == "http11.send_request_headers.complete":
                    on_sent()

            started = loop.time()
            try:
                async with asyncio.timeout(self.config.total_timeout):
                    response = await self._connect_and_send(
                        target, method, headers, extensions | {"trace": trace}
                    )
                    latency_ms = round((loop.time() - started) * 1000)
                    try:
                        body = b""
                        if method == "GET" and response.status_code not in REDIRECTS:
                            body = await _read_prefix(response, self.config.body_limit)
                    finally:
                        await response.aclose()
            except (TimeoutError, httpx.TimeoutException):
                elapsed = round((loop.time() - started) * 1000)
                error = f"no answer within {self.config.total_timeout:g} s"
                return _Answer(failure=LinkHealth.TIMEOUT, error=error, latency_ms=elapsed)
            except httpx.HTTPError as exc:
                return _network_failure(exc)
        for cookie in response.headers.get_list("set-cookie"):
            name, _, value = cookie.split(";", 1)[0].partition("=")
            jar[name.strip()] = value.strip()
        return _Answer(response.status_code, response.headers, body, latency_ms)


def _tls_context(ca_file: str | None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=certifi.where())
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


async def _read_prefix(response: httpx.Response, limit: int) -> bytes:
    """Read at most ``limit`` bytes of body; a compressed body inflates to ``limit`` at most."""
    raw = bytearray()
    async for chunk in response.aiter_raw():
        raw += chunk
        if len(raw) >= limit:
            break
    raw = bytes(raw[:limit])
    encoding = response.headers.get("content-encoding", "").lower()
    if encoding in ("gzip", "deflate"):
        try:  # wbits 47: zlib or gzip header, detected
            return zlib.decompressobj(47).decompress(raw, limit)
        except zlib.error:
            return raw
    return raw


def _causes(exc: BaseException) -> list[BaseException]:
    causes, seen = [], exc
    while seen is not None and seen not in causes:
        causes.append(seen)
        seen = seen.__cause__ or seen.__context__
    return causes


def _is_tls_failure(exc: BaseException) -> bool:
    return any(isinstance(c, ssl.SSLError | ssl.CertificateError) for c in _causes(exc))


def _network_failure(exc: httpx.HTTPError) -> _Answer:
    causes = _causes(exc)
    for cause in causes:
        if isinstance(cause, ssl.SSLError | ssl.CertificateError):
            return _Answer(failure=LinkHealth.TLS_ERROR, error=f"TLS: {cause}")
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return _Answer(failure=LinkHealth.CONNECTION_ERROR, error="connection refused")
    if any(isinstance(c, ConnectionResetError) for c in causes):
        return _Answer(failure=LinkHealth.CONNECTION_ERROR, error="connection reset")
    return _Answer(failure=LinkHealth.CONNECTION_ERROR, error=str(exc) or type(exc).__name__)


def _result(resource_id: Hashable, url: str, status: LinkHealth, **fields) -> CheckResult:
    fields = {"http_status": None, "final_url": None, "latency_ms": None, "attempts": 1} | fields
    return CheckResult(
        resource_id, url, status, checked_at=datetime.now(UTC), error=fields.pop("error", ""),
        **fields,
    )  # fmt: skip
