"""Calls made at the same moment, each in a thread of its own with its own database connection
(the races PostgreSQL tests reproduce: two workers, two submissions, two refreshes)."""

import threading
from collections.abc import Callable

from django.db import connection


def at_once(*calls: Callable, timeout: float = 60) -> list:
    """Run each of ``calls`` in its own thread, all let go together by a barrier, and return
    their results in order. Fails if any call raised (naming the errors) or did not finish."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(index: int, call: Callable) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # pragma: no cover - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert errors == []
    assert not any(thread.is_alive() for thread in threads), f"a call took over {timeout} s"
    return results
