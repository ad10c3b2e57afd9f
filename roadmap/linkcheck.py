"""Check that resources' URLs still answer — politely, safely, and without crying wolf.

Plain values in, plain values out: ``check_links`` takes ``[(resource_id, url), ...]``
and returns a ``RunReport`` of ``CheckResult`` values; nothing here knows Django. The
Django side, ``roadmap.link_health``, stores each result, folds it into a resource's
health with ``next_health`` and changes nothing when ``RunReport.inconclusive`` says
our own network was down.

How one URL is checked: ``HEAD`` first, ``GET`` when a server rejects ``HEAD`` (400,
403, 405, 501); a ``GET`` reads at most 64 KiB, enough to spot a bot-challenge page.
Redirects are followed by hand so that every hop passes the SSRF guard in
``roadmap.netguard``, and the request goes to the very address the guard checked. The
checker keeps at most two requests in flight per host, starts them at least a second
apart, and retries timeouts, 5xx, 408 and 429 with jittered backoff, honouring
Retry-After.

An SSRF refusal is reported as ``connection-error`` with ``refused=True`` and an error
such as "refused: 127.0.0.1 is a loopback address", so the stored health keeps to the
values of ``LinkHealth``.

The checker is three modules, one per sub-domain, and this one is their front door
(every public name is importable from here):

* ``roadmap.linkhealth`` — the pure rules: ``LinkHealth``, ``CheckResult``,
  ``RunReport``, ``next_health``, the outage guard, reading an HTTP answer;
* ``roadmap.linkfetch`` — one URL over HTTP: redirects through the guard, per-host
  politeness, retries;
* ``roadmap.linkcheck`` — a run of many URLs: ``CheckConfig``, ``check_links`` and
  ``run_checks``.
"""

from __future__ import annotations

import asyncio
import inspect
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from roadmap.linkfetch import Checker
from roadmap.linkhealth import (
    BLOCKING,
    CONFIRM_AFTER,
    FAILING,
    NOT_FOUND,
    UNREACHABLE,
    CheckResult,
    HealthUpdate,
    LinkHealth,
    RunReport,
    chunk_by_host,
    classify_status,
    host_key,
    is_bot_challenge,
    is_outage,
    next_health,
    outage_reason,
    parse_retry_after,
)
from roadmap.netguard import Resolver, parse_networks

__all__ = [
    "BLOCKING", "CONFIRM_AFTER", "FAILING", "NOT_FOUND", "UNREACHABLE", "USER_AGENT",
    "CheckConfig", "CheckResult", "HealthUpdate", "InvalidCheckConfig", "LinkHealth",
    "RunReport", "check_links", "chunk_by_host", "classify_status", "host_key",
    "is_bot_challenge", "is_outage", "next_health", "outage_reason", "parse_retry_after",
    "run_checks",
]  # fmt: skip


USER_AGENT = "Pathwise-ResourceCheck/1.0 (+https://github.com/pathwise-learning/pathwise)"


class InvalidCheckConfig(ValueError):
    """A ``CheckConfig`` value that cannot work, named in the message."""


@dataclass(frozen=True)
class CheckConfig:
    """How hard, how fast and where the checker may go. Tests shrink the numbers.

    Timeouts and intervals are in seconds. ``allow_networks`` (CIDRs) opens private
    ranges, for tests only; addresses in it may also use any port, others only
    ``allowed_ports``. ``ca_file`` adds trusted certificates to the usual ones (a test
    CA, or a company's TLS proxy); verification itself is never off. A run is
    inconclusive when more than ``outage_threshold`` of its hosts, and at least
    ``outage_min_hosts`` hosts, were unreachable (see ``outage_reason``).
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
    outage_threshold: float = 0.5
    outage_min_hosts: int = 3

    def __post_init__(self):
        for name in ("connect_timeout", "total_timeout", "concurrency", "per_host"):
            if getattr(self, name) <= 0:
                raise InvalidCheckConfig(f"{name} must be positive, not {getattr(self, name)}")
        if self.max_attempts < 1:
            raise InvalidCheckConfig(f"max_attempts must be at least 1, not {self.max_attempts}")
        if self.outage_min_hosts < 1:
            raise InvalidCheckConfig(
                f"outage_min_hosts must be at least 1, not {self.outage_min_hosts}"
            )
        if not 0 <= self.outage_threshold < 1:
            raise InvalidCheckConfig(
                f"outage_threshold must be at least 0 and below 1, not {self.outage_threshold}"
            )
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


async def check_links(
    targets: Iterable[tuple[Hashable, str]],
    *,
    config: CheckConfig | None = None,
    on_result: Callable[[CheckResult], Awaitable[None] | None] | None = None,
    resolver: Resolver | None = None,
    time_budget: float | None = None,
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
    time_budget
        Seconds the whole run may take. When they run out, checks still going are
        cancelled and left out of the results; their ids are ``RunReport.unchecked``.
        A Celery task sets it below its time limit, so what was checked is kept.

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
        queues.setdefault(host_key(url), deque()).append(index)

    async with Checker(config, resolver) as checker:

        async def work(queue: deque[int]) -> None:
            while queue:
                index = queue.popleft()
                result = await checker.check(*targets[index])
                results[index] = result
                if on_result is not None and inspect.isawaitable(answer := on_result(result)):
                    await answer

        try:
            async with asyncio.timeout(time_budget), asyncio.TaskGroup() as group:
                for queue in queues.values():
                    for _ in range(min(config.per_host, len(queue))):
                        group.create_task(work(queue))
        except TimeoutError:
            # Only the budget raises it here: a task's own errors come as an ExceptionGroup.
            pass

    done = tuple(r for r in results if r is not None)
    unchecked = tuple(targets[i][0] for i, r in enumerate(results) if r is None)
    reason = outage_reason(done, config.outage_threshold, min_hosts=config.outage_min_hosts) or ""
    return RunReport(done, started_at, datetime.now(UTC), bool(reason), reason, unchecked)


def run_checks(
    targets: Iterable[tuple[Hashable, str]],
    *,
    config: CheckConfig | None = None,
    on_result: Callable[[CheckResult], Awaitable[None] | None] | None = None,
    resolver: Resolver | None = None,
    time_budget: float | None = None,
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
    return asyncio.run(
        check_links(
            targets, config=config, on_result=on_result, resolver=resolver, time_budget=time_budget
        )
    )
