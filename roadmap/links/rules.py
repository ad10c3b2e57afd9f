"""The rules of link health: what a check found, and when a resource's kept health changes.

Plain values and pure functions, no I/O and no Django: ``CheckResult`` and ``RunReport``
are what ``roadmap.links.check`` (the HTTP machinery) produces; ``next_health`` folds one
result into a resource's kept health; ``outage_reason`` tells a run that cannot be
trusted because our own network was down; ``classify_status``, ``is_bot_challenge`` and
``parse_retry_after`` read an HTTP answer; ``chunk_by_host`` splits a big run into
pieces that keep every host's URLs together. ``roadmap.links.store`` stores it all.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

import httpx

CONFIRM_AFTER = timedelta(hours=24)

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
    """All results of a run, in input order, and whether the run can be trusted.

    ``unchecked`` holds the ids whose check had not finished when the run's time
    budget ran out; they have no result.
    """

    results: tuple[CheckResult, ...]
    started_at: datetime
    finished_at: datetime
    inconclusive: bool = False
    reason: str = ""
    unchecked: tuple[Hashable, ...] = ()

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
        host = host_key(result.url)
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


def host_key(url: str) -> str:
    """The host a URL's requests go to, as politeness and the outage guard count hosts.

    Examples
    --------
    >>> host_key("https://Docs.Python.org:443/3/"), host_key("https://bücher.example/")
    ('docs.python.org', 'xn--bcher-kva.example')
    >>> host_key("not a url")
    ''
    """
    try:
        return httpx.URL(url).raw_host.decode("ascii").lower()
    except (httpx.InvalidURL, UnicodeError):
        return ""


def chunk_by_host(targets: Iterable[tuple[Hashable, str]], size: int = 200) -> list[list[Hashable]]:
    """Split ``(id, url)`` pairs into chunks of about ``size`` ids, keeping hosts whole.

    Every URL of a host lands in the same chunk, so the per-host limits of one run
    hold when chunks run side by side in different processes. A host with more than
    ``size`` URLs gets a chunk of its own, however big. Hosts are packed largest first
    into the first chunk with room (first-fit decreasing), so chunks come out few and
    full; ids keep their input order within a host.

    Examples
    --------
    >>> targets = [(1, "https://a.org/1"), (2, "https://b.org/1"), (3, "https://a.org/2"),
    ...            (4, "https://c.org/1"), (5, "https://a.org/3")]
    >>> chunk_by_host(targets, size=4)
    [[1, 3, 5, 2], [4]]
    >>> chunk_by_host(targets, size=2)
    [[1, 3, 5], [2, 4]]
    """
    if size < 1:
        raise ValueError(f"size must be at least 1, not {size}")
    hosts: dict[str, list[Hashable]] = {}
    for target_id, url in targets:
        hosts.setdefault(host_key(url), []).append(target_id)
    chunks: list[list[Hashable]] = []
    for ids in sorted(hosts.values(), key=len, reverse=True):  # stable: ties keep input order
        room = next((chunk for chunk in chunks if len(chunk) + len(ids) <= size), None)
        if room is None:
            chunks.append(list(ids))
        else:
            room.extend(ids)
    return chunks
