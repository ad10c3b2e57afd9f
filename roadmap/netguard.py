"""Keep the link checker out of our own network (a guard against SSRF).

A resource URL is typed by a curator and every redirect is chosen by a stranger's
server, so either could point the checker at ``http://169.254.169.254/`` (the cloud
metadata service), at the database on ``10.0.0.5`` or at ``localhost``. Before each
request, ``resolve_target`` decides where the checker may go:

* only ``http`` and ``https``, on ports 80 and 443 unless told otherwise;
* the host is parsed the way ``inet_aton`` would (``2130706433``, ``0x7f.1``, ``127.1``
  and ``0177.0.0.1`` are all 127.0.0.1), so odd spellings cannot slip through;
* a name is resolved once, every A/AAAA record is checked, and the target is refused if
  *any* of them is not a global address — the checker then connects to an address it
  checked, so a second DNS answer (DNS rebinding) has nothing to change.

It is our own code because no maintained library does all of this for httpx without
taking over the transport; ``ipaddress`` does the range arithmetic. Pure of Django: the
allow-list arrives as plain CIDR strings.
"""

from __future__ import annotations

import asyncio
import inspect
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str], Awaitable[Iterable[str]] | Iterable[str]]

DEFAULT_PORTS = {"http": 80, "https": 443}

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


class ResolutionFailed(OSError):
    """A host name did not resolve; ``not_found`` is true when the name does not exist."""

    def __init__(self, message: str, *, not_found: bool):
        super().__init__(message)
        self.not_found = not_found


@dataclass(frozen=True)
class Target:
    """A URL cleared for one request, pinned to the address that was checked.

    ``host`` is the ASCII (IDNA) host name for the Host header and TLS; ``addresses``
    are the checked IPs to connect to, in the resolver's order; ``literal`` tells that
    the URL named an IP, not a host name.
    """

    url: httpx.URL
    host: str
    port: int
    addresses: tuple[str, ...]
    literal: bool = False


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
    return _allow_listed(ip, allow_networks) or address_problem(ip) is None


def _allow_listed(ip: IPAddress, allow_networks: Sequence[IPNetwork]) -> bool:
    candidates = [ip]
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        candidates.append(ip.ipv4_mapped)
    return any(c in net for c in candidates for net in allow_networks if c.version == net.version)


async def system_resolver(host: str) -> list[str]:
    """Resolve ``host`` to all its A and AAAA addresses with the system resolver.

    Fine for a few lookups; a run of many uses ``SystemResolver``.
    """
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


class SystemResolver:
    """The system resolver for a run of many lookups, each timed only while it runs.

    ``getaddrinfo`` blocks a thread. On the event loop's small shared pool, hundreds of
    hosts looked up at once would queue, and a lookup's timeout would expire in the
    queue: a false ``dns-error``. Here each lookup gets one of ``workers`` threads of
    its own before its clock starts, and keeps the thread's place until the thread is
    really done, even after we stopped waiting for it.

    Use as an async context manager, inside the event loop that calls it.
    """

    def __init__(self, workers: int = 32, timeout: float = 5.0, *, lookup=socket.getaddrinfo):
        self.timeout = timeout
        self._lookup = lookup
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="netguard-dns")
        self._free = asyncio.Semaphore(workers)

    async def __aenter__(self) -> SystemResolver:
        return self

    async def __aexit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Stop taking lookups; a thread still inside ``getaddrinfo`` ends on its own."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _finished(self, lookup: asyncio.Future) -> None:
        self._free.release()
        if not lookup.cancelled():
            lookup.exception()  # seen here, so a lookup we gave up on logs no warning

    async def __call__(self, host: str) -> list[str]:
        await self._free.acquire()
        loop = asyncio.get_running_loop()
        lookup = loop.run_in_executor(self._pool, self._lookup, host, None, 0, socket.SOCK_STREAM)
        lookup.add_done_callback(self._finished)
        try:
            async with asyncio.timeout(self.timeout):
                infos = await asyncio.shield(lookup)  # cancelling would free the slot early
        except TimeoutError:
            raise ResolutionFailed(f"DNS lookup of {host} timed out", not_found=False) from None
        return list(dict.fromkeys(info[4][0] for info in infos))


async def resolve_addresses(
    host: str, resolver: Resolver | None = None, *, timeout: float | None = None
) -> list[IPAddress]:
    """Resolve a host name with ``resolver`` (sync or async), as addresses.

    Raises
    ------
    ResolutionFailed
        For any failure; ``not_found`` is true for NXDOMAIN or a name with no address.
    """
    try:
        async with asyncio.timeout(timeout):
            answer = (resolver or system_resolver)(host)
            if inspect.isawaitable(answer):
                answer = await answer
            answer = list(answer)
    except ResolutionFailed:
        raise
    except TimeoutError:
        raise ResolutionFailed(f"DNS lookup of {host} timed out", not_found=False) from None
    except socket.gaierror as exc:
        gone = exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME))
        text = f"{host} does not exist" if gone else f"DNS lookup of {host} failed"
        raise ResolutionFailed(f"{text} ({exc.strerror or exc})", not_found=gone) from None
    except (OSError, LookupError) as exc:
        raise ResolutionFailed(f"DNS lookup of {host} failed ({exc})", not_found=False) from None
    if not answer:
        raise ResolutionFailed(f"{host} has no address records", not_found=True)
    try:
        return [ipaddress.ip_address(str(a).split("%", 1)[0]) for a in answer]
    except ValueError as exc:
        raise ResolutionFailed(f"DNS lookup of {host} gave {exc}", not_found=False) from None


async def resolve_target(
    url: str | httpx.URL,
    *,
    resolver: Resolver | None = None,
    allow_networks: Sequence[IPNetwork] = (),
    allowed_ports: Iterable[int] = (80, 443),
    timeout: float | None = None,
) -> Target:
    """Clear ``url`` for one request and pin it to a checked address.

    Parameters
    ----------
    url
        The URL about to be requested (the resource's, or a redirect's target).
    resolver
        ``host -> [ip, ...]``, plain or async; the system resolver by default.
    allow_networks
        Parsed networks that may be reached even though they are not global.
    allowed_ports
        Explicit ports allowed for public addresses; allow-listed addresses may use any.
    timeout
        Seconds the DNS lookup may take.

    Returns
    -------
    Target
        The address to connect to and the host name to present.

    Raises
    ------
    TargetRefused
        The scheme, port or any resolved address is not allowed.
    ResolutionFailed
        The host name did not resolve.
    """
    try:
        parsed = httpx.URL(url)
        host = parsed.raw_host.decode("ascii").lower()
    except (httpx.InvalidURL, UnicodeError) as exc:
        raise TargetRefused(f"{str(url)!r} is not a valid URL ({exc})") from None
    if parsed.scheme not in DEFAULT_PORTS:
        raise TargetRefused(
            f"scheme {parsed.scheme or 'missing'!r} is not allowed (http or https only)"
        )
    if not host:
        raise TargetRefused(f"{str(url)!r} has no host")
    port = parsed.port or DEFAULT_PORTS[parsed.scheme]
    literal = parse_host_address(host)
    addresses = [literal] if literal else await resolve_addresses(host, resolver, timeout=timeout)
    for ip in addresses:
        if not _allow_listed(ip, allow_networks) and (problem := address_problem(ip)):
            subject = f"{ip} is" if literal else f"{host} resolves to {ip},"
            raise TargetRefused(f"{subject} {problem}")
    ports = set(allowed_ports)
    if port not in ports and not all(_allow_listed(ip, allow_networks) for ip in addresses):
        allowed = ", ".join(str(p) for p in sorted(ports))
        raise TargetRefused(f"port {port} is not allowed (only {allowed})")
    pinned = tuple(str(ip) for ip in addresses)
    return Target(url=parsed, host=host, port=port, addresses=pinned, literal=literal is not None)
