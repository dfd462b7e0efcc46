"""End-to-end benchmark on real pages: the extraction dev set served as a news site, a fresh warehouse per size.

    .venv/bin/python -m benchmarks.real_pages [--sizes 1000,3000,10000] [--variants distinct,identical]
        [--per-day 295]

The site (``serve``, in a process of its own) publishes ``size`` articles, ``--per-day`` a day, each one
of the 295 dev-set pages (``../shared/extraction-devset``) in turn, listed in a sitemap index with one
sitemap a day (``lastmod`` the day's noon). Two variants:

- ``distinct``: every ``<p>`` of a copy starts with the article's number (``No. 1234:``), so every copy is a
  different article whose paragraphs are new to the warehouse (a number is a protected token: the copies
  are not even near-duplicates of each other); text outside ``<p>`` elements stays shared, as a site's
  chrome does;
- ``identical``: the copies are byte for byte the page, as syndication makes them: the warehouse stores
  each paragraph once and links the copies as the same story (``article_duplicates``).

For each variant and size, one source over the whole range runs as ``python -m etl run`` (default
settings, rate limiting off) into a throwaway database on ``NEWSETL_BENCH_DATABASE_URL`` or the local
server 127.0.0.1:5432 (``benchmarks.pipeline.bench_database``). Printed: articles/s; the stage seconds
the pipeline records (``StageTimes``, wall time of each stage, summed over the run's days); CPU seconds
of the pipeline process, of its main thread (which runs loads and the cross-article steps), of the
extraction workers, of the site server and of the database: the PostgreSQL backends of the bench
database (and its autovacuum workers), found in ``pg_stat_activity`` and read from ``/proc/<pid>/stat``
while they live (the shared writer and checkpointer processes are not counted); warehouse bytes per
article (``pg_total_relation_size`` of every table, and the largest tables) against the gzip size of each
page plus its text; the peak RSS (VmHWM) of every process.

The ceiling is measured in the same run, before each size: ``read_page`` (parse and extract, what a worker
does) over one copy of each dev-set page with 2 processes and nothing else (no fetch, database, dedup
or archive); the ratio is articles/s end to end over those pages/s. On a shared machine read ratios, not
absolute figures.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg2

from benchmarks.devset import default_devset_dir, load_devset
from benchmarks.pipeline import STAGES, PeakWatcher, bench_database, cpu_s, free_port
from etl.config import PROJECT_ROOT, DedupSettings
from etl.dedup.copies import link_parameters
from etl.dedup.near_duplicates import hasher_for
from etl.pipeline.workers import read_page
from etl.warehouse.queries import query

START_DATE = date(2026, 1, 5)
VARIANTS = ("distinct", "identical")
CROSS_ARTICLE = ("near_duplicates_s", "copies_s", "search_s", "boilerplate_s")
_PARAGRAPH_OPEN = re.compile(rb"<p(?:\s[^>]*)?>", re.IGNORECASE)
_POLL_S = 0.25


@dataclass(frozen=True)
class RealSite:
    """``articles`` article URLs over ``articles / per_day`` days, each a dev-set page (``pages``) in turn."""

    pages: tuple[bytes, ...]
    articles: int
    per_day: int
    variant: str
    start: date = START_DATE

    @property
    def days(self) -> int:
        return -(-self.articles // self.per_day)

    def day_of(self, number: int) -> date:
        return self.start + timedelta(days=number // self.per_day)

    def path_of(self, number: int) -> str:
        return f"/news/{self.day_of(number):%Y/%m/%d}/story-{number}.html"

    def page(self, number: int) -> bytes:
        """Article ``number``'s HTML: its dev-set page, every paragraph marked with the number when distinct."""
        html = self.pages[number % len(self.pages)]
        if self.variant == "identical":
            return html
        marker = f"No. {number}: ".encode()
        return _PARAGRAPH_OPEN.sub(lambda match: match[0] + marker, html)

    def sitemap_index(self, base_url: str) -> bytes:
        entries = "".join(
            f"<sitemap><loc>{base_url}/sitemaps/{day:%Y-%m-%d}.xml</loc><lastmod>{day:%Y-%m-%d}T12:00:00Z</lastmod>"
            "</sitemap>"
            for day in (self.start + timedelta(days=n) for n in range(self.days))
        )
        return f'<?xml version="1.0"?><sitemapindex xmlns="{_SITEMAP_NS}">{entries}</sitemapindex>'.encode()

    def day_sitemap(self, base_url: str, day: date) -> bytes | None:
        first = (day - self.start).days * self.per_day
        if not 0 <= first < self.articles:
            return None
        entries = "".join(
            f"<url><loc>{base_url}{self.path_of(n)}</loc><lastmod>{day:%Y-%m-%d}T12:00:00Z</lastmod></url>"
            for n in range(first, min(first + self.per_day, self.articles))
        )
        return f'<?xml version="1.0"?><urlset xmlns="{_SITEMAP_NS}">{entries}</urlset>'.encode()

    def answer(self, base_url: str, path: str) -> tuple[int, bytes, str]:
        """(status, body, content type) of a GET of ``path``."""
        if path == "/robots.txt":
            return 200, f"User-agent: *\nAllow: /\nSitemap: {base_url}/sitemap.xml\n".encode(), "text/plain"
        if path == "/sitemap.xml":
            return 200, self.sitemap_index(base_url), "application/xml"
        if match := re.fullmatch(r"/sitemaps/(\d{4}-\d{2}-\d{2})\.xml", path):
            body = self.day_sitemap(base_url, date.fromisoformat(match[1]))
            return (200, body, "application/xml") if body is not None else (404, b"not found", "text/plain")
        if (match := re.fullmatch(r"/news/\d{4}/\d{2}/\d{2}/story-(\d+)\.html", path)) and int(
            match[1]
        ) < self.articles:
            number = int(match[1])
            if path == self.path_of(number):
                return 200, self.page(number), "text/html; charset=utf-8"
        return 404, b"not found", "text/plain"


_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def devset_pages() -> tuple[bytes, ...]:
    """The dev-set pages' bytes as fetched, sorted by id."""
    directory = default_devset_dir()
    if directory is None:
        raise SystemExit("the extraction dev set (../shared/extraction-devset) is not there")
    return tuple(page.html.encode("utf-8") for page in load_devset(directory))


def serve(site: RealSite, port: int) -> None:
    """Serve ``site`` on 127.0.0.1:``port`` until killed; prints one line when it listens."""
    base_url = f"http://127.0.0.1:{port}"

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            status, body, content_type = site.answer(base_url, self.path.split("?", 1)[0])
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print(f"real-page site: {base_url}", flush=True)
    server.serve_forever()


@contextmanager
def served_site(articles: int, per_day: int, variant: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """The site in a process of its own, so its CPU and memory are not the pipeline's."""
    port = free_port()
    command = [sys.executable, "-m", "benchmarks.real_pages", "serve", "--port", str(port)]
    command += ["--articles", str(articles), "--per-day", str(per_day), "--variant", variant]
    server = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        first = server.stdout.readline() if server.stdout else ""
        if not first.startswith("real-page site:"):
            raise RuntimeError(f"the real-page site did not start: {first!r}")
        yield f"http://127.0.0.1:{port}", server
    finally:
        server.terminate()
        server.wait(timeout=30)


def sources_file(directory: Path, base_url: str) -> Path:
    path = directory / "sources.toml"
    path.write_text(
        "[[source]]\n"
        'name = "real"\n'
        f'base_url = "{base_url}/"\n'
        'language = "en"\n'
        'discovery = ["sitemap"]\n'
        f'sitemap_url = "{base_url}/sitemap.xml"\n'
        "min_delay_s = 0\n",
        encoding="utf-8",
    )
    return path


class DatabaseWatcher:
    """CPU seconds of the backends (and autovacuum workers) of one database, polled while they live."""

    def __init__(self, server_url: str, database: str) -> None:
        self._conn = psycopg2.connect(server_url)
        self._conn.autocommit = True
        self._database = database
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> DatabaseWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._conn.close()

    def sample(self) -> None:
        with self._conn.cursor() as cur:
            cur.execute("select pid from pg_stat_activity where datname = %s", (self._database,))
            pids = [row[0] for row in cur.fetchall()]
        for pid in [*pids, *self.cpu]:
            seconds = cpu_s(pid)
            if seconds is not None and (pid in self.cpu or pid in pids):
                self.cpu[pid] = max(self.cpu.get(pid, 0.0), seconds)

    def _poll(self) -> None:
        while not self._stop.is_set():
            with suppress(psycopg2.Error):
                self.sample()
            self._stop.wait(_POLL_S)

    @property
    def total_s(self) -> float:
        return sum(self.cpu.values())


class ThreadWatcher:
    """CPU seconds of one process's main thread, polled (the pipeline's loads and cross-article steps)."""

    def __init__(self, pid: int) -> None:
        self._pid = pid
        self.main_s = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> ThreadWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        stat = Path(f"/proc/{self._pid}/task/{self._pid}/stat")
        while not self._stop.is_set():
            with suppress(OSError, IndexError, ValueError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                self.main_s = max(self.main_s, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"))
            self._stop.wait(_POLL_S)


@dataclass(frozen=True)
class Ceiling:
    """Parse and extract alone over one copy of each page, with 2 processes; and the pages' gzip sizes."""

    pages: int
    wall_s: float
    reference_bytes: float
    """Mean gzip-6 size of a page plus its extracted text (the warehouse bytes target is 1.5x this)."""

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.wall_s


def _read_one(html: bytes) -> str:
    return "\n".join(p.text for p in read_page(html, url="http://127.0.0.1/news/story.html").unique.paragraphs)


def ceiling(site: RealSite, processes: int = 2) -> Ceiling:
    """``read_page`` over one copy of each dev-set page in ``processes`` worker processes, timed."""
    htmls = [site.page(n) for n in range(len(site.pages))]
    with multiprocessing.get_context("forkserver").Pool(processes) as pool:
        pool.map(_read_one, htmls[:processes], chunksize=1)  # imports and lazy models loaded before timing
        began = time.perf_counter()
        texts = pool.map(_read_one, htmls, chunksize=1)
        wall = time.perf_counter() - began
    sizes = [len(gzip.compress(html + text.encode(), 6)) for html, text in zip(htmls, texts, strict=True)]
    return Ceiling(len(htmls), wall, sum(sizes) / len(sizes))


@dataclass
class Result:
    """One variant and size."""

    variant: str
    size: int
    articles: int
    wall_s: float
    stages: dict[str, float]
    cpu_s: dict[str, float]
    main_thread_s: float
    database_cpu_s: float
    table_bytes: dict[str, int]
    peak_rss_mb: dict[str, float]
    ceiling: Ceiling
    load_average: tuple[float, float, float] = field(default_factory=os.getloadavg)

    @property
    def articles_per_s(self) -> float:
        return self.articles / self.wall_s

    @property
    def ratio(self) -> float:
        return self.articles_per_s / self.ceiling.pages_per_s

    @property
    def bytes_per_article(self) -> float:
        return sum(self.table_bytes.values()) / max(1, self.articles)

    def per_article_ms(self, seconds: float) -> float:
        return 1000 * seconds / max(1, self.articles)

    @property
    def workers_cpu_s(self) -> float:
        return sum(v for k, v in self.cpu_s.items() if k.startswith("worker"))


def run_once(site: RealSite) -> Result:
    limit = ceiling(site)
    with (
        tempfile.TemporaryDirectory() as directory,
        bench_database() as url,
        served_site(site.articles, site.per_day, site.variant) as (base_url, server),
    ):
        env = {
            **os.environ,
            "NEWSETL_DATABASE_URL": url,
            "NEWSETL_SOURCES_FILE": str(sources_file(Path(directory), base_url)),
        }
        end = site.start + timedelta(days=site.days)
        command = [sys.executable, "-m", "etl", "run", "--start", site.start.isoformat(), "--end", end.isoformat()]
        server_url, database = url.rsplit("/", 1)
        began = time.perf_counter()
        pipeline = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, text=True)
        with (
            PeakWatcher({"pipeline": pipeline.pid, "site server": server.pid}) as watcher,
            DatabaseWatcher(f"{server_url}/postgres", database) as db,
            ThreadWatcher(pipeline.pid) as main_thread,
        ):
            output, _ = pipeline.communicate()
        wall = time.perf_counter() - began
        if pipeline.returncode != 0:
            raise RuntimeError(f"the pipeline failed with exit code {pipeline.returncode}")
        runs = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
        conn = psycopg2.connect(url)
        with conn, conn.cursor() as cur:
            cur.execute("select count(*) from articles")
            loaded = cur.fetchone()[0]
            cur.execute(
                "select c.relname, pg_total_relation_size(c.oid) from pg_class as c "
                "inner join pg_namespace as n on n.oid = c.relnamespace "
                "where n.nspname = 'public' and c.relkind in ('r', 'm')"
            )
            table_bytes = {name: size for name, size in cur.fetchall()}
        conn.close()
    stages = {stage: sum(float(run.get(stage, 0.0)) for run in runs) for stage in STAGES}
    return Result(
        site.variant,
        site.articles,
        loaded,
        wall,
        stages,
        watcher.by_role(watcher.cpu),
        main_thread.main_s,
        db.total_s,
        table_bytes,
        watcher.by_role(watcher.peaks),
        limit,
    )


def print_result(r: Result) -> None:
    load1, load5, _ = r.load_average
    print(f"\n{r.variant}, {r.size} articles on the site, {r.articles} loaded (load average {load1:.1f} / {load5:.1f})")
    print(
        f"  {r.articles_per_s:.1f} articles/s (wall {r.wall_s:.1f} s); ceiling {r.ceiling.pages_per_s:.1f} pages/s "
        f"(2 processes, {r.ceiling.pages} pages, {r.ceiling.wall_s:.1f} s): ratio {r.ratio:.2f}"
    )
    print("  CPU s: " + ", ".join(f"{k} {v:.1f}" for k, v in r.cpu_s.items()) + f", postgres {r.database_cpu_s:.1f}")
    pipeline_cpu = r.cpu_s.get("pipeline", 0.0)
    print(f"  pipeline main thread {r.main_thread_s:.1f} CPU s of the pipeline's {pipeline_cpu:.1f}")
    print("  stage s (wall, overlapping): " + ", ".join(f"{k[:-2]} {v:.1f}" for k, v in r.stages.items()))
    print("  peak RSS MB: " + ", ".join(f"{k} {v:.0f}" for k, v in r.peak_rss_mb.items()))
    top = sorted(r.table_bytes.items(), key=lambda item: -item[1])[:6]
    print(
        f"  warehouse {sum(r.table_bytes.values()) / 2**20:.0f} MB, {r.bytes_per_article / 1024:.1f} KiB/article "
        f"({r.bytes_per_article / r.ceiling.reference_bytes:.2f}x gzip of page + text, "
        f"{r.ceiling.reference_bytes / 1024:.1f} KiB): "
        + ", ".join(f"{name} {size / 2**20:.0f} MB" for name, size in top)
    )


def print_scaling(results: Sequence[Result]) -> None:
    """Per-article figures at each size and their ratio to the smallest size of the same variant."""
    columns = ("art/s", "ratio", "work ms", "main ms", "pg ms", *(s[:-2][:6] + " ms" for s in CROSS_ARTICLE))
    columns += ("KiB/art", "x gzip", "pipe MB", "work MB")
    print("\nscaling: per article (ms of CPU or stage time), (x: against the smallest size of the variant)")
    print(f"{'variant':>9} {'articles':>8} " + " ".join(f"{c:>12}" for c in columns))
    for r in results:
        base = next(b for b in results if b.variant == r.variant)
        figures = [
            (r.articles_per_s, base.articles_per_s),
            (r.ratio, base.ratio),
            (r.per_article_ms(r.workers_cpu_s), base.per_article_ms(base.workers_cpu_s)),
            (r.per_article_ms(r.main_thread_s), base.per_article_ms(base.main_thread_s)),
            (r.per_article_ms(r.database_cpu_s), base.per_article_ms(base.database_cpu_s)),
            *((r.per_article_ms(r.stages[s]), base.per_article_ms(base.stages[s])) for s in CROSS_ARTICLE),
            (r.bytes_per_article / 1024, base.bytes_per_article / 1024),
            (r.bytes_per_article / r.ceiling.reference_bytes, base.bytes_per_article / base.ceiling.reference_bytes),
            (r.peak_rss_mb.get("pipeline", 0.0), base.peak_rss_mb.get("pipeline", 0.0)),
            (
                max((v for k, v in r.peak_rss_mb.items() if k.startswith("worker")), default=0.0),
                max((v for k, v in base.peak_rss_mb.items() if k.startswith("worker")), default=0.0),
            ),
        ]
        cells = [
            f"{value:.2f} x{value / reference:.2f}" if reference else f"{value:.2f}" for value, reference in figures
        ]
        print(f"{r.variant:>9} {r.articles:>8} " + " ".join(f"{c:>12}" for c in cells))


def explain(url: str, batch: int = 200) -> None:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of the two cross-article queries for the newest ``batch`` articles of the
    warehouse at ``url`` (a database the benchmark kept: ``NEWSETL_BENCH_KEEP_DATABASE=1``), as the step
    after a batch runs them; in transactions rolled back."""
    settings = DedupSettings()
    hasher = hasher_for(settings)
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "select a.url, p.paragraph_key, p.text from articles as a "
                "inner join article_paragraphs as ap on ap.article_id = a.article_id "
                "inner join paragraphs as p on p.paragraph_key = ap.paragraph_key "
                "where a.article_id > (select max(article_id) from articles) - %s",
                (batch,),
            )
            rows = cur.fetchall()
            urls = sorted({row[0] for row in rows})
            texts = {bytes(key): text for _, key, text in rows}
            band_rows = "".join(
                f"\\\\x{key.hex()}\t{{{','.join(map(str, keys))}}}\n"
                for key, text in texts.items()
                if (keys := hasher.band_keys(text, settings.near_duplicate_min_chars))
            )
            cur.execute(query("create_band_tables"))
            cur.copy_expert("copy load_bands (paragraph_key, band_keys) from stdin", io.StringIO(band_rows))
            _print_plan(cur, query("select_band_candidates"), {}, f"near-duplicate candidates, {len(texts)} paragraphs")
        conn.rollback()
        with conn.cursor() as cur:
            _print_plan(
                cur,
                query("link_article_duplicates"),
                link_parameters(settings, urls),
                f"story links, {len(urls)} articles",
            )
        conn.rollback()
    finally:
        conn.close()


def _print_plan(cur: psycopg2.extensions.cursor, statement: str, params: dict[str, object], title: str) -> None:
    _, _, last = statement.rpartition("set local jit = off;")
    cur.execute("set local jit = off")
    cur.execute("explain (analyze, buffers) " + last, params)
    print(f"\n-- plan: {title}")
    print("\n".join(row[0] for row in cur.fetchall()))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", default="bench", choices=("bench", "serve", "explain"))
    parser.add_argument("--sizes", default="1000,3000,10000", help="articles on the site, comma-separated")
    parser.add_argument("--variants", default=",".join(VARIANTS), help="distinct, identical or both")
    parser.add_argument("--per-day", type=int, default=295, help="articles a day (default 295: one of each page)")
    parser.add_argument("--port", type=int, help="serve: the port")
    parser.add_argument("--articles", type=int, help="serve: articles on the site")
    parser.add_argument("--variant", choices=VARIANTS, default="distinct", help="serve: the variant")
    parser.add_argument("--database-url", help="explain: a warehouse the benchmark kept")
    args = parser.parse_args(argv)
    if args.command == "explain":
        explain(args.database_url)
        return 0
    pages = devset_pages()
    if args.command == "serve":
        serve(RealSite(pages, args.articles, args.per_day, args.variant), args.port)
        return 0
    sizes = [int(size) for size in args.sizes.split(",")]
    variants = [v for v in args.variants.split(",") if v]
    started = datetime.now(UTC)
    print(f"real-page benchmark: sizes {sizes}, variants {variants}, {os.cpu_count()} CPUs, load {os.getloadavg()}")
    results = []
    for variant in variants:
        for size in sizes:
            result = run_once(RealSite(pages, size, args.per_day, variant))
            print_result(result)
            results.append(result)
    print_scaling(results)
    print(f"\nstarted {started:%Y-%m-%d %H:%M} UTC, took {(datetime.now(UTC) - started).total_seconds() / 60:.1f} min")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
