"""Link health of the roadmap's resources: which are due, who checks them, what is kept.

The checker (``roadmap.links.check``) knows nothing of Django. This module feeds it
resources and writes its results back, and is what the nightly task, the
``check_links`` command and the admin's "Check now" all call:

* ``resources_due_for_check`` — the due rules below;
* ``claim_resources`` — a lease per resource, so two workers never check it at once;
* ``check_resources`` — claim, check, record, release;
* ``record_run`` — one ``LinkCheck`` row per result, and each resource's health moved on
  by ``next_health``, in one transaction;
* ``adopt_suggested_url`` — the one-click fix for a permanent redirect;
* ``run_summary`` — what a run found, for the command and the admin.

Due rules. A resource with a URL is due when it was never checked, or when its last
check is a day old — a week for a ``broken`` one: a dead page seldom comes back, and a
week still notices one that does. ``blocked``, ``timeout`` and the other failures are
asked again daily, since they are often passing. "A day" is 23 hours: the nightly run
starts within minutes of the same time each night, and with a strict 24 hours every
resource checked a few seconds later the night before would wait a second night. The
same slack applies to confirming a failure (``next_health``'s 24 hours become 23), so
a page that is gone two nights running is broken on the second morning.

Clocks. A run has one clock, ``now``. The nightly task hands the time it started to
every chunk, so ``health_checked_at`` and a failure's confirmation count from night to
night however long a chunk waited in the queue (a ``LinkCheck`` row keeps the moment
of its request). Claims use the wall clock: they are about who holds a resource now.

The outage guard judges one run, and a nightly chunk is one run that sees only its own
hosts. Below ``OUTAGE_MIN_HOSTS`` hosts it does not judge: in a small run a few dead
sites can be a majority, and since chunks are cut the same way each night, such a run
would be thrown away night after night. A small run is still safe without it, because a
failure only shows once a second check a day later confirms it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from roadmap import editing
from roadmap.links.check import CheckConfig, CheckResult, RunReport, host_key, next_health, run_checks
from roadmap.links.guard import Resolver
from roadmap.models import LinkCheck, LinkCheckRun, LinkHealth, Resource
from roadmap.services import bump_graph_version

_SLACK = timedelta(hours=1)  # how much earlier than last night tonight's run may start
RECHECK_AFTER = timedelta(days=1) - _SLACK
RECHECK_BROKEN_AFTER = timedelta(days=7) - _SLACK
CONFIRM_AFTER = timedelta(days=1) - _SLACK
# Long enough to outlive a run that is killed at its time limit, so a claim only ever
# lapses once nobody works on it; a run that ends, however it ends, releases its claims.
CLAIM_MARGIN = timedelta(minutes=15)
UNBUDGETED_LEASE = timedelta(hours=6)
OUTAGE_MIN_HOSTS = 10

_URL_LENGTH = Resource._meta.get_field("suggested_url").max_length
_FINAL_URL_LENGTH = LinkCheck._meta.get_field("final_url").max_length
_ERROR_LENGTH = LinkCheck._meta.get_field("error").max_length


def check_config(**overrides) -> CheckConfig:
    """The checker's settings: the defaults, the allow-list from settings, our outage rule."""
    options = {
        "allow_networks": tuple(settings.LINKCHECK_ALLOW_NETWORKS),
        "outage_min_hosts": OUTAGE_MIN_HOSTS,
    }
    return CheckConfig(**(options | overrides))


def resources_due_for_check(*, now: datetime, limit: int | None = None) -> QuerySet[Resource]:
    """Resources with a URL that are due for a check at ``now``, the longest unchecked first.

    Never checked, checked ``RECHECK_AFTER`` ago (about a day), or broken and checked
    ``RECHECK_BROKEN_AFTER`` ago (about a week). Claims are not looked at here:
    ``claim_resources`` decides who checks what.
    """
    due = Resource.objects.exclude(url="").filter(
        Q(health_checked_at__isnull=True)
        | (~Q(health=LinkHealth.BROKEN) & Q(health_checked_at__lte=now - RECHECK_AFTER))
        | Q(health=LinkHealth.BROKEN, health_checked_at__lte=now - RECHECK_BROKEN_AFTER)
    )
    due = due.order_by(F("health_checked_at").asc(nulls_first=True), "id")
    return due[:limit] if limit is not None else due


def claim_resources(*, ids: Iterable[int], now: datetime, lease: timedelta) -> list[int]:
    """Claim resources for a check until ``now + lease``; returns the ids claimed.

    A resource is claimed by a conditional update on its lease being free or lapsed, so of
    two workers asking at once exactly one gets it (the database serialises the two
    updates of the row, and the second finds the condition false).
    """
    until = now + lease
    free = Q(check_claimed_until__isnull=True) | Q(check_claimed_until__lte=now)
    claimed = []
    with transaction.atomic():  # one commit for the chunk, not one per row
        # In id order, so two overlapping claims lock rows in the same order: no deadlock.
        for resource_id in sorted(set(ids)):
            if Resource.objects.filter(free, id=resource_id).update(check_claimed_until=until):
                claimed.append(resource_id)
    return claimed


def release_claims(*, ids: Iterable[int], until: datetime) -> None:
    """Release claims taken until ``until``; a claim someone else took since is kept."""
    Resource.objects.filter(id__in=list(ids), check_claimed_until=until).update(
        check_claimed_until=None
    )


def check_resources(
    *,
    ids: Iterable[int],
    trigger: str,
    now: datetime | None = None,
    only_due: bool = False,
    on_result: Callable[[CheckResult], object] | None = None,
    resolver: Resolver | None = None,
    config: CheckConfig | None = None,
    time_budget: float | None = None,
) -> LinkCheckRun | None:
    """Check these resources' links now and record what was found; None if nothing to check.

    Resources without a URL, and those another run holds, are left out; with
    ``only_due``, so are those not due at ``now`` — a task delivered twice then checks
    nothing the second time. ``now`` is the run's clock (the wall clock by default).
    ``on_result`` and ``resolver`` go to the checker (a progress bar; tests).
    ``time_budget`` bounds the network part, in seconds: what is unchecked when it runs
    out keeps its health and stays due. Takes no transaction while it waits on the
    network: call it outside one.
    """
    now = now or timezone.now()
    claimed_at = timezone.now()
    lease = timedelta(seconds=time_budget) + CLAIM_MARGIN if time_budget else UNBUDGETED_LEASE
    until = claimed_at + lease
    claimed = claim_resources(ids=ids, now=claimed_at, lease=lease)
    try:
        targets = Resource.objects.filter(id__in=claimed).exclude(url="")
        if only_due:
            targets = targets & resources_due_for_check(now=now)
        targets = list(targets.order_by("id").values_list("id", "url"))
        if not targets:
            return None
        run = LinkCheckRun.objects.create(started_at=timezone.now(), trigger=trigger, claimed_until=until)
        try:
            report = run_checks(
                targets,
                config=config or check_config(),
                on_result=on_result,
                resolver=resolver,
                time_budget=time_budget,
            )
        except BaseException as exc:  # interrupted, or a time limit: say so in the history
            _mark_stopped(run, exc)
            raise
        return record_run(report=report, run=run, now=now, claimed_until=until)
    finally:
        release_claims(ids=claimed, until=until)


@transaction.atomic
def record_run(
    *, report: RunReport, run: LinkCheckRun, now: datetime, claimed_until: datetime | None = None
) -> LinkCheckRun:
    """Store a run's results and move each checked resource's health on.

    Every result becomes a ``LinkCheck`` row, the history curators read. Each resource
    then gets ``next_health`` of its result — unless the run is inconclusive (our own
    network was down: nothing about any resource changes, and they stay due), or a
    curator changed the URL while it was checked (the result is about the old one).
    Claims taken until ``claimed_until`` are released. The graph version, which caches
    every resource's health, moves once if any health changed.
    """
    resources = Resource.objects.in_bulk([result.resource_id for result in report.results])
    history, health_changed = [], False
    for result in report.results:
        resource = resources.get(result.resource_id)
        if resource is None:
            continue  # deleted while it was being checked
        history.append(_history_row(result, run))
        if report.inconclusive or resource.url != result.url:
            continue
        update = next_health(
            resource.health,
            resource.consecutive_failures,
            resource.first_failure_at,
            result,
            now,
            confirm_after=CONFIRM_AFTER,
        )
        # Conditional on the URL: a curator's new URL since our read wins over our result.
        written = Resource.objects.filter(id=resource.id, url=result.url).update(
            health=update.health,
            consecutive_failures=update.consecutive_failures,
            first_failure_at=update.first_failure_at,
            health_checked_at=now,
            suggested_url=_suggestion(result, update.health, resource.suggested_url),
        )
        health_changed |= bool(written) and update.health != resource.health
    LinkCheck.objects.bulk_create(history)
    if claimed_until is not None:
        release_claims(ids=resources, until=claimed_until)
    run.finished_at = report.finished_at
    run.checked = len(history)
    run.inconclusive = report.inconclusive
    run.reason = _reason(report)
    run.save(update_fields=["finished_at", "checked", "inconclusive", "reason"])
    if health_changed:
        bump_graph_version()  # QuerySet.update sends no signals
    return run


def adopt_suggested_url(*, resource: Resource) -> Resource:
    """Move a permanently redirected resource to the URL it redirects to.

    Its health starts again from ``unknown`` (the new URL has not been checked), so the
    next nightly run checks it.

    Raises
    ------
    ValidationError
        When the resource has no new URL to adopt.
    """
    new_url = resource.suggested_url
    if not new_url or new_url == resource.url:
        raise ValidationError(
            f"{resource.slug} has no new URL to adopt: its link has not moved permanently",
            code="no_suggested_url",
        )
    return editing.resource_update(resource=resource, url=new_url)


@dataclass(frozen=True)
class ResourceFinding:
    """A resource a run found broken or moved, as the command and the admin list it."""

    resource_id: int
    title: str
    url: str
    health: str
    suggested_url: str = ""
    error: str = ""


@dataclass(frozen=True)
class RunSummary:
    """What one run found: results per status, and the resources a curator should see."""

    run: LinkCheckRun
    counts: dict[str, int]
    hosts: int
    broken: list[ResourceFinding] = field(default_factory=list)
    moved: list[ResourceFinding] = field(default_factory=list)

    @property
    def checked(self) -> int:
        return sum(self.counts.values())

    def sentence(self) -> str:
        """One line for an admin message, e.g. "Checked 3 links: 2 ok, 1 redirected. 1 moved
        permanently: adopt the new URL."."""
        parts = ", ".join(f"{count} {status}" for status, count in self.counts.items())
        text = f"Checked {self.checked} link{'s' * (self.checked != 1)}: {parts}."
        if self.run.inconclusive:
            return f"{text} {self.run.reason}; nothing changed."
        if self.moved:
            text += f" {len(self.moved)} moved permanently: adopt the new URL."
        if unconfirmed := sum(1 for f in self.broken if f.health != LinkHealth.BROKEN):
            text += (
                f" {unconfirmed} broken not confirmed yet: shown once a check a day later agrees."
            )
        if self.run.reason:  # a conclusive run's only reason: its time budget ran out
            text += f" {self.run.reason[0].upper()}{self.run.reason[1:]}."
        return text


def run_summary(*, run: LinkCheckRun) -> RunSummary:
    """Summarise a recorded run from its ``LinkCheck`` rows (one query)."""
    checks = list(run.checks.select_related("resource").order_by("resource__title", "id"))
    tally = Counter(check.status for check in checks)
    counts = {status: tally[status] for status in LinkHealth.values if tally[status]}
    broken, moved = [], []
    for check in checks:
        resource = check.resource
        if check.status == LinkHealth.BROKEN:
            finding = ResourceFinding(
                resource.id, resource.title, check.url, resource.health, error=check.error
            )
            broken.append(finding)
        elif check.status == LinkHealth.REDIRECTED:
            suggested = resource.suggested_url or check.final_url
            moved.append(
                ResourceFinding(resource.id, resource.title, check.url, resource.health, suggested)
            )
    hosts = len({host_key(check.url) for check in checks})
    return RunSummary(run, counts, hosts, broken, moved)


def _history_row(result: CheckResult, run: LinkCheckRun) -> LinkCheck:
    return LinkCheck(
        resource_id=result.resource_id,
        run=run,
        url=result.url,
        status=result.status,
        http_status=result.http_status,
        final_url=_clip(result.final_url or "", _FINAL_URL_LENGTH),
        latency_ms=result.latency_ms,
        error=_clip(result.error, _ERROR_LENGTH),
        attempts=result.attempts,
        checked_at=result.checked_at,
    )


def _suggestion(result: CheckResult, health: str, kept: str) -> str:
    """The URL to offer for adoption after this result: only while the health is redirected."""
    if health != LinkHealth.REDIRECTED:
        return ""
    if result.status != LinkHealth.REDIRECTED:
        return kept  # a failure not yet confirmed keeps the health, and the offer with it
    suggested = result.suggested_url or ""
    # A URL too long to store could not be adopted either.
    return suggested if len(suggested) <= _URL_LENGTH else ""


def _reason(report: RunReport) -> str:
    reasons = [report.reason] if report.reason else []
    if report.unchecked:
        total = len(report.results) + len(report.unchecked)
        reasons.append(
            f"stopped at the time budget: {len(report.unchecked)} of {total} links not checked"
        )
    return _clip("; ".join(reasons), LinkCheckRun._meta.get_field("reason").max_length)


def close_abandoned_runs(*, now: datetime) -> int:
    """Close the runs whose worker was killed (SIGKILL, a lost machine): unfinished after
    their claims lapsed. Nothing of them was recorded, so their resources kept their health
    and stay due; with the claims lapsed, the next run checks them. Returns how many."""
    return LinkCheckRun.objects.filter(finished_at=None, claimed_until__lt=now).update(
        finished_at=now,
        inconclusive=True,
        reason="stopped before anything was recorded (its worker was killed); its links are checked again",
    )


def _mark_stopped(run: LinkCheckRun, exc: BaseException) -> None:
    reason = f"stopped before anything was recorded ({type(exc).__name__}); nothing changed"
    LinkCheckRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(), inconclusive=True, reason=reason
    )


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
