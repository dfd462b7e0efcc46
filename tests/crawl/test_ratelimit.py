"""``etl.crawl.ratelimit``: requests to one host are spaced by its delay; other hosts do not wait."""

from __future__ import annotations

import threading

from etl.crawl.ratelimit import HostRateLimiter, reserve_slot


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def test_a_free_host_starts_now_and_a_busy_one_waits_for_its_slot() -> None:
    assert reserve_slot(10.0, 5.0, 1.0) == (10.0, 11.0)
    assert reserve_slot(10.0, 12.5, 1.0) == (12.5, 13.5)


def test_requests_to_one_host_queue_and_other_hosts_do_not_wait() -> None:
    clock = FakeClock()
    limiter = HostRateLimiter(clock, clock.sleep)
    waits = [limiter.wait("a", 1.0) for _ in range(3)] + [limiter.wait("b", 1.0)]
    assert waits == [0.0, 1.0, 2.0, 0.0]
    assert clock.slept == [1.0, 2.0]


def test_no_delay_never_waits() -> None:
    clock = FakeClock()
    limiter = HostRateLimiter(clock, clock.sleep)
    assert [limiter.wait("a", 0.0) for _ in range(5)] == [0.0] * 5


def test_concurrent_requests_get_distinct_slots() -> None:
    clock = FakeClock()
    limiter = HostRateLimiter(clock, clock.sleep)
    waits: list[float] = []
    lock = threading.Lock()

    def one() -> None:
        waited = limiter.wait("a", 0.5)
        with lock:
            waits.append(waited)

    threads = [threading.Thread(target=one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waits) == [0.5 * i for i in range(8)]
