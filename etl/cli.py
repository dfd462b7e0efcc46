"""``python -m etl <verb>``: the command-line front door over the library.

Verbs: ``migrate``, ``run``, ``reprocess``, ``import-warc``, ``ccnews``, ``fetch``, ``extract``, ``demo-site``,
``demo``, ``warehouse-url``, ``psql``, ``stop-warehouse``, ``reset-warehouse``. Settings come from the environment (see
``etl.config``).

A source whose run fails (its site does not answer, ...) is one line on stderr naming the source and the
reason, and the exit status is 1; the other sources of the command still run. ``-v`` adds the traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg2

from etl.config import ConfigError, Settings, load_settings
from etl.dates import day_start
from etl.extract.charset import charset_of, decode_html
from etl.records import Failure, FetchedPage, Interval, Source
from etl.warehouse.connection import redacted
from etl.warehouse.embedded import delete_embedded, local_warehouse_url, psql_command, stop_embedded
from etl.warehouse.migrate import migrate_database, pending_migrations, reset_tables

if TYPE_CHECKING:
    from etl.demo_site.content import SiteConfig


def parse_bound(text: str) -> datetime:
    """A CLI interval bound: ``YYYY-MM-DD`` (midnight UTC) or an ISO 8601 time (UTC when no zone)."""
    try:
        if len(text) == 10:
            return day_start(date.fromisoformat(text))
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD) or ISO 8601 time") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def build_parser() -> argparse.ArgumentParser:
    # The same parser answers as `newsetl` (the installed command) and as `python -m etl`.
    prog = "newsetl" if Path(sys.argv[0]).name == "newsetl" else "python -m etl"
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress of every stage")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

    verbs.add_parser("migrate", help="apply pending schema migrations to the warehouse")

    run = verbs.add_parser("run", help="run the pipeline for a data interval [start, end)")
    run.add_argument("--start", type=parse_bound, required=True, help="interval start, inclusive (YYYY-MM-DD)")
    run.add_argument("--end", type=parse_bound, required=True, help="interval end, exclusive (YYYY-MM-DD)")
    run.add_argument("--source", action="append", help="source name (repeatable; default: all)")

    again = verbs.add_parser(
        "reprocess",
        help=(
            "re-extract and reload from the raw archive the pages of every run whose interval overlaps "
            "[start, end) (a day of a weekly run brings the week), no network"
        ),
    )
    again.add_argument("--start", type=parse_bound, required=True, help="interval start, inclusive (YYYY-MM-DD)")
    again.add_argument("--end", type=parse_bound, required=True, help="interval end, exclusive (YYYY-MM-DD)")
    again.add_argument("--source", action="append", help="source name (repeatable; default: all)")

    warc = verbs.add_parser(
        "import-warc",
        help="load the pages of WARC/ARC files (paths or URLs); one JSON object per file",
        description="Load the articles captured in WARC/ARC files (gzip or not) through the pipeline's stages. "
        "A file read to its end is skipped when imported again for the same sources and interval (a file is "
        "known by its content, or a URL by its server's ETag/Length/Last-Modified, not by its name); an "
        "interrupted one resumes at its last loaded batch. Needs a migrated warehouse (python -m etl migrate).",
    )
    warc.add_argument(
        "locations",
        nargs="+",
        metavar="PATH_OR_URL",
        help="a local WARC/ARC file (.warc, .warc.gz, .arc.gz) or an http(s) URL of one, streamed",
    )
    warc.add_argument("--source", action="append", help="source name (repeatable; default: all)")
    warc.add_argument("--start", type=parse_bound, help="load only articles published from (YYYY-MM-DD)")
    warc.add_argument("--end", type=parse_bound, help="... until, exclusive (YYYY-MM-DD); needs --start")

    news = verbs.add_parser("ccnews", help="load an interval's articles from Common Crawl News (resumable)")
    news.add_argument("--start", type=parse_bound, required=True, help="published from, inclusive (YYYY-MM-DD)")
    news.add_argument("--end", type=parse_bound, required=True, help="published until, exclusive (YYYY-MM-DD)")
    news.add_argument("--source", action="append", help="source name (repeatable; default: all)")

    get = verbs.add_parser("fetch", help="fetch URLs as the pipeline does; one JSON object per URL")
    get.add_argument("urls", nargs="+", metavar="URL")
    get.add_argument(
        "--source", help="fetch as this source (its allowed hosts and rate limit); default: the URLs' hosts"
    )

    ext = verbs.add_parser("extract", help="extract articles from HTML files; one JSON object per file")
    ext.add_argument("files", nargs="+", type=Path)
    ext.add_argument("--url", help="the URL the file was fetched from")
    ext.add_argument(
        "--content-type", help="the Content-Type header it was served with, e.g. 'text/html; charset=utf-8'"
    )

    site = verbs.add_parser("demo-site", help="serve the local demo news site")
    _site_options(site)
    site.add_argument("--host", help="default: the host of NEWSETL_DEMO_SITE_URL (127.0.0.1)")
    site.add_argument("--port", type=int, help="default: the port of NEWSETL_DEMO_SITE_URL (8765)")

    demo = verbs.add_parser("demo", help="demo site + warehouse + pipeline over the whole site, then a summary")
    _site_options(demo)

    verbs.add_parser("warehouse-url", help="print the warehouse URL (starts the embedded one if needed)")
    # No options of its own (not even -h): every argument after the verb is psql's (-c, -v, --help, ...).
    verbs.add_parser(
        "psql", add_help=False, help="psql on the warehouse; the arguments that follow go to psql (-c 'select 1')"
    )
    verbs.add_parser("stop-warehouse", help="stop the embedded PostgreSQL, if it runs")
    reset = verbs.add_parser(
        "reset-warehouse",
        help="empty the warehouse: delete the embedded one, or drop and recreate the tables at NEWSETL_DATABASE_URL",
    )
    reset.add_argument("--yes", action="store_true", help="needed to reset a warehouse named by NEWSETL_DATABASE_URL")
    return parser


def _site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--start-date", type=date.fromisoformat, help="first day of the site (default 2025-05-12)")
    parser.add_argument("--days", type=int, help="number of days (default 7)")
    parser.add_argument("--articles-per-day", type=int, help="articles per edition and day (default 12)")


def _site_config(args: argparse.Namespace) -> SiteConfig:
    from etl.demo_site.content import SiteConfig

    config = SiteConfig()
    overrides = {"start_date": args.start_date, "days": args.days, "articles_per_day": args.articles_per_day}
    return replace(config, **{k: v for k, v in overrides.items() if v is not None})


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, ``timeout``, a service manager stopping the job) raised in the main thread as an
    interruption, so that the clean-up of Ctrl-C runs: interrupted runs marked failed with this message, one
    line on stderr, exit status 143 (128 + 15)."""


def _terminate(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not interrupt the clean-up
    raise Terminated("terminated (SIGTERM)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.verb == "psql":
        args.psql_args = extra[1:] if extra[:1] == ["--"] else extra
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if (getattr(args, "start", None) is None) != (getattr(args, "end", None) is None):
        parser.error("--start and --end go together")
    if getattr(args, "start", None) is not None and args.end <= args.start:
        parser.error(f"--end {args.end.isoformat()} must be after --start {args.start.isoformat()}")
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        # urllib3 warns at every retry of a request; the outcome (a page or a failure reason) is what counts.
        logging.getLogger("urllib3").setLevel(logging.ERROR)
    previous = (
        signal.signal(signal.SIGTERM, _terminate) if threading.current_thread() is threading.main_thread() else None
    )
    try:
        settings = load_settings()
        return _VERBS[args.verb](settings, args)
    except ConfigError as exc:
        _print_traceback_if(args.verbose)
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except psycopg2.Error as exc:
        _print_traceback_if(args.verbose)
        print(f"newsetl: cannot use the warehouse: {_one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        _print_traceback_if(args.verbose)
        print(
            f"newsetl: {str(exc) or 'interrupted'}; what was loaded stays, an interrupted run's row says failed, "
            "and running the same command again finishes the job",
            file=sys.stderr,
        )
        return 143 if isinstance(exc, Terminated) else 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _print_traceback_if(verbose: bool) -> None:
    """With ``-v``, the traceback of the exception being handled goes to stderr before its one-line message."""
    if verbose:
        traceback.print_exc()


def _one_line(exc: BaseException) -> str:
    """An exception's message on one line (libpq's span several: the error, then a hint or the statement)."""
    return " ".join(str(exc).split()) or type(exc).__name__


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    applied = migrate_database(local_warehouse_url(settings))
    print(f"applied {_count(len(applied), 'migration')}: {', '.join(applied)}" if applied else "schema is up to date")
    return 0


def _run(settings: Settings, args: argparse.Namespace) -> int:
    return _run_each(settings, args, reprocess=False)


def _reprocess(settings: Settings, args: argparse.Namespace) -> int:
    return _run_each(settings, args, reprocess=True)


def _migrated_warehouse(settings: Settings, source_names: Sequence[str] | None) -> str | None:
    """The warehouse URL for a loading verb (the embedded warehouse started if it is the default), after the
    sources file and the named sources were checked (a mistake there is reported before a warehouse starts);
    ``None``, with one line on stderr, when the warehouse lacks migrations."""
    from etl.sources import find_source, load_sources

    sources = load_sources(settings)
    for name in source_names or ():
        find_source(sources, name)
    url = local_warehouse_url(settings)
    pending = pending_migrations(url)
    if pending:
        print(
            f"newsetl: the warehouse at {redacted(url)} lacks {_count(len(pending), 'migration')} "
            f"({', '.join(pending)}): run `python -m etl migrate` first",
            file=sys.stderr,
        )
        return None
    return url


def _run_each(settings: Settings, args: argparse.Namespace, *, reprocess: bool) -> int:
    """Run the named sources (default: all), one JSON summary per source that ran; a source that failed is
    one line on stderr (its ``pipeline_runs`` row says failed, with the error) and the others still run
    (``run_sources``). Exit status 1 if any source failed; ``-v`` shows the tracebacks."""
    from etl.pipeline.run import run_sources

    url = _migrated_warehouse(settings, args.source)
    if url is None:
        return 2
    settings = replace(settings, database_url=url)
    summaries = run_sources(settings, Interval(args.start, args.end), args.source, reprocess=reprocess)
    for summary in summaries:
        if summary.status == "failed":
            print(f"newsetl: source {summary.source}: {summary.error}", file=sys.stderr, flush=True)
        else:
            print(json.dumps(summary.as_dict(), ensure_ascii=False), flush=True)
    return 1 if any(summary.status == "failed" for summary in summaries) else 0


def _import_warc(settings: Settings, args: argparse.Namespace) -> int:
    interval = Interval(args.start, args.end) if args.start is not None else None
    return _import_each(settings, args, args.locations, interval)


def _ccnews(settings: Settings, args: argparse.Namespace) -> int:
    """List the CC-NEWS files of the months the interval and its margin touch, then import them
    (``_import_each``). A month without a path index is one line and the others are imported; exit status 1
    when no month could be listed, or a month's index failed otherwise than by 404 (after importing the rest)."""
    from etl.archives.ccnews import ccnews_files
    from etl.archives.warc import ArchiveError

    interval = Interval(args.start, args.end)
    try:
        listing = ccnews_files(settings.ccnews, settings.fetch, interval)
    except ArchiveError as exc:
        _print_traceback_if(args.verbose)
        print(f"newsetl: {exc}", file=sys.stderr)
        return 1
    for line in listing.unlisted:
        print(f"newsetl: {line}", file=sys.stderr, flush=True)
    print(
        f"newsetl: CC-NEWS {', '.join(listing.months)}: {len(listing.urls)} WARC files to read, "
        f"{listing.outside_window} left out as crawled more than {settings.ccnews.margin_days:g} days outside "
        "the interval (NEWSETL_CCNEWS_MARGIN_DAYS)",
        file=sys.stderr,
        flush=True,
    )
    status = _import_each(settings, args, listing.urls, interval)
    return 1 if listing.incomplete else status


def _import_each(
    settings: Settings, args: argparse.Namespace, locations: Sequence[str], interval: Interval | None
) -> int:
    """Import WARC files for the named sources (default: all): progress lines on stderr, one JSON object per
    file on stdout, failed ones too (``status``, ``error``, ``retryable``); a file that failed or was skipped
    is also one line on stderr (the next import continues where it stopped) and the others are still
    imported. Exit status 1 if any file failed."""
    from etl.pipeline.imports import import_files

    url = _migrated_warehouse(settings, args.source)
    if url is None:
        return 2

    def progress(line: str) -> None:
        print(f"newsetl: {line}", file=sys.stderr, flush=True)

    settings = replace(settings, database_url=url)
    results = import_files(settings, locations, args.source, interval, progress=progress)
    for result in results:
        if result.status == "failed":
            print(f"newsetl: {result.describe()}", file=sys.stderr, flush=True)
        elif result.status == "skipped":
            print(f"newsetl: {result.skipped_note()} (its counts are that import's)", file=sys.stderr, flush=True)
        print(json.dumps(result.as_dict(), ensure_ascii=False), flush=True)
    return 1 if any(result.status == "failed" for result in results) else 0


def _fetch(settings: Settings, args: argparse.Namespace) -> int:
    from etl.crawl.fetch import Fetcher
    from etl.crawl.urls import host_of
    from etl.sources import find_source, load_sources

    if args.source:
        source = find_source(load_sources(settings), args.source)
    else:
        # the hosts of the URLs given, as the fetcher parses them; an unparseable URL allows nothing
        hosts = tuple(dict.fromkeys(host for url in args.urls if (host := host_of(url))))
        source = Source(name="cli", base_url=args.urls[0], language="und", allowed_hosts=hosts)
    fetcher = Fetcher(settings.fetch, source)
    try:
        for url in args.urls:
            started = time.monotonic()
            result = fetcher.fetch_page(url)  # a URL that cannot be requested safely is a bad_url record
            shown = url.encode("utf-8", "surrogateescape").decode("utf-8", "replace")  # argv bytes not UTF-8
            print(json.dumps(fetch_record(shown, result, time.monotonic() - started), ensure_ascii=False), flush=True)
    finally:
        fetcher.close()
    return 0


def fetch_record(url: str, result: FetchedPage | Failure, elapsed_s: float) -> dict[str, object]:
    """The stable JSON contract of ``python -m etl fetch``: one object per URL."""
    if isinstance(result, Failure):
        return {
            "url": url,
            "final_url": None,
            "status": result.http_status,
            "ok": False,
            "reason": result.reason,
            "bytes": 0,
            "charset": None,
            "elapsed_s": round(elapsed_s, 3),
        }
    return {
        "url": url,
        "final_url": result.final_url,
        "status": result.status,
        "ok": True,
        "reason": None,
        "bytes": len(result.content),
        "charset": decode_html(result.content, charset_of(result.content_type)).charset,
        "elapsed_s": round(elapsed_s, 3),
    }


def _extract(settings: Settings, args: argparse.Namespace) -> int:
    from etl.extract import Unreadable
    from etl.pipeline.workers import read_page

    charset = charset_of(args.content_type) if args.content_type else None
    unreadable = 0
    for path in args.files:
        try:
            content = path.read_bytes()
        except OSError as exc:
            print(f"newsetl: cannot read {path}: {exc.strerror}", file=sys.stderr)
            unreadable += 1
            continue
        try:
            page = read_page(content, url=args.url, charset=charset)
        except Unreadable as exc:
            print(f"newsetl: {path}: {exc.reason}: {exc}", file=sys.stderr)
            unreadable += 1
            continue
        found = page.found
        paragraphs = [p.text for p in page.unique.paragraphs]
        record = {
            "url": found.url,
            "title": found.title,
            "published_at": found.published_at.isoformat() if found.published_at else None,
            "language": found.language,
            "authors": list(found.authors),
            "publisher": found.publisher,
            "paragraphs": paragraphs,
            "text": "\n\n".join(paragraphs),
        }
        print(json.dumps(record, ensure_ascii=False))
    return 1 if unreadable else 0


def _demo_site(settings: Settings, args: argparse.Namespace) -> int:
    from etl.demo_site.server import serve_forever

    host, port = settings.demo_site_address
    serve_forever(_site_config(args), args.host or host, port if args.port is None else args.port)
    return 0


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    from etl.demo import run_demo

    return run_demo(settings, _site_config(args))


def _warehouse_url(settings: Settings, args: argparse.Namespace) -> int:
    print(local_warehouse_url(settings))
    return 0


def _psql(settings: Settings, args: argparse.Namespace) -> int:
    command = psql_command(settings, args.psql_args)
    os.execv(command[0], command)
    return 0


def _stop_warehouse(settings: Settings, args: argparse.Namespace) -> int:
    print("stopped the embedded PostgreSQL" if stop_embedded(settings) else "no embedded PostgreSQL was running")
    return 0


def _reset_warehouse(settings: Settings, args: argparse.Namespace) -> int:
    """The embedded warehouse is local scratch: delete it. A configured one may be shared or production, so
    it needs ``--yes``, and only the objects the migrations created are dropped and created again."""
    if not settings.database_url:
        where = settings.embedded_pg_dir
        if delete_embedded(settings):
            print(f"newsetl: reset the embedded warehouse: stopped its PostgreSQL and deleted {where}")
        else:
            print(f"newsetl: no embedded warehouse in {where}: nothing to reset")
        return 0
    shown = redacted(settings.database_url)
    if not args.yes:
        print(
            f"newsetl: refusing to reset the warehouse at {shown} (NEWSETL_DATABASE_URL) without --yes: it drops "
            "every newsetl table and view, with all loaded articles, and creates them again empty",
            file=sys.stderr,
        )
        return 2
    done = reset_tables(settings.database_url)
    by_kind: dict[str, list[str]] = {}
    for kind, name in done.dropped:
        by_kind.setdefault(kind, []).append(name)
    dropped = "; ".join(f"{_count(len(names), kind)} ({', '.join(names)})" for kind, names in by_kind.items())
    print(
        f"newsetl: reset the warehouse at {shown}: dropped {dropped or 'nothing (it held no newsetl objects)'}; "
        f"applied {_count(len(done.applied), 'migration')}"
    )
    return 0


def _count(n: int, noun: str) -> str:
    """``n`` and the noun, plural when ``n`` is not 1: "1 migration", "2 migrations"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


_VERBS = {
    "migrate": _migrate,
    "run": _run,
    "reprocess": _reprocess,
    "import-warc": _import_warc,
    "ccnews": _ccnews,
    "fetch": _fetch,
    "extract": _extract,
    "demo-site": _demo_site,
    "demo": _demo,
    "warehouse-url": _warehouse_url,
    "psql": _psql,
    "stop-warehouse": _stop_warehouse,
    "reset-warehouse": _reset_warehouse,
}
