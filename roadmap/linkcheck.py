"""Check that resources' URLs still answer — politely, safely, and without crying wolf.

Plain values in, plain values out: ``check_links`` takes ``[(resource_id, url), ...]``
and returns a ``RunReport`` of ``CheckResult`` values; nothing here knows Django. The
Django side stores each result, folds it into a resource's health with ``next_health``
and changes nothing when ``RunReport.inconclusive`` says our own network was down.

How one URL is checked: ``HEAD`` first, ``GET`` when a server rejects ``HEAD`` (400,
403, 405, 501); a ``GET`` reads at most 64 KiB, enough to spot a bot-challenge page.
Redirects are followed by hand so that every hop passes the SSRF guard in
``roadmap.netguard``, and the request goes to the very address the guard checked. The
checker keeps at most two requests in flight per host, starts them at least a second
apart, and retries timeouts, 5xx, 408 and 429 with jittered backoff, honouring
Retry-After.

An SSRF refusal is reported as ``connection-error`` with ``refused=True`` and an error
such as "refused: 127.0.0.1 is a loopback address", so the stored health keeps to the
values below.
"""

from __future__ import annotations

import asyncio
import email.utils
import inspect
import logging
import random
import re
import ssl
import zlib
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cached_property
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import NamedTuple

import certifi
import httpx

from roadmap.netguard import (
    ResolutionFailed,
    Resolver,
    SystemResolver,
    Target,
    TargetRefused,
    parse_networks,
    resolve_target,
)

logger = logging.getLogger(__name__)

USER_AGENT = "Pathwise-ResourceCheck/1.0 (+https://github.com/pathwise-learning/pathwise)"
CONFIRM_AFTER = timedelta(hours=24)

HEAD_REJECTED = frozenset({400, 403, 405, 501})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
NOT_FOUND = frozenset({404, 410})
# 451 is a legal block where the checker runs; learners elsewhere may still get through.
BLOCKING = frozenset({401, 403, 429, 451, 503})
# Strong signs only: an article *about* captchas must not read as a challenge.
_CHALLENGE_MARKERS = (
    b"cf-chl",  # Cloudflare's challenge scripts and form fields
    b"/cdn-cgi/challenge-platform/",
    b"captcha-delivery.com",  # DataDome
    b"px-captcha",  # PerimeterX
    b"/errors/validatecaptcha",  # Amazon
)
_TITLE = re.compile(rb"<title[^>]*>([^<]{0,200})</title>", re.IGNORECASE)
_CHALLENGE_TITLE_STARTS = (
    "just a moment",
    "attention required",
    "one more step",
    "verify you are human",
    "are you a robot",
    "human verification",
    "ddos-guard",
    "access to this page has been denied",
)


class LinkHealth(StrEnum):
    """The health of a resource's URL, as one check sees it and as a resource keeps it.

    * ``unknown`` — never checked (or the checker itself failed).
    * ``ok`` — the final answer was 2xx, perhaps after temporary redirects.
    * ``redirected`` — 2xx after a permanent redirect (301/308): adopt the new URL.
    * ``broken`` — 4xx/5xx that is not a block, a redirect loop, or (as a kept health)
      a confirmed 404/410/NXDOMAIN.
    * ``blocked`` — 401/403/429/451/503 or a bot challenge: the site is there but
      will not talk to a robot. Never counted as broken.
    * ``timeout``, ``tls-error``, ``dns-error``, ``connection-error`` — the kind of
      network failure; an SSRF refusal is a ``connection-error``.

    The values match ``roadmap.models.LinkHealth``.
    """

    UNKNOWN = "unknown"
    OK = "ok"
    REDIRECTED = "redirected"
    BROKEN = "broken"
    BLOCKED = "blocked"
    TIMEOUT = "timeout"
    TLS_ERROR = "tls-error"
    DNS_ERROR = "dns-error"
    CONNECTION_ERROR = "connection-error"


FAILING = frozenset(
    {
        LinkHealth.BROKEN,
        LinkHealth.TIMEOUT,
        LinkHealth.TLS_ERROR,
        LinkHealth.DNS_ERROR,
        LinkHealth.CONNECTION_ERROR,
    }
)
UNREACHABLE = frozenset({LinkHealth.TIMEOUT, LinkHealth.DNS_ERROR, LinkHealth.CONNECTION_ERROR})


class InvalidCheckConfig(ValueError):
    """A ``CheckConfig`` value that cannot work, named in the message."""


@dataclass(frozen=True)
class CheckConfig:
    """How hard, how fast and where the checker may go. Tests shrink the numbers.

    Timeouts and intervals are in seconds. ``allow_networks`` (CIDRs) opens private
    ranges, for tests only; addresses in it may also use any port, others only
    ``allowed_ports``. ``ca_file`` adds trusted certificates to the usual ones (a test
    CA, or a company's TLS proxy); verification itself is never off.
    """

    connect_timeout: float = 5.0
    total_timeout: float = 20.0
    max_redirects: int = 10
    concurrency: int = 32
    per_host: int = 2
    per_host_interval: float = 1.0
    max_attempts: int = 3
    backoff_base: float = 0.5
    retry_after_cap: float = 60.0
    body_limit: int = 64 * 1024
    user_agent: str = USER_AGENT
    allow_networks: tuple[str, ...] = ()
    allowed_ports: tuple[int, ...] = (80, 443)
    ca_file: str | None = None

    def __post_init__(self):
        for name in ("connect_timeout", "total_timeout", "concurrency", "per_host"):
            if getattr(self, name) <= 0:
                raise InvalidCheckConfig(f"{name} must be positive, not {getattr(self, name)}")
        if self.max_attempts < 1:
            raise InvalidCheckConfig(f"max_attempts must be at least 1, not {self.max_attempts}")
        for name in ("per_host_interval", "backoff_base", "retry_after_cap", "max_redirects"):
            if getattr(self, name) < 0:
                raise InvalidCheckConfig(f"{name} cannot be negative ({getattr(self, name)})")
        try:
            self.networks  # noqa: B018 - parse now so a bad CIDR fails at startup
        except ValueError as exc:
            raise InvalidCheckConfig(str(exc)) from None

    @cached_property
    def networks(self):
        """``allow_networks`` parsed into ``ipaddress`` networks."""
        return parse_networks(self.allow_networks)


@dataclass(frozen=True)
class CheckResult:
    """What one check of one URL found.

    ``final_url`` is where the redirect chain ended; ``suggested_url`` is the URL to
    adopt when ``status`` is ``redirected`` (the end of the leading run of permanent
    redirects). ``attempts`` counts tries of the request that decided the outcome (1:
    not retried). ``not_found`` marks evidence that the page or name is gone (404, 410,
    NXDOMAIN). ``latency_ms`` is the time to the deciding response's headers, None when
    no request was sent.
    """

    resource_id: Hashable
    url: str
    status: LinkHealth
    http_status: int | None
    final_url: str | None
    latency_ms: int | None
    error: str
    checked_at: datetime
    attempts: int
    not_found: bool = False
    suggested_url: str | None = None
    refused: bool = False


@dataclass(frozen=True)
class RunReport:
    """All results of a run, in input order, and whether the run can be trusted."""

    results: tuple[CheckResult, ...]
    started_at: datetime
    finished_at: datetime
    inconclusive: bool = False
    reason: str = ""

    def counts(self) -> dict[LinkHealth, int]:
        """How many results have each status."""
        counts = dict.fromkeys(LinkHealth, 0)
        for result in self.results:
            counts[result.status] += 1
        return counts


class HealthUpdate(NamedTuple):
    """A resource's kept health after a check, as ``next_health`` returns it."""

    health: LinkHealth
    consecutive_failures: int
    first_failure_at: datetime | None


def next_health(
    previous_health: str | None,
    previous_consecutive_failures: int,
    first_failure_at: datetime | None,
    result: CheckResult,
    now: datetime,
    *,
    confirm_after: timedelta = CONFIRM_AFTER,
) -> HealthUpdate:
    """Fold one check into a resource's kept health.

    A failure only shows once it is confirmed: two failing checks in a row, the first at
    least ``confirm_after`` (24 h) before ``now``. Until then the health stays as it was.
    A confirmed not-found (404, 410, NXDOMAIN) becomes ``broken``; other failures keep
    their kind (``timeout`` ...). Success resets the count; ``blocked`` is shown at once
    and leaves the count alone, since it says nothing about the page.

    Returns
    -------
    HealthUpdate
        ``(health, consecutive_failures, first_failure_at)`` to store.

    Examples
    --------
    >>> day1 = datetime(2025, 1, 1, tzinfo=UTC)
    >>> gone = CheckResult(1, "https://x.org/a", LinkHealth.BROKEN, 404, None, 30, "HTTP 404",
    ...                    day1, 1, not_found=True)
    >>> first = next_health("ok", 0, None, gone, day1)
    >>> str(first.health), first.consecutive_failures, first.first_failure_at == day1
    ('ok', 1, True)
    >>> str(next_health(*first, gone, day1 + timedelta(hours=24)).health)
    'broken'
    """
    previous = LinkHealth(previous_health) if previous_health else LinkHealth.UNKNOWN
    if result.status in (LinkHealth.OK, LinkHealth.REDIRECTED):
        return HealthUpdate(result.status, 0, None)
    if result.status not in FAILING:  # blocked, or the checker could not tell
        health = LinkHealth.BLOCKED if result.status is LinkHealth.BLOCKED else previous
        return HealthUpdate(health, previous_consecutive_failures, first_failure_at)
    failures = previous_consecutive_failures + 1
    first = first_failure_at or now
    if failures >= 2 and now - first >= confirm_after:
        return HealthUpdate(
            LinkHealth.BROKEN if result.not_found else result.status, failures, first
        )
    return HealthUpdate(previous, failures, first)


def outage_reason(
    results: Iterable[CheckResult], threshold: float = 0.5, *, min_hosts: int = 3
) -> str | None:
    """Say why a run is inconclusive, or None if it can be trusted.

    A host is unreachable when every one of its checks failed at the network level
    (DNS, connection, timeout). If more than ``threshold`` of the distinct hosts were
    unreachable, the fault is more likely ours than theirs. With fewer than
    ``min_hosts`` hosts nothing can be told apart, and the 24-hour confirmation in
    ``next_health`` already guards a small run.

    Examples
    --------
    >>> now = datetime(2025, 1, 1, tzinfo=UTC)
    >>> down = [CheckResult(i, f"https://h{i}.org/", LinkHealth.DNS_ERROR, None, None, None,
    ...                     "lookup failed", now, 1) for i in range(12)]
    >>> outage_reason(down)
    'inconclusive — no network: 12 of 12 hosts unreachable'
    """
    unreachable: dict[str, bool] = {}
    for result in results:
        if result.refused or result.status is LinkHealth.UNKNOWN:
            continue  # we never tried the network for these
        host = _host_key(result.url)
        down = result.status in UNREACHABLE
        unreachable[host] = unreachable.get(host, True) and down
    hosts, down = len(unreachable), sum(unreachable.values())
    if hosts < min_hosts or down <= threshold * hosts:
        return None
    return f"inconclusive — no network: {down} of {hosts} hosts unreachable"


def is_outage(
    results: Iterable[CheckResult], threshold: float = 0.5, *, min_hosts: int = 3
) -> bool:
    """Tell whether most distinct hosts of a run were unreachable; see ``outage_reason``."""
    return outage_reason(results, threshold, min_hosts=min_hosts) is not None


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Read a Retry-After header (seconds or an HTTP date) as seconds from ``now``.

    Examples
    --------
    >>> now = datetime(2025, 1, 1, tzinfo=UTC)
    >>> parse_retry_after("120", now), parse_retry_after("Wed, 01 Jan 2025 00:00:30 GMT", now)
    (120.0, 30.0)
    >>> parse_retry_after("soon", now) is None
    True
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def is_bot_challenge(headers: Mapping[str, str], body: bytes = b"") -> bool:
    """Tell whether a response is a bot-challenge page rather than the resource.

    Only strong markers count, so an article that merely mentions captchas is not one.

    Examples
    --------
    >>> is_bot_challenge({"cf-mitigated": "challenge"})
    True
    >>> is_bot_challenge({}, b"<html><title>Just a moment...</title>")
    True
    >>> is_bot_challenge({}, b"<title>CAPTCHA - Wikipedia</title><p>A captcha is a test</p>")
    False
    """
    if headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    if any(marker in body.lower() for marker in _CHALLENGE_MARKERS):
        return True
    if match := _TITLE.search(body):
        title = match.group(1).decode("utf-8", "replace").strip().lower()
        return title == "captcha" or title.startswith(_CHALLENGE_TITLE_STARTS)
    return False


def classify_status(
    http_status: int, *, challenge: bool = False, moved: bool = False
) -> LinkHealth:
    """Classify the final HTTP answer of a check.

    Examples
    --------
    >>> [str(classify_status(s)) for s in (200, 404, 429, 500)]
    ['ok', 'broken', 'blocked', 'broken']
    >>> str(classify_status(200, moved=True)), str(classify_status(200, challenge=True))
    ('redirected', 'blocked')
    """
    if challenge or http_status in BLOCKING:
        return LinkHealth.BLOCKED
    if 200 <= http_status < 300:
        return LinkHealth.REDIRECTED if moved else LinkHealth.OK
    return LinkHealth.BROKEN


async def check_links(
    targets: Iterable[tuple[Hashable, str]],
    *,
    config: CheckConfig | None = None,
    on_result: Callable[[CheckResult], Awaitable[None] | None] | None = None,
    resolver: Resolver | None = None,
) -> RunReport:
    """Check many URLs concurrently, within the politeness limits of ``config``.

    Parameters
    ----------
    targets
        ``(resource_id, url)`` pairs; ids come back untouched in the results.
    config
        Limits and timeouts; ``CheckConfig()`` by default.
    on_result
        Called (or awaited) with each result as it finishes, e.g. to move a progress bar.
        An exception it raises stops the run and comes out in an ``ExceptionGroup``.
    resolver
        ``host -> [ip, ...]``, plain or async, for tests and benchmarks; the system
        resolver by default.

    Returns
    -------
    RunReport
        Results in input order; ``inconclusive`` when most hosts were unreachable.
    """
    config = config or CheckConfig()
    targets = list(targets)
    started_at = datetime.now(UTC)
    results: list[CheckResult | None] = [None] * len(targets)
    # One queue and at most ``per_host`` workers per host: a host with many URLs
    # then waits on its own spacing instead of holding the global slots.
    queues: dict[str, deque[int]] = {}
    for index, (_, url) in enumerate(targets):
        queues.setdefault(_host_key(url), deque()).append(index)

    async with _Checker(config, resolver) as checker:

        async def work(queue: deque[int]) -> None:
            while queue:
                index = queue.popleft()
                result = await checker.check(*targets[index])
                results[index] = result
                if on_result is not None and inspect.isawaitable(answer := on_result(result)):
                    await answer

        async with asyncio.TaskGroup() as group:
            for queue in queues.values():
                for _ in range(min(config.per_host, len(queue))):
                    group.create_task(work(queue))

    done = tuple(r for r in results if r is not None)
    reason = outage_reason(done) or ""
    return RunReport(done, started_at, datetime.now(UTC), bool(reason), reason)


def run_checks(
    targets: Iterable[tuple[Hashable, str]],
    *,
    config: CheckConfig | None = None,
    on_result: Callable[[CheckResult], Awaitable[None] | None] | None = None,
    resolver: Resolver | None = None,
) -> RunReport:
    """Run ``check_links`` from synchronous code (a management command, a Celery task).

    Takes the same arguments; must not be called from inside a running event loop.

    Examples
    --------
    >>> def offline(host):
    ...     raise OSError("no route to the resolver")
    >>> report = run_checks([(42, "https://docs.python.org/3/")], resolver=offline)
    >>> result = report.results[0]
    >>> result.resource_id, str(result.status), result.not_found, result.attempts
    (42, 'dns-error', False, 1)
    >>> result.error
    'DNS lookup of docs.python.org failed (no route to the resolver)'
    """
    return asyncio.run(check_links(targets, config=config, on_result=on_result, resolver=resolver))


def _host_key(url: str) -> str:
    try:
        return httpx.URL(url).raw_host.decode("ascii").lower()
    except (httpx.InvalidURL, UnicodeError):
        return ""


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


class _Checker:
    """One run's HTTP client, politeness state and per-URL logic."""

    def __init__(self, config: CheckConfig, resolver: Resolver | None):
        self.config = config
        self.own_resolver = None
        if resolver is None:
            self.own_resolver = SystemResolver(config.concurrency, config.connect_timeout)
        self.resolver = resolver or self.own_resolver
        # The system resolver times each lookup itself, from when it really starts.
        self.dns_timeout = config.connect_timeout if resolver else None
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

    async def __aenter__(self) -> _Checker:
        return self

    async def __aexit__(self, *exc_info) -> None:
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
                    resolver=self.resolver,
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
