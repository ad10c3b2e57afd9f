"""The web app outlives its services: PostgreSQL restarted → it answers again without a
restart of its own; Redis down while a learner saves progress → the save succeeds, never
a 500, and the cache is used again once Redis is back."""

import json

import pytest
import redis

from tests.failure.conftest import REDIS_URL, app_env, eventually, get, request, shell, sql, start_web

pytestmark = pytest.mark.failure

SEED = """
from api.auth.services import token_issue
from progress.models import LearnerProfile, User
from tests.factories import QuestionFactory, TopicFactory, TrackFactory
track = TrackFactory(slug="math-failure", position=90)
topic = TopicFactory(slug="calculus-failure", track=track)
for n in range(2):
    QuestionFactory(topic=topic, key=f"calculus-failure-{n}")
user = User.objects.create(username="ada-failure", email="ada@example.org")
LearnerProfile.objects.create(user=user)
print(token_issue(user=user, device="failure test").key)
"""


@pytest.fixture(scope="module")
def web(postgres, private_redis, tmp_path_factory):
    folder = tmp_path_factory.mktemp("web")
    token = shell(SEED).strip().splitlines()[-1]
    # Kept connections, as production may run: each must survive the database's restart.
    server = start_web(app_env(folder, CONN_MAX_AGE="60"), folder / "gunicorn.log")
    yield server, token
    server.stop()


def test_after_postgresql_restarts_the_web_app_answers_again_without_a_restart(web, postgres):
    server, token = web
    assert get("/api/v1/me/", token)[0] == 200

    postgres.stop()
    postgres.start()

    eventually(lambda: sql("SELECT 1") == [(1,)], timeout=15, what="PostgreSQL to take connections")
    # Every request from now on: the connections kept from before the restart are
    # checked and replaced, not used for a 500.
    assert [get("/api/v1/me/", token)[0] for _ in range(6)] == [200] * 6
    assert server.popen.poll() is None  # the same gunicorn


def test_with_redis_down_a_learner_still_saves_progress_and_the_cache_returns_after(web, private_redis):
    server, token = web
    cache = redis.Redis.from_url(f"{REDIS_URL}/0")
    assert get("/api/v1/topics/", token)[0] == 200

    private_redis.stop()
    sql("UPDATE roadmap_graphversion SET version = version + 1")  # a curator's edit meanwhile
    body = json.dumps({"status": "in_progress", "notes": "n"}).encode()
    status, answer = request("PUT", "/api/v1/me/progress/calculus-failure/", body, token)
    ready_status, ready = get("/api/v1/me/ready/", token)  # needs the roadmap graph: the cache

    assert status == 200, answer[:500]
    assert ready_status == 200, ready[:500]
    progress = "SELECT p.status, p.notes FROM progress_topicprogress p JOIN roadmap_topic t ON t.id = p.topic_id"
    assert sql(progress + " WHERE t.slug = 'calculus-failure'") == [("in_progress", "n")]
    cards = "SELECT count(*) FROM quizzes_card c JOIN roadmap_topic t ON t.id = c.topic_id"
    assert sql(cards + " WHERE t.slug = 'calculus-failure'") == [(2,)]  # the follow-up work: its deck
    assert "cache unavailable" in server.output()

    private_redis.start()

    def cached_again():
        sql("UPDATE roadmap_graphversion SET version = version + 1")
        assert get("/api/v1/me/ready/", token)[0] == 200
        return any(b"roadmap:graph" in key for key in cache.keys())

    eventually(cached_again, timeout=10, what="the cache in use again")
    assert server.popen.poll() is None
