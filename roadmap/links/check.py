"""Check that resources' URLs still answer — politely, safely, and without crying wolf.

Plain values in, plain values out: ``check_links`` takes ``[(resource_id, url), ...]``
and returns a ``RunReport`` of ``CheckResult`` values; nothing here knows Django. The
Django side, ``roadmap.links.store``, stores each result, folds it into a resource's
health with ``next_health`` and changes nothing when ``RunReport.inconclusive`` says
our own network was down.

How one URL is checked: ``HEAD`` first, ``GET`` when a server rejects ``HEAD`` (400,
403, 405, 501); a ``GET`` reads at most 64 KiB, enough to spot a bot-challenge page.
Redirects are followed by hand so that every hop passes the SSRF guard in
``roadmap.links.guard``, and the request goes to the very address the guard checked. The
checker keeps at most two requests in flight per host, starts them at least a second
apart, and retries timeouts, 5xx, 408 and 429 with jittered backoff, honouring
Retry-After.

An SSRF refusal is reported as ``connection-error`` with ``refused=True`` and an error
such as "refused: 127.0.0.1 is a loopback address", so the stored health keeps to the
values of ``LinkHealth``.

The checker is three modules, one per sub-domain, and this one is their front door
(every public name is importable from here):

* ``roadmap.links.rules`` — the pure rules: ``LinkHealth``, ``CheckResult``,
  ``RunReport``, ``next_health``, the outage guard, reading an HTTP answer;
* ``roadmap.links.fetch`` — one URL over HTTP: redirects through the guard, per-host
  politeness, retries;
* ``roadmap.links.check`` — a run of many URLs: ``CheckConfig``, ``check_links`` and
  ``run_checks``.
"""

from __future__ import annotations

import asyncio
import inspect
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Iterable
from datetime import UTC, datetime

from roadmap.links.config import USER_AGENT, CheckConfig, InvalidCheckConfig
from roadmap.links.fetch import Checker
from roadmap.links.guard import Resolver
from roadmap.links.rules import (
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

__all__ = [
    "BLOCKING", "CONFIRM_AFTER", "FAILING", "NOT_FOUND", "UNREACHABLE", "USER_AGENT",
    "CheckConfig", "CheckResult", "HealthUpdate", "InvalidCheckConfig", "LinkHealth",
    "RunReport", "check_links", "chunk_by_host", "classify_status", "host_key",
    "is_bot_challenge", "is_outage", "next_health", "outage_reason", "parse_retry_after",
    "run_checks",
]  # fmt: skip


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
