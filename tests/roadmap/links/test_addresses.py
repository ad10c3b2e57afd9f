"""Which addresses the link checker may reach, however a URL spells them (properties)."""

import ipaddress
import socket

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from roadmap.links.addresses import address_problem, is_allowed, parse_ipv4_loose, parse_networks


def test_a_bad_allow_list_entry_is_named():
    with pytest.raises(ValueError, match="allow-list entry '10.0.0.0/33' is not a network"):
        parse_networks(["10.0.0.0/33"])


# --- properties ------------------------------------------------------------------------

NON_GLOBAL = [
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
        "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8", "2001:db8::/32",
    )
]  # fmt: skip
IPV4_SPECIAL = [n for n in NON_GLOBAL if n.version == 4] + [ipaddress.ip_network("192.88.99.0/24")]


def address_in(network):
    return st.integers(0, network.num_addresses - 1).map(lambda i: network[i])


@given(st.sampled_from(NON_GLOBAL).flatmap(address_in))
def test_any_address_in_a_private_or_special_network_is_refused(ip):
    assert address_problem(ip) is not None
    assert not is_allowed(ip)
    if ip.version == 4:
        assert address_problem(ipaddress.IPv6Address(f"::ffff:{ip}")) is not None


ORDINARY_FIRST_OCTETS = [
    o for o in range(1, 224) if o not in (10, 100, 127, 169, 172, 192, 198, 203)
]


@given(
    st.tuples(st.sampled_from(ORDINARY_FIRST_OCTETS), st.integers(0, 2**24 - 1)).map(
        lambda t: ipaddress.IPv4Address((t[0] << 24) + t[1])
    )
)
def test_any_ordinary_ipv4_address_is_allowed(ip):
    assume(not any(ip in n for n in IPV4_SPECIAL))
    assert address_problem(ip) is None
    assert address_problem(ipaddress.IPv6Address(f"::ffff:{ip}")) is None


@given(address_in(ipaddress.ip_network("2400::/6")))
def test_any_ordinary_ipv6_address_is_allowed(ip):
    assert address_problem(ip) is None


@given(st.sampled_from(NON_GLOBAL).flatmap(address_in))
def test_the_allow_list_admits_what_it_names(ip):
    assert is_allowed(ip, (ipaddress.ip_network(f"{ip}/{ip.max_prefixlen}"),))


def spellings(value: int):
    """Every inet_aton spelling of a 32-bit number: 1-4 parts, each decimal, octal or hex."""
    octets = value.to_bytes(4, "big")

    def split(parts):
        head = list(octets[: parts - 1])
        return [*head, int.from_bytes(octets[parts - 1 :], "big")]

    def spell(number, base):
        return {"dec": str(number), "oct": "0" + format(number, "o"), "hex": hex(number)}[base]

    return st.integers(1, 4).flatmap(
        lambda parts: st.lists(
            st.sampled_from(["dec", "oct", "hex"]), min_size=parts, max_size=parts
        ).map(lambda bases: ".".join(spell(n, b) for n, b in zip(split(parts), bases, strict=True)))
    )


@given(st.integers(0, 2**32 - 1).flatmap(lambda v: st.tuples(st.just(v), spellings(v))))
def test_numeric_hosts_are_read_as_inet_aton_reads_them(case):
    value, spelling = case

    assert parse_ipv4_loose(spelling) == ipaddress.IPv4Address(value)
    assert socket.inet_aton(spelling) == value.to_bytes(4, "big")
