"""The nightly link check: fan-out by host, idempotent chunks, retries, the beat entry."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import OperationalError

from config.celery import app
from roadmap.links import store, tasks
from roadmap.links.check import host_key
from roadmap.models import LinkCheck, LinkCheckRun, LinkHealth, Resource
from tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db

NIGHT = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)




@pytest.fixture
def enqueued(monkeypatch):
    """The chunks the nightly task hands to workers, instead of running them."""
    calls = []
    monkeypatch.setattr(tasks.check_link_chunk, "delay_on_commit", lambda *args: calls.append(args))
    return calls


def test_the_nightly_task_sends_each_host_whole_to_one_chunk(enqueued, monkeypatch):
    monkeypatch.setattr(tasks, "CHUNK_URLS", 4)
    for host, urls in {"arxiv.org": 5, "d2l.ai": 2, "github.com": 2, "numpy.org": 1}.items():
        for n in range(urls):
            ResourceFactory(url=f"https://{host}/{n}")
    ResourceFactory(url="https://d2l.ai/fresh", health="ok", health_checked_at=NIGHT)

    chunk_count = tasks.check_due_links(NIGHT.isoformat())

    assert chunk_count == len(enqueued) == 3
    urls = dict(Resource.objects.values_list("id", "url"))
    chunks = [[host_key(urls[i]) for i in ids] for ids, at in enqueued]
    assert chunks == [
        ["arxiv.org"] * 5,  # bigger than a chunk: all of it in one
        ["d2l.ai", "d2l.ai", "github.com", "github.com"],
        ["numpy.org"],
    ]
    assert {at for _, at in enqueued} == {NIGHT.isoformat()}  # one clock for the night


def test_nothing_due_means_nothing_enqueued(enqueued):
    ResourceFactory(url="https://d2l.ai/", health="ok", health_checked_at=NIGHT)

    assert tasks.check_due_links(NIGHT.isoformat()) == 0
    assert enqueued == []


def test_a_night_end_to_end_checks_and_records_every_due_resource(
    site, django_capture_on_commit_callbacks
):
    fine = ResourceFactory(url=site.url("/ok"))
    gone = ResourceFactory(url=site.url("/gone-404"), health="ok")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tasks.check_due_links.delay(NIGHT.isoformat())  # eager in tests, as a worker would

    assert len(callbacks) == 1
    fine.refresh_from_db()
    gone.refresh_from_db()
    assert (fine.health, fine.health_checked_at) == (LinkHealth.OK, NIGHT)
    assert (gone.health, gone.consecutive_failures) == (LinkHealth.OK, 1)
    run = LinkCheckRun.objects.get()
    assert (run.trigger, run.checked, run.inconclusive) == ("schedule", 2, False)


def test_a_chunk_delivered_twice_checks_its_resources_once(site):
    ids = [ResourceFactory(url=site.url(f"/ok?{n}")).pk for n in range(3)]

    first = tasks.check_link_chunk.delay(ids, NIGHT.isoformat()).get()
    again = tasks.check_link_chunk.delay(ids, NIGHT.isoformat()).get()

    assert (first, again) == (3, 0)
    assert len(site.hits) == 3 and LinkCheck.objects.count() == 3
    assert LinkCheckRun.objects.count() == 1
    assert not Resource.objects.filter(check_claimed_until__isnull=False).exists()


def test_a_chunk_skips_what_another_worker_holds(site):
    held = ResourceFactory(url=site.url("/ok?held"))
    free = ResourceFactory(url=site.url("/ok?free"))
    Resource.objects.filter(pk=held.pk).update(
        check_claimed_until=datetime.now(UTC) + timedelta(minutes=20)
    )

    assert tasks.check_link_chunk(resource_ids=[held.pk, free.pk], at=NIGHT.isoformat()) == 1
    assert [hit.path for hit in site.hits] == ["/ok?free"]


def test_a_chunk_that_loses_its_database_is_retried(site, monkeypatch):
    resource = ResourceFactory(url=site.url("/ok"))
    real, calls = store.check_resources, []

    def flaky(**kwargs):
        calls.append(kwargs["ids"])
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(store, "check_resources", flaky)

    assert tasks.check_link_chunk.delay([resource.pk], NIGHT.isoformat()).get() == 1
    assert calls == [[resource.pk], [resource.pk]]


def test_a_chunk_is_late_acked_and_bounded_in_time():
    chunk = tasks.check_link_chunk

    assert chunk.acks_late and OperationalError in chunk.autoretry_for
    assert tasks.CHUNK_TIME_BUDGET < chunk.soft_time_limit < chunk.time_limit
    # A claim outlives a chunk killed at its hard limit, so nobody checks behind its back.
    lease = timedelta(seconds=tasks.CHUNK_TIME_BUDGET) + store.CLAIM_MARGIN
    assert lease > timedelta(seconds=chunk.time_limit)


def test_the_check_runs_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["roadmap-check-due-links"]

    assert entry["task"] == tasks.check_due_links.name == "roadmap.tasks.check_due_links"
    assert tasks.check_link_chunk.name == "roadmap.tasks.check_link_chunk"  # queued messages of older releases
    assert entry["task"] in app.tasks
    assert entry["schedule"].hour == {2} and entry["schedule"].minute == {30}


class Killed(BaseException):
    """Stands in for SIGKILL: nothing after it runs in the dying worker."""


def test_a_run_whose_worker_was_killed_is_closed_and_its_links_checked_next_night(
    site, monkeypatch, django_capture_on_commit_callbacks
):
    ids = [ResourceFactory(url=site.url(f"/ok?{n}")).pk for n in range(3)]

    def killed(*args, **kwargs):
        raise Killed

    with monkeypatch.context() as dying:  # SIGKILL: no handler, no finally runs
        dying.setattr(store, "run_checks", killed)
        dying.setattr(store, "_mark_stopped", lambda run, exc: None)
        dying.setattr(store, "release_claims", lambda **kwargs: None)
        with pytest.raises(Killed):
            tasks.check_link_chunk(ids, NIGHT.isoformat())
    killed_run = LinkCheckRun.objects.get()
    assert killed_run.finished_at is None
    # The next night: the dead worker's claims have lapsed.
    lapsed = killed_run.claimed_until - timedelta(days=1)
    LinkCheckRun.objects.update(claimed_until=lapsed)
    Resource.objects.update(check_claimed_until=lapsed)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.check_due_links.delay((NIGHT + timedelta(days=1)).isoformat())

    killed_run.refresh_from_db()
    assert killed_run.finished_at is not None and killed_run.inconclusive
    assert "worker was killed" in killed_run.reason
    assert set(Resource.objects.values_list("health", flat=True)) == {LinkHealth.OK}
    assert LinkCheck.objects.filter(resource_id__in=ids).count() == 3
