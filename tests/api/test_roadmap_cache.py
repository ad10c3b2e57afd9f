"""Roadmap reads are serialised once per graph version (``api.roadmap.cache``), yet a
curator's edit — through the API, the admin, an import or the link checker — shows in the
very next read, and each learner sees their own statuses over the shared body."""

import textwrap

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from roadmap.links.check import CheckResult, RunReport
from roadmap.links.rules import LinkHealth
from roadmap.links.store import record_run
from roadmap.models import LinkCheckRun
from tests.api.conftest import client_for


def titles(client, path="/api/v1/topics/"):
    return {topic["slug"]: topic["title"] for topic in client.get(path).json()["results"]}


def statuses(client):
    return {topic["slug"]: topic["status"] for topic in client.get("/api/v1/topics/").json()["results"]}


def test_a_curators_api_edit_shows_in_the_next_read_of_every_roadmap_view(anonymous, as_alice, as_carol, roadmap):
    for client in (anonymous, as_alice):  # both kept now
        assert titles(client)["calculus"] == "Calculus"
        assert client.get("/api/v1/topics/calculus/").json()["title"] == "Calculus"
    assert as_carol.patch("/api/v1/topics/calculus/", {"title": "Calculus I"}).status_code == 200

    for client in (anonymous, as_alice):
        assert titles(client)["calculus"] == "Calculus I"
        assert client.get("/api/v1/topics/calculus/").json()["title"] == "Calculus I"
        edges = client.get("/api/v1/prerequisites/").json()["results"]
        assert {edge["to_topic"] for edge in edges} == {"calculus", "deep-learning"}

    edge = roadmap.calc_dl.pk
    assert as_carol.patch(f"/api/v1/prerequisites/{edge}/", {"kind": "recommended"}).status_code == 200
    assert anonymous.get("/api/v1/prerequisites/").json()["results"][1]["kind"] == "recommended"
    assert anonymous.get("/api/v1/topics/deep-learning/").json()["prerequisites"][0]["kind"] == "recommended"


def test_retiring_a_topic_takes_it_off_the_lists_and_the_track_counts_at_once(anonymous, as_carol, roadmap):
    tracks = anonymous.get("/api/v1/tracks/").json()["results"]
    assert [track["topic_count"] for track in tracks] == [2, 1]
    assert "deep-learning" in titles(anonymous)

    as_carol.patch("/api/v1/topics/deep-learning/", {"retired": True})

    assert "deep-learning" not in titles(anonymous)
    assert [track["topic_count"] for track in anonymous.get("/api/v1/tracks/").json()["results"]] == [2, 0]
    assert anonymous.get("/api/v1/topics/deep-learning/").json()["retired_at"] is not None


def test_an_admin_edit_shows_in_the_next_read(client, anonymous, carol, roadmap):
    assert titles(anonymous)["calculus"] == "Calculus"
    client.force_login(carol)
    response = client.post(
        reverse("admin:roadmap_topic_changelist"), {"action": "retire", "_selected_action": [roadmap.calculus.pk]}
    )
    assert response.status_code == 302

    assert "calculus" not in titles(anonymous)


def test_an_import_shows_in_the_next_read(tmp_path, anonymous, roadmap):
    assert titles(anonymous)["calculus"] == "Calculus"
    assert anonymous.get("/api/v1/topics/calculus/").json()["hours"] == roadmap.calculus.hours
    curriculum = tmp_path / "roadmap.yaml"
    curriculum.write_text(
        textwrap.dedent(
            """\
            format: 1
            tracks:
              - {slug: math, title: Math, position: 1}
            topics:
              - {slug: calculus, title: Calculus from the file, track: math, hours: 77}
            """
        )
    )
    call_command("import_roadmap", str(curriculum))

    assert titles(anonymous, "/api/v1/topics/?track=math")["calculus"] == "Calculus from the file"
    assert anonymous.get("/api/v1/topics/calculus/").json()["hours"] == 77


def test_a_link_check_shows_in_the_next_read(anonymous, roadmap):
    def health():
        return anonymous.get("/api/v1/topics/linear-algebra/").json()["resources"][0]["health"]

    assert health() == "ok"
    now = timezone.now()
    run = LinkCheckRun.objects.create(started_at=now, trigger="admin")
    book = roadmap.book
    result = CheckResult(book.pk, book.url, LinkHealth.BLOCKED, 429, book.url, 20, "HTTP 429", now, 1)
    record_run(report=RunReport((result,), now, now), run=run, now=now)

    book.refresh_from_db()
    assert book.health != "ok"
    assert health() == book.health


def test_each_learner_sees_their_own_statuses_over_the_shared_body(anonymous, alice, bob, roadmap):
    as_alice, as_bob = client_for(alice), client_for(bob)
    assert statuses(anonymous)["calculus"] is None
    assert statuses(as_alice)["calculus"] == statuses(as_bob)["calculus"] == "not_started"

    assert as_alice.put("/api/v1/me/progress/calculus/", {"status": "in_progress"}).status_code == 200

    assert statuses(as_alice)["calculus"] == "in_progress"
    assert as_alice.get("/api/v1/topics/calculus/").json()["status"] == "in_progress"
    assert statuses(as_bob)["calculus"] == "not_started"
    assert as_bob.get("/api/v1/topics/calculus/").json()["status"] == "not_started"
    assert statuses(anonymous)["calculus"] is None

    as_alice.put("/api/v1/me/progress/calculus/", {"status": "done"})
    assert statuses(as_alice)["calculus"] == "done"
    assert [t["slug"] for t in as_alice.get("/api/v1/topics/?status=done").json()["results"]] == ["calculus"]


@pytest.mark.parametrize("host", ["testserver", "127.0.0.1"])
def test_page_links_name_the_host_each_caller_asked(anonymous, roadmap, host, settings):
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    anonymous.get("/api/v1/topics/?page_size=1", HTTP_HOST="testserver")
    body = anonymous.get("/api/v1/topics/?page_size=1", HTTP_HOST=host).json()
    assert body["next"].startswith(f"http://{host}/")
