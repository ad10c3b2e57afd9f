"""``manage.py check_links``: a check without a worker, a progress bar and a summary."""

import io
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from roadmap.links import store
from roadmap.links.check import run_checks
from roadmap.models import LinkCheckRun, LinkHealth, Resource
from roadmap.selectors import graph_version
from tests.factories import ResourceFactory
from tests.locations import SHIPPED_CURRICULUM as SHIPPED
from tests.roadmap.links.linkserver import no_network

pytestmark = pytest.mark.django_db



class Terminal(io.StringIO):
    def isatty(self):
        return True


def check_links(*args, stderr=None) -> str:
    out = io.StringIO()
    call_command("check_links", *args, stdout=out, stderr=stderr or io.StringIO())
    return out.getvalue()


def test_it_prints_a_table_of_statuses_and_lists_what_moved_or_broke(site):
    ResourceFactory(title="Moved book", url=site.url("/moved"))
    ResourceFactory(title="Gone page", url=site.url("/gone-404"))
    ResourceFactory(title="Fine page", url=site.url("/ok"))

    output = check_links()

    lines = output.splitlines()
    assert lines[0].startswith("Checked 3 links on 1 host in ")
    assert lines[2:7] == [
        "  status      links",
        "  ok              1",
        "  redirected      1",
        "  broken          1",
        "  total           3",
    ]
    assert "Moved permanently (adopt the new URL in the admin):" in output
    assert f"{site.url('/moved')}\n   -> {site.url('/ok')}" in output
    assert "Gone page (not shown until a check a day later agrees)" in output
    assert f"{site.url('/gone-404')}  HTTP 404" in output
    assert LinkCheckRun.objects.get().trigger == "command"


def test_the_shipped_curriculum_without_a_network_is_inconclusive_and_nothing_changes(
    monkeypatch,
):
    call_command("import_roadmap", str(SHIPPED), stdout=io.StringIO())
    # The system resolver on a machine without a network, made certain.
    monkeypatch.setattr(
        store,
        "run_checks",
        lambda targets, **kw: run_checks(targets, **kw | {"resolver": no_network}),
    )
    version = graph_version()

    output = check_links()

    resources = Resource.objects.count()
    hosts = len({urlsplit(url).hostname for url in Resource.objects.values_list("url", flat=True) if url})
    assert hosts > 90
    assert output.startswith(f"Checked {resources} links on {hosts} hosts in ")
    assert f"  dns-error  {resources:>5}" in output
    assert output.rstrip().endswith(
        f"inconclusive — no network: {hosts} of {hosts} hosts unreachable; nothing changed"
    )
    assert set(Resource.objects.values_list("health", "health_checked_at")) == {("unknown", None)}
    assert graph_version() == version


def test_it_checks_only_what_is_due_unless_told_to_check_all(site):
    ResourceFactory(url=site.url("/ok?recent"), health="ok", health_checked_at=timezone.now())
    ResourceFactory(url=site.url("/ok?never"))

    assert check_links("--only-due").startswith("Checked 1 link on 1 host")
    assert [hit.path for hit in site.hits] == ["/ok?never"]
    assert check_links().startswith("Nothing to check: no resource is due")
    assert check_links("--all").startswith("Checked 2 links on 1 host")


def test_it_checks_the_resources_named(site):
    named = ResourceFactory(url=site.url("/ok?named"), health_checked_at=timezone.now())
    ResourceFactory(url=site.url("/ok?other"))

    assert check_links("--resource", str(named.pk)).startswith("Checked 1 link")
    assert [hit.path for hit in site.hits] == ["/ok?named"]
    with pytest.raises(CommandError, match="no resource with id 98765"):
        check_links("--resource", str(named.pk), "98765")


def test_it_draws_a_progress_bar_on_a_terminal(site):
    for n in range(3):
        ResourceFactory(url=site.url(f"/ok?{n}"))
    terminal = Terminal()

    check_links(stderr=terminal)

    assert terminal.getvalue().startswith("\rChecking links [")
    assert terminal.getvalue().endswith(f"[{'#' * 30}] 3/3\n")


def test_it_leaves_alone_what_another_run_is_checking(site):
    held = ResourceFactory(url=site.url("/ok"))
    Resource.objects.filter(pk=held.pk).update(
        check_claimed_until=timezone.now() + timedelta(minutes=5)
    )

    assert check_links() == "Nothing checked: another run is checking these resources.\n"
    assert site.hits == [] and Resource.objects.get().health == LinkHealth.UNKNOWN
