"""Tiny typed readers for settings that come from the environment.

Every setting Pathwise reads from the environment goes through one of these, so a
typo'd value fails at start-up with a message naming the variable instead of
surfacing later as a confusing behaviour.
"""

import ipaddress
import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_trusted_proxies(name: str) -> int | tuple[str, ...]:
    """The proxies in front of the app (see ``progress.clients``): empty, a count, or networks.

    Raises ImproperlyConfigured naming the entry that is neither a count nor a network.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return ()
    if raw.isdigit():
        return int(raw)
    networks = []
    for entry in (part.strip() for part in raw.split(",") if part.strip()):
        try:
            networks.append(str(ipaddress.ip_network(entry, strict=False)))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {entry!r} is neither a number of proxies nor a network such as 172.30.0.0/24"
            ) from None
    return tuple(networks)
