"""Link health in the database: due rules, claims, recording runs, adopting a moved URL,
and what curators (the admin, the API) and learners (the topic page, paths) see of it.

Resources point at the local test site (``tests.roadmap.links.linkserver``) on 127.0.0.1,
which the allow-list opens as ``settings.LINKCHECK_ALLOW_NETWORKS``; virtual host names
go through injected resolvers, so nothing leaves the machine.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from progress.planning import path_for
from roadmap.links import rules, store
from roadmap.links.check import CheckResult, RunReport
from roadmap.models import LinkCheck, LinkCheckRun, LinkHealth, Resource
from roadmap.selectors import graph_version
from tests.factories import ResourceFactory, TopicFactory, TopicResourceFactory
from tests.roadmap.links.linkserver import no_network

pytestmark = pytest.mark.django_db

DAY1 = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)




def check(*resources, now=DAY1, **options):
    run = store.check_resources(
        ids=[r.pk for r in resources], trigger="admin", now=now, **options
    )
    for resource in resources:
        resource.refresh_from_db()
    return run


def test_the_checker_and_the_database_know_the_same_health_values():
    assert [health.value for health in rules.LinkHealth] == LinkHealth.values


# --- a resource's health over checks ----------------------------------------------------


def test_a_404_is_broken_only_when_a_second_check_a_day_later_agrees(site):
    gone = ResourceFactory(url=site.url("/gone-404"), health=LinkHealth.OK)
    version = graph_version()

    check(gone)
    assert (gone.health, gone.consecutive_failures, gone.first_failure_at) == ("ok", 1, DAY1)
    assert gone.health_checked_at == DAY1
    assert graph_version() == version  # nothing a learner sees has changed

    check(gone, now=DAY1 + timedelta(hours=2))
    assert gone.health == LinkHealth.OK and gone.consecutive_failures == 2

    check(gone, now=DAY1 + timedelta(hours=24))
    assert gone.health == LinkHealth.BROKEN and gone.consecutive_failures == 3
    assert graph_version() == version + 1
    history = list(gone.link_checks.order_by("checked_at"))
    assert [(c.status, c.http_status, c.error) for c in history] == [
        ("broken", 404, "HTTP 404")
    ] * 3


def test_the_nightly_run_confirms_a_failure_though_it_started_a_little_earlier(site):
    gone = ResourceFactory(url=site.url("/gone-410"), health=LinkHealth.OK)

    check(gone)
    check(gone, now=DAY1 + timedelta(hours=23, minutes=55))

    assert gone.health == LinkHealth.BROKEN


def test_a_page_that_comes_back_is_healthy_again_at_once(site):
    back = ResourceFactory(
        url=site.url("/ok"), health=LinkHealth.BROKEN, consecutive_failures=4,
        first_failure_at=DAY1 - timedelta(days=9),
    )  # fmt: skip

    check(back)

    assert (back.health, back.consecutive_failures, back.first_failure_at) == ("ok", 0, None)


def test_a_permanent_redirect_offers_the_new_url_and_adopting_it_starts_over(site):
    moved = ResourceFactory(url=site.url("/moved"))

    check(moved)
    assert moved.health == LinkHealth.REDIRECTED
    assert moved.suggested_url == site.url("/ok")

    version = graph_version()
    store.adopt_suggested_url(resource=moved)
    moved.refresh_from_db()
    assert (moved.url, moved.suggested_url, moved.health) == (site.url("/ok"), "", "unknown")
    assert moved.health_checked_at is None and graph_version() > version
    assert store.resources_due_for_check(now=DAY1).filter(pk=moved.pk).exists()


def test_a_resource_that_has_not_moved_has_no_url_to_adopt():
    stays = ResourceFactory(slug="stays", health=LinkHealth.OK)

    with pytest.raises(ValidationError, match="stays has no new URL to adopt"):
        store.adopt_suggested_url(resource=stays)


def test_a_run_where_no_name_resolves_is_inconclusive_and_changes_nothing():
    checked = DAY1 - timedelta(days=2)
    resources = [
        ResourceFactory(url=f"https://site{i}.example/page", health=LinkHealth.OK,
                        health_checked_at=checked)
        for i in range(12)
    ]  # fmt: skip
    version = graph_version()

    run = check(*resources, resolver=no_network)

    assert run.inconclusive and run.checked == 12
    assert run.reason == "inconclusive — no network: 12 of 12 hosts unreachable"
    for resource in resources:
        assert (resource.health, resource.consecutive_failures) == ("ok", 0)
        assert resource.health_checked_at == checked  # still due: asked again next night
        assert resource.check_claimed_until is None
    assert LinkCheck.objects.filter(run=run, status="dns-error").count() == 12  # the history
    assert graph_version() == version


def test_a_small_run_is_not_judged_and_a_failure_waits_for_its_confirmation():
    few = [ResourceFactory(url=f"https://site{i}.example/", health="ok") for i in range(3)]

    run = check(*few, resolver=no_network)

    assert not run.inconclusive
    assert {(r.health, r.consecutive_failures) for r in few} == {("ok", 1)}


def test_a_run_out_of_time_keeps_what_it_checked_and_leaves_the_rest_due(site):
    quick = ResourceFactory(url=site.url("/ok"))
    slow = ResourceFactory(url=site.url("/slow"))

    run = check(quick, slow, time_budget=0.5)

    assert quick.health == LinkHealth.OK
    assert slow.health_checked_at is None and slow.check_claimed_until is None
    assert run.checked == 1 and not run.inconclusive
    assert run.reason == "stopped at the time budget: 1 of 2 links not checked"


def test_resources_without_a_url_are_not_checked(site):
    nowhere = ResourceFactory(url="")

    assert check(nowhere) is None
    assert not LinkCheckRun.objects.exists()


# --- who checks what ----------------------------------------------------------------------


def test_a_resource_another_run_holds_is_not_checked_twice(site):
    held = ResourceFactory(url=site.url("/ok?held"))
    free = ResourceFactory(url=site.url("/ok?free"))
    lease = datetime.now(UTC) + timedelta(minutes=10)
    Resource.objects.filter(pk=held.pk).update(check_claimed_until=lease)  # the other run

    run = check(held, free)

    assert [hit.path for hit in site.hits] == ["/ok?free"]
    assert run.checked == 1 and held.health_checked_at is None
    assert held.check_claimed_until == lease  # still the other run's
    assert free.check_claimed_until is None


def test_two_claims_on_the_same_resources_get_each_resource_once():
    first, second = ResourceFactory(), ResourceFactory()
    now = datetime.now(UTC)
    ids = [first.pk, second.pk]

    assert store.claim_resources(ids=ids, now=now, lease=timedelta(minutes=5)) == ids
    assert store.claim_resources(ids=ids, now=now, lease=timedelta(minutes=5)) == []
    later = now + timedelta(minutes=6)  # the first claimant died: its lease lapsed
    assert store.claim_resources(ids=ids, now=later, lease=timedelta(minutes=5)) == ids


def test_a_result_for_a_url_changed_meanwhile_is_kept_as_history_only(site):
    resource = ResourceFactory(url="https://old.example/page", health=LinkHealth.OK)
    gone = ResourceFactory(url="https://gone.example/")
    run = LinkCheckRun.objects.create(started_at=DAY1, trigger="admin")
    results = tuple(
        CheckResult(pk, url, rules.LinkHealth.BROKEN, 404, url, 20, "HTTP 404", DAY1, 1, True)
        for pk, url in [(resource.pk, resource.url), (gone.pk, gone.url)]
    )
    Resource.objects.filter(pk=resource.pk).update(url="https://new.example/page")  # a curator
    gone.delete()

    store.record_run(report=RunReport(results, DAY1, DAY1), run=run, now=DAY1)

    resource.refresh_from_db()
    assert (resource.health, resource.consecutive_failures) == ("ok", 0)
    assert list(LinkCheck.objects.values_list("url", flat=True)) == ["https://old.example/page"]


# --- the due rules ------------------------------------------------------------------------


def test_due_are_the_never_checked_the_day_old_and_the_week_old_broken():
    def resource(slug, health="ok", checked=None, url="https://example.org/"):
        return ResourceFactory(slug=slug, health=health, health_checked_at=checked, url=url)

    never = resource("never", health="unknown")
    yesterday = resource("yesterday", checked=DAY1 - timedelta(hours=23, minutes=50))
    resource("this-morning", checked=DAY1 - timedelta(hours=2))
    resource("broken-2-days", health="broken", checked=DAY1 - timedelta(days=2))
    broken_week = resource("broken-week", health="broken", checked=DAY1 - timedelta(days=7))
    timed_out = resource("timed-out", health="timeout", checked=DAY1 - timedelta(days=1))
    blocked = resource("blocked", health="blocked", checked=DAY1 - timedelta(days=1))
    resource("no-url", url="")

    due = store.resources_due_for_check(now=DAY1)

    assert list(due) == [never, broken_week, timed_out, blocked, yesterday]  # oldest first
    assert list(store.resources_due_for_check(now=DAY1, limit=2)) == [never, broken_week]


def test_the_summary_says_what_a_curator_should_do(site):
    moved = ResourceFactory(title="Moved book", url=site.url("/moved"))
    gone = ResourceFactory(title="Gone page", url=site.url("/gone-404"))
    fine = ResourceFactory(title="Fine page", url=site.url("/ok"))

    summary = store.run_summary(run=check(moved, gone, fine))

    assert summary.counts == {"ok": 1, "redirected": 1, "broken": 1}
    assert [(f.title, f.suggested_url) for f in summary.moved] == [("Moved book", site.url("/ok"))]
    assert [(f.title, f.error, f.health) for f in summary.broken] == [
        ("Gone page", "HTTP 404", "unknown")
    ]
    assert summary.sentence() == (
        "Checked 3 links: 1 ok, 1 redirected, 1 broken. 1 moved permanently: adopt the new "
        "URL. 1 broken not confirmed yet: shown once a check a day later agrees."
    )


# --- the admin ------------------------------------------------------------------------------


def admin_action(client, action, *resources):
    return client.post(
        reverse("admin:roadmap_resource_changelist"),
        {"action": action, "_selected_action": [r.pk for r in resources]},
        follow=True,
    )


def test_a_curator_adopts_the_new_url_of_a_moved_resource_in_one_click(client, carol, site):
    moved = ResourceFactory(title="Moved book", url=site.url("/moved"))
    fine = ResourceFactory(title="Fine page", url=site.url("/ok"))
    check(moved, fine)
    client.force_login(carol)

    page = admin_action(client, "adopt_new_url", moved, fine).content.decode()

    moved.refresh_from_db()
    assert moved.url == site.url("/ok") and moved.health == LinkHealth.UNKNOWN
    assert "Adopted the new URL of 1 resource." in page
    assert "1 selected resource has not moved permanently" in page


def test_a_curator_checks_links_now_and_reads_what_was_found(client, carol, site):
    gone = ResourceFactory(title="Gone page", url=site.url("/gone-404"))
    fine = ResourceFactory(title="Fine page", url=site.url("/ok"))
    client.force_login(carol)

    page = admin_action(client, "check_now", gone, fine).content.decode()

    assert "Checked 2 links: 1 ok, 1 broken." in page
    assert LinkCheckRun.objects.get().trigger == "admin"
    fine.refresh_from_db()
    assert fine.health == LinkHealth.OK


def test_the_resource_page_shows_its_check_history(client, carol, site):
    gone = ResourceFactory(url=site.url("/gone-404"))
    check(gone)
    client.force_login(carol)

    page = client.get(reverse("admin:roadmap_resource_change", args=[gone.pk])).content.decode()

    assert "HTTP 404" in page and "Link checks" in page


def test_curators_filter_link_checks_by_status_and_run(client, carol, site):
    gone = ResourceFactory(title="Gone page", url=site.url("/gone-404"))
    fine = ResourceFactory(title="Fine page", url=site.url("/ok"))
    first = check(gone, fine)
    second = check(fine)
    client.force_login(carol)
    changelist = reverse("admin:roadmap_linkcheck_changelist")

    broken = client.get(changelist, {"status__exact": "broken"}).content.decode()
    assert "Gone page" in broken and "Fine page" not in broken
    of_second = client.get(changelist, {"run": second.pk}).content.decode()
    assert "Fine page" in of_second and "Gone page" not in of_second
    runs = client.get(reverse("admin:roadmap_linkcheckrun_changelist")).content.decode()
    assert f"{changelist}?run={first.pk}" in runs


# --- what learners see ---------------------------------------------------------------------


def test_the_api_lists_the_broken_resources(client):
    ResourceFactory(slug="dead-link", health=LinkHealth.BROKEN)
    ResourceFactory(slug="live-link", health=LinkHealth.OK)

    response = client.get("/api/v1/resources/", {"health": "broken"})

    assert response.status_code == 200
    assert [r["slug"] for r in response.json()["results"]] == ["dead-link"]
    assert response.json()["results"][0]["health"] == "broken"
    assert client.get("/api/v1/resources/", {"health": "dead"}).status_code == 400


def test_the_topic_page_shows_each_resource_health(client):
    topic = TopicFactory(slug="calculus")
    TopicResourceFactory(topic=topic, resource=ResourceFactory(health=LinkHealth.BROKEN))

    page = client.get(reverse("roadmap:topic-detail", args=["calculus"])).content.decode()

    assert 'class="health health-broken"' in page and ">Broken</span>" in page


def test_a_path_starts_a_topic_with_a_healthy_core_resource_over_a_broken_one():
    topic = TopicFactory(slug="calculus")
    dead = ResourceFactory(slug="dead-course", health=LinkHealth.BROKEN)
    live = ResourceFactory(slug="live-course", health=LinkHealth.OK)
    TopicResourceFactory(topic=topic, resource=dead, role="core", position=0)
    TopicResourceFactory(topic=topic, resource=live, role="core", position=1)

    path = path_for(goals=["calculus"], known=[])

    assert path["steps"][0]["resource"]["slug"] == "live-course"
