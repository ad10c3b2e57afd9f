"""How hard, how fast and where the link checker may go: ``CheckConfig``.

Its own module so that the HTTP machinery (``roadmap.links.fetch``) and a run of many URLs
(``roadmap.links.check``) both read it without importing each other. Pure: plain values;
``roadmap.links.store`` builds one from Django settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from roadmap.links.addresses import parse_networks

USER_AGENT = "Pathwise-ResourceCheck/1.0 (+https://github.com/pathwise-learning/pathwise)"


class InvalidCheckConfig(ValueError):
    """A ``CheckConfig`` value that cannot work, named in the message."""


@dataclass(frozen=True)
class CheckConfig:
    """How hard, how fast and where the checker may go. Tests shrink the numbers.

    Timeouts and intervals are in seconds. ``allow_networks`` (CIDRs) opens private
    ranges, for tests only; addresses in it may also use any port, others only
    ``allowed_ports``. ``ca_file`` adds trusted certificates to the usual ones (a test
    CA, or a company's TLS proxy); verification itself is never off. A run is
    inconclusive when more than ``outage_threshold`` of its hosts, and at least
    ``outage_min_hosts`` hosts, were unreachable (see ``outage_reason``).
    """

    connect_timeout: float = 5.0
    total_timeout: float = 20.0
    max_redirects: int = 10
    concurrency: int = 32
    per_host: int = 2
    per_host_interval: float = 1.0
    max_attempts: int = 3
    backoff_base: float = 0.5
    retry_after_cap: float = 60.0
    body_limit: int = 64 * 1024
    user_agent: str = USER_AGENT
    allow_networks: tuple[str, ...] = ()
    allowed_ports: tuple[int, ...] = (80, 443)
    ca_file: str | None = None
    outage_threshold: float = 0.5
    outage_min_hosts: int = 3

    def __post_init__(self):
        for name in ("connect_timeout", "total_timeout", "concurrency", "per_host"):
            if getattr(self, name) <= 0:
                raise InvalidCheckConfig(f"{name} must be positive, not {getattr(self, name)}")
        if self.max_attempts < 1:
            raise InvalidCheckConfig(f"max_attempts must be at least 1, not {self.max_attempts}")
        if self.outage_min_hosts < 1:
            raise InvalidCheckConfig(
                f"outage_min_hosts must be at least 1, not {self.outage_min_hosts}"
            )
        if not 0 <= self.outage_threshold < 1:
            raise InvalidCheckConfig(
                f"outage_threshold must be at least 0 and below 1, not {self.outage_threshold}"
            )
        for name in ("per_host_interval", "backoff_base", "retry_after_cap", "max_redirects"):
            if getattr(self, name) < 0:
                raise InvalidCheckConfig(f"{name} cannot be negative ({getattr(self, name)})")
        try:
            self.networks  # noqa: B018 - parse now so a bad CIDR fails at startup
        except ValueError as exc:
            raise InvalidCheckConfig(str(exc)) from None

    @cached_property
    def networks(self):
        """``allow_networks`` parsed into ``ipaddress`` networks."""
        return parse_networks(self.allow_networks)
