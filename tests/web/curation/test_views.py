"""The curator's page: the link report with its history and "check now", recent edits."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse
from django.utils import timezone

from roadmap.models import LinkCheck, Resource
from tests.factories import ResourceFactory, TopicFactory, TopicResourceFactory

pytestmark = pytest.mark.django_db


def test_curators_see_broken_and_moved_links_first_with_their_history(client, carol):
    broken = ResourceFactory(title="Gone book", health="broken", url="https://example.org/gone")
    moved = ResourceFactory(title="Moved course", health="redirected", suggested_url="https://example.org/new")
    ResourceFactory(title="Fine paper", health="ok")
    TopicResourceFactory(topic=TopicFactory(title="Calculus"), resource=broken)
    for status in ("ok", "broken", "broken"):
        LinkCheck.objects.create(
            resource=broken, url=broken.url, status=status, http_status=404, checked_at=timezone.now()
        )
    client.force_login(carol)

    page = client.get(reverse("curation")).content.decode()

    assert page.index("Gone book") < page.index("Moved course")  # broken first
    assert "Fine paper" not in page
    row = page.split(f'id="resource-{broken.pk}"')[1].split("</article>")[0]
    assert row.count("<td>404</td>") == 3 and "used by Calculus" in row
    assert f'action="/curation/resources/{broken.pk}/check/"' in row
    assert "moved to" in page.split(f'id="resource-{moved.pk}"')[1].split("</article>")[0]


def test_recent_admin_edits_are_listed(client, carol):
    topic = TopicFactory(title="Calculus")
    LogEntry.objects.log_actions(
        user_id=carol.pk, queryset=[topic], action_flag=CHANGE, change_message="Changed hours."
    )
    client.force_login(carol)

    page = client.get(reverse("curation")).content.decode()

    edits = page.split('id="edits-heading"')[1]
    assert "carol" in edits and "changed" in edits and "Calculus" in edits and "Changed hours." in edits


def test_check_now_checks_the_link_and_says_what_it_found(client, carol, site):
    resource = ResourceFactory(title="Gone paper", url=site.url("/gone-404"), health="unknown")
    client.force_login(carol)

    response = client.post(reverse("curation-check", args=[resource.pk]), follow=True)

    assert LinkCheck.objects.filter(resource=resource).count() == 1
    assert "Checked “Gone paper”" in response.content.decode()
    assert Resource.objects.get(pk=resource.pk).health_checked_at is not None


@pytest.mark.parametrize("who", ["alice", "mentor"])
def test_only_curators_read_the_link_report_or_check_links(client, request, who):
    resource = ResourceFactory()
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("curation")).status_code == 403
    assert client.post(reverse("curation-check", args=[resource.pk])).status_code == 403
    assert not LinkCheck.objects.exists()


def test_the_link_report_costs_the_same_queries_for_one_broken_link_or_thirty(
    client, carol, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            resource = ResourceFactory(health="broken")
            TopicResourceFactory(resource=resource)
            for _ in range(7):
                now = timezone.now()
                LinkCheck.objects.create(resource=resource, url=resource.url, status="broken", checked_at=now)

    client.force_login(carol)
    add(1)
    with django_assert_max_num_queries(20) as one:
        client.get(reverse("curation"))
    add(29)
    with django_assert_max_num_queries(20) as thirty:
        page = client.get(reverse("curation")).content.decode()

    assert page.count('class="link-row"') == 30 and page.count("<td>Broken</td>") == 30 * 5  # the last 5 checks
    assert len(thirty.captured_queries) == len(one.captured_queries)
