"""Background link checks: nightly, fanned out in chunks that keep each host together.

``check_due_links`` (beat, nightly) selects the resources due for a check and enqueues
one ``check_link_chunk`` per ~200 URLs, with ``delay_on_commit``. Every URL of a host
goes to the same chunk, so the checker's per-host limits (two requests in flight, a
second apart) hold although chunks run side by side on several workers; only redirects
into a shared host can meet across chunks.

A chunk is one run of the checker, with its own outage guard (see
``roadmap.links.store``). It is idempotent: it claims its resources and checks only those
still due at the night's clock, so a retry, or a second delivery of the late-acked task,
checks nothing twice and never two workers one resource at once. It gives the network
part a time budget below its soft time limit: a chunk slowed by timing-out hosts records
what it checked, and the rest stays due for the next night.
"""

import logging
from datetime import datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from roadmap.links import store
from roadmap.links.check import chunk_by_host

logger = logging.getLogger(__name__)

CHUNK_URLS = 200
CHUNK_SOFT_LIMIT = 15 * 60
CHUNK_HARD_LIMIT = 20 * 60
# The checks stop here, leaving three minutes to record them before the soft limit.
CHUNK_TIME_BUDGET = 12 * 60

# A lost or locked database is worth retrying; a network failure is a check result.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)

_RETRYING = {
    "acks_late": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


# Names kept from before the move to roadmap.links, so messages queued by an older release still run.
@shared_task(name="roadmap.tasks.check_due_links", soft_time_limit=60, time_limit=90, **_RETRYING)
def check_due_links(at: str | None = None) -> int:
    """Nightly: check every resource that is due, in chunks grouped by host. Returns the
    chunk count."""
    now = datetime.fromisoformat(at) if at else timezone.now()
    if closed := store.close_abandoned_runs(now=timezone.now()):
        logger.warning("link checks: closed %d run(s) whose worker was killed", closed)
    due = store.resources_due_for_check(now=now).values_list("id", "url")
    chunks = chunk_by_host(due, size=CHUNK_URLS)
    for chunk in chunks:
        check_link_chunk.delay_on_commit(chunk, now.isoformat())
    logger.info("link checks: %d due resources in %d chunks", sum(map(len, chunks)), len(chunks))
    return len(chunks)


@shared_task(
    name="roadmap.tasks.check_link_chunk", soft_time_limit=CHUNK_SOFT_LIMIT, time_limit=CHUNK_HARD_LIMIT, **_RETRYING
)
def check_link_chunk(resource_ids: list[int], at: str | None = None) -> int:
    """Check one chunk of resources (all of each host's); returns how many were checked."""
    now = datetime.fromisoformat(at) if at else timezone.now()
    run = store.check_resources(
        ids=resource_ids,
        trigger="schedule",
        now=now,
        only_due=True,
        time_budget=CHUNK_TIME_BUDGET,
    )
    if run is not None and run.reason:  # nobody watches a worker: say it in its log
        logger.warning("link check run %s: %s", run.pk, run.reason)
    return run.checked if run else 0
