"""API test helpers: clients signed in with a real token, and a small roadmap.

linear-algebra ──required──▶ calculus ──required──▶ deep-learning
     (math)                   (math)                  (ml, advanced)
"""

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from api.auth.services import token_issue
from tests.factories import (
    PrerequisiteFactory,
    ResourceFactory,
    TopicFactory,
    TopicResourceFactory,
    TrackFactory,
)


def client_for(user=None) -> APIClient:
    """A client that authenticates like a phone does: ``Authorization: Token ...``."""
    client = APIClient()
    if user is not None:
        token = token_issue(user=user, device="test phone")
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def anonymous(db):
    return APIClient()


@pytest.fixture
def as_alice(alice):
    return client_for(alice)


@pytest.fixture
def as_bob(bob):
    return client_for(bob)


@pytest.fixture
def as_mentor(mentor):
    return client_for(mentor)


@pytest.fixture
def as_carol(carol):
    return client_for(carol)


@pytest.fixture
def roadmap(db):
    math = TrackFactory(slug="math", title="Math", position=1)
    ml = TrackFactory(slug="ml", title="Machine learning", position=2)
    la = TopicFactory(
        slug="linear-algebra", title="Linear algebra", track=math, summary="Vectors and matrices."
    )
    calc = TopicFactory(
        slug="calculus", title="Calculus", track=math, summary="Derivatives and integrals."
    )
    dl = TopicFactory(
        slug="deep-learning", title="Deep learning", track=ml, level="advanced", hours=40
    )
    la_calc = PrerequisiteFactory(from_topic=la, to_topic=calc, reason="Gradients are vectors.")
    calc_dl = PrerequisiteFactory(
        from_topic=calc, to_topic=dl, reason="Backpropagation is the chain rule."
    )
    book = ResourceFactory(slug="ladr", title="Linear Algebra Done Right", kind="book", health="ok")
    video = ResourceFactory(
        slug="calc-videos", title="Calculus videos", kind="video", health="broken"
    )
    TopicResourceFactory(topic=la, resource=book, role="core", locator="ch. 1-3")
    TopicResourceFactory(topic=calc, resource=video, role="supplemental")
    return SimpleNamespace(
        math=math,
        ml=ml,
        linear_algebra=la,
        calculus=calc,
        deep_learning=dl,
        la_calc=la_calc,
        calc_dl=calc_dl,
        book=book,
        video=video,
    )
