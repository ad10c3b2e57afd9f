import pytest

from tests.roadmap.links.linkserver import serving, use_local_checks


@pytest.fixture(scope="module")
def server():
    """A local HTTP server on 127.0.0.1 that plays every kind of site the checker meets."""
    with serving() as site:
        yield site


@pytest.fixture
def site(server, monkeypatch, settings):
    """The server, reset, with the link checker allowed to reach it (and only it)."""
    server.control("reset")
    use_local_checks(monkeypatch, settings)
    return server
