"""How fast are the due queue, review submissions and topic mastery at scale?

Run from the repository root against PostgreSQL::

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/pathwise
    python -m tests.benchmarks.bench_quizzes
    python -m tests.benchmarks.bench_quizzes --quick   # a tenth of the size
    python -m tests.benchmarks.bench_quizzes --no-sync-commit   # reviews without the WAL flush

The script creates its own database (``pathwise_bench`` on the same server; ``--database``
to rename it), migrates it, loads it with COPY, measures, and drops it (``--keep`` keeps
it). The default database is never touched.

Data (full size; --quick has 50 topics of 200 questions, so 10k cards for each learner):

- 500 topics with 2,000 questions each (1M questions, about 0.1% of them retired);
- learner **Q** ("queue") enrolled in 50 topics: 100k cards, a fifth of them new, the rest
  reviewed, with due times from a month overdue to six months ahead, one logged review
  each, and 30 reviews already done today;
- learner **M** ("mastery") enrolled in all 500 topics: 500 × 2,000 = 1M cards, four
  fifths reviewed;

so Q's 100k cards sit among 1.1M. Measured warm, garbage collection on, as wall-clock p50
and p95 and the median CPU time of this process (``cpu ms``: on a shared machine the wall
time also includes waiting for a CPU, and the database server's own work):

- the due queue for Q (``selectors.due_queue``: today's counts, reviews, new cards,
  spreading), and the API's page of 50 with the four button previews;
- review submissions through ``services.review_submit``, one at a time, each its own
  transaction with its row lock (reviews/s), with four threads, and as offline batches
  of 100 through ``services.reviews_upload``;
- ``selectors.topic_mastery`` for M on a topic of 2,000 cards, and M's whole nightly
  refresh (all 500 topics) once.

Targets: due queue p95 < 10 ms, 500+ reviews/s, topic mastery p95 < 50 ms.

A live review is one transaction, so one client's rate is bounded by the server's WAL
flush at commit (``fdatasync``, milliseconds on a virtual disk). ``--no-sync-commit``
turns ``synchronous_commit`` off on the throwaway database only, to show what the code
path itself costs; the header line says which setting a run used.
"""

import argparse
import io
import os
import random
import statistics
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

SEED = 20260301
NEW_SHARE = 0.2


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


class Timings(list):
    """Wall-clock milliseconds per call, with this process's CPU milliseconds in ``cpu``.

    On a busy machine wall time includes waiting for a CPU; the CPU time does not.
    """

    def __init__(self):
        super().__init__()
        self.cpu: list[float] = []

    def run(self, call):
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        self.append((time.perf_counter() - wall) * 1000)
        self.cpu.append((time.process_time() - cpu) * 1000)
        return result


def timed(call, repeats: int) -> Timings:
    for _ in range(3):
        call()
    timings = Timings()
    for _ in range(repeats):
        timings.run(call)
    return timings


def fresh_database(url: str, name: str, *, sync_commit: bool = True) -> str:
    """Drop and create ``name`` on the server of ``url``; return the URL pointing at it."""
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
        if not sync_commit:
            conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_database(url: str, name: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy_rows(table: str, columns: list[str], rows) -> int:
    """COPY rows (tuples of already formatted text, None for NULL) into ``table``."""
    from django.db import connection

    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(r"\N" if v is None else v for v in row))
                buffer.write("\n")
                count += 1
                if count % 50_000 == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
    return count


def load(scale: int, now: datetime) -> dict:
    """Create learners, topics, questions, cards and review log; return what timings need."""
    from django.db import connection

    from progress.models import LearnerProfile, TopicProgress, User
    from roadmap.models import Topic, Track

    rng = random.Random(SEED)
    topics_n, per_topic, q_topics = 500 // scale, 2_000 // scale, 50
    track = Track.objects.create(slug="bench", title="Bench", position=1)
    Topic.objects.bulk_create(
        Topic(slug=f"topic-{n:04d}", title=f"Topic {n}", track=track, hours=5)
        for n in range(topics_n)
    )
    topic_ids = list(Topic.objects.order_by("slug").values_list("id", flat=True))
    q = User.objects.create(username="q", email="q@example.org")
    m = User.objects.create(username="m", email="m@example.org")
    LearnerProfile.objects.create(
        user=q, time_zone="America/New_York", reviews_per_day=200, new_cards_per_day=20
    )
    LearnerProfile.objects.create(user=m, time_zone="Europe/Berlin")
    stamp = now.isoformat()

    copy_rows(
        "quizzes_question",
        [
            "key",
            "topic_id",
            "kind",
            "prompt",
            "answer",
            "choices",
            "correct_choices",
            "explanation",
            "is_active",
            "created_at",
            "updated_at",
        ],
        (
            (
                f"q-{t}-{i}",
                str(topic_id),
                "free-recall",
                f"Question {i} of topic {t}?",
                "An answer.",
                "[]",
                "[]",
                "",
                "t",
                stamp,
                stamp,
            )
            for t, topic_id in enumerate(topic_ids)
            for i in range(per_topic)
        ),
    )
    # About one question in a thousand retired by curators: its cards drop out of every read.
    connection.cursor().execute("UPDATE quizzes_question SET is_active = false WHERE id % 997 = 0")
    questions: dict[int, list[int]] = {}
    for question_id, topic_id in (
        connection.cursor()
        .execute("SELECT id, topic_id FROM quizzes_question ORDER BY id")
        .fetchall()
    ):
        questions.setdefault(topic_id, []).append(question_id)

    def cards(learner_id: int, topics: list[int]):
        for topic_id in topics:
            enrolled = now - timedelta(days=rng.randint(60, 400))
            for question_id in questions[topic_id]:
                if rng.random() < NEW_SHARE:
                    yield (
                        str(learner_id),
                        str(question_id),
                        str(topic_id),
                        "new",
                        None,
                        None,
                        None,
                        enrolled.isoformat(),
                        None,
                        "0",
                        "0",
                        enrolled.isoformat(),
                    )
                    continue
                due = now + timedelta(minutes=rng.randint(-30 * 1440, 180 * 1440))
                stability = rng.uniform(1, 200)
                last = min(
                    due - timedelta(days=max(1, stability * rng.uniform(0.5, 1.5))),
                    now - timedelta(days=2),
                )
                yield (
                    str(learner_id),
                    str(question_id),
                    str(topic_id),
                    "review",
                    None,
                    f"{stability:.4f}",
                    f"{rng.uniform(1, 10):.4f}",
                    due.isoformat(),
                    last.isoformat(),
                    str(rng.randint(1, 12)),
                    str(rng.randint(0, 3)),
                    enrolled.isoformat(),
                )

    columns = [
        "learner_id",
        "question_id",
        "topic_id",
        "state",
        "step",
        "stability",
        "difficulty",
        "due",
        "last_review",
        "reps",
        "lapses",
        "created_at",
    ]
    copy_rows("quizzes_card", columns, cards(q.pk, topic_ids[:q_topics]))
    copy_rows("quizzes_card", columns, cards(m.pk, topic_ids))
    # One logged review per reviewed card of Q (its last), plus 30 done earlier today.
    copy_rows(
        "quizzes_reviewlog",
        ["card_id", "learner_id", "rating", "reviewed_at", "answer", "received_at"],
        (
            (str(card_id), str(q.pk), "3", last.isoformat(), "", stamp)
            for card_id, last in connection.cursor()
            .execute(
                "SELECT id, last_review FROM quizzes_card"
                " WHERE learner_id = %s AND last_review IS NOT NULL",
                [q.pk],
            )
            .fetchall()
        ),
    )
    today = (
        connection.cursor()
        .execute(
            "SELECT id FROM quizzes_card WHERE learner_id = %s AND state = 'review'"
            " ORDER BY random() LIMIT 30",
            [q.pk],
        )
        .fetchall()
    )
    copy_rows(
        "quizzes_reviewlog",
        ["card_id", "learner_id", "rating", "reviewed_at", "answer", "received_at"],
        (
            (str(card_id), str(q.pk), "3", (now - timedelta(minutes=n)).isoformat(), "", stamp)
            for n, (card_id,) in enumerate(today)
        ),
    )
    TopicProgress.objects.bulk_create(
        TopicProgress(learner=m, topic_id=topic_id, status="done") for topic_id in topic_ids
    )
    connection.cursor().execute("ANALYZE")
    return {"q": q, "m": m, "topics": topic_ids, "per_topic": per_topic}


def measure(data: dict, now: datetime, quick: bool) -> list[dict]:
    from django.db import connection

    from progress.selectors import profile_for
    from quizzes import fitting, selectors, services
    from quizzes.models import Card
    from roadmap.models import Topic

    q, m = data["q"], data["m"]
    rows = []
    repeats = 100 if quick else 300

    queue = selectors.due_queue(learner=q, now=now)
    timings = timed(lambda: selectors.due_queue(learner=q, now=now), repeats)
    rows.append(
        {
            "what": "due queue (Q)",
            "size": f"{len(queue.entries)} of Q's cards",
            "timings": timings,
            "target": ("p95 < 10 ms", p95(timings) < 10),
        }
    )

    settings = selectors.scheduler_settings_for(profile_for(q))

    def due_page():
        page = selectors.due_queue(learner=q, now=now).card_ids[:50]
        cards = selectors.due_cards(learner=q, card_ids=page)
        return [selectors.review_previews(card=card, now=now, settings=settings) for card in cards]

    rows.append(
        {
            "what": "due page + previews",
            "size": "50 cards × 4 buttons",
            "timings": timed(due_page, repeats // 3),
        }
    )

    forecast = timed(lambda: selectors.due_forecast(learner=q, now=now, days=30), repeats // 3)
    rows.append(
        {"what": "forecast, 30 days (Q)", "size": "Q's reviewed cards", "timings": forecast}
    )

    topics = Topic.objects.filter(pk__in=random.Random(SEED).sample(data["topics"], 20))
    by_topic = list(topics)
    timings = timed(
        lambda: selectors.topic_mastery(learner=m, topic=random.choice(by_topic), now=now),
        repeats // 3,
    )
    rows.append(
        {
            "what": "topic mastery (M)",
            "size": f"{data['per_topic']:,} cards",
            "timings": timings,
            "target": ("p95 < 50 ms", p95(timings) < 50),
        }
    )

    # Submissions: distinct due cards, each reviewed once, one transaction each.
    count = 300 if quick else 3_000
    due_ids = list(
        Card.objects.filter(learner=q, due__lte=now)
        .exclude(state="new")
        .order_by("?")
        .values_list("id", flat=True)[: count * 3]
    )
    single, threaded, offline = due_ids[:count], due_ids[count : 2 * count], due_ids[2 * count :]
    latencies = Timings()
    started = time.perf_counter()
    for card_id in single:
        review = services.ReviewInput(card_id, 3)
        latencies.run(
            lambda review=review: services.review_submit(learner=q, review=review, now=now)
        )
    rate = len(single) / (time.perf_counter() - started)
    rows.append(
        {
            "what": "review submit, 1 thread",
            "size": f"{len(single):,} reviews",
            "timings": latencies,
            "rate": rate,
            "target": ("500+ reviews/s", rate >= 500),
        }
    )

    def work(ids):
        from django.db import connection as thread_connection

        for card_id in ids:
            services.review_submit(learner=q, review=services.ReviewInput(card_id, 3), now=now)
        thread_connection.close()

    threads = [threading.Thread(target=work, args=(threaded[i::4],)) for i in range(4)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows.append(
        {
            "what": "review submit, 4 threads",
            "size": f"{len(threaded):,} reviews",
            "timings": None,
            "rate": len(threaded) / (time.perf_counter() - started),
        }
    )

    batches = [offline[i : i + 100] for i in range(0, len(offline), 100)]
    latencies = Timings()
    started = time.perf_counter()
    for batch in batches:
        reviews = [
            services.ReviewInput(card_id, 3, reviewed_at=now, client_id=f"b{card_id}")
            for card_id in batch
        ]
        latencies.run(
            lambda reviews=reviews: services.reviews_upload(learner=q, now=now, reviews=reviews)
        )
    rows.append(
        {
            "what": "offline batches of 100",
            "size": f"{len(offline):,} reviews",
            "timings": latencies,
            "rate": len(offline) / (time.perf_counter() - started),
        }
    )

    started = time.perf_counter()
    fitting.mastery_refresh(learner_id=m.pk, now=now)
    cards_m = Card.objects.filter(learner=m).count()
    rows.append(
        {
            "what": "nightly refresh (M), once",
            "size": f"{cards_m:,} cards, {len(data['topics'])} topics",
            "timings": [(time.perf_counter() - started) * 1000],
        }
    )
    connection.close()
    return rows


def print_table(rows: list[dict]) -> None:
    header = f"{'measure':<27} {'size':<24} {'p50 ms':>9} {'p95 ms':>9} {'cpu ms':>8} {'per s':>8}"
    header += "  target"
    print(header)
    print("-" * (len(header) + 20))
    for r in rows:
        timings = r.get("timings")
        p50_ms = f"{statistics.median(timings):9.2f}" if timings else f"{'':>9}"
        p95_ms = f"{p95(timings):9.2f}" if timings and len(timings) > 1 else f"{'':>9}"
        cpu = getattr(timings, "cpu", None)
        cpu_ms = f"{statistics.median(cpu):8.2f}" if cpu else f"{'':>8}"
        rate = f"{r['rate']:8.0f}" if r.get("rate") else f"{'':>8}"
        target = ""
        if r.get("target"):
            label, met = r["target"]
            target = f"{label}: {'met' if met else 'NOT met'}"
        print(f"{r['what']:<27} {r['size']:<24} {p50_ms} {p95_ms} {cpu_ms} {rate}  {target}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50 topics of 200 questions")
    parser.add_argument("--database", default="pathwise_bench", help="throwaway database to create")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--no-sync-commit",
        action="store_true",
        help="turn synchronous_commit off on the throwaway database, to see what a review "
        "costs apart from the WAL flush at each commit",
    )
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(
            "DATABASE_URL must point at a PostgreSQL server (the benchmark makes its own database)"
        )
        return 2

    os.environ["DATABASE_URL"] = fresh_database(
        url, args.database, sync_commit=not args.no_sync_commit
    )
    os.environ["DEBUG"] = "false"  # DEBUG keeps every query in memory
    os.environ["CACHE_URL"] = "locmem://"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        now = datetime.now(UTC).replace(microsecond=0)
        data = load(10 if args.quick else 1, now)
        setup = time.perf_counter() - started
        rows = measure(data, now, args.quick)
        version = connection.cursor().execute("SHOW server_version").fetchone()[0]
        commit = connection.cursor().execute("SHOW synchronous_commit").fetchone()[0]
        print(
            f"Quizzes at scale ({'quick' if args.quick else 'full'}): PostgreSQL {version}, "
            f"Python {sys.version.split()[0]}, synchronous_commit={commit}; "
            f"setup (migrate + load) {setup:.0f} s; load average {os.getloadavg()[0]:.1f}"
        )
        print_table(rows)
    finally:
        connection.close()
        if not args.keep:
            drop_database(url, args.database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
