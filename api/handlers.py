"""Wrapping a view's handler, the one trick ``api.idempotency`` and ``api.etag`` share."""

import functools


def wrap_handler(view, method: str, wrapper) -> None:
    """Put ``wrapper(view, handler, request, *args, **kwargs)`` around the view's handler.

    Call it from ``dispatch``. Wrapping the handler rather than ``dispatch`` itself means
    authentication, permissions and content negotiation have already run when the
    wrapper does: a 401 never consumes an idempotency key, and an ETag knows the caller.
    """
    name = method.lower()
    handler = getattr(view, name, None)
    if handler is not None:
        setattr(view, name, functools.partial(wrapper, view, handler))
