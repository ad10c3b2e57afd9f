"""Which IP addresses the link checker may reach, however a URL spells them.

The address arithmetic of the SSRF guard (``roadmap.links.guard``): a host is read the way
``inet_aton`` would (``2130706433``, ``0x7f.1``, ``127.1`` and ``0177.0.0.1`` are all
127.0.0.1), and an address is refused unless it is global — addresses that embed an IPv4
address (IPv4-mapped, 6to4, Teredo, NAT64) are judged by the one they embed. Pure: plain
strings and ``ipaddress`` values in, a reason or None out.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_NUMERIC_LABEL = re.compile(r"^(?:0[xX][0-9a-fA-F]*|[0-9]+)$")
_METADATA = ipaddress.IPv4Address("169.254.169.254")
_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# Ranges ``ipaddress`` leaves global in some Python versions; nothing to link to there.
_SPECIAL_V4 = tuple(
    ipaddress.IPv4Network(n)
    for n in ("192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24")
)
_RFC1918 = tuple(
    ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
)

class TargetRefused(ValueError):
    """The checker will not contact this URL; the message says why, for a curator."""

    def __init__(self, reason: str):
        super().__init__(f"refused: {reason}")

def parse_networks(cidrs: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Parse allow-list entries such as ``"127.0.0.0/8"``.

    Raises
    ------
    ValueError
        Naming the entry that is not a network.

    Examples
    --------
    >>> parse_networks(["127.0.0.1/32", "fd00::/8"])
    (IPv4Network('127.0.0.1/32'), IPv6Network('fd00::/8'))
    """
    networks = []
    for cidr in cidrs:
        try:
            networks.append(ipaddress.ip_network(cidr, strict=False))
        except ValueError as exc:
            raise ValueError(f"allow-list entry {cidr!r} is not a network: {exc}") from None
    return tuple(networks)


def parse_ipv4_loose(host: str) -> ipaddress.IPv4Address | None:
    """Read a host as ``inet_aton`` (and browsers) would read an IPv4 address.

    One to four dot-separated numbers, each decimal, octal (leading ``0``) or hex
    (``0x``); the last number fills the remaining bytes.

    Returns
    -------
    IPv4Address or None
        None when the host is a name rather than a number.

    Raises
    ------
    TargetRefused
        When the host looks numeric but is no address (``1.2.3.256``, ``08.1``): a
        resolver might read it some other way, so it is not passed on.

    Examples
    --------
    >>> [str(parse_ipv4_loose(h)) for h in ["2130706433", "0x7f.1", "127.1", "0177.0.0.1"]]
    ['127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.1']
    >>> parse_ipv4_loose("example.org") is None
    True
    """
    labels = host.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels.pop()  # a trailing dot means the same host
    if not _NUMERIC_LABEL.match(labels[-1]):
        return None
    if len(labels) > 4 or not all(_NUMERIC_LABEL.match(label) for label in labels):
        raise TargetRefused(f"{host!r} looks like a number but is not an IPv4 address")
    numbers = []
    for label in labels:
        if len(label) > 40:
            raise TargetRefused(f"{host!r} is not an IPv4 address")
        if label[:2].lower() == "0x":
            numbers.append(int(label[2:] or "0", 16))
        elif len(label) > 1 and label[0] == "0":
            if not set(label) <= set("01234567"):
                raise TargetRefused(f"{host!r} has a bad octal number {label!r}")
            numbers.append(int(label, 8))
        else:
            numbers.append(int(label))
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        raise TargetRefused(f"{host!r} is out of the IPv4 range")
    value = last
    for position, number in enumerate(head):
        value += number << (8 * (3 - position))
    return ipaddress.IPv4Address(value)


def parse_host_address(host: str) -> IPAddress | None:
    """Return the IP address a URL host spells, in any spelling, or None for a name.

    Examples
    --------
    >>> parse_host_address("::ffff:127.0.0.1")
    IPv6Address('::ffff:7f00:1')
    >>> parse_host_address("0x7f000001")
    IPv4Address('127.0.0.1')
    """
    host = host.strip("[]")
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            raise TargetRefused(f"{host!r} is not an IPv6 address") from None
    return parse_ipv4_loose(host)


def address_problem(ip: IPAddress) -> str | None:
    """Say why an address is not a public one, or None if it is global.

    Addresses that embed an IPv4 address (IPv4-mapped, 6to4, NAT64) are judged by the
    address they embed, since that is where a packet ends up.

    Examples
    --------
    >>> address_problem(ipaddress.ip_address("169.254.169.254"))
    'a link-local address (the cloud metadata service)'
    >>> address_problem(ipaddress.ip_address("::ffff:10.1.2.3"))
    'an IPv4-mapped address of 10.1.2.3, a private address'
    >>> address_problem(ipaddress.ip_address("93.184.215.14")) is None
    True
    """
    if isinstance(ip, ipaddress.IPv6Address):
        embedded, how = _embedded_ipv4(ip)
        if embedded is not None:
            problem = address_problem(embedded)
            return f"{how} of {embedded}, {problem}" if problem else None
        for test, noun in (
            (ip.is_unspecified, "the unspecified address"),
            (ip.is_loopback, "a loopback address"),
            (ip.is_link_local, "a link-local address"),
            (ip.is_site_local, "a site-local address"),
            (ip in ipaddress.IPv6Network("fc00::/7"), "a unique-local address"),
            (ip.is_multicast, "a multicast address"),
            (ip.is_reserved, "a reserved address"),
        ):
            if test:
                return noun
        return None if ip.is_global else "a special-purpose address"
    if ip == _METADATA:
        return "a link-local address (the cloud metadata service)"
    for test, noun in (
        (ip.is_unspecified or ip in ipaddress.IPv4Network("0.0.0.0/8"), "a 'this network' address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (any(ip in net for net in _RFC1918), "a private address"),
        (ip in _CGNAT, "a shared (carrier-grade NAT) address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_reserved or ip == ipaddress.IPv4Address("255.255.255.255"), "a reserved address"),
        (any(ip in net for net in _SPECIAL_V4), "a special-purpose address"),
    ):
        if test:
            return noun
    # ``is_global`` alone misses some ranges (multicast counts as global), hence the list.
    return None if ip.is_global and not ip.is_private else "a special-purpose address"


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address | None, str]:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped, "an IPv4-mapped address"
    if ip.sixtofour is not None:
        return ip.sixtofour, "a 6to4 address"
    if ip.teredo is not None:
        return ip.teredo[1], "a Teredo address"
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), "a NAT64 address"
    return None, ""


def is_allowed(ip: IPAddress, allow_networks: Sequence[IPNetwork] = ()) -> bool:
    """Tell whether the checker may connect to ``ip``.

    ``allow_networks`` opens chosen ranges (tests reach ``127.0.0.1`` this way); it is
    empty in production.

    Examples
    --------
    >>> loopback = ipaddress.ip_address("127.0.0.1")
    >>> is_allowed(loopback), is_allowed(loopback, parse_networks(["127.0.0.0/8"]))
    (False, True)
    """
    return allow_listed(ip, allow_networks) or address_problem(ip) is None


def allow_listed(ip: IPAddress, allow_networks: Sequence[IPNetwork]) -> bool:
    candidates = [ip]
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        candidates.append(ip.ipv4_mapped)
    return any(c in net for c in candidates for net in allow_networks if c.version == net.version)
