"""A learner's profile (time zone, daily limits, scheduler parameters), read once per request.

Nearly every personal read needs it, so it is kept on the user object; the API's token
lookup reads it in the same query as the user (``profile_loaded_with``), which saves a
round trip on each of those requests.
"""

from progress.models import LearnerProfile, User


def profile_for(user: User) -> LearnerProfile:
    """The learner's profile, created with the defaults if they have none yet; read once
    per user object and kept on it (``user._profile_cache = None`` forgets it)."""
    profile = getattr(user, "_profile_cache", None)
    if profile is None:
        profile, _ = LearnerProfile.objects.get_or_create(user=user)
        user._profile_cache = profile
    return profile


def profile_loaded_with(user: User) -> None:
    """Have `profile_for` use the profile just read with ``user`` (cached on it as
    ``select_related("profile")`` or ``api.auth.lookup`` cache it), if they have one. Only for a user object fresh from
    the database, never one whose profile may have changed since it was read."""
    profile = User.profile.related.get_cached_value(user, default=None)
    if profile is not None:
        user._profile_cache = profile
