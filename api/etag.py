"""``ETag`` / ``If-None-Match`` on the roadmap reads, so a phone can check for updates cheaply.

The tag hashes what the response depends on:

* the roadmap's graph version (every edit to tracks, topics, edges, resources or their
  links moves it, whatever made the edit: see ``roadmap.signals``);
* the path and query string (filters and page), and the response format;
* for views that show the caller's own status (``etag_includes_progress``), the caller
  and a stamp of their progress (row count and last change). Anonymous callers get the
  plain graph-version tag, shared by everyone.

Computing it costs one query (``progress.selectors.roadmap_version_and_stamp``) on top of
authentication, and runs after authentication and permission checks but before the
body is built: an unchanged roadmap answers 304 with no body.
"""

import hashlib

from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from rest_framework.response import Response

from api.handlers import wrap_handler
from progress.selectors import roadmap_version_and_stamp

SAFE_READS = frozenset({"GET", "HEAD"})


def _weak(tag: str) -> str:
    return tag.removeprefix("W/")


def etag_matches(header: str | None, etag: str) -> bool:
    """Weak comparison, as RFC 9110 asks for ``If-None-Match``.

    >>> etag_matches('W/"abc", "def"', 'W/"def"')
    True
    >>> etag_matches("*", 'W/"x"'), etag_matches('"y"', 'W/"x"'), etag_matches(None, 'W/"x"')
    (True, False, False)
    """
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or _weak(etag) in {_weak(tag) for tag in tags}


def conditional_get(view, handler, request, *args, **kwargs):
    etag = view.get_etag(request)
    header = request.headers.get("If-None-Match")
    if etag_matches(header, etag) and "*" not in parse_etags(header):
        # The ETag names the full path of an earlier good answer: this request is that one.
        response = Response(status=304)
    else:
        response = handler(request, *args, **kwargs)
        if response.status_code == 200 and etag_matches(header, etag):
            # "*" matches any answer there is: one is known only once the request is valid.
            response = Response(status=304)
    if response.status_code in (200, 304):
        response["ETag"] = etag
        # Revalidate every time; the answer differs per format and, for topics, per caller.
        response["Cache-Control"] = (
            "private, no-cache" if view.etag_includes_progress else "no-cache"
        )
        patch_vary_headers(response, ("Accept", "Authorization", "Cookie"))
    return response


class RoadmapETagMixin:
    """Adds ETags and 304 answers to a view's GET (list and detail alike)."""

    etag_includes_progress = False
    #: The graph version and the stamp this request read for its ETag (``api.roadmap.cache``
    #: keys on them).
    graph_version: int | None = None
    version_stamp = ""

    def dispatch(self, request, *args, **kwargs):
        if request.method in SAFE_READS:
            wrap_handler(self, request.method, conditional_get)
        return super().dispatch(request, *args, **kwargs)

    def get_etag(self, request) -> str:
        user = request.user
        learner = user if self.etag_includes_progress and user.is_authenticated else None
        self.graph_version, self.version_stamp = roadmap_version_and_stamp(learner=learner)
        parts = [
            self.version_stamp,
            f"u{learner.pk}" if learner else "anonymous",
            request.get_full_path(),
            request.accepted_renderer.format,
        ]
        return f'W/"{hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]}"'
