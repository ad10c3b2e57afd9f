"""Offline sync: a write resent with the same Idempotency-Key is applied once."""

import json
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from api import tasks
from api.models import IdempotentRequest
from progress.models import Activity, TopicProgress
from roadmap import editing
from roadmap.models import Topic
from tests.api.conftest import client_for

NEW_TOPIC = {"slug": "probability", "title": "Probability", "track": "math", "hours": 20}


def post_topic(client, key, body=NEW_TOPIC):
    return client.post("/api/v1/topics/", body, HTTP_IDEMPOTENCY_KEY=key)


def test_a_resent_create_returns_the_first_response_and_creates_nothing_more(as_carol, roadmap):
    first = post_topic(as_carol, "6f1c0e0a-sync-1")
    again = post_topic(as_carol, "6f1c0e0a-sync-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert first["Location"] == again["Location"] == "http://testserver/api/v1/topics/probability/"
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Topic.objects.filter(slug="probability").count() == 1


def test_a_resent_status_change_logs_one_activity(as_alice, alice, roadmap):
    for _ in range(3):
        response = as_alice.put(
            "/api/v1/me/progress/calculus/",
            {"status": "done", "notes": "offline"},
            HTTP_IDEMPOTENCY_KEY="k-42",
        )
        assert response.status_code == 200

    assert (
        Activity.objects.filter(learner=alice).count() == 2
    )  # the status change and the notes edit


def test_a_replayed_delete_answers_204_again(as_carol, roadmap):
    path = f"/api/v1/resources/{roadmap.book.pk}/"

    assert as_carol.delete(path, HTTP_IDEMPOTENCY_KEY="del-1").status_code == 204
    replay = as_carol.delete(path, HTTP_IDEMPOTENCY_KEY="del-1")

    assert replay.status_code == 204
    assert replay["Idempotent-Replayed"] == "true"


def test_the_same_key_on_a_different_request_is_a_client_error(as_carol, roadmap):
    post_topic(as_carol, "reused")

    other_body = post_topic(as_carol, "reused", {**NEW_TOPIC, "title": "Probability theory"})
    other_path = as_carol.patch(
        "/api/v1/topics/calculus/", {"title": "Calc"}, HTTP_IDEMPOTENCY_KEY="reused"
    )

    assert other_body.status_code == other_path.status_code == 422
    assert other_body.json() == {
        "detail": "This Idempotency-Key was already used for a different request "
        "(POST /api/v1/topics/). "
        "Send a new key for a new request."
    }
    assert Topic.objects.get(slug="probability").title == "Probability"
    assert Topic.objects.get(slug="calculus").title == "Calculus"


def test_the_body_is_compared_by_content_not_by_spelling(as_carol, roadmap):
    post_topic(as_carol, "spelling")
    reordered = '{"hours": 20, "track": "math",  "title": "Probability", "slug": "probability"}'

    replay = as_carol.generic(
        "POST",
        "/api/v1/topics/",
        reordered,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="spelling",
    )

    assert replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize("status", ["don\x00e", "\udc80"])
def test_a_refusal_echoing_what_jsonb_cannot_hold_is_still_remembered(as_alice, roadmap, status):
    def send():
        return as_alice.generic(
            "PUT",
            "/api/v1/me/progress/calculus/",
            json.dumps({"status": status}),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="odd",
        )

    first, again = send(), send()

    assert first.status_code == again.status_code == 400
    assert again["Idempotent-Replayed"] == "true"
    assert "\ufffd" in again.json()["status"][0]


def test_keys_belong_to_one_user(alice, bob, roadmap):
    for learner in (alice, bob):
        response = client_for(learner).put(
            "/api/v1/me/progress/calculus/", {"status": "done"}, HTTP_IDEMPOTENCY_KEY="same-key"
        )
        assert "Idempotent-Replayed" not in response

    assert TopicProgress.objects.filter(status="done").count() == 2


def test_a_refused_write_is_remembered_as_refused(as_carol, roadmap):
    cycle = {"from_topic": "deep-learning", "to_topic": "linear-algebra", "reason": "Backwards."}

    first = as_carol.post("/api/v1/prerequisites/", cycle, HTTP_IDEMPOTENCY_KEY="cyc")
    again = as_carol.post("/api/v1/prerequisites/", cycle, HTTP_IDEMPOTENCY_KEY="cyc")

    assert first.status_code == again.status_code == 400
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"


def test_a_forbidden_or_unauthenticated_write_does_not_use_up_the_key(anonymous, as_alice, roadmap):
    assert post_topic(anonymous, "k").status_code == 401
    assert post_topic(as_alice, "k").status_code == 403

    assert not IdempotentRequest.objects.exists()


def test_a_server_error_is_not_remembered_so_a_retry_runs_again(as_carol, roadmap, monkeypatch):
    def broken_create(**kwargs):
        raise RuntimeError("disk on fire")

    real_create = editing.topic_create
    monkeypatch.setattr(editing, "topic_create", broken_create)
    as_carol.raise_request_exception = False

    assert post_topic(as_carol, "retry-me").status_code == 500
    assert not IdempotentRequest.objects.exists()

    monkeypatch.setattr(editing, "topic_create", real_create)
    retried = post_topic(as_carol, "retry-me")
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried


def test_writes_without_a_key_are_not_recorded(as_carol, roadmap):
    assert as_carol.post("/api/v1/topics/", NEW_TOPIC).status_code == 201

    assert not IdempotentRequest.objects.exists()


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "naïve"])
def test_a_malformed_key_is_refused(as_carol, roadmap, key):
    response = post_topic(as_carol, key)

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Idempotency-Key must be 1 to 255 printable ASCII characters without spaces."
    }
    assert not Topic.objects.filter(slug="probability").exists()


def test_anonymous_requests_ignore_the_key(anonymous, db):
    body = {"username": "hana", "password": "an unusual passphrase", "email": "hana@example.org"}

    first = anonymous.post("/api/v1/auth/signup/", body, HTTP_IDEMPOTENCY_KEY="signup")
    again = anonymous.post("/api/v1/auth/signup/", body, HTTP_IDEMPOTENCY_KEY="signup")

    assert (first.status_code, again.status_code) == (201, 400)
    assert not IdempotentRequest.objects.exists()


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs row locks on a unique index (PostgreSQL)"
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_duplicates_apply_once(carol, roadmap, monkeypatch):
    entered, release = threading.Event(), threading.Event()
    calls = []
    real_create = editing.topic_create

    def slow_create(**kwargs):
        calls.append(kwargs["slug"])
        entered.set()
        release.wait(timeout=10)
        return real_create(**kwargs)

    monkeypatch.setattr(editing, "topic_create", slow_create)
    responses = {}

    def send(name):
        try:
            responses[name] = post_topic(client_for(carol), "concurrent")
        finally:
            connections.close_all()

    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert entered.wait(timeout=10)
    second = threading.Thread(target=send, args=("second",))
    second.start()
    time.sleep(0.5)
    assert second.is_alive(), "the duplicate should wait for the first request's transaction"
    release.set()
    first.join(timeout=10)
    second.join(timeout=10)

    assert calls == ["probability"]
    assert responses["first"].status_code == responses["second"].status_code == 201
    assert responses["second"].json() == responses["first"].json()
    assert responses["second"]["Idempotent-Replayed"] == "true"
    assert Topic.objects.filter(slug="probability").count() == 1


def test_keys_are_forgotten_after_a_week(as_carol, roadmap):
    post_topic(as_carol, "old-key")
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(days=8))
    post_topic(as_carol, "new-key", {**NEW_TOPIC, "slug": "statistics"})

    assert tasks.forget_old_idempotency_keys.delay().get() == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["new-key"]
