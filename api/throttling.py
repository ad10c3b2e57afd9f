"""DRF throttles keyed by the client address of ``progress.clients``.

DRF's own ``get_ident`` believes ``X-Forwarded-For`` from anyone (or counts proxies with
``NUM_PROXIES``); ours follow ``TRUSTED_PROXIES`` like every other use of a client address,
so a client cannot buy a fresh budget by sending a new forwarded address.
"""

from rest_framework import throttling

from progress.clients import client_address


class AnonRateThrottle(throttling.AnonRateThrottle):
    def get_ident(self, request):
        return client_address(request) or "unknown"
