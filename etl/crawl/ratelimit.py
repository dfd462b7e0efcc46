"""A per-host rate limit shared by the threads fetching one source: one request per ``delay`` seconds.

The delay of a host is the source's ``min_delay_s`` or the host's robots ``Crawl-delay``, whichever is
longer. Each request reserves the next free slot of its host under a lock and then sleeps until it, so
concurrent fetches of one host queue politely while other hosts proceed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


def reserve_slot(now: float, next_free: float, delay_s: float) -> tuple[float, float]:
    """When a request may start, and when the host is free again after it (a pure policy)."""
    start = max(now, next_free)
    return start, start + delay_s


class HostRateLimiter:
    """Spaces requests to each host by its delay; thread-safe, one per source and run."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self._clock = clock
        self._sleep = sleep
        self._next_free: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str, delay_s: float) -> float:
        """Block until ``host`` may be requested again; return the seconds waited."""
        if delay_s <= 0:
            return 0.0
        with self._lock:
            now = self._clock()
            start, self._next_free[host] = reserve_slot(now, self._next_free.get(host, now), delay_s)
        waited = start - now
        if waited > 0:
            self._sleep(waited)
        return waited
