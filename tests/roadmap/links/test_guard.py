"""The SSRF guard: which URLs the link checker may contact. Nothing here opens a socket."""

import asyncio
import ipaddress
import socket
import time

import pytest

from roadmap.links.addresses import TargetRefused, parse_networks
from roadmap.links.guard import ResolutionFailed, SystemResolver, resolve_target

PUBLIC = "93.184.215.14"


def resolve(url, **kwargs):
    return asyncio.run(resolve_target(url, **kwargs))


def names(**table):
    """A resolver from a fixed table; a name not in it fails the test."""

    def lookup(host):
        assert host in table, f"unexpected DNS lookup of {host}"
        return table[host]

    return lookup


def no_lookups(host):
    raise AssertionError(f"a literal address must not be looked up ({host})")


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "2130706433",
        "0x7f.1",
        "0x7F.0.0.1",
        "127.1",
        "127.0.1",
        "0177.0.0.1",
        "0177.1",
        "017700000001",
        "0x7f000001",
        "127.0.0.1.",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "[::ffff:7f00:1]",
        "[0:0:0:0:0:ffff:127.0.0.1]",
    ],
)
def test_every_spelling_of_loopback_is_refused(host):
    # httpx itself rejects a dotted quad with leading zeros; refused either way.
    with pytest.raises(TargetRefused, match="loopback address|Invalid IPv4 address"):
        resolve(f"http://{host}/admin", resolver=no_lookups)


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("0.0.0.0", "'this network'"),
        ("0", "'this network'"),
        ("10.1.2.3", "a private address"),
        ("172.16.0.1", "a private address"),
        ("172.31.255.254", "a private address"),
        ("192.168.1.1", "a private address"),
        ("169.254.169.254", "the cloud metadata service"),
        ("169.254.0.1", "a link-local address"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("100.127.255.254", "carrier-grade NAT"),
        ("224.0.0.1", "a multicast address"),
        ("239.255.255.250", "a multicast address"),
        ("240.0.0.1", "a reserved address"),
        ("255.255.255.255", "a reserved address"),
        ("192.0.2.10", "a special-purpose address"),
        ("198.18.0.1", "a special-purpose address"),
        ("[::]", "the unspecified address"),
        ("[fe80::1]", "a link-local address"),
        ("[fec0::1]", "a site-local address"),
        ("[fc00::1]", "a unique-local address"),
        ("[fd12:3456::1]", "a unique-local address"),
        ("[ff02::1]", "a multicast address"),
        ("[2001:db8::1]", "a special-purpose address"),
        ("[::ffff:10.0.0.1]", "IPv4-mapped address of 10.0.0.1, a private address"),
        ("[::ffff:169.254.169.254]", "the cloud metadata service"),
        ("[2002:a00:1::1]", "6to4 address of 10.0.0.1, a private address"),
        ("[2002:7f00:1::]", "6to4 address of 127.0.0.1, a loopback address"),
        ("[64:ff9b::a9fe:a9fe]", "NAT64 address of 169.254.169.254"),
        ("[2001:0:4136:e378:8000:63bf:f5ff:fffe]", "Teredo address of 10.0.0.1, a private"),
        ("[::127.0.0.1]", "a reserved address"),
    ],
)
def test_non_global_addresses_are_refused_with_the_reason(address, problem):
    with pytest.raises(TargetRefused, match="refused: .*" + problem.replace("(", r"\(")):
        resolve(f"https://{address}/", resolver=no_lookups)


@pytest.mark.parametrize(
    "address",
    [
        PUBLIC,
        "8.8.8.8",
        "1.1.1.1",
        "[2606:4700:4700::1111]",
        "[2002:808:808::1]",  # 6to4 of 8.8.8.8
        "[64:ff9b::808:808]",  # NAT64 of 8.8.8.8
    ],
)
def test_global_addresses_are_allowed_and_pinned(address):
    target = resolve(f"https://{address}/page", resolver=no_lookups)

    assert target.addresses == (str(ipaddress.ip_address(address.strip("[]"))),)
    assert target.port == 443 and target.literal


def test_a_name_is_refused_if_any_of_its_addresses_is_private():
    lookup = names(**{"mixed.example": [PUBLIC, "2606:4700::1", "10.0.0.7"]})

    with pytest.raises(TargetRefused) as refused:
        resolve("https://mixed.example/", resolver=lookup)

    assert str(refused.value) == "refused: mixed.example resolves to 10.0.0.7, a private address"


def test_a_name_is_pinned_to_the_address_that_was_checked():
    target = resolve(
        "https://Docs.Example:443/guide?x=1",
        resolver=names(**{"docs.example": [PUBLIC, "8.8.8.8"]}),
    )

    assert (target.host, target.addresses, target.port) == (
        "docs.example",
        (PUBLIC, "8.8.8.8"),
        443,
    )
    assert not target.literal and str(target.url) == "https://docs.example/guide?x=1"


def test_an_international_name_is_looked_up_in_its_ascii_form():
    lookup = names(**{"xn--bcher-kva.example": [PUBLIC]})

    assert resolve("https://bücher.example/", resolver=lookup).host == "xn--bcher-kva.example"


def test_an_async_resolver_works_too():
    async def lookup(host):
        return [PUBLIC]

    assert resolve("http://async.example/", resolver=lookup).addresses == (PUBLIC,)


@pytest.mark.parametrize("url", ["ftp://example.org/", "file:///etc/passwd", "gopher://x/", "nope"])
def test_only_http_and_https_are_allowed(url):
    with pytest.raises(TargetRefused, match="is not allowed"):
        resolve(url, resolver=no_lookups)


@pytest.mark.parametrize(
    "url",
    ["http://[::1/", "http:///path", "http://1.2.3.256/", "http://08.0.0.1/", "http://1.2.3.4.5/"],
)
def test_malformed_urls_and_numbers_are_refused(url):
    with pytest.raises(TargetRefused):
        resolve(url, resolver=no_lookups)


def test_other_ports_are_refused_for_public_addresses():
    lookup = names(**{"example.org": [PUBLIC]})

    with pytest.raises(TargetRefused, match=r"port 8080 is not allowed \(only 80, 443\)"):
        resolve("http://example.org:8080/", resolver=lookup)
    assert resolve("https://example.org:80/", resolver=lookup).port == 80
    assert (
        resolve("http://example.org:8080/", resolver=lookup, allowed_ports=(80, 8080)).port == 8080
    )


def test_the_allow_list_opens_exactly_its_networks_on_any_port():
    allow = parse_networks(["127.0.0.1/32"])

    assert resolve("http://127.0.0.1:8123/", allow_networks=allow).port == 8123
    assert resolve("http://[::ffff:127.0.0.1]:8123/", allow_networks=allow).addresses
    with pytest.raises(TargetRefused, match="127.0.0.2 is a loopback address"):
        resolve("http://127.0.0.2:8123/", allow_networks=allow)


def test_an_allow_listed_name_with_a_public_address_keeps_the_port_rule():
    allow = parse_networks(["127.0.0.1/32"])
    lookup = names(**{"split.example": ["127.0.0.1", PUBLIC]})

    with pytest.raises(TargetRefused, match="port 8123"):
        resolve("http://split.example:8123/", resolver=lookup, allow_networks=allow)


@pytest.mark.parametrize(
    ("error", "not_found"),
    [
        (socket.gaierror(socket.EAI_NONAME, "Name or service not known"), True),
        (socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"), False),
        (OSError("network is unreachable"), False),
    ],
)
def test_a_failed_lookup_says_whether_the_name_is_gone(error, not_found):
    def lookup(host):
        raise error

    with pytest.raises(ResolutionFailed) as failed:
        resolve("https://gone.example/", resolver=lookup)

    assert failed.value.not_found is not_found and "gone.example" in str(failed.value)


def test_a_name_without_addresses_is_not_found():
    with pytest.raises(ResolutionFailed, match="no address records") as failed:
        resolve("https://empty.example/", resolver=names(**{"empty.example": []}))
    assert failed.value.not_found


def test_a_slow_lookup_times_out():
    async def stuck(host):
        await asyncio.sleep(5)

    with pytest.raises(ResolutionFailed, match="timed out"):
        resolve("https://stuck.example/", resolver=stuck, timeout=0.05)


def test_a_resolver_answering_nonsense_fails_the_lookup():
    with pytest.raises(ResolutionFailed, match="does not appear to be an IPv4 or IPv6"):
        resolve("https://odd.example/", resolver=names(**{"odd.example": ["not-an-ip"]}))


def test_the_run_resolver_times_a_lookup_only_while_it_runs():
    def slow_lookup(host, *args):
        time.sleep(1.0 if host == "hung.example" else 0.15)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, 0))]

    async def run():
        async with SystemResolver(workers=2, timeout=0.4, lookup=slow_lookup) as resolver:
            # Six lookups on two threads take ~0.45 s in all, past the 0.4 s timeout,
            # yet none of them ran longer than 0.15 s.
            answers = await asyncio.gather(*(resolver(f"h{i}.example") for i in range(6)))
            with pytest.raises(ResolutionFailed, match="hung.example timed out"):
                await resolver("hung.example")
            return answers

    assert asyncio.run(run()) == [[PUBLIC]] * 6
