"""``etl.pipeline.streams``: a stage run ahead in a thread, through a bounded queue."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from etl.pipeline.streams import run_ahead


def test_items_arrive_in_order() -> None:
    assert list(run_ahead(iter(range(50)), 2, "test")) == list(range(50))


def test_the_producer_stays_at_most_depth_items_ahead() -> None:
    produced: list[int] = []

    def items() -> Iterator[int]:
        for number in range(10):
            produced.append(number)
            yield number

    stream = run_ahead(items(), 2, "test")
    assert next(stream) == 0
    time.sleep(0.3)  # time for the producer to run as far ahead as it may
    assert len(produced) <= 1 + 2 + 1  # the consumed item, the queue's bound, the item waiting to be put
    stream.close()


def test_a_producer_error_is_raised_in_the_consumer() -> None:
    def items() -> Iterator[int]:
        yield 1
        raise ValueError("broken page")

    stream = run_ahead(items(), 1, "test")
    assert next(stream) == 1
    with pytest.raises(ValueError, match="broken page"):
        next(stream)


def test_a_consumer_that_stops_early_stops_and_closes_the_producer() -> None:
    closed = threading.Event()

    def items() -> Iterator[int]:
        try:
            number = 0
            while True:
                yield number
                number += 1
        finally:
            closed.set()

    stream = run_ahead(items(), 1, "test")
    assert next(stream) == 0
    stream.close()
    assert closed.is_set()
    assert not any(t.name == "test" for t in threading.enumerate())
