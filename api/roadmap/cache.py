"""Roadmap reads serialised once per graph version, with the caller's statuses laid over.

Serialising 50 topics with DRF costs milliseconds; the roadmap changes only when its graph
version moves, and every edit moves it, whatever made it (the API, the admin, an import,
the link checker: ``roadmap.signals``, ``roadmap.services.bump_graph_version``). So a GET
answered 200 is kept in the process (``roadmap.selectors.roadmap_memo``) under the graph
version the request's ETag read (``api.etag``), its host and full path, and the next
request for the same page at the same version gets it back, rendered once
(``api.renderers.RenderedDict``). The first request after an edit reads the new version and
builds the body again: an edit is visible at once.

What differs per caller is laid over the shared body: the topic views keep it as an
anonymous caller sees it (``shared``: ``status`` null) and put a signed-in caller's
statuses in with one query (``personalised``). A request whose answer depends on the caller in another way
(``personal_params``: ``?status=``) is answered the ordinary way.
"""

from rest_framework.response import Response

from api.etag import SAFE_READS
from api.renderers import RenderedDict
from roadmap.selectors import roadmap_memo


class SharedBodyMixin:
    """Put after ``RoadmapETagMixin``: list and retrieve answered from a kept body."""

    #: Query parameters that make the answer depend on the caller: not shared.
    personal_params: frozenset[str] = frozenset()

    def list(self, request, *args, **kwargs):
        return self._shared_response(super().list, request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self._shared_response(super().retrieve, request, *args, **kwargs)

    def shared(self, body: dict) -> dict:
        """The caller's body as everyone sees it (the same, unless a view says otherwise)."""
        return body

    def personalised(self, body: dict, request) -> dict:
        """The shared body as this caller sees it (the shared body itself: it is read-only)."""
        return body

    def _shared_response(self, handler, request, *args, **kwargs):
        version = self.graph_version
        if version is None or request.method not in SAFE_READS or not self.personal_params.isdisjoint(request.GET):
            return handler(request, *args, **kwargs)
        memo = roadmap_memo(version=version)
        key = (type(self).__name__, self.action, request.scheme, request.get_host(), request.get_full_path())
        body = memo.get(key)
        if body is None:
            # Built for this caller as usual, then kept as everyone sees it.
            response = handler(request, *args, **kwargs)
            if response.status_code == 200:
                memo[key] = RenderedDict(self.shared(response.data))
            return response
        return Response(self.personalised(body, request))
