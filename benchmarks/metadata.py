"""Cost and coverage of ``read_metadata`` on the extraction dev set.

    .venv/bin/python benchmarks/metadata.py [../shared/extraction-devset]

Pages are decoded and parsed before the clock starts: the figure is metadata alone, per page, on one
core, as CPU time (the process's own, so that other work on a shared machine does not count) and wall
clock, over two passes (the first includes building the month-name tables once per process). Coverage
counts the pages where each field was found. The dev set holds no expected metadata, so two sanity checks
stand in: a page whose URL names a day should be dated within a day of it (time zones), and every page
is English.
"""

from __future__ import annotations

import csv
import gc
import statistics
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from bs4 import BeautifulSoup

from etl.dates import date_in_url
from etl.extract.charset import decode_html
from etl.extract.metadata import Metadata, read_metadata

DEFAULT_DEVSET = Path(__file__).resolve().parents[1] / ".." / "shared" / "extraction-devset"


def main(devset: Path) -> None:
    with (devset / "pages.tsv").open(encoding="utf-8") as rows:
        pages = [(row["id"], row["url"]) for row in csv.DictReader(rows, delimiter="\t")]
    soups = [
        BeautifulSoup(decode_html((devset / "html" / f"{page_id}.html").read_bytes(), None).text, "lxml")
        for page_id, _ in pages
    ]
    gc.freeze()  # the 295 parsed trees held here would make collector pauses the largest cost measured
    print(f"pages: {len(pages)}")
    for run in ("first pass (loads month-name tables)", "second pass"):
        found: list[Metadata] = []
        seconds: list[float] = []
        wall = time.perf_counter()
        for soup, (_, url) in zip(soups, pages, strict=True):
            start = time.process_time()
            found.append(read_metadata(soup, url))
            seconds.append(time.process_time() - start)
        wall_ms = 1000 * (time.perf_counter() - wall) / len(pages)
        ms = sorted(1000 * s for s in seconds)
        print(
            f"read_metadata, {run}: CPU {sum(ms) / len(ms):.2f} ms/page mean, {statistics.median(ms):.2f} median, "
            f"{ms[int(0.95 * len(ms)) - 1]:.2f} p95, {ms[-1]:.2f} max; wall clock {wall_ms:.2f} ms/page"
        )
    for field in ("title", "published_at", "language", "authors", "section"):
        print(f"{field:>12}: {sum(1 for meta in found if getattr(meta, field))}/{len(found)}")
    print(f"   languages: {dict(Counter(meta.language for meta in found).most_common())}")
    dated = [(page_id, url, meta) for (page_id, url), meta in zip(pages, found, strict=True) if date_in_url(url)]
    off = [
        (page_id, url, meta.published_at)
        for page_id, url, meta in dated
        if meta.published_at is None or abs(meta.published_at - date_in_url(url)) > timedelta(days=1, hours=12)
    ]
    print(f"URL names a day: {len(dated)} pages, published_at more than a day off on {len(off)}")
    for page_id, url, published_at in off:
        print(f"  {page_id} {published_at} {url}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DEVSET)
