"""The pure rules of link health: no server, no Django, no clock but the ones given."""

from datetime import UTC, datetime, timedelta

import pytest

from roadmap.links.rules import (
    CheckResult,
    LinkHealth,
    chunk_by_host,
    host_key,
    is_outage,
    next_health,
    outage_reason,
    parse_retry_after,
)

DAY1 = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)


def result(status, *, not_found=False, url="https://docs.example/page", refused=False):
    return CheckResult(1, url, status, None, None, None, "", DAY1, 1, not_found, None, refused)


def test_a_first_404_leaves_the_health_unchanged_but_counts():
    assert next_health(None, 0, None, result(LinkHealth.BROKEN, not_found=True), DAY1) == (
        LinkHealth.UNKNOWN, 1, DAY1,
    )  # fmt: skip
    assert next_health("ok", 0, None, result(LinkHealth.BROKEN, not_found=True), DAY1) == (
        LinkHealth.OK, 1, DAY1,
    )  # fmt: skip


def test_a_second_404_breaks_the_link_only_24_hours_after_the_first():
    gone = result(LinkHealth.BROKEN, not_found=True)
    soon = next_health("ok", 1, DAY1, gone, DAY1 + timedelta(hours=23))
    later = next_health(*soon, gone, DAY1 + timedelta(hours=24))

    assert soon == (LinkHealth.OK, 2, DAY1)
    assert later == (LinkHealth.BROKEN, 3, DAY1)


def test_a_confirmed_nxdomain_is_broken_and_a_confirmed_timeout_stays_a_timeout():
    next_day = DAY1 + timedelta(days=1)
    nxdomain = result(LinkHealth.DNS_ERROR, not_found=True)

    assert next_health("ok", 1, DAY1, nxdomain, next_day).health == LinkHealth.BROKEN
    assert next_health("ok", 1, DAY1, result(LinkHealth.TIMEOUT), next_day).health == "timeout"


def test_success_clears_the_failure_count():
    assert next_health("broken", 5, DAY1, result(LinkHealth.OK), DAY1) == ("ok", 0, None)
    assert next_health("ok", 1, DAY1, result(LinkHealth.REDIRECTED), DAY1).health == "redirected"


def test_a_block_shows_at_once_and_never_counts_as_a_failure():
    assert next_health("ok", 1, DAY1, result(LinkHealth.BLOCKED), DAY1 + timedelta(days=3)) == (
        LinkHealth.BLOCKED, 1, DAY1,
    )  # fmt: skip


def test_a_checker_error_changes_nothing():
    assert next_health("ok", 1, DAY1, result(LinkHealth.UNKNOWN), DAY1) == ("ok", 1, DAY1)


def test_the_outage_guard_counts_distinct_hosts_not_urls():
    down = [result(LinkHealth.CONNECTION_ERROR, url=f"https://h{i}.example/") for i in range(2)]
    up = [result(LinkHealth.OK, url="https://up.example/")]
    many_urls_one_dead_host = [
        result(LinkHealth.DNS_ERROR, url=f"https://dead.example/{i}") for i in range(50)
    ]

    assert is_outage(down + up)  # 2 of 3 hosts
    assert not is_outage(down + up * 2 + [result(LinkHealth.OK, url="https://b.example/")])
    assert not is_outage(
        many_urls_one_dead_host + up + [result(LinkHealth.OK, url="https://c.example/")]
    )
    assert not is_outage(down)  # too few hosts to tell
    assert outage_reason(down + up, threshold=0.7) is None


def test_a_host_with_one_good_answer_was_reachable():
    mixed = [
        result(LinkHealth.TIMEOUT, url="https://a.example/1"),
        result(LinkHealth.BROKEN, url="https://a.example/2"),
    ]
    others = [result(LinkHealth.TIMEOUT, url=f"https://h{i}.example/") for i in range(2)]

    assert outage_reason(mixed + others) == "inconclusive — no network: 2 of 3 hosts unreachable"


def test_refusals_say_nothing_about_the_network():
    refused = [
        result(LinkHealth.CONNECTION_ERROR, url=f"http://10.0.0.{i}/", refused=True)
        for i in range(5)
    ]
    assert not is_outage(
        refused + [result(LinkHealth.OK, url=f"https://h{i}.example/") for i in range(3)]
    )


def test_retry_after_reads_seconds_and_http_dates():
    now = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)

    assert parse_retry_after("7", now) == 7.0
    assert parse_retry_after("Sat, 01 Mar 2025 12:00:45 GMT", now) == 45.0
    assert parse_retry_after("Sat, 01 Mar 2025 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("", now) is parse_retry_after("later", now) is None


def test_the_health_values_match_the_stored_choices():
    assert [h.value for h in LinkHealth] == [
        "unknown", "ok", "redirected", "broken", "blocked",
        "timeout", "tls-error", "dns-error", "connection-error",
    ]  # fmt: skip


def test_chunks_keep_every_url_of_a_host_together():
    targets = [(f"a{i}", f"https://a.example/{i}") for i in range(5)]
    targets += [(f"b{i}", f"https://B.example:443/{i}") for i in range(3)]
    targets += [(f"h{i}", f"https://h{i}.example/") for i in range(6)]

    chunks = chunk_by_host(targets, size=6)

    assert sorted(id_ for chunk in chunks for id_ in chunk) == sorted(t[0] for t in targets)
    for host in ("a", "b"):
        (holding,) = [chunk for chunk in chunks if any(i.startswith(host) for i in chunk)]
        assert len([i for i in holding if i.startswith(host)]) == (5 if host == "a" else 3)
    assert all(len(chunk) <= 6 for chunk in chunks)
    assert len(chunks) == 3  # 5+1, 3+3, 2: first-fit packs small hosts into free room


def test_a_host_bigger_than_a_chunk_gets_a_chunk_of_its_own():
    big = [(i, f"https://arxiv.org/abs/{i}") for i in range(7)]

    assert chunk_by_host(big + [(99, "https://d2l.ai/")], size=5) == [list(range(7)), [99]]
    with pytest.raises(ValueError, match="size must be at least 1"):
        chunk_by_host(big, size=0)


def test_hosts_are_counted_the_way_the_checker_connects():
    assert host_key("https://WWW.Example.org/a") == host_key("http://www.example.org:8080/b")
    assert host_key("https://münchen.example/") == "xn--mnchen-3ya.example"
