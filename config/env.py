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


# Keys that were ever written down as examples; a real key is never one of these.
PLACEHOLDER_SECRET_KEYS = frozenset(
    {
        "change-me-to-a-long-random-string-of-at-least-fifty-characters",
        "pathwise-development-only-secret-key-never-use-in-production",
    }
)
_PLACEHOLDER_WORDS = ("change-me", "changeme", "change_me", "replace-me", "your-secret", "django-insecure")


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` is no production SECRET_KEY, or None if it will do.

    Refused: empty or under 50 characters, an example placeholder, fewer than 12 different
    characters, or a short pattern repeated (fewer distinct three-character runs than
    three quarters of its length). Any generator's output passes, e.g.
    ``python -c "import secrets; print(secrets.token_urlsafe(50))"`` or ``openssl rand -hex 32``.

    >>> secret_key_problem("change-me-to-a-long-random-string-of-at-least-fifty-characters")
    'is the placeholder from .env.example'
    >>> secret_key_problem("abcdefghijklmnop" * 4)
    'repeats a short pattern'
    >>> secret_key_problem("a" * 60)
    'uses fewer than 12 different characters'
    >>> secret_key_problem("mfXR-U6uhCuwCVujJyB3l0GnNzlmfAq2wz9vP1sLkT8dXe4YbH7cR5jN6gM0oQ-i") is None
    True
    """
    if not key:
        return "is not set"
    lowered = key.lower()
    if key in PLACEHOLDER_SECRET_KEYS or any(word in lowered for word in _PLACEHOLDER_WORDS):
        return "is the placeholder from .env.example"
    if len(key) < 50:
        return f"is {len(key)} characters long; use 50 or more random characters"
    if len(set(key)) < 12:
        return "uses fewer than 12 different characters"
    if len({key[i : i + 3] for i in range(len(key) - 2)}) < 0.75 * (len(key) - 2):
        return "repeats a short pattern"
    return None
