"""Reviews, the due queue and the nightly jobs at scale, each beside a floor that does the same work.

Run from the repository root, naming a PostgreSQL server the benchmark may create a
database on (``make bench`` passes it through)::

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        python -m tests.benchmarks.bench_quizzes [--quick] [--port PORT]

Safety: without ``BENCH_DATABASE_URL`` it refuses to run (it never falls back to
``DATABASE_URL`` or a guessed server). It creates one throwaway database with a unique
name (``pathwise_bench_<pid>_<random>``), and drops that one, and nothing else, at the
end, also after a failure or Ctrl-C (``--keep`` keeps it and prints its name). The
gunicorn server it starts for the HTTP parts listens on ``--port`` (loopback; by default
a free one, so that two runs on one machine never meet) and is
stopped at the end; its cache is Redis ``BENCH_REDIS_URL`` when set, else local memory.

Data (full size; ``--quick`` is about a twentieth, a few seconds per part, no verdicts):
500 topics of 200 questions; learner **Q** enrolled in all of them (100k cards, a fifth
new, the rest reviewed with due times from a month overdue to six months ahead, one
logged review each and 30 reviews today); 10,000 other learners with 3 topics of 30
cards each and a topic progress row per topic. So Q's 100k cards sit among 1M, and the
nightly jobs see 10,001 learners and 1M cards. Every learner's reminder hour is the
hour the benchmark runs, in one of five time zones; a fifth have fitted FSRS parameters.

Cases (medians of 3 runs; the floor is measured in the same run):

- ``due endpoint``: ``GET /api/v1/me/reviews/due/`` for Q over HTTP, one client, p95
  of the run's requests; floor ``/healthz/`` the same way. Target p95 < 10 ms.
- ``due queue (selector)``: ``selectors.due_queue`` in process, p95; floor the same
  three statements (today's count, then the two index range reads with the limits it
  leaves) sent from a cursor with no Python around them.
- ``reviews over HTTP, 4 clients``: ``POST /api/v1/me/reviews/`` with distinct cards from
  4 connections (wrk, 10 s), gunicorn with the production settings and the compose
  file's 3 workers, ``synchronous_commit`` on; floor: 4 threads doing the same writes
  (lock the card, insert the log, update the card, insert the activity, commit) as raw
  psycopg statements. Target >= 500 reviews/s and no non-2xx answer.
- ``reviews in process``: ``services.review_submit`` from 1 and 4 threads, no HTTP; floor the
  same raw writes from as many threads.
- ``topic mastery (selector)``: ``selectors.topic_mastery`` for one of Q's topics, p95; floor
  the raw aggregate of the topic's cards. Target p95 < 50 ms.
- ``nightly mastery``: ``tasks.refresh_mastery_for`` over every chunk of learners with
  progress; floor the raw aggregate of the same cards (count, studied, mean recall per
  learner and topic) without writing. Target < 60 s.
- ``reminders``: ``tasks.send_reminders_to`` over every chunk of learners due a
  reminder (local-memory email backend); floor a raw insert of the same reminder rows and
  the due counts per learner. Target < 30 s.

Profile notes (cProfile, before optimising):

- Nightly mastery: 9 s per learner of 500 topics went to building an ``fsrs.Card`` and
  calling fsrs per studied card in Python (~6 µs each) after loading every card's
  columns; the SQL statement (``quizzes.nightly``) leaves the cards in the database.
- Reminders: ~10 queries per learner (get, get_or_create, claim, reload, profile,
  today's reviews, two counts, mark sent, reload), each its own autocommit (a WAL flush
  each with synchronous_commit on).
- Due page: 35 % of 15-18 ms CPU in DRF serialising the 4 button previews of each of 50
  cards (a ``ButtonPreviewSerializer`` built per button); the FSRS previews themselves
  are ~4 ms for 50 cards.
- Reviews: one review over HTTP is 9 statements (token, BEGIN, the card locked with its
  question, the profile, the log, the card, the activity, the graph version for implicit
  credit, COMMIT) and ~8-10 ms of CPU in process on the loaded machine; the rest of its
  wall time (30-40 ms in process, ~100 ms per connection under wrk) is waiting on those
  round trips and the commit's WAL flush, which the other sessions' load makes slow.
  The raw floor does the same writes in 4 statements without Django.
- Due endpoint after the changes: the queue selector ~6 ms CPU, ``due_cards`` ~1 ms, the
  remembered previews and the plain rendering well under 1 ms for 50 cards; the request
  makes 6-7 round trips (token, profile, today's reviews, the two queue reads, the page's
  cards, and gunicorn's connection health check), each several ms on the loaded server.

Measured 7 December 2026 on the shared 2-vCPU VM, under nice: nightly mastery 3.6 s and
reminders 9.5 s for 10,000 learners, topic mastery p95 11.9 ms (met); due endpoint p95 48 ms
(72-92 ms when the machine was busier) and reviews 77/s over HTTP (missed; in process 163/s
from 4 threads); see the README's benchmark section.

Reviews and the due endpoint, profiled again (issue 12; cProfile and CaptureQueriesContext,
``APIClient`` in process against PostgreSQL with the ``--quick`` data):

- Where a review went: 9 statements over the API (token with its user, BEGIN, the card
  locked with its question, the profile, the log, the card, the activity, the roadmap
  version for implicit credit, COMMIT) and ~5.5 ms of CPU, test client included. Under
  cProfile 70-80 % of its wall time was psycopg waiting on the server (round trips, the
  commit's WAL flush); the Python left is authentication, the ORM building five
  statements, DRF building the input and result serializers (~0.7 ms), middleware.
- Cut: the profile comes with the token (``select_related``, ``progress.profiles``), one
  round trip fewer on every personal request; the roadmap version comes with the locked
  card (``roadmap.selectors.graph_version_sql``); the result is rendered as plain values
  (``api.quizzes.pages.review_result_data``, held equal to its serializer by a test). A
  review is now 7 statements over the API (token with user and profile, BEGIN, card and
  version, log, card, activity, COMMIT) and 6 in process; the raw floor is 6 round trips
  with no token. ``tests/api/test_query_counts.py`` and ``tests/quizzes/test_services.py``
  hold those counts.
- The due endpoint: 5 statements after gunicorn's connection health check (token with
  profile, today's reviews, the two queue reads, the page's cards; it was 6), and the
  current time zone looked up once per page, not for each of ~250 timestamps (each a
  context-local read, a tenth of the page's Python). With a page of 50, ~12 ms CPU in
  process: ``due_queue`` and ``due_cards`` about a third each (150 model instances, ~350
  timestamptz values through Django's loader), previews and rendering a fifth, the token
  a tenth. Over HTTP the rest is the loaded machine: 3 workers, PostgreSQL and wrk on 2
  shared cores.
- Before/after, one full ``--parts due,reviews`` run each (medians of 3, the floor in the
  same run). Before (main, with a test run sharing the machine for part of it): due
  endpoint p95 44.9 ms (``/healthz/`` 4.2 ms), reviews 65/s over HTTP (raw 520/s), in
  process 68/s from 1 thread (raw 116/s) and 135/s from 4 (raw 653/s). After (a quieter
  machine: ``/healthz/`` 1.4 ms, raw 1,341/s): due endpoint p95 50.1 ms, reviews 145/s over
  HTTP, in process 143/s and 236/s (raw 540/s and 911/s). Runs this far apart in load
  cannot show the gain of two round trips; the ratios to the floor did not move beyond
  the noise. Both targets missed.
- Left: ~5 ms of Python per review per request (Django's middleware, DRF, the ORM building
  its statements) on 3 workers sharing 2 cores caps the HTTP rate far below the raw
  floor, which runs no Python per statement. Next candidates: the due page's cards
  loaded with only the columns it shows (the web review page reads the answer too), and
  today's reviews with the two queue reads in one statement.

The due endpoint, profiled once more (cProfile on the view in process, Q of the ``--quick``
data, a page of 50; CPU per request, 200 requests):

- 8.95 ms before. Building the three queue statements with the ORM cost more than running
  them (the queue selector was a third of the view), and the page's 50 cards came as 150
  model instances with every timestamp of three tables parsed (another third).
- The queue's three reads are now SQL of our own (``quizzes.selectors.queue``), the same
  statements and plans (the partial ``card_*_queue`` indexes; EXPLAIN checked), and the
  page reads its cards as plain rows of the 13 columns it shows
  (``selectors.shown_cards``; the web review page, which shows the answer, keeps
  ``due_cards``). A test holds the page equal to the serializer over the models. 4.95 ms.
- Full-size ``--parts due``, one sitting on a quiet machine (``/healthz/`` p95 0.7 ms):
  the selector p95 2.7 → 1.1 ms, the endpoint p95 14.0 → 10.4 ms. The three statements
  stay three: one would save a round trip (~0.1 ms on loopback), and SQLite, the
  embedded default, has no portable form of it. What is left
  per request: the token with user and profile through the ORM (~1 ms), the page's
  cards (~0.6 ms, mostly the ORM building the statement), the 200 previews (~0.8 ms)
  and the rendering (~0.5 ms).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from tests.benchmarks import gunicorn
from tests.benchmarks.table import Row, report, verdict

PART = "Reviews and nightly jobs"
SEED = 20260301
NEW_SHARE = 0.2
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney"]
RUNS = 3


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


# --- The throwaway database -------------------------------------------------------------


def admin_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def create_database(url: str) -> tuple[str, str]:
    """Create a uniquely named database on the server of ``url``; return (name, its URL)."""
    import psycopg

    name = f"pathwise_bench_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def drop_database(url: str, name: str) -> None:
    import psycopg

    assert name.startswith("pathwise_bench_"), name  # only ever the one this run created
    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- Loading ------------------------------------------------------------------------------


def copy_rows(table: str, columns: list[str], rows) -> int:
    """COPY rows (tuples of already formatted text, None for NULL) into ``table``."""
    from django.db import connection

    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(r"\N" if v is None else v for v in row) + "\n")
                count += 1
                if count % 50_000 == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
    return count


CARD_COLUMNS = ["learner_id", "question_id", "topic_id", "state", "step", "stability",
                "difficulty", "due", "last_review", "reps", "lapses", "created_at"]  # fmt: skip


def card_rows(rng: random.Random, now: datetime, learner_id: int, questions):
    """One card per (topic_id, question_id): a fifth new, the rest reviewed."""
    enrolled = (now - timedelta(days=rng.randint(60, 400))).isoformat()
    for topic_id, question_id in questions:
        ids = (str(learner_id), str(question_id), str(topic_id))
        if rng.random() < NEW_SHARE:
            yield (*ids, "new", None, None, None, enrolled, None, "0", "0", enrolled)
            continue
        due = now + timedelta(minutes=rng.randint(-30 * 1440, 180 * 1440))
        stability = rng.uniform(1, 200)
        last = min(due - timedelta(days=max(1, stability * rng.uniform(0.5, 1.5))), now - timedelta(days=2))
        yield (*ids, "review", None, f"{stability:.4f}", f"{rng.uniform(1, 10):.4f}", due.isoformat(),
               last.isoformat(), str(rng.randint(1, 12)), str(rng.randint(0, 3)), enrolled)  # fmt: skip


def load(quick: bool, now: datetime) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from progress.models import LearnerProfile, TopicProgress, User
    from quizzes.scheduler import SchedulerSettings
    from roadmap.models import Topic, Track

    rng = random.Random(SEED)
    topics_n, per_topic, learners_n = (50, 100, 500) if quick else (500, 200, 10_000)
    track = Track.objects.create(slug="bench", title="Bench", position=1)
    Topic.objects.bulk_create(
        Topic(slug=f"topic-{n:04d}", title=f"Topic {n}", track=track, hours=5) for n in range(topics_n)
    )
    topic_ids = list(Topic.objects.order_by("slug").values_list("id", flat=True))
    stamp = now.isoformat()
    copy_rows(
        "quizzes_question",
        ["key", "topic_id", "kind", "prompt", "answer", "choices", "correct_choices", "explanation",
         "is_active", "created_at", "updated_at"],  # fmt: skip
        (
            (f"q-{t}-{i}", str(topic_id), "free-recall", f"Question {i} of topic {t}?", "An answer.",
             "[]", "[]", "", "t", stamp, stamp)  # fmt: skip
            for t, topic_id in enumerate(topic_ids)
            for i in range(per_topic)
        ),
    )
    # About one question in a thousand retired by curators: its cards drop out of every read.
    connection.cursor().execute("UPDATE quizzes_question SET is_active = false WHERE id % 997 = 0")
    questions: dict[int, list[int]] = {}
    for question_id, topic_id in connection.cursor().execute(
        "SELECT id, topic_id FROM quizzes_question ORDER BY id"
    ):
        questions.setdefault(topic_id, []).append(question_id)

    password = make_password(None)
    users = User.objects.bulk_create(
        User(username=name, email=f"{name}@example.org", password=password)
        for name in ["q"] + [f"learner{n:05d}" for n in range(learners_n)]
    )
    q, others = users[0], users[1:]
    fitted = list(SchedulerSettings().parameters)
    fitted[20] = 0.2
    profiles = [
        LearnerProfile(user=q, time_zone="America/New_York", reviews_per_day=200, new_cards_per_day=20)
    ]
    for n, user in enumerate(others):
        zone = ZONES[n % len(ZONES)]
        profiles.append(
            LearnerProfile(
                user=user, time_zone=zone, reminder_hour=now.astimezone(ZoneInfo(zone)).hour,
                fsrs_parameters=fitted if n % 5 == 0 else None,
            )
        )  # fmt: skip
    LearnerProfile.objects.bulk_create(profiles, batch_size=2_000)

    copy_rows("quizzes_card", CARD_COLUMNS, card_rows(rng, now, q.pk, (
        (topic_id, question_id) for topic_id in topic_ids for question_id in questions[topic_id])))  # fmt: skip
    progress, per_learner = [], 30 if not quick else 10

    def learner_cards():
        for user in others:
            for topic_id in rng.sample(topic_ids, 3):
                progress.append(TopicProgress(learner=user, topic_id=topic_id,
                                              status=rng.choice(["done", "in_progress", "skipped"])))  # fmt: skip
                yield from card_rows(rng, now, user.pk, ((topic_id, qid) for qid in questions[topic_id][:per_learner]))

    copy_rows("quizzes_card", CARD_COLUMNS, learner_cards())
    TopicProgress.objects.bulk_create(progress, batch_size=5_000)
    copy_rows(
        "quizzes_reviewlog",
        ["card_id", "learner_id", "rating", "reviewed_at", "answer", "received_at"],
        (
            (str(card_id), str(q.pk), "3", last.isoformat(), "", stamp)
            for card_id, last in connection.cursor().execute(
                "SELECT id, last_review FROM quizzes_card WHERE learner_id = %s AND last_review IS NOT NULL", [q.pk]
            )
        ),
    )
    today = connection.cursor().execute(
        "SELECT id FROM quizzes_card WHERE learner_id = %s AND state = 'review' ORDER BY random() LIMIT 30", [q.pk]
    ).fetchall()
    copy_rows(
        "quizzes_reviewlog",
        ["card_id", "learner_id", "rating", "reviewed_at", "answer", "received_at"],
        ((str(card_id), str(q.pk), "3", (now - timedelta(minutes=n)).isoformat(), "", stamp)
         for n, (card_id,) in enumerate(today)),  # fmt: skip
    )
    connection.cursor().execute("VACUUM ANALYZE")
    cards = connection.cursor().execute("SELECT count(*) FROM quizzes_card").fetchone()[0]
    return {"q": q, "learners": len(users), "cards": cards, "q_cards": len(topic_ids) * per_topic}


# --- In-process cases ---------------------------------------------------------------------


def timed_ms(call, repeats: int) -> list[float]:
    for _ in range(3):
        call()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def due_selector(data: dict, quick: bool) -> Row:
    from django.db import connection
    from django.utils import timezone

    from quizzes import selectors

    q = data["q"]
    repeats = 30 if quick else 200

    profile = q.profile

    def floor():  # the selector's three statements with its limits, no Python around them
        now = timezone.now()
        start = now.astimezone(profile.zone).replace(hour=0, minute=0, second=0, microsecond=0)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), count(DISTINCT CASE WHEN NOT EXISTS (SELECT 1 FROM quizzes_reviewlog b"
                " WHERE b.card_id = l.card_id AND b.reviewed_at < %s) THEN l.card_id END) FROM quizzes_reviewlog l"
                " WHERE l.learner_id = %s AND l.reviewed_at >= %s AND l.reviewed_at < %s",
                [start, q.pk, start, start + timedelta(days=1)],
            )
            total, new = cursor.fetchone()
            limits = {"NOT (state = 'new')": max(profile.reviews_per_day - (total - new), 0),
                      "state = 'new'": max(profile.new_cards_per_day - new, 0)}  # fmt: skip
            for state, limit in limits.items():
                cursor.execute(
                    "SELECT id, topic_id FROM quizzes_card WHERE learner_id = %s AND " + state + " AND due <= %s"
                    " AND NOT (question_id IN (SELECT id FROM quizzes_question WHERE NOT is_active))"
                    " ORDER BY due, id LIMIT %s", [q.pk, now, limit])  # fmt: skip
                cursor.fetchall()

    runs = [
        (p95(timed_ms(lambda: selectors.due_queue(learner=q, now=timezone.now()), repeats)),
         p95(timed_ms(floor, repeats)))  # fmt: skip
        for _ in range(RUNS)
    ]
    measured, base = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
    return Row(PART, "due queue (selector), Q: 100k cards among 1M", f"p95 {measured:.1f} ms",
               f"raw SQL p95 {base:.1f} ms", f"{measured / base:.1f}×", "", "")  # fmt: skip


def nightly(data: dict, quick: bool) -> Row:
    from django.db import connection
    from django.utils import timezone

    from quizzes import selectors, tasks

    runs = []
    for _ in range(RUNS):
        connection.cursor().execute("UPDATE progress_topicprogress SET retention = NULL, coverage = 0,"
                                    " needs_review = false")  # fmt: skip
        now = timezone.now().isoformat()
        started = time.perf_counter()
        ids = selectors.learners_with_progress()
        changed = sum(tasks.refresh_mastery_for(chunk, now) for chunk in tasks._chunks(ids, tasks.MASTERY_CHUNK))
        measured = time.perf_counter() - started
        started = time.perf_counter()
        connection.cursor().execute(
            "SELECT learner_id, topic_id, count(*), count(last_review),"
            " avg(power(1 + 0.2 * floor(extract(epoch FROM (now() - last_review)) / 86400) / stability, -0.15))"
            " FROM quizzes_card GROUP BY learner_id, topic_id"
        ).fetchall()
        runs.append((measured, time.perf_counter() - started, changed))
    measured, base = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
    target = "< 60 s"
    return Row(PART, f"nightly mastery: {data['learners']:,} learners, {data['cards']:,} cards "
               f"({runs[0][2]:,} rows)", f"{measured:.1f} s", f"raw aggregate {base:.1f} s",
               f"{measured / base:.1f}×", target,
               "" if quick else verdict(measured < 60, f"{measured:.0f} s"))  # fmt: skip


def reminders(data: dict, quick: bool) -> Row:
    from django.core import mail
    from django.db import connection
    from django.utils import timezone

    from quizzes import selectors, tasks
    from quizzes.models import Reminder

    runs = []
    for _ in range(RUNS):
        Reminder.objects.all().delete()
        mail.outbox = []
        at = timezone.now()
        started = time.perf_counter()
        ids = selectors.learners_due_reminder(now=at)
        sent = sum(tasks.send_reminders_to(chunk, at.isoformat()) for chunk in tasks._chunks(ids, tasks.REMINDER_CHUNK))
        measured = time.perf_counter() - started
        Reminder.objects.all().delete()
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT learner_id, count(*) FROM quizzes_card WHERE due <= now() GROUP BY learner_id")
            cursor.fetchall()
            cursor.execute(
                "INSERT INTO quizzes_reminder (learner_id, local_date, due_count, created_at, sent_at,"
                " claimed_at) SELECT user_id, current_date, 1, now(), now(), now()"
                " FROM progress_learnerprofile WHERE reminder_hour IS NOT NULL"
            )
        runs.append((measured, time.perf_counter() - started, sent, len(ids), len(mail.outbox)))
    measured, base = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
    return Row(PART, f"reminders: {runs[0][3]:,} learners due one ({runs[0][2]:,} sent, "
               f"{runs[0][4]:,} emails)", f"{measured:.1f} s", f"raw insert + counts {base:.2f} s",
               f"{measured / base:.0f}×", "< 30 s",
               "" if quick else verdict(measured < 30, f"{measured:.0f} s"))  # fmt: skip


# --- Over HTTP ------------------------------------------------------------------------------


class Server:
    """gunicorn with the production settings and the compose file's worker count, on loopback
    (``tests.benchmarks.gunicorn``)."""

    def __init__(self, database_url: str, port: int):
        self.port = port
        env = dict(os.environ)
        env.update({
            "PATHWISE_ENV": "production", "DATABASE_URL": database_url, "CONN_MAX_AGE": "600",
            "SECRET_KEY": "bench-" + secrets.token_urlsafe(40), "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": f"http://127.0.0.1:{port}", "SECURE_SSL_REDIRECT": "false",
            "CACHE_URL": os.environ.get("BENCH_REDIS_URL", "locmem://"),
        })  # fmt: skip
        env.pop("DJANGO_SETTINGS_MODULE", None)
        # Its errors go to a file, shown when a request fails.
        self.log = tempfile.NamedTemporaryFile(prefix="bench_quizzes_gunicorn_", suffix=".log", delete=False)
        self.process = gunicorn.start_gunicorn(env, port, self.log, access_log="/dev/null")

    def errors(self) -> str:
        with open(self.log.name, encoding="utf-8", errors="replace") as log:
            return log.read()[-3000:]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        gunicorn.stop(self.process)
        os.unlink(self.log.name)


def latencies(server: Server, path: str, token: str | None, count: int) -> list[float]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server.port)
    headers = {"Authorization": f"Token {token}"} if token else {}
    times = []
    for n in range(count + 5):
        started = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status} {body[:500]!r}\n{server.errors()}")
        if n >= 5:  # warm
            times.append((time.perf_counter() - started) * 1000)
    conn.close()
    return times


def due_endpoint(server: Server, token: str, quick: bool) -> Row:
    count = 40 if quick else 300
    runs = [(p95(latencies(server, "/api/v1/me/reviews/due/", token, count)),
             p95(latencies(server, "/healthz/", None, count))) for _ in range(RUNS)]  # fmt: skip
    measured, base = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
    return Row(PART, "due endpoint over HTTP, Q (page of 50 with previews)", f"p95 {measured:.1f} ms",
               f"/healthz/ p95 {base:.1f} ms", f"{measured / base:.1f}×", "p95 < 10 ms",
               "" if quick else verdict(measured < 10, f"p95 {measured:.1f} ms"))  # fmt: skip


WRK_SCRIPT = """
local ids, counter = {}, 0
function setup(thread)
  thread:set("offset", next_offset or 0); next_offset = (next_offset or 0) + 1
end
function init(args)
  for line in io.lines(os.getenv("BENCH_CARDS")) do ids[#ids + 1] = line end
end
function request()
  counter = counter + 1
  local id = ids[(counter * 4 + offset) % #ids + 1]
  return wrk.format("POST", "/api/v1/me/reviews/", {["Authorization"] = "Token " .. os.getenv("BENCH_TOKEN"),
    ["Content-Type"] = "application/json"}, '{"card": ' .. id .. ', "rating": 3}')
end
"""


def wrk_rate(server: Server, token: str, cards: list[int], seconds: int) -> tuple[float, int]:
    """Reviews per second from 4 connections over ``seconds``, and the non-2xx count."""
    with tempfile.TemporaryDirectory() as scratch:
        ids, script = os.path.join(scratch, "cards"), os.path.join(scratch, "reviews.lua")
        with open(ids, "w") as out:
            out.write("\n".join(map(str, cards)))
        with open(script, "w") as out:
            out.write(WRK_SCRIPT)
        result = subprocess.run(
            ["wrk", "-t4", "-c4", f"-d{seconds}s", "-s", script, server.url("/")],
            env={**os.environ, "BENCH_CARDS": ids, "BENCH_TOKEN": token},
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    rate = float(next(line for line in result.stdout.splitlines() if line.startswith("Requests/sec")).split()[1])
    bad = next((int(line.split()[-1]) for line in result.stdout.splitlines() if "Non-2xx" in line), 0)
    return rate, bad


def raw_review_rate(database_url: str, q_id: int, cards: list[int], seconds: float, threads_n: int = 4) -> float:
    """The floor: the same writes as a review, as raw statements, from ``threads_n`` threads."""
    import psycopg

    stop = time.monotonic() + seconds

    def work(index: int) -> int:
        done = 0
        with psycopg.connect(database_url) as conn:
            for card in cards[index::threads_n]:
                if time.monotonic() > stop:
                    break
                with conn.transaction():
                    conn.execute("SELECT * FROM quizzes_card WHERE id = %s AND learner_id = %s FOR UPDATE",
                                 [card, q_id])  # fmt: skip
                    conn.execute("INSERT INTO quizzes_reviewlog (card_id, learner_id, rating, reviewed_at, answer,"
                                 " received_at) VALUES (%s, %s, 3, now(), '', now())", [card, q_id])  # fmt: skip
                    conn.execute("UPDATE quizzes_card SET reps = reps + 1, last_review = now() WHERE id = %s", [card])
                    conn.execute("INSERT INTO progress_activity (learner_id, kind, topic_id, occurred_at, detail)"
                                 " SELECT learner_id, 'review', topic_id, now(), '{}' FROM quizzes_card WHERE id = %s",
                                 [card])  # fmt: skip
                done += 1
        return done

    return threaded_rate(work, threads_n)


def threaded_rate(work, threads_n: int) -> float:
    """Items a second that ``work(index)`` (returning how many it did) reaches from
    ``threads_n`` threads at once. A thread's error is raised here: a failing write must
    stop the benchmark, not pass for a slow one."""
    done, errors = [0] * threads_n, []

    def run(index: int) -> None:
        try:
            done[index] = work(index)
        except Exception as error:  # raised below, in the benchmark's own thread
            errors.append(error)

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return sum(done) / elapsed


def reviews_http(server: Server, database_url: str, data: dict, token: str, quick: bool) -> Row:
    from quizzes.models import Card

    seconds = 2 if quick else 10
    cards = list(Card.objects.filter(learner=data["q"]).order_by("?").values_list("id", flat=True))
    runs = []
    for n in range(RUNS):
        share = cards[n * len(cards) // (2 * RUNS) : (n + 1) * len(cards) // (2 * RUNS)]
        floor_cards = cards[len(cards) // 2 + n * len(cards) // (2 * RUNS):]
        rate, bad = wrk_rate(server, token, share, seconds)
        runs.append((rate, raw_review_rate(database_url, data["q"].pk, floor_cards, seconds), bad))
    measured, base = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
    bad = sum(r[2] for r in runs)
    met = measured >= 500 and bad == 0
    reason = f"{measured:.0f}/s" + (f", {bad} non-2xx" if bad else "")
    return Row(PART, "reviews over HTTP, 4 clients, synchronous_commit on", f"{measured:.0f} reviews/s",
               f"raw psycopg writes, 4 threads {base:.0f}/s", f"{measured / base:.2f}", ">= 500/s, 0 non-2xx",
               "" if quick else verdict(met, reason))  # fmt: skip


def reviews_in_process(url: str, data: dict, quick: bool) -> list[Row]:
    """``services.review_submit`` without HTTP, from 1 and 4 threads, beside the raw floor."""
    from django.db import connection as main_connection

    from quizzes import services
    from quizzes.models import Card

    seconds = 2 if quick else 10
    q = data["q"]
    cards = list(Card.objects.filter(learner=q).order_by("?").values_list("id", flat=True))
    main_connection.close()
    rows = []
    for threads_n in (1, 4):
        runs = []
        for n in range(RUNS):
            share = cards[n::RUNS]
            stop = time.monotonic() + seconds

            def work(index, share=share, stop=stop, threads_n=threads_n):
                from django.db import connection

                done = 0
                try:
                    for card_id in share[index::threads_n]:
                        if time.monotonic() > stop:
                            break
                        services.review_submit(learner=q, review=services.ReviewInput(card_id, 3))
                        done += 1
                finally:
                    connection.close()
                return done

            rate = threaded_rate(work, threads_n)
            runs.append((rate, raw_review_rate(url, q.pk, share[::-1], seconds, threads_n)))
        measured, base = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        rows.append(Row(PART, f"reviews in process (services.review_submit), {threads_n} thread(s)",
                        f"{measured:.0f} reviews/s", f"raw psycopg writes, {threads_n} thread(s) {base:.0f}/s",
                        f"{measured / base:.2f}", "", ""))  # fmt: skip
    return rows


def topic_mastery(data: dict, quick: bool) -> Row:
    from django.db import connection
    from django.utils import timezone

    from quizzes import selectors
    from roadmap.models import Topic

    q, repeats = data["q"], 30 if quick else 100
    topics = list(Topic.objects.order_by("?")[:20])

    def floor():
        connection.cursor().execute(
            "SELECT count(*), count(last_review), avg(power(1 + 0.2 * floor(extract(epoch FROM (now() - last_review))"
            " / 86400) / stability, -0.15)) FROM quizzes_card WHERE learner_id = %s AND topic_id = %s",
            [q.pk, random.choice(topics).pk],
        ).fetchall()

    runs = [(p95(timed_ms(lambda: selectors.topic_mastery(learner=q, topic=random.choice(topics),
                                                          now=timezone.now()), repeats)),
             p95(timed_ms(floor, repeats))) for _ in range(RUNS)]  # fmt: skip
    measured, base = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
    return Row(PART, f"topic mastery (selector), Q, {data['q_cards'] // len(Topic.objects.all()):,} cards",
               f"p95 {measured:.1f} ms", f"raw aggregate p95 {base:.1f} ms", f"{measured / base:.1f}×",
               "p95 < 50 ms", "" if quick else verdict(measured < 50, f"p95 {measured:.1f} ms"))  # fmt: skip


# --- Main -------------------------------------------------------------------------------------


def measure(url: str, args) -> list[Row]:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from api.auth.services import token_issue

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    data = load(args.quick, datetime.now(UTC).replace(microsecond=0))
    print(f"loaded {data['cards']:,} cards for {data['learners']:,} learners in {time.perf_counter() - started:.0f} s",
          flush=True)  # fmt: skip
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    token = token_issue(user=data["q"], device="bench").key
    parts, rows = set(args.parts.split(",")), []
    if "due" in parts:
        rows.append(due_selector(data, args.quick))
    connection.close()
    if parts & {"due", "reviews"}:
        server = Server(url, args.port or gunicorn.free_port())
        try:
            if "due" in parts:
                rows.append(due_endpoint(server, token, args.quick))
            if "reviews" in parts:
                rows.append(reviews_http(server, url, data, token, args.quick))
        finally:
            server.stop()
    if "reviews" in parts:
        rows.extend(reviews_in_process(url, data, args.quick))
    if "mastery" in parts:
        rows.append(topic_mastery(data, args.quick))
    if "nightly" in parts:
        rows.append(nightly(data, args.quick))
    if "reminders" in parts:
        rows.append(reminders(data, args.quick))
    commit = connection.cursor().execute("SHOW synchronous_commit").fetchone()[0]
    assert commit == "on", commit
    connection.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a twentieth of the data, 2 s per HTTP run, no verdicts")
    parser.add_argument("--port", type=int, default=0, help="loopback port of its own gunicorn (default: a free one)")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database afterwards")
    parser.add_argument("--parts", default="due,reviews,mastery,nightly,reminders", help="which cases, comma-separated")
    args = parser.parse_args(argv)
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench_quizzes: set BENCH_DATABASE_URL to a PostgreSQL server it may create a throwaway "
              "database on (e.g. postgres://postgres@127.0.0.1:5432/postgres); nothing was run.",
              file=sys.stderr)  # fmt: skip
        return 2
    if shutil.which("wrk") is None:
        print("bench_quizzes: needs wrk (apt-get install wrk); nothing was run.", file=sys.stderr)
        return 2
    # Ctrl-C and a runner's SIGTERM both unwind through the finally below, which drops the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in the background
    name, bench_url = create_database(url)
    print(f"throwaway database {name}", flush=True)
    try:
        os.environ.update({"DATABASE_URL": bench_url, "DEBUG": "false", "CACHE_URL": "locmem://",
                           "PATHWISE_ENV": "development"})  # fmt: skip
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        rows = measure(bench_url, args)
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if args.keep:
            print(f"kept {name}")
        else:
            drop_database(url, name)
    report(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
