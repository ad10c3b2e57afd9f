"""The client's address, taking ``X-Forwarded-For`` only from the proxies we trust.

Every use of a client address goes through ``client_address``: login lockouts
(django-axes calls it as ``AXES_CLIENT_IP_CALLABLE``), the API's throttles (sign-up) and
the logs. ``settings.TRUSTED_PROXIES`` names the proxies in front of the app, either as a
count (``1``: one proxy, whatever its address) or as networks (``172.30.0.0/24``: any hop
from these networks is a proxy); empty (the default) trusts nobody, so the address is
always the peer's own (``REMOTE_ADDR``).

The walk goes right to left, the only direction a client cannot forge: start at the peer;
while the current hop is a trusted proxy and the header still has entries, the entry that
proxy appended (the rightmost one left) is the next hop. Entries further left came from
the client and are never believed.

Why not ``ipware.get_client_ip``: it reads the header whoever sends it (the peer is never
checked against the trusted proxies), and its trusted list names one proxy per position
rather than networks any hop may come from. python-ipware still parses each entry (ports,
brackets, IPv4-mapped IPv6).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from django.conf import settings
from python_ipware.modern.parsers import parse_ip

TrustedProxies = int | Sequence[str]


def client_address(request) -> str | None:
    """The address of the client that sent ``request`` (see the module docstring)."""
    return address_from(
        request.META.get("REMOTE_ADDR"),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        trusted=settings.TRUSTED_PROXIES,
    )


def address_from(peer: str | None, forwarded: str, *, trusted: TrustedProxies) -> str | None:
    """The client's address, given the peer's and the ``X-Forwarded-For`` header's.

    >>> address_from("203.0.113.9", "198.51.100.7", trusted=())  # nobody trusted
    '203.0.113.9'
    >>> address_from("172.30.0.2", "6.6.6.6, 198.51.100.7", trusted=1)  # one proxy
    '198.51.100.7'
    >>> address_from("172.30.0.2", "198.51.100.7, 172.30.0.9", trusted=["172.30.0.0/24"])
    '198.51.100.7'
    >>> address_from("203.0.113.9", "198.51.100.7", trusted=["172.30.0.0/24"])  # not a proxy
    '203.0.113.9'
    >>> address_from("172.30.0.2", "not-an-address", trusted=1)  # garbage stops the walk
    '172.30.0.2'
    """
    hop = parse_ip(peer)
    if hop is None:
        return peer or None
    networks = _networks(trusted)
    # A plain split: X-Forwarded-For has no quoting, and a client's unclosed quote must not
    # swallow the entry our proxy appended after it.
    entries = [entry for entry in (forwarded or "").split(",") if entry.strip()]
    proxies_left = trusted if isinstance(trusted, int) else None
    while entries:
        if proxies_left is not None:
            if proxies_left <= 0:
                break
            proxies_left -= 1
        elif not any(hop in network for network in networks):
            break
        entry = entries.pop()
        previous = parse_ip(entry)
        if previous is None:
            break
        hop = previous
    return str(hop)


_parsed: dict[tuple[str, ...], list] = {}


def _networks(trusted: TrustedProxies) -> list:
    if isinstance(trusted, int):
        return []
    key = tuple(trusted)
    if key not in _parsed:
        _parsed[key] = [ipaddress.ip_network(entry, strict=False) for entry in key]
    return _parsed[key]
