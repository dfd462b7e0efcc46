"""Run a stage ahead of its consumer in a thread, through a bounded queue: overlap without unbounded memory.

The fetch stage (network and archive writes, mostly waiting) runs in a thread a few batches ahead of
extraction and loading; the queue's bound keeps at most ``depth`` finished batches in memory.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")

_POLL_S = 0.1


class _End:
    """The producer is done; ``error`` is what stopped it, if anything did."""

    def __init__(self, error: BaseException | None) -> None:
        self.error = error


def run_ahead(items: Iterator[T], depth: int, name: str) -> Iterator[T]:
    """Yield what ``items`` yields, computed by a thread up to ``depth`` items ahead.

    An exception in the producer is raised here, in the consumer. When the consumer stops early (an
    exception, ``close()``), the producer stops after its current item and ``items`` is closed.
    """
    if depth < 1:
        raise ValueError(f"depth must be at least 1, got {depth}")
    handoff: queue.Queue[T | _End] = queue.Queue(maxsize=depth)
    stopped = threading.Event()

    def put(item: T | _End) -> bool:
        while not stopped.is_set():
            try:
                handoff.put(item, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
        except BaseException as exc:  # handed to the consumer, which raises it
            put(_End(exc))
            return
        put(_End(None))

    thread = threading.Thread(target=produce, name=name, daemon=True)
    thread.start()
    try:
        while True:
            item = handoff.get()
            if isinstance(item, _End):
                if item.error is not None:
                    raise item.error
                return
            yield item
    finally:
        stopped.set()
        thread.join()
        close = getattr(items, "close", None)
        if close is not None:
            close()
