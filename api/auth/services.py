"""API credentials: exchanging a password for a device's token, listing and revoking
tokens, signing up.

Failed logins are counted and locked out by ``progress.lockout`` (django-axes), the same
counts the web login and the admin use. Tokens are per device and expire when idle
(``api.auth.authentication``).
"""

import secrets

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from api.auth.authentication import key_digest
from api.models import DeviceToken
from progress.lockout import LoginLocked, retry_after
from progress.models import Role, User
from progress.services import user_create

BAD_CREDENTIALS = "Unable to sign in with that username and password."


DEVICE_MAX_LENGTH = DeviceToken._meta.get_field("device").max_length


@transaction.atomic
def token_issue(*, user: User, device: str) -> DeviceToken:
    """A new token for one of the user's devices; its key is on ``.key``, shown only now."""
    key = secrets.token_urlsafe(32)
    token = DeviceToken.objects.create(
        user=user,
        key_digest=key_digest(key),
        device=(device.strip() or "API client")[:DEVICE_MAX_LENGTH],
        last_used_at=timezone.now(),
    )
    token.key = key
    return token


def tokens_of(*, user: User) -> QuerySet[DeviceToken]:
    """The user's signed-in devices, the most recently used first."""
    return DeviceToken.objects.filter(user=user)


@transaction.atomic
def token_revoke(*, token: DeviceToken) -> None:
    """Sign one device out: its next request with the token gets 401."""
    token.delete()


def token_for_credentials(*, username: str, password: str, device: str, request: HttpRequest) -> DeviceToken:
    """A new token for this device if the password is right (see ``token_issue``).

    ``request`` is the login's own: its client address and agent are what the lockout counts.

    Raises
    ------
    progress.lockout.LoginLocked
        After too many failures for this username from this address, or from this address,
        even with the right password; the password is not checked then.
    ValidationError
        For a wrong username or password (or an inactive user).
    """
    user = authenticate(request, username=username, password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise LoginLocked(retry_after(request))
        raise ValidationError(BAD_CREDENTIALS, code="bad_credentials")
    return token_issue(user=user, device=device)


@transaction.atomic
def learner_signup(*, username: str, password: str, email: str, device: str = "", **profile_fields) -> DeviceToken:
    """Create a learner (with the password validators applied) and their API token.

    Raises
    ------
    ValidationError
        Field errors: a taken or invalid username, a weak password, a bad profile value.
    """
    try:
        validate_password(password, user=User(username=username, email=email))
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    try:
        with transaction.atomic():
            user = user_create(
                username=username,
                password=password,
                email=email,
                role=Role.LEARNER,
                **profile_fields,
            )
    except IntegrityError:  # the same username, signed up a moment earlier by another request
        raise ValidationError({"username": "A user with that username already exists."}) from None
    return token_issue(user=user, device=device)
