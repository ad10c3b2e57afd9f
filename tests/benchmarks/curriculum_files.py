"""Synthetic curriculum files for the import benchmark (and its tests): seeded, any size.

Tracks of 100 topics; each topic lists up to 3 prerequisites among the 20 topics before it
in its track (a quarter recommended) and 1 or 2 resources (one resource per five topics).
Topics are split over included files of ``TOPICS_PER_FILE`` so no file passes the reader's
4 MB limit; the shapes (flow mappings, short reasons) keep 50k topics under its 16 MB total.
"""

from __future__ import annotations

import random
from pathlib import Path

TRACK_SIZE = 100
TOPICS_PER_FILE = 5_000
LEVELS = ("beginner", "intermediate", "advanced")
KINDS = ("book", "course", "video", "article")


def topic_slug(n: int) -> str:
    return f"t{n:06d}"


def write_curriculum(folder: Path, topics: int, *, seed: int = 20261207) -> Path:
    """Write a curriculum of ``topics`` topics into ``folder``; return the main file's path."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    tracks = max(1, topics // TRACK_SIZE)
    resources = max(1, topics // 5)
    names = [f"topics-{i:03d}.yaml" for i in range(0, (topics + TOPICS_PER_FILE - 1) // TOPICS_PER_FILE)]
    main = ["format: 1", f"include: [{', '.join(names)}]", "tracks:"]
    for t in range(tracks):
        main.append(f"  - {{slug: track-{t:04d}, title: Track {t}, position: {t + 1}}}")
    main.append("resources:")
    for r in range(resources):
        main.append(
            f"  - {{slug: r{r:06d}, title: Resource {r}, kind: {rng.choice(KINDS)}, "
            f"url: 'https://ex.org/{r}', year: {rng.randint(1990, 2025)}}}"
        )
    path = folder / "curriculum.yaml"
    path.write_text("\n".join(main) + "\n", encoding="utf-8")
    for index, name in enumerate(names):
        lines = ["topics:"]
        for n in range(index * TOPICS_PER_FILE, min(topics, (index + 1) * TOPICS_PER_FILE)):
            track, first = n // TRACK_SIZE, n - n % TRACK_SIZE
            window = list(range(max(first, n - 20), n))
            prerequisites = ", ".join(
                f"{{topic: {topic_slug(p)}, kind: {'recommended' if rng.random() < 0.25 else 'required'}, reason: r}}"
                for p in sorted(rng.sample(window, min(3, len(window))))
            )
            linked = sorted({rng.randrange(resources) for _ in range(rng.randint(1, 2))})
            links = ", ".join(f"{{resource: r{r:06d}}}" for r in linked)
            lines.append(
                f"  - {{slug: {topic_slug(n)}, title: Topic {n}, track: track-{min(track, tracks - 1):04d}, "
                f"level: {rng.choice(LEVELS)}, hours: {rng.randint(1, 40)}, "
                f"prerequisites: [{prerequisites}], resources: [{links}]}}"
            )
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
