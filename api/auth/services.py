"""API credentials: exchanging a password for a token, revoking it, signing up.

Failed logins are throttled per username and per client IP by ``progress.throttle``,
the same counters the web login uses.
"""

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rest_framework.authtoken.models import Token

from progress.models import Role, User
from progress.services import user_create
from progress.throttle import ensure_login_allowed, record_login_failure, record_login_success

BAD_CREDENTIALS = "Unable to sign in with that username and password."


def token_for_credentials(*, username: str, password: str, ip: str | None) -> Token:
    """The user's API token (made on first use) if the password is right.

    Raises
    ------
    progress.throttle.LoginThrottled
        After too many failures for this username or from this IP, even with the right password.
    ValidationError
        For a wrong username or password (or an inactive user).
    """
    ensure_login_allowed(username, ip)
    user = authenticate(request=None, username=username, password=password)
    if user is None:
        record_login_failure(username, ip)
        raise ValidationError(BAD_CREDENTIALS, code="bad_credentials")
    record_login_success(username)
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
