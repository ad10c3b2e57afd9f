"""API credentials: exchanging a password for a token, revoking it, signing up.

Failed logins are counted and locked out by ``progress.lockout`` (django-axes), the same
counts the web login and the admin use.
"""

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from rest_framework.authtoken.models import Token

from progress.lockout import LoginLocked, retry_after
from progress.models import Role, User
from progress.services import user_create

BAD_CREDENTIALS = "Unable to sign in with that username and password."


def token_for_credentials(*, username: str, password: str, request: HttpRequest) -> Token:
    """The user's API token (made on first use) if the password is right.

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
    token, _ = Token.objects.get_or_create(user=user)
    return token


@transaction.atomic
def token_revoke(*, user: User) -> None:
    """Sign the user out of every API client: the next request with the old token gets 401."""
    Token.objects.filter(user=user).delete()


@transaction.atomic
def learner_signup(*, username: str, password: str, email: str, **profile_fields) -> Token:
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
    return Token.objects.create(user=user)
