"""Keep the link checker out of our own network (a guard against SSRF).

A resource URL is typed by a curator and every redirect is chosen by a stranger's
server, so either could point the checker at ``http://169.254.169.254/`` (the cloud
metadata service), at the database on ``10.0.0.5`` or at ``localhost``. Before each
request, ``resolve_target`` decides where the checker may go:

* only ``http`` and ``https``, on ports 80 and 443 unless told otherwise;
* the host is parsed the way ``inet_aton`` would (``2130706433``, ``0x7f.1``, ``127.1``
  and ``0177.0.0.1`` are all 127.0.0.1), so odd spellings cannot slip through (``roadmap.links.addresses``);
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
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx

from roadmap.links.addresses import (
    IPAddress,
    IPNetwork,
    TargetRefused,
    address_problem,
    allow_listed,
    parse_host_address,
    parse_networks,
)

__all__ = [
    "DEFAULT_PORTS", "ResolutionFailed", "Resolver", "SystemResolver", "Target", "TargetRefused",
    "parse_networks", "resolve_addresses", "resolve_target", "system_resolver",
]  # fmt: skip

Resolver = Callable[[str], Awaitable[Iterable[str]] | Iterable[str]]

DEFAULT_PORTS = {"http": 80, "https": 443}


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
        if not allow_listed(ip, allow_networks) and (problem := address_problem(ip)):
            subject = f"{ip} is" if literal else f"{host} resolves to {ip},"
            raise TargetRefused(f"{subject} {problem}")
    ports = set(allowed_ports)
    if port not in ports and not all(allow_listed(ip, allow_networks) for ip in addresses):
        allowed = ", ".join(str(p) for p in sorted(ports))
        raise TargetRefused(f"port {port} is not allowed (only {allowed})")
    pinned = tuple(str(ip) for ip in addresses)
    return Target(url=parsed, host=host, port=port, addresses=pinned, literal=literal is not None)
