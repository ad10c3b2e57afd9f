"""Failed-login throttling per username and per client IP, shared by the web and the API.

Counts live in the cache (Redis in production), so every web worker sees the same
numbers. A success clears the username's count but not the IP's: one good password
must not reset an attacker's budget for guessing others.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied


class LoginThrottled(PermissionDenied):
    pass


def _user_key(username: str) -> str:
    # Hashed: a username may hold characters a cache key cannot (spaces, control codes).
    return "login-fail:user:" + hashlib.sha256(username.lower().encode("utf-8", "surrogatepass")).hexdigest()


def _keys(username: str, ip: str | None) -> list[tuple[str, int]]:
    keys = [(_user_key(username), settings.LOGIN_FAILURE_LIMIT_PER_USER)]
    if ip:
        keys.append((f"login-fail:ip:{ip}", settings.LOGIN_FAILURE_LIMIT_PER_IP))
    return keys


def client_ip(request) -> str | None:
    # Behind the production proxy, REMOTE_ADDR is the proxy; gunicorn is configured with
    # forwarded_allow_ips so it rewrites REMOTE_ADDR from X-Forwarded-For itself.
    return request.META.get("REMOTE_ADDR")


def ensure_login_allowed(username: str, ip: str | None) -> None:
    for key, limit in _keys(username, ip):
        if (cache.get(key) or 0) >= limit:
            minutes = max(settings.LOGIN_FAILURE_WINDOW_SECONDS // 60, 1)
            raise LoginThrottled(f"Too many failed logins. Try again in {minutes} minutes.")


def record_login_failure(username: str, ip: str | None) -> None:
    for key, _ in _keys(username, ip):
        if not cache.add(key, 1, settings.LOGIN_FAILURE_WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, settings.LOGIN_FAILURE_WINDOW_SECONDS)


def record_login_success(username: str) -> None:
    cache.delete(_user_key(username))
