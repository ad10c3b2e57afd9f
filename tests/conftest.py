"""Personas shared by the whole suite: alice and bob learn, mentor mentors alice's cohort,
other_mentor mentors a cohort without alice, carol curates."""

import pytest

from progress.models import Role
from roadmap.selectors import forget_cached_graph
from tests.factories import CohortFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # PBKDF2 at full strength costs ~0.5 s a user; tests are not attacking their own hashes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_caches(settings, tmp_path):
    # Each test gets its own cache and broker folder so no state leaks between tests
    # (or between xdist workers).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    from config.celery import app as celery_app

    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True

    cache.clear()
    forget_cached_graph()
    yield
    celery_app.conf.task_always_eager = eager
    forget_cached_graph()


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", role=Role.LEARNER)


@pytest.fixture
def bob(db):
    return UserFactory(username="bob", role=Role.LEARNER)


@pytest.fixture
def mentor(db, alice):
    user = UserFactory(username="mentor", role=Role.MENTOR)
    CohortFactory(name="Alice's cohort", mentors=[user], learners=[alice])
    return user


@pytest.fixture
def other_mentor(db, bob):
    user = UserFactory(username="other_mentor", role=Role.MENTOR)
    CohortFactory(name="Bob's cohort", mentors=[user], learners=[bob])
    return user


@pytest.fixture
def carol(db):
    return UserFactory(username="carol", role=Role.CURATOR)
