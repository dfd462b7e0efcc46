"""The fault table: each fault of the hostile test site, the reason a fetch records, and the time it took.

Run: ``.venv/bin/python -m benchmarks.hostile_faults``. Uses the small test limits of
``tests.hostile_source.HOSTILE_FETCH`` (0.5 s connect / read timeouts, 2 s per page, one retry, 2 MB),
fetches every good and bad URL once with a fresh fetcher each (so robots.txt time is included), then all
of them through one fetcher with four threads, as a pipeline run does, and prints the wall time.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from etl.crawl.fetch import Fetcher
from etl.records import Failure, Source
from tests.hostile_server import FLAKY, HostileServer
from tests.hostile_source import HOSTILE_FETCH


def main() -> None:
    with HostileServer() as site:
        source = Source("hostile", site.base_url + "/", "de", allowed_hosts=site.hosts, min_delay_s=0.0)
        expected = {**dict.fromkeys(site.good_urls()), **site.fault_urls()}
        print(f"{'path':32} {'expected':20} {'recorded':20} {'status':>6} {'seconds':>8}")
        for url, want in expected.items():
            fetcher = Fetcher(HOSTILE_FETCH, source)
            started = time.monotonic()
            result = fetcher.fetch_page(url)
            elapsed = time.monotonic() - started
            fetcher.close()
            got = result.reason if isinstance(result, Failure) else None
            status = result.http_status if isinstance(result, Failure) else result.status
            path = url.split("/", 3)[3]
            print(f"/{path:31} {want or 'ok':20} {got or 'ok':20} {status or '-':>6} {elapsed:8.2f}")
        urls = [*expected, site.base_url + FLAKY]
        fetcher = Fetcher(HOSTILE_FETCH, source)
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=HOSTILE_FETCH.concurrency) as pool:
            results = list(pool.map(fetcher.fetch_page, urls))
        wall = time.monotonic() - started
        failed = sum(isinstance(r, Failure) for r in results)
        print(f"\nall {len(urls)} URLs, {HOSTILE_FETCH.concurrency} threads: {wall:.2f} s wall, {failed} failed")


if __name__ == "__main__":
    main()
