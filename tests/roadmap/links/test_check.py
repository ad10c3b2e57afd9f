"""The link checker against a real HTTP server on 127.0.0.1 — no Django, no internet.

Every name the checker looks up goes through an injected resolver (or /etc/hosts for
``localhost``), and the allow-list opens only 127.0.0.1/32, so nothing here can leave
the machine. The server (``tests.roadmap.links.linkserver``) runs in a child process. The pure
rules have their own tests in ``test_linkhealth.py``.
"""

import asyncio
import shutil
import socket
import subprocess
import time
import tracemalloc

import pytest

from roadmap.links.check import (
    USER_AGENT,
    CheckConfig,
    CheckResult,
    InvalidCheckConfig,
    LinkHealth,
    check_links,
    run_checks,
)
from tests.roadmap.links.linkserver import KIB, local_config, local_names, serving


@pytest.fixture(scope="module")
def server():
    with serving() as site:
        yield site


@pytest.fixture
def site(server):
    server.control("reset")
    return server


def check(url: str, **overrides) -> CheckResult:
    report = run_checks([("r1", url)], config=local_config(**overrides))
    assert len(report.results) == 1
    return report.results[0]


# --- what a single check reports -----------------------------------------------------


def test_a_live_page_is_ok_and_the_checker_says_who_it_is(site):
    result = check(site.url("/ok"))

    assert result.status == LinkHealth.OK
    assert (result.http_status, result.error, result.attempts) == (200, "", 1)
    assert result.final_url == site.url("/ok") and result.suggested_url is None
    assert result.resource_id == "r1" and result.latency_ms >= 0
    assert result.checked_at.tzinfo is not None
    (hit,) = site.hits_for("/ok")
    assert hit.method == "HEAD" and hit.user_agent == USER_AGENT
    assert "link" not in hit.user_agent.lower() and "https://" in hit.user_agent


def test_a_chain_of_permanent_redirects_suggests_the_new_url(site):
    result = check(site.url("/moved"))

    assert result.status == LinkHealth.REDIRECTED
    assert result.final_url == result.suggested_url == site.url("/ok")
    assert result.http_status == 200


def test_a_temporary_redirect_that_ends_well_is_just_ok(site):
    result = check(site.url("/temporary"))

    assert result.status == LinkHealth.OK
    assert result.final_url == site.url("/ok") and result.suggested_url is None


def test_only_the_leading_permanent_hops_are_adopted(site):
    result = check(site.url("/moved-then-temporary"))

    assert result.status == LinkHealth.REDIRECTED
    assert result.suggested_url == site.url("/temporary")
    assert result.final_url == site.url("/ok")


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/to-other-loopback", "127.0.0.2 is a loopback address"),
        ("/to-metadata", "169.254.169.254 is a link-local address (the cloud metadata service)"),
        ("/to-ftp", "scheme 'ftp' is not allowed"),
    ],
)
def test_a_redirect_out_of_bounds_is_refused(site, path, reason):
    result = check(site.url(path))

    assert result.status == LinkHealth.CONNECTION_ERROR and result.refused
    assert result.error.startswith(f"refused: {reason}")
    assert result.final_url != site.url(path)
    assert len(site.hits) == 1  # the hop itself was never requested


def test_a_private_address_is_refused_without_the_allow_list(site):
    result = check(site.url("/ok"), allow_networks=())

    assert result.status == LinkHealth.CONNECTION_ERROR and result.refused
    assert result.error == "refused: 127.0.0.1 is a loopback address"
    assert site.hits == []


@pytest.mark.parametrize("code", [404, 410])
def test_a_missing_page_is_broken_with_not_found_evidence(site, code):
    result = check(site.url(f"/gone-{code}"))

    assert result.status == LinkHealth.BROKEN and result.not_found
    assert result.http_status == code and result.error == f"HTTP {code}"


def test_a_server_that_refuses_head_is_asked_with_get(site):
    result = check(site.url("/no-head"))

    assert result.status == LinkHealth.OK
    assert [h.method for h in site.hits] == ["HEAD", "GET"]


def test_a_429_is_retried_after_the_wait_the_server_asked_for(site):
    result = check(site.url("/busy-once"))

    assert result.status == LinkHealth.OK and result.attempts == 2
    first, second = site.hits_for("/busy-once")
    assert second.start - first.start >= 0.99


def test_a_retry_after_longer_than_the_cap_is_not_waited_for(site):
    started = time.monotonic()
    result = check(site.url("/busy-for-long"))

    assert result.status == LinkHealth.BLOCKED and result.attempts == 1
    assert result.http_status == 429 and not result.not_found
    assert time.monotonic() - started < 1


def test_a_503_is_retried_then_blocked_never_broken(site):
    result = check(site.url("/unavailable"))

    assert result.status == LinkHealth.BLOCKED and result.attempts == 3
    assert len(site.hits_for("/unavailable")) == 3


def test_a_500_is_retried_then_broken_but_not_missing(site):
    result = check(site.url("/error"), max_attempts=2)

    assert result.status == LinkHealth.BROKEN and not result.not_found
    assert result.attempts == 2 and result.http_status == 500


def test_a_server_slower_than_the_timeout_times_out_after_retries(site):
    result = check(site.url("/slow"), total_timeout=0.3, max_attempts=2)

    assert result.status == LinkHealth.TIMEOUT and result.attempts == 2
    assert len(site.hits_for("/slow")) == 2
    assert result.latency_ms >= 300


def test_a_reset_connection_is_a_connection_error_without_retry(site):
    result = check(site.url("/reset"))

    assert result.status == LinkHealth.CONNECTION_ERROR and not result.refused
    assert result.attempts == 1 and len(site.hits_for("/reset")) == 1


def test_an_endless_redirect_loop_stops_after_ten_hops(site):
    result = check(site.url("/loop"))

    assert result.status == LinkHealth.BROKEN and not result.not_found
    assert result.error == "too many redirects (more than 10)"
    assert len(site.hits_for("/loop")) == 11  # the first request and ten redirects


def test_a_huge_body_is_read_only_up_to_64_kib(site):
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = check(site.url("/huge"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result.status == LinkHealth.OK
    assert time.monotonic() - started < 3
    assert peak < 2 * KIB * KIB
    assert site.bytes_sent < 50 * KIB * KIB  # of 200 MiB offered


@pytest.mark.parametrize("path", ["/challenge", "/cf-header", "/gzipped-challenge"])
def test_a_bot_challenge_is_blocked_not_broken(site, path):
    result = check(site.url(path))

    assert result.status == LinkHealth.BLOCKED
    assert result.error == "bot challenge" and not result.not_found


def test_a_compressed_body_is_inflated_only_up_to_64_kib(site):
    tracemalloc.start()
    try:
        result = check(site.url("/zip-bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result.status == LinkHealth.OK
    assert peak < 2 * KIB * KIB  # of 64 MiB it would inflate to


def test_an_article_that_mentions_captchas_is_no_challenge(site):
    assert check(site.url("/captcha-article")).status == LinkHealth.OK


@pytest.fixture(scope="module")
def tls_site(tmp_path_factory):
    """An HTTPS site whose certificate, from a throwaway CA, names only ``tls.test``."""
    if not shutil.which("openssl"):
        pytest.skip("needs the openssl command to make a certificate")
    folder = tmp_path_factory.mktemp("tls")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

    def openssl(*args):
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=Pathwise test CA")  # fmt: skip
    openssl("req", *ec, "-keyout", "site.key", "-out", "site.csr", "-subj", "/CN=tls.test")
    (folder / "san.ext").write_text("subjectAltName=DNS:tls.test\n")
    openssl("x509", "-req", "-in", "site.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "site.pem", "-days", "2", "-extfile", "san.ext")  # fmt: skip
    with serving((str(folder / "site.pem"), str(folder / "site.key"))) as site:
        site.ca_file = str(folder / "ca.pem")
        yield site


def test_tls_is_verified_against_the_name_though_the_connection_goes_to_an_ip(tls_site):
    resolver = local_names("tls.test", "other.test")
    config = local_config(ca_file=tls_site.ca_file)

    def check_tls(host, config=config):
        url = f"https://{host}:{tls_site.port}/ok"
        return run_checks([(1, url)], config=config, resolver=resolver).results[0]

    assert check_tls("tls.test").status == LinkHealth.OK
    wrong_name = check_tls("other.test")
    assert wrong_name.status == LinkHealth.TLS_ERROR and "other.test" in wrong_name.error
    untrusted = check_tls("tls.test", config=local_config())
    assert (
        untrusted.status == LinkHealth.TLS_ERROR and "certificate verify failed" in untrusted.error
    )


def test_tls_to_a_server_that_speaks_plain_http_is_a_tls_error(site):
    result = check(f"https://127.0.0.1:{site.port}/ok")

    assert result.status == LinkHealth.TLS_ERROR and result.error.startswith("TLS: ")


@pytest.mark.parametrize(
    ("errno", "not_found"), [(socket.EAI_NONAME, True), (socket.EAI_AGAIN, False)]
)
def test_a_dns_failure_is_reported_once_without_retry(errno, not_found):
    calls = []

    def failing(host):
        calls.append(host)
        raise socket.gaierror(errno, "lookup failed")

    report = run_checks([(7, "https://nowhere.example/x")], config=local_config(), resolver=failing)
    (result,) = report.results

    assert result.status == LinkHealth.DNS_ERROR and result.not_found is not_found
    assert result.attempts == 1 and calls == ["nowhere.example"]
    assert result.latency_ms is None and result.http_status is None


def test_the_connection_goes_to_the_address_that_was_checked(site):
    # A rebinding resolver: a public address first, then the metadata service. The
    # system cannot resolve "rebind.test" at all, so the request can only have reached
    # the site through the address the guard checked.
    answers = iter([["127.0.0.1"], ["169.254.169.254"]])
    lookups = []

    def rebinding(host):
        lookups.append(host)
        return next(answers)

    report = run_checks([(1, site.url("/moved", host="rebind.test"))], config=local_config(),
                        resolver=rebinding)  # fmt: skip
    (result,) = report.results

    assert result.status == LinkHealth.CONNECTION_ERROR and result.refused
    assert "rebind.test resolves to 169.254.169.254" in result.error
    assert lookups == ["rebind.test", "rebind.test"]  # one per hop, none behind our back
    assert [h.host for h in site.hits] == [f"rebind.test:{site.port}"]
    assert result.final_url == site.url("/moved-again", host="rebind.test")


def test_the_system_resolver_is_used_by_default(site):
    # localhost comes from /etc/hosts, never the network; it may list ::1 as well.
    result = check(site.url("/ok", host="localhost"), allow_networks=("127.0.0.0/8", "::1/128"))

    assert result.status == LinkHealth.OK
    assert site.hits_for("/ok")[0].host == f"localhost:{site.port}"


def test_when_one_checked_address_takes_no_connection_the_next_is_tried(site):
    # Nobody listens on 127.0.0.2 (the site is bound to 127.0.0.1 only).
    def two_addresses(host):
        return ["127.0.0.2", "127.0.0.1"]

    report = run_checks(
        [(1, site.url("/ok", host="dual.test"))],
        config=local_config(allow_networks=("127.0.0.0/8",)),
        resolver=two_addresses,
    )

    assert report.results[0].status == LinkHealth.OK
    assert report.results[0].attempts == 1


def test_a_refused_connection_is_a_connection_error_without_retry():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed when the block ends: nobody listens there

    result = check(f"http://127.0.0.1:{port}/")

    assert result.status == LinkHealth.CONNECTION_ERROR
    assert result.error == "connection refused" and result.attempts == 1


# --- a run of many checks -------------------------------------------------------------


def test_each_host_gets_at_most_two_requests_in_flight_spaced_apart(site):
    # Answers take 0.7 s and starts are 0.3 s apart, so without the in-flight limit a
    # third request would start at 0.6 s, before the first is answered.
    interval, per_host = 0.3, 4
    redirectors = [f"c{i}.test" for i in range(per_host)]
    resolver = local_names("a.test", "b.test", *redirectors)
    # a.test is asked directly; b.test is reached only through other hosts'
    # redirects, all at once, so only its own limits hold it back.
    targets = [(f"a-{i}", site.url(f"/unhurried?a-{i}", host="a.test")) for i in range(per_host)]
    targets += [(f"c-{i}", site.url(f"/to-b?c-{i}", host=c)) for i, c in enumerate(redirectors)]

    started = time.monotonic()
    config = local_config(per_host_interval=interval)
    report = run_checks(targets, config=config, resolver=resolver)
    elapsed = time.monotonic() - started

    assert {r.status for r in report.results} == {LinkHealth.OK}
    for host in ("a.test", "b.test"):
        hits = sorted((h for h in site.hits if h.host.startswith(host)), key=lambda h: h.start)
        assert len(hits) == per_host
        gaps = [b.start - a.start for a, b in zip(hits, hits[1:], strict=False)]
        # The slack is for a busy machine's scheduling, not for the checker.
        assert min(gaps) >= interval - 0.05, gaps
        overlap = max(sum(1 for o in hits if o.start <= h.start < o.end) for h in hits)
        assert overlap == 2, host
    # The two hosts were served side by side (~1.7 s), not one after the other.
    assert elapsed < 2.8


def test_results_come_back_in_input_order_and_each_is_reported_as_it_finishes(site):
    seen = []

    async def progress(result):
        seen.append(result.resource_id)

    targets = [(1, site.url("/slow")), (2, site.url("/ok")), (3, site.url("/gone-404"))]
    config = local_config(total_timeout=0.3, max_attempts=1, per_host=3)
    report = asyncio.run(check_links(targets, config=config, on_result=progress))

    assert [r.resource_id for r in report.results] == [1, 2, 3]
    assert sorted(seen) == [1, 2, 3] and seen[-1] == 1  # the slow one finished last
    assert report.counts()[LinkHealth.TIMEOUT] == 1
    assert report.started_at <= report.finished_at


def test_a_run_where_no_host_resolves_is_inconclusive():
    def no_network(host):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    targets = [(i, f"https://site{i % 4}.example/page{i}") for i in range(8)]
    report = run_checks(targets, config=local_config(), resolver=no_network)

    assert report.inconclusive
    assert report.reason == "inconclusive — no network: 4 of 4 hosts unreachable"


def test_a_run_with_a_few_dead_hosts_is_conclusive(site):
    resolver = local_names("a.test", "b.test", "c.test")
    targets = [(h, site.url("/ok", host=h)) for h in ("a.test", "b.test", "c.test", "d.test")]

    report = run_checks(targets, config=local_config(), resolver=resolver)

    assert not report.inconclusive and report.reason == ""
    assert report.counts()[LinkHealth.DNS_ERROR] == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"per_host": 0}, "per_host must be positive, not 0"),
        ({"max_attempts": 0}, "max_attempts must be at least 1, not 0"),
        ({"per_host_interval": -1}, "per_host_interval cannot be negative (-1)"),
        ({"allow_networks": ("localhost",)}, "allow-list entry 'localhost' is not a network"),
        ({"outage_min_hosts": 0}, "outage_min_hosts must be at least 1, not 0"),
        ({"outage_threshold": 1.0}, "outage_threshold must be at least 0 and below 1, not 1.0"),
    ],
)
def test_a_config_that_cannot_work_is_rejected_by_name(overrides, message):
    with pytest.raises(InvalidCheckConfig, match=message.replace("(", r"\(").replace(")", r"\)")):
        CheckConfig(**overrides)


def test_a_run_out_of_time_keeps_what_it_checked_and_names_the_rest(site):
    targets = [(1, site.url("/stall?1")), (2, site.url("/ok")), (3, site.url("/stall?3"))]
    config = local_config(per_host=3, max_attempts=1)

    started = time.monotonic()
    report = run_checks(targets, config=config, time_budget=0.5)

    # The stalled pages take 5 s each: a run that waited for them would take at least that.
    assert time.monotonic() - started < 3.0
    assert [(r.resource_id, r.status) for r in report.results] == [(2, LinkHealth.OK)]
    assert report.unchecked == (1, 3) and not report.inconclusive


def test_the_outage_guard_can_ask_for_more_hosts_before_it_judges():
    def no_network(host):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    targets = [(i, f"https://site{i}.example/") for i in range(4)]
    report = run_checks(targets, config=local_config(outage_min_hosts=5), resolver=no_network)

    assert not report.inconclusive
    assert report.counts()[LinkHealth.DNS_ERROR] == 4


def test_the_pure_rules_are_importable_from_the_checker_too():
    import roadmap.links.check
    import roadmap.links.rules

    for name in ("LinkHealth", "CheckResult", "RunReport", "next_health", "outage_reason"):
        assert getattr(roadmap.links.check, name) is getattr(roadmap.links.rules, name)


def test_a_name_that_failed_is_not_asked_again_in_the_same_run(site):
    resolver = local_names("up.test")
    targets = [(f"gone-{i}", f"https://gone.test/{i}") for i in range(5)]
    targets += [(f"up-{i}", site.url(f"/ok?{i}", host="up.test")) for i in range(3)]

    report = run_checks(targets, config=local_config(), resolver=resolver)

    gone = [r for r in report.results if r.resource_id.startswith("gone")]
    assert {(r.status, r.error) for r in gone} == {
        (LinkHealth.DNS_ERROR, "gone.test does not exist (Name or service not known)")
    }
    assert resolver.calls.count("gone.test") == 1
    assert {r.status for r in report.results if r.resource_id.startswith("up")} == {"ok"}
    # A name that resolves is asked again by later checks (two starting at once share one).
    assert resolver.calls.count("up.test") >= 2
