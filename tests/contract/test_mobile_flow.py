"""A Python client generated from the schema runs the whole mobile flow against a live
server, and every answer it gets conforms to the schema.

Sign up, sign in, page through the topics, read one, set progress, tick a resource, a path
to transformers, what is ready, the due reviews, one review; then an offline queue of 20
writes sent twice with the same Idempotency-Keys (the second time changes nothing); then
an ETag that answers 304 until a curator edits the topic.
"""

import importlib
import importlib.util
import sys
import uuid
from datetime import UTC, datetime
from http import HTTPStatus

import httpx
import pytest

from tests.contract.conformance import Conformance
from tests.contract.conftest import SCHEMA_FILE, VENV_BIN, run

pytestmark = pytest.mark.contract

PASSWORD = "a long unusual passphrase 7"


@pytest.fixture(scope="module")
def pw(tmp_path_factory):
    """The generated client package (``pathwise_client``), imported from a temporary folder."""
    folder = tmp_path_factory.mktemp("python-client")
    config = folder / "config.yaml"
    config.write_text("post_hooks: []\n")  # no formatter run: the code is read by nobody
    run(
        VENV_BIN / "openapi-python-client", "generate", "--path", SCHEMA_FILE, "--output-path",
        folder / "pathwise_client", "--meta", "none", "--config", config,
    )  # fmt: skip
    sys.path.insert(0, str(folder))
    try:
        client = importlib.import_module("pathwise_client")
        importlib.import_module("pathwise_client.models")
        yield client
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.startswith("pathwise_client")]:
            del sys.modules[name]


class Phone:
    """The generated client as the app uses it, with every answer checked on arrival."""

    def __init__(self, pw, base_url, conformance, token=None):
        self.pw, self.conformance = pw, conformance
        hooks = {"event_hooks": {"response": [self._check]}}
        if token is None:
            self.client = pw.Client(base_url=base_url, httpx_args=hooks)
        else:  # the schema's tokenAuth says: the prefix is Token, not Bearer
            self.client = pw.AuthenticatedClient(base_url=base_url, token=token, prefix="Token", httpx_args=hooks)

    def _check(self, response: httpx.Response) -> None:
        response.read()
        self.conformance.check(response)

    def call(self, operation: str, expect: int, **kwargs):
        """Call ``operation`` (its module under ``api/<tag>/``) and insist on the status."""
        module = next(
            importlib.import_module(f"pathwise_client.api.{tag}.{operation}")
            for tag in ("auth", "roadmap", "progress", "paths", "reviews", "mentoring", "questions")
            if importlib.util.find_spec(f"pathwise_client.api.{tag}.{operation}")
        )
        response = module.sync_detailed(client=self.client, **kwargs)
        assert response.status_code == expect, (operation, response.status_code, response.content[:300])
        return response


def test_the_mobile_flow_with_a_generated_client(pw, live_api, schema):
    m = pw.models
    conformance = Conformance(schema)
    anonymous = Phone(pw, live_api, conformance)
    username = f"mobile{uuid.uuid4().hex[:8]}"

    signed_up = anonymous.call(
        "auth_signup", HTTPStatus.CREATED,
        body=m.SignupRequest(username=username, password=PASSWORD, email=f"{username}@example.org",
                             time_zone="Pacific/Auckland"),
    ).parsed  # fmt: skip
    token = anonymous.call(
        "auth_login", HTTPStatus.OK, body=m.CredentialsRequest(username=username, password=PASSWORD)
    ).parsed.token
    assert token != signed_up.token  # each sign-in is its own device, with its own token
    phone = Phone(pw, live_api, conformance, token=token)
    devices = phone.call("auth_devices_list", HTTPStatus.OK).parsed.results
    assert sorted(device.current for device in devices) == [False, True]

    # Page through the topics, 50 at a time.
    topics, page = [], 1
    while True:
        listing = phone.call("topics_list", HTTPStatus.OK, page=page, page_size=50).parsed
        topics += listing.results
        if not listing.next_:
            break
        page += 1
    assert len(topics) == listing.count > 100 and page == 3
    assert {topic.status for topic in topics} == {m.TopicStatusEnum.NOT_STARTED}

    calculus = phone.call("topics_get", HTTPStatus.OK, slug="calculus").parsed
    assert calculus.dependents and calculus.resources
    progress = phone.call(
        "me_progress_set", HTTPStatus.OK, topic_slug="calculus",
        body=m.ProgressUpdateRequest(status=m.TopicStatusEnum.IN_PROGRESS, notes="Chain rule first."),
    ).parsed  # fmt: skip
    assert progress.status == m.TopicStatusEnum.IN_PROGRESS
    phone.call("me_resources_mark_done", HTTPStatus.OK, id=calculus.resources[0].id)

    path = phone.call("paths_compute", HTTPStatus.OK, body=m.PathRequestRequest(goals=["transformers"])).parsed
    assert path.steps[-1].topic == "transformers" and path.finish_date is not None
    ready = phone.call("me_ready_list", HTTPStatus.OK, page_size=200).parsed
    assert ready.count > 0

    due = phone.call("me_reviews_due_list", HTTPStatus.OK, page_size=200).parsed
    assert due.count == 5 and {card.topic.slug for card in due.results} == {"calculus"}
    first = phone.call("me_reviews_submit", HTTPStatus.CREATED, body=answer(m.ReviewInputRequest, due.results[0]))
    assert first.parsed.status == m.ReviewResultStatusEnum.APPLIED

    # Every figure of me/stats, worked out from the topics themselves: only this learner's rows count.
    stats = phone.call("me_stats_get", HTTPStatus.OK).parsed
    assert stats.hours.done == 0 and stats.hours.remaining == sum(topic.hours for topic in topics)

    # Offline: a queue of 20 writes, each with its key; the phone sends it, loses the answers, sends it again.
    queue = offline_queue(m, topics, resources=phone.call("resources_list", HTTPStatus.OK, page_size=6).parsed.results,
                          cards=due.results[1:])  # fmt: skip
    assert len(queue) == 20
    first_answers = [phone.call(operation, expect, **kwargs) for operation, expect, kwargs in queue]
    before = snapshot(phone)
    again = [phone.call(operation, expect, **kwargs) for operation, expect, kwargs in queue]

    assert [answer.headers.get("Idempotent-Replayed") for answer in first_answers] == [None] * 20
    assert [answer.headers.get("Idempotent-Replayed") for answer in again] == ["true"] * 20
    assert [answer.content for answer in again] == [answer.content for answer in first_answers]
    assert snapshot(phone) == before  # stats, activity, reviews and the review queue: nothing doubled
    assert before["mastery"]["reviewed"] == 5  # one live review, two single and a batch of two offline

    # Cheap update checks: 304 while nothing changed, a new ETag once a curator edits the topic.
    etag = phone.call("topics_get", HTTPStatus.OK, slug="calculus").headers["ETag"]
    not_modified = phone.call("topics_get", HTTPStatus.NOT_MODIFIED, slug="calculus", if_none_match=etag)
    assert not_modified.content == b""
    curator_token = anonymous.call(
        "auth_login", HTTPStatus.OK, body=m.CredentialsRequest(username="carol", password="pathwise-demo")
    ).parsed.token
    Phone(pw, live_api, conformance, token=curator_token).call(
        "topics_update", HTTPStatus.OK, slug="calculus", body=m.PatchedTopicWriteRequest(summary="Rates of change.")
    )
    changed = phone.call("topics_get", HTTPStatus.OK, slug="calculus", if_none_match=etag)
    assert changed.headers["ETag"] != etag and changed.parsed.summary == "Rates of change."

    assert conformance.mismatches == []
    assert conformance.checked >= 60


def answer(request, card, **fields):
    """A phone's answer to a due card: a free-recall card is rated Good; a multiple-choice card
    must be answered (a bare rating is refused), here with the first option as it was shown."""
    if card.question.kind.value == "multiple-choice":
        return request(card=card.id, answer=0, presentation=card.presentation, **fields)
    return request(card=card.id, rating=3, **fields)


def offline_queue(m, topics, resources, cards):
    """Twenty writes as a phone queues them offline, each with its own Idempotency-Key."""
    now = datetime.now(UTC)
    slugs = [topic.slug for topic in topics if topic.slug != "calculus"][:6]
    queue = [
        ("me_progress_set", HTTPStatus.OK, {"topic_slug": slug, "body": m.ProgressUpdateRequest(
            status=m.TopicStatusEnum.DONE if n % 2 else m.TopicStatusEnum.IN_PROGRESS, notes=f"offline {n}")})
        for n, slug in enumerate(slugs)
    ]  # fmt: skip
    queue += [("me_resources_mark_done", HTTPStatus.OK, {"id": resource.id}) for resource in resources]
    queue.append(("me_resources_mark_undone", HTTPStatus.NO_CONTENT, {"id": resources[0].id}))
    queue += [
        ("me_reviews_submit", HTTPStatus.CREATED, {"body": answer(
            m.ReviewInputRequest, card, reviewed_at=now, client_id=f"live-{card.id}")})
        for card in cards[:2]
    ]  # fmt: skip
    queue.append(("me_reviews_submit_batch", HTTPStatus.OK, {"body": [
        answer(m.OfflineReviewInputRequest, card, reviewed_at=now, client_id=f"offline-{card.id}")
        for card in cards[2:4]
    ]}))  # fmt: skip
    queue += [
        ("me_update", HTTPStatus.OK, {"body": m.PatchedMeUpdateRequest(hours_per_week=hours)}) for hours in (6, 7, 8)
    ]
    notes = m.ProgressUpdateRequest(status=m.TopicStatusEnum.IN_PROGRESS, notes="Offline notes.")
    queue.append(("me_progress_set", HTTPStatus.OK, {"topic_slug": "calculus", "body": notes}))
    return [(name, expect, {**kwargs, "idempotency_key": str(uuid.uuid4())}) for name, expect, kwargs in queue]


def snapshot(phone) -> dict:
    """What would show a doubled write: stats, activity per day, reviews and the review queue."""
    return {
        "stats": phone.call("me_stats_get", HTTPStatus.OK).parsed.to_dict(),
        "activity": phone.call("me_activity_get", HTTPStatus.OK).parsed.to_dict(),
        "mastery": phone.call("topics_mastery_get", HTTPStatus.OK, slug="calculus").parsed.to_dict(),
        "due": phone.call("me_reviews_due_list", HTTPStatus.OK, page_size=200).parsed.to_dict()["count"],
        "done": phone.call("me_resources_list", HTTPStatus.OK, page_size=200).parsed.to_dict()["count"],
    }
