"""The fault tables: each hostile input, the outcome the pipeline records for it now, and the time it takes.

Run: ``.venv/bin/python -m benchmarks.hostile_faults`` (about a minute; needs a PostgreSQL for sections 2 and
4: ``NEWSETL_BENCH_DATABASE_URL``, else 127.0.0.1:5432, else an embedded one, a throwaway database each).

The first table is the hostile site's fetch faults (``tests.hostile_server``) with the small test limits of
``tests.hostile_source.HOSTILE_FETCH`` (0.5 s connect / read timeouts, 2 s per page, one retry, 2 MB): every
good and bad URL fetched once with a fresh fetcher each (so robots.txt time is included), then all of them
through one fetcher with four threads, as a pipeline run does, and the wall time.

Then the inputs of issue 15, each with what it records now (a failure reason, ``article`` or ``cleaned``):

1. Server-side request forgery: every hostile form of ``tests.crawl.test_ssrf.HOSTILE_FORMS`` as a redirect
   target and as a URL given to the fetcher, with a canary server on 127.0.0.2 that must never be hit, and
   a resolver hook (``socket.getaddrinfo``) answering the made-up ``.test`` names with the canary's address.
2. Poison pages (``tests.poison_site``): all in one full pipeline run beside good pages (the outcome, then a
   re-run that must change nothing), and each alone beside one good page in a run of its own (the seconds).
3. Unbounded work on one page: the linear strip on unclosed ``<!--`` and ``<script``, pages through an
   extraction worker (seconds and the worker's peak RSS), and a page that kills its worker (or runs past the
   deadline, or over the memory cap) in a batch of good pages (``tests.pipeline.test_workers``).
4. Hangs and give-ups: a warehouse frozen mid-run and before the run (``tests.frozen_proxy``, 2 s timeouts),
   and an outage that outlasts a page's attempts (``tests.pipeline.test_give_ups``).
"""

from __future__ import annotations

import random
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.pipeline import bench_database
from benchmarks.worker_probe import extract_with_peak_rss
from etl.config import Settings
from etl.crawl.fetch import Fetcher
from etl.extract.parse import MAX_TAGS, without_unread_markup
from etl.pipeline.run import RunSummary, run_source, run_sources
from etl.pipeline.workers import ExtractOutcome, WorkerLimits, extract_page, extraction_executor, job_for
from etl.records import Failure, Source
from tests.crawl.test_ssrf import EXPECTED_GIVEN, EXPECTED_REDIRECT, HOSTILE_FORMS, INTERNAL, Site, fetcher_for
from tests.crawl.test_ssrf import handler_for as ssrf_handler
from tests.factories import MAY_15, SOURCE, empty_data_tables, fetched_page, query_rows
from tests.frozen_proxy import FrozenProxy
from tests.hostile_server import FLAKY, GOOD, HostileServer, QuietServer, article_html
from tests.hostile_source import HOSTILE_FETCH
from tests.pipeline.test_give_ups import OutageSite, day, load_check, outage_settings
from tests.pipeline.test_poison_pages import POISON_FETCH
from tests.pipeline.test_workers import ALLOCATE, KILL, LIMITS, SLEEP, _batch
from tests.pipeline.test_workers import GOOD as GOOD_MARKERS
from tests.poison_site import GOOD_PATHS, LONG_PATH, PoisonSite, distinct_words
from tests.poison_site import article_html as poison_article_html

Row = Sequence[object]


def table(title: str, header: Row, rows: Sequence[Row]) -> None:
    """Print ``rows`` under ``header`` as aligned columns: numbers right-aligned, text left-aligned."""
    cells = [[_cell(value) for value in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    numeric = [all(isinstance(row[i], int | float) for row in rows) for i in range(len(header))]
    print(f"\n{title}")
    for n, row in enumerate(cells):
        line = "  ".join(
            c.rjust(w) if numeric[i] else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        print("  " + line.rstrip())
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.monotonic()
    result = fn()
    return result, time.monotonic() - started


def reason_of(result: object) -> str:
    return result.reason if isinstance(result, Failure) else "ok"


# The hostile site's fetch faults (the table this benchmark printed first).


def fetch_faults() -> None:
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


# §1 Server-side request forgery.


@contextmanager
def ssrf_servers() -> Iterator[tuple[Site, Site]]:
    """The source's site on 127.0.0.1 and the canary on 127.0.0.2 at the same port (a host mix-up keeps it),
    served by ``tests.crawl.test_ssrf``'s handler; ``.test`` names resolve to the canary meanwhile."""
    servers: list[QuietServer] = []

    def start(address: str, port: int = 0) -> Site:
        site = Site("", 0)
        httpd = QuietServer((address, port), ssrf_handler(site))
        site.port = httpd.server_address[1]
        site.base = f"http://{address}:{site.port}"
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return site

    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name in ("internal.test", "internal.test.", "news.test"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (INTERNAL, port))]
        return real(host, port, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo
    try:
        origin = start("127.0.0.1")
        yield origin, start(INTERNAL, origin.port)
    finally:
        socket.getaddrinfo = real
        for httpd in servers:
            httpd.shutdown()
            httpd.server_close()


def ssrf() -> None:
    rows: list[Row] = []
    with ssrf_servers() as (origin, canary):
        o = origin.port
        for form, template in HOSTILE_FORMS.items():
            location = template.format(o=o)
            origin.redirects["/start"] = location
            before = len(canary.requested)
            redirected, seconds = timed(lambda: fetcher_for(origin.base).fetch_page(origin.base + "/start"))
            given = "-"
            if not template.startswith(("/", "\\")):
                given = reason_of(fetcher_for(origin.base).fetch_page(location))
            got = reason_of(redirected)
            ok = got == EXPECTED_REDIRECT[form] and given in ("-", EXPECTED_GIVEN[form])
            shown = template.replace("{o}", "P")
            rows.append((form, shown, got, given, len(canary.requested) - before, "yes" if ok else "NO", seconds))
        third = f"http://127.0.0.2:{o}\\@127.0.0.1:{o}/d"
        origin.redirects.update({"/a": "/b", "/b": f"{origin.base}/c", "/c": third})
        before = len(canary.requested)
        chain, seconds = timed(lambda: fetcher_for(origin.base).fetch_page(origin.base + "/a"))
        ok = reason_of(chain) == "offsite_redirect"
        rows.append(
            ("chain, 3rd hop leaves", "/a -> /b -> /c -> backslash form", reason_of(chain), "-",
             len(canary.requested) - before, "yes" if ok else "NO", seconds)
        )  # fmt: skip
        base = f"http://news.test:{o}"
        before = len(canary.requested)
        inside, seconds = timed(lambda: fetcher_for(base).get(base + "/x", expect_html=False))
        ok = reason_of(inside) == "forbidden_address"
        rows.append(
            ("allowed name resolves inside", "http://news.test:P/x (-> 127.0.0.2)", reason_of(inside), "-",
             len(canary.requested) - before, "yes" if ok else "NO", seconds)
        )  # fmt: skip
        hits = len(canary.requested)
    header = ("form", "location (P: the site's port)", "as redirect", "as given URL", "canary hits", "expected", "s")
    table("§1 SSRF: a redirect from an allowed page (or the URL given), canary on 127.0.0.2", header, rows)
    print(f"  canary requests in all: {hits} (must be 0)")


# §2 Poison pages through full runs.


class ListedPoisonSite(PoisonSite):
    """``tests.poison_site``'s site whose sitemap lists ``listed`` (any URLs, broken ones too), with a page of
    ``words_bytes`` of distinct words at ``/poison/distinct-words``."""

    def __init__(self, words_bytes: int) -> None:
        super().__init__()
        words = distinct_words(words_bytes)
        paragraphs = tuple(" ".join(words[i : i + 120]) + "." for i in range(0, len(words), 120))
        self._big = poison_article_html("distinct-words", paragraphs).encode()
        self.listed: list[str] = []

    def urls(self) -> list[str]:
        return list(self.listed)

    def __enter__(self) -> ListedPoisonSite:
        super().__enter__()
        return self


POISON_INPUTS = {
    "NUL in JSON-LD headline, author, section": "/poison/nul-jsonld",
    "lone surrogates in JSON-LD": "/poison/surrogate-jsonld",
    "NUL in a paragraph": "/poison/nul-paragraph",
    "NUL in a response header": "/poison/nul-header",
    "NUL in a not_html Content-Type": "/poison/nul-content-type",
    "NUL in an off-site Location": "/poison/nul-location",
    "10,000-character URL": LONG_PATH,
    "4 MB of distinct words": "/poison/distinct-words",
    "sitemap <loc> with port :99999": "http://127.0.0.1:99999/poison/port",
    "sitemap <loc> http://[::1/": "http://[::1/",
}
"""Each poison input and its path on the site (or the absolute URL the sitemap lists)."""
DISTINCT_WORDS_4MB = 4_000_000
REPLACED = "%\ufffd%"
"""A ``like`` pattern: text holding U+FFFD, what a NUL or lone surrogate bound for the warehouse becomes."""


def outcome(database_url: str, summary: RunSummary, url: str) -> str:
    """What the run recorded for ``url``: ``article``, ``<reason> (<stage>)``, or what discovery left out; with
    the stored fields where a NUL or lone surrogate was replaced (U+FFFD), if any."""
    article = query_rows(
        database_url,
        "select a.title like %s, array_to_string(a.authors, ' ') like %s, a.section like %s, "
        "exists (select 1 from article_paragraphs ap join paragraphs p using (paragraph_key) "
        "        where ap.article_id = a.article_id and p.text like %s), "
        "exists (select 1 from page_fetches f where f.url = a.url and f.headers::text like %s) "
        "from articles a where a.url = %s",
        (*[REPLACED] * 5, url),
    )
    if article:
        fields = [
            f for f, hit in zip(("title", "authors", "section", "text", "headers"), article[0], strict=True) if hit
        ]
        return "article" + (f" (cleaned: U+FFFD in {', '.join(fields)})" if fields else "")
    failed = query_rows(
        database_url,
        "select reason, stage, detail like %s from fetch_failures where run_id = %s and url = %s",
        (REPLACED, summary.run_id, url),
    )
    if failed:
        reason, stage, cleaned = failed[0]
        return f"{reason} ({stage})" + (" (cleaned: U+FFFD in detail)" if cleaned else "")
    dropped = summary.counts.discovery_counts.get("sitemap", {})
    reasons = [f"{r}: {n} in the run" for r, n in dropped.items() if r not in ("seen", "taken")]
    return "dropped by discovery (" + ", ".join(reasons or ["nothing counted"]) + ")"


def poison_run_settings(database_url: str, site: PoisonSite, directory: Path) -> Settings:
    sources = directory / "poison.toml"
    sources.write_text(site.sources_toml(), encoding="utf-8")
    return Settings(
        database_url=database_url,
        data_dir=directory / "newsetl",
        sources_file=sources,
        fetch=POISON_FETCH,
        load_batch_size=20,
    )


def article_rows(database_url: str) -> list[tuple]:
    return query_rows(
        database_url,
        "select a.url, a.title, a.authors, a.section, a.run_id, encode(a.body_hash, 'hex'), "
        "length(s.search_vector) from articles a left join article_search s using (article_id) order by a.url",
    )


def poison_pages(database_url: str, directory: Path) -> None:
    with ListedPoisonSite(DISTINCT_WORDS_4MB) as site:
        settings = poison_run_settings(database_url, site, directory)
        url = {label: target if "://" in target else site.base_url + target for label, target in POISON_INPUTS.items()}
        goods = [site.base_url + path for path in GOOD_PATHS]

        empty_data_tables(database_url)
        site.listed = [*goods, *url.values()]
        [first], wall = timed(lambda: run_sources(settings, MAY_15))
        together = {label: outcome(database_url, first, u) for label, u in url.items()}
        loaded_goods = sum(bool(query_rows(database_url, "select 1 from articles where url = %s", (g,))) for g in goods)
        before = article_rows(database_url)
        [again], rerun = timed(lambda: run_sources(settings, MAY_15))
        unchanged = article_rows(database_url) == before
        unsearchable = sum(length is None for *_, length in before)
        c = first.counts

        rows: list[Row] = []
        for label, target in [("(a good page alone)", ""), *POISON_INPUTS.items()]:
            empty_data_tables(database_url)
            site.listed = [goods[0], *([url[label]] if target else [])]
            [alone], seconds = timed(lambda: run_sources(settings, MAY_15))
            good_loaded = bool(query_rows(database_url, "select 1 from articles where url = %s", (goods[0],)))
            recorded = outcome(database_url, alone, url[label]) if target else "article"
            good = "yes" if good_loaded else "NO"
            rows.append((label, together.get(label, "-"), recorded, alone.status, good, seconds))
    header = ("input", "one run, all together", "run of its own: recorded", "status", "good page", "s")
    table("§2 Poison pages through full runs (python -m etl run's code path), a throwaway database", header, rows)
    print(
        f"  all together: run {first.status} in {wall:.2f} s: {loaded_goods}/{len(goods)} good pages loaded, "
        f"{c.articles_loaded} articles, {first.failures} failure rows, {c.characters_replaced} characters replaced, "
        f"{unsearchable} articles without a search row; re-run {again.status} in {rerun:.2f} s, "
        f"articles and search rows unchanged: {unchanged}"
    )


# §3 Unbounded work on one page.


def page_job(name: str, body: bytes, content_type: str = "text/html") -> Any:
    page = replace(fetched_page(f"http://example.test/de/{name}", body), content_type=content_type)
    return job_for(SOURCE, page)


def described(outcome: ExtractOutcome) -> str:
    if outcome.failure is not None:
        return outcome.failure.reason
    assert outcome.article is not None
    count = len(outcome.article.paragraphs)
    return f"article ({count} paragraph{'s' if count != 1 else ''})"


def unbounded_work() -> None:
    rows: list[Row] = []
    for unit in ("<!--a ", "<script>a "):
        for size, size_label in ((39_000, "39 KB"), (156_000, "156 KB"), (1_000_000, "1 MB")):
            html = unit * (size // len(unit))
            _kept, strip_s = timed(partial(without_unread_markup, html))
            extracted, extract_s = timed(partial(extract_page, page_job("unclosed", html.encode())))
            label = f"{size_label} of unclosed {unit.strip()}"
            rows.append((label, strip_s, described(extracted), extract_s))
    header = ("page", "strip s", "extract_page (in process)", "s")
    table("§3a Linear strip: many unclosed <!-- or <script (before: 39 KB 2.8 s, 156 KB 43.5 s, 1 MB > 10 min)",
          header, rows)  # fmt: skip

    paragraphs = GOOD[0].paragraphs
    utf32 = article_html("utf32", "de", paragraphs, charset_meta=False)
    pages = {
        "a good page": (b"<html><body><article><p>" + paragraphs[0].encode() + b"</p></article></body></html>", ""),
        "9.5 MB of x<br>": (b"<html><body>" + b"x<br>" * 1_900_000, "text/html"),
        f"x<br> x {MAX_TAGS - 1_000:,} (just under MAX_TAGS)": (b"<html><body>" + b"x<br>" * (MAX_TAGS - 1_000), ""),
        "1 MB of random bytes": (random.Random(15).randbytes(1_000_000), "text/html"),
        "UTF-32 page (BOM), no charset": (utf32.encode("utf-32"), ""),
        "UTF-32-LE page, no BOM or charset": (utf32.encode("utf-32-le"), ""),
    }
    limits = WorkerLimits(timeout_s=LIMITS.timeout_s, max_memory_mb=LIMITS.max_memory_mb)
    worker_rows: list[Row] = []
    for label, (body, content_type) in pages.items():
        job = page_job(label.split()[0], body, content_type or "text/html")
        with extraction_executor(1, limits) as pool:  # a fresh worker each: its peak RSS is this page's
            started = time.monotonic()
            answer = pool.submit(extract_with_peak_rss, job).result(timeout=300)
            seconds = time.monotonic() - started
        result, rss = answer if isinstance(answer, tuple) else (answer, 0)
        worker_rows.append((label, f"{len(body) / 1e6:.1f} MB", described(result), seconds, f"{rss / 1024:.0f} MiB"))
    worker_header = ("page", "size", "recorded", "s", "worker peak RSS")
    table(f"§3b One page in an extraction worker ({limits.timeout_s:g} s deadline, {limits.max_memory_mb} MiB cap)",
          worker_header, worker_rows)  # fmt: skip

    faults = {
        KILL: ("kills its worker (SIGKILL)", LIMITS),
        SLEEP: ("sleeps 600 s, deadline 3 s", WorkerLimits(timeout_s=3.0, max_memory_mb=LIMITS.max_memory_mb)),
        ALLOCATE: (f"allocates 4 GiB, cap {LIMITS.max_memory_mb} MiB", LIMITS),
    }
    batch_rows: list[Row] = []
    for marker, (label, batch_limits) in faults.items():
        outcomes, seconds = _batch([GOOD_MARKERS[0], marker, GOOD_MARKERS[1], GOOD_MARKERS[2]], batch_limits)
        batch_rows.append((label, ", ".join(described(o) for o in outcomes), seconds))
    table("§3c A bad page in a batch of good ones (good, bad, good, good; 2 workers; tests.pipeline.test_workers)",
          ("the bad page", "recorded, in batch order", "s"), batch_rows)  # fmt: skip


# §4 Hangs and give-ups.


def frozen_warehouse(database_url: str, directory: Path) -> None:
    rows: list[Row] = []
    with ListedPoisonSite(1000) as site:
        site.listed = [site.base_url + path for path in GOOD_PATHS]
        for moment in ("mid-run (at the first page fetched)", "before the run (connecting)"):
            empty_data_tables(database_url)
            with FrozenProxy(database_url) as proxy:
                settings = replace(
                    poison_run_settings(proxy.url(database_url), site, directory),
                    database_statement_timeout_s=2.0,
                    database_connect_timeout_s=2.0,
                )
                frozen_at: list[float] = []
                if moment.startswith("before"):
                    proxy.freeze()
                    frozen_at.append(time.monotonic())
                else:
                    threading.Thread(target=_freeze_on_fetch, args=(site, proxy, frozen_at), daemon=True).start()
                started = time.monotonic()
                try:
                    [summary] = run_sources(settings, MAY_15)
                    recorded = f"{summary.status}: {summary.error}".replace("failed: failed: ", "failed: ")
                    recorded = recorded.replace(settings.database_url or "", "<the proxy's URL>")
                except Exception as exc:
                    recorded = f"{type(exc).__name__}: {exc}"
                ended = time.monotonic()
                proxy.thaw()
            after_freeze = ended - frozen_at[0] if frozen_at else float("nan")
            rows.append((moment, " ".join(recorded.split())[:230], ended - started, after_freeze))
    header = ("warehouse frozen", "recorded", "s", "s after freeze")
    table("§4a Frozen warehouse (tests.frozen_proxy; statement and connect timeouts 2 s)", header, rows)


def _freeze_on_fetch(site: PoisonSite, proxy: FrozenProxy, frozen_at: list[float]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(site.hits.get(path) for path in GOOD_PATHS):
            proxy.freeze()
            frozen_at.append(time.monotonic())
            return
        time.sleep(0.005)


def give_ups(database_url: str, directory: Path) -> None:
    empty_data_tables(database_url)
    site = OutageSite()
    threading.Thread(target=site.httpd.serve_forever, daemon=True).start()
    try:
        settings = outage_settings(Settings(database_url=database_url, data_dir=directory / "newsetl"), site, directory)
        rows: list[Row] = []
        site.down.set()
        plan = [(f"day +{n}", n, "503") for n in range(3)] + [("day +3", 3, "healthy"), ("day +4", 4, "healthy")]
        check = ""
        for label, offset, state in [*plan, ("listed day again", None, "healthy")]:
            if state == "healthy":
                site.down.clear()
            interval = MAY_15 if offset is None else day(offset)
            summary, seconds = timed(partial(run_source, settings, "outage", interval))
            failed = query_rows(
                database_url,
                "select reason, max(attempt), count(*) from fetch_failures where run_id = %s group by 1 order by 1",
                (summary.run_id,),
            )
            c = summary.counts
            recorded = ", ".join(f"{n} x {reason} (attempt {a})" for reason, a, n in failed) or "-"
            rows.append((f"{label} ({state})", summary.status, c.pages_fetched, c.articles_loaded, c.urls_given_up,
                         recorded, seconds))  # fmt: skip
            if offset == 3:
                check = " ".join(load_check(settings, summary.run_id).split())
    finally:
        site.httpd.shutdown()
        site.httpd.server_close()
    header = ("run (site)", "status", "fetched", "loaded", "given up", "failure rows", "s")
    table("§4b Give-ups: 3 pages down (503) for 3 runs, then healthy (tests.pipeline.test_give_ups)", header, rows)
    print(f"  load check of the give-up run: {check[:200]}")


def main() -> None:
    fetch_faults()
    ssrf()
    with tempfile.TemporaryDirectory(prefix="newsetl-hostile-") as temporary, bench_database() as database_url:
        directory = Path(temporary)
        poison_pages(database_url, directory)
        unbounded_work()
        frozen_warehouse(database_url, directory)
        give_ups(database_url, directory)


if __name__ == "__main__":
    main()
