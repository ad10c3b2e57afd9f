from tests.roadmap.links.conftest import server, site  # noqa: F401  (the local link server)
