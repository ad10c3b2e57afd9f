"""Failed-login lockouts for every door: the web login, ``/admin/login/`` and the API token.

django-axes does the work: its backend refuses a locked-out login before any password is
checked, its signals record failures, its ``AccessAttempt`` rows are the record (listed in
the admin, where deleting one unlocks; ``manage.py axes_reset_username`` too) and its
middleware shapes the locked answer. What Pathwise adds is the handler axes lets a
project plug in (``AXES_HANDLER``), for three things axes' own database handler lacks:

* **Two limits.** ``LOGIN_FAILURE_LIMIT`` failures per (username, client address), so an
  attacker elsewhere cannot lock a learner out of their own device, and a higher
  ``LOGIN_FAILURE_LIMIT_PER_ADDRESS`` per client address across usernames.
* **Counted before the password is checked.** Axes checks the count, checks the password,
  then counts the failure: 40 parallel wrong passwords all pass the check before any is
  counted. Here an attempt reserves its place in the count first, under a lock on its
  client address (a PostgreSQL advisory lock; SQLite serialises writers already), so no
  more than the limit are ever checked. A success gives the reservation back and clears
  that username's failures from that address (but not the address's others).
* **How long.** A refused attempt knows when the lockout lifts: the API sends it as
  ``Retry-After``, the pages as minutes.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F, Max, Sum
from django.utils import timezone


class LoginLocked(PermissionDenied):
    """Too many failed logins for this username from this address, or from this address."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(lockout_message(retry_after))


def lockout_message(retry_after: int) -> str:
    """What a locked-out person reads.

    >>> lockout_message(840)
    'Too many failed logins. Try again in 14 minutes.'
    >>> lockout_message(5)
    'Too many failed logins. Try again in 1 minute.'
    """
    minutes = max(1, math.ceil(retry_after / 60))
    return f"Too many failed logins. Try again in {minutes} minute{'s' if minutes != 1 else ''}."


def lockout_period(request=None) -> timedelta:
    """How long failures count (``AXES_COOLOFF_TIME``): ``LOGIN_LOCKOUT_SECONDS``."""
    return timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def username_of(request, credentials: dict | None) -> str | None:
    """The username an attempt is counted under (``AXES_USERNAME_CALLABLE``): case-folded,
    since ``Alice`` and ``alice`` are one account to a guesser."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    return username.casefold() if isinstance(username, str) else None


def retry_after(request) -> int:
    """Seconds until a refused attempt may be tried again (set while it was refused)."""
    return getattr(request, "lockout_retry_after", int(lockout_period().total_seconds()))


def lockout_response(request, original_response, credentials=None):
    """The locked answer (``AXES_LOCKOUT_CALLABLE``): the door's own response — the login
    page with the lockout message, or the API's JSON — as a 429 with ``Retry-After``."""
    original_response.status_code = 429
    original_response["Retry-After"] = str(retry_after(request))
    return original_response


class LockoutBackend(AxesStandaloneBackend, ModelBackend):
    """Django's username/password check behind the lockout: the only authentication backend.

    A caller without a request is internal code (the test client's ``login``), never a
    login form or the API, and is not counted.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return ModelBackend.authenticate(self, request, username, password, **kwargs)
        # Raises PermissionDenied when locked out; otherwise the attempt is now counted.
        AxesStandaloneBackend.authenticate(self, request, username, password, **kwargs)
        user = ModelBackend.authenticate(self, request, username, password, **kwargs)
        if user is not None and getattr(request, "lockout_reserved", False):
            _forgive(username_of(request, {"username": username}), request.axes_ip_address)
        return user


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with two limits and counting before the password check."""

    def is_allowed(self, request, credentials: dict | None = None) -> bool:
        if self.is_blacklisted(request, credentials):
            return False
        if self.is_whitelisted(request, credentials):
            return True
        return _reserve(request, get_client_username(request, credentials))

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        username = get_client_username(request, credentials)
        return _seconds_locked(username, request.axes_ip_address, timezone.now()) > 0

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        # Counted already (``_reserve``), or refused because locked out: nothing to add.
        # The attempt that reaches the limit is answered as a wrong password; the next is 429.
        return None


def _reserve(request, username: str | None) -> bool:
    """Count this attempt before its password is checked; False (and why) if locked out."""
    address = request.axes_ip_address
    now = timezone.now()
    with transaction.atomic():
        _lock(address)
        AccessAttempt.objects.filter(ip_address=address, attempt_time__lt=now - lockout_period()).delete()
        wait = _seconds_locked(username, address, now)
        if wait:
            request.axes_locked_out = True
            request.lockout_retry_after = wait
            return False
        attempt, created = AccessAttempt.objects.get_or_create(
            username=username,
            ip_address=address,
            user_agent=request.axes_user_agent,
            defaults={
                "failures_since_start": 1,
                "attempt_time": now,
                "path_info": request.axes_path_info,
                "http_accept": request.axes_http_accept,
                "get_data": "",
                "post_data": "",
            },
        )
        if not created:
            AccessAttempt.objects.filter(pk=attempt.pk).update(
                failures_since_start=F("failures_since_start") + 1,
                attempt_time=now,
                path_info=request.axes_path_info,
            )
    request.lockout_reserved = True
    return True


def _forgive(username: str | None, address: str | None) -> None:
    """A right password: this username's failures from this address no longer count."""
    AccessAttempt.objects.filter(username=username, ip_address=address).delete()


def _seconds_locked(username: str | None, address: str | None, now: datetime) -> int:
    """Seconds until an attempt for ``username`` from ``address`` may be tried; 0 if now."""
    recent = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=now - lockout_period())
    waits = []
    for rows, limit in (
        (recent.filter(username=username), settings.LOGIN_FAILURE_LIMIT),
        (recent, settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS),
    ):
        totals = rows.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        if (totals["failures"] or 0) >= limit:
            waits.append((totals["last"] + lockout_period() - now).total_seconds())
    return max(1, math.ceil(max(waits))) if waits else 0


def _lock(address: str | None) -> None:
    """Serialise attempts from one address until the transaction ends."""
    if connection.vendor != "postgresql":
        return  # SQLite: every write transaction starts with BEGIN IMMEDIATE (settings)
    digest = hashlib.sha256(f"pathwise-login:{address}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)])
