"""The client's address: X-Forwarded-For only from the trusted proxies."""

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from progress.clients import address_from, client_address

PROXY_NETWORK = "172.30.0.0/24"
public = st.ip_addresses(v=4).filter(lambda ip: ip.is_global).map(str)
anything = st.lists(st.one_of(public, st.text(max_size=20)), max_size=5)


@given(client=public, spoofed=anything)
def test_whatever_a_client_forwards_the_proxy_appended_address_wins(client, spoofed):
    header = ", ".join([*spoofed, client])

    assert address_from("172.30.0.2", header, trusted=[PROXY_NETWORK]) == client
    assert address_from("172.30.0.2", header, trusted=1) == client


@given(peer=public, spoofed=anything)
def test_a_client_that_is_not_a_proxy_is_its_own_address(peer, spoofed):
    assert address_from(peer, ", ".join(spoofed), trusted=[PROXY_NETWORK]) == peer
    assert address_from(peer, ", ".join(spoofed), trusted=()) == peer


def test_two_proxies_in_a_row_are_both_walked_past():
    header = "6.6.6.6, 198.51.100.7, 172.30.0.9"

    assert address_from("172.30.0.2", header, trusted=[PROXY_NETWORK]) == "198.51.100.7"
    assert address_from("172.30.0.2", header, trusted=2) == "198.51.100.7"


def test_ipv6_and_ports_are_understood():
    assert address_from("::ffff:172.30.0.2", "[2001:db8::1]:4711", trusted=[PROXY_NETWORK]) == "2001:db8::1"
    assert ipaddress.ip_address(address_from("2001:db8::5", "", trusted=1))


def test_the_request_follows_the_setting(rf, settings):
    request = rf.get("/", REMOTE_ADDR="172.30.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")

    settings.TRUSTED_PROXIES = ()
    assert client_address(request) == "172.30.0.2"
    settings.TRUSTED_PROXIES = (PROXY_NETWORK,)
    assert client_address(request) == "198.51.100.7"
