"""api.auth.lookup: the token, its user and their profile, read as the ORM reads them."""

import pytest
from django.contrib.auth.models import Group

from api.auth.authentication import key_digest
from api.auth.lookup import token_with_user
from api.auth.services import token_issue
from api.models import DeviceToken
from progress.models import LearnerProfile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_a_token_reads_as_the_orm_reads_it_with_its_user_and_profile(django_assert_num_queries):
    user = UserFactory(username="ada", role="curator", first_name="Ada")
    user.groups.add(Group.objects.get_or_create(name="mentor")[0])
    LearnerProfile.objects.filter(user=user).update(
        time_zone="Asia/Kolkata", reminder_hour=None, fsrs_parameters=[0.5] * 21, desired_retention=0.85
    )
    key = token_issue(user=user, device="phone").key
    orm = DeviceToken.objects.select_related("user", "user__profile").get(key_digest=key_digest(key))

    with django_assert_num_queries(1):
        token = token_with_user(key_digest(key))
        profile = token.user.profile  # all of it from the one query
        assert profile.user is token.user

    assert fields(token) == fields(orm)
    assert fields(token.user) == fields(orm.user)
    assert fields(profile) == fields(orm.user.profile)
    assert token.user.is_active is True and token.user.is_staff is True  # booleans, on SQLite too
    assert token.last_used_at.tzinfo is not None
    assert profile.fsrs_parameters == [0.5] * 21


def test_a_user_without_a_profile_reads_as_none_and_an_unknown_digest_as_no_token(django_assert_num_queries):
    user = UserFactory(username="grace")
    LearnerProfile.objects.filter(user=user).delete()
    key = token_issue(user=user, device="script").key

    with django_assert_num_queries(1):
        token = token_with_user(key_digest(key))
        assert not hasattr(token.user, "profile")  # known to be missing, not asked again

    assert token.user.username == "grace"
    assert token_with_user(key_digest("not a token")) is None
