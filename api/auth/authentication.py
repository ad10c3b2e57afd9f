"""``Authorization: Token <key>`` for API clients, one token per device, expiring when idle.

Each sign-in issues its own token (``api.auth.services.token_issue``), so a learner sees
their phone and their script apart and can revoke one without the other. A token unused
for ``settings.API_TOKEN_IDLE_DAYS`` days is refused (and removed): a lost phone's token
does not stay good for ever. ``last_used_at`` is written at most once a minute per token,
so a busy client does not turn every read into a write.

The token is read with its user and the user's ``LearnerProfile`` in one query: nearly
every personal endpoint reads the profile (time zone, daily limits, scheduler
parameters), so that is a round trip saved on each of their requests.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import authentication, exceptions

from api.auth.lookup import token_with_user
from api.models import DeviceToken
from progress.profiles import profile_loaded_with

LAST_USED_PRECISION = timedelta(minutes=1)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def idle_limit() -> timedelta:
    return timedelta(days=settings.API_TOKEN_IDLE_DAYS)


class DeviceTokenAuthentication(authentication.TokenAuthentication):
    model = DeviceToken

    def authenticate_credentials(self, key):
        token = token_with_user(key_digest(key))  # with its user and their profile, one query
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        now = timezone.now()
        if token.last_used_at < now - idle_limit():
            token.delete()
            raise exceptions.AuthenticationFailed(
                f"This token expired after {settings.API_TOKEN_IDLE_DAYS} days without use; sign in again."
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        if token.last_used_at < now - LAST_USED_PRECISION:
            DeviceToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        profile_loaded_with(token.user)
        return token.user, token
