"""``python -m etl demo`` (``make demo``): the whole pipeline once, end to end, on the local demo site.

Serves the demo site on ``Settings.demo_site_url`` (``NEWSETL_DEMO_SITE_URL``, default port 8765), uses the
warehouse from ``NEWSETL_DATABASE_URL`` or the embedded one, migrates it, runs every source over every day of
the site and prints what landed. The demo sources file its articles under a fixed ``canonical_base_url``, so
a demo moved to another port finds the articles earlier runs loaded instead of loading a second copy.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import replace
from datetime import timedelta

from etl.config import DEMO_SOURCES_FILE, ConfigError, Settings
from etl.dates import day_start
from etl.demo_site.content import SiteConfig
from etl.demo_site.server import running_demo_site
from etl.pipeline.run import RunSummary, run_sources
from etl.records import Interval
from etl.sources import identity_url, load_sources
from etl.warehouse.connection import connect
from etl.warehouse.embedded import local_warehouse_url
from etl.warehouse.migrate import migrate_database
from etl.warehouse.queries import query

SEED_SOURCE = "demo-de"
_NOT_DEMO = " (NEWSETL_SOURCES_FILE: your sources, run over the demo site's days; unset it for the demo's own editions)"
SEED_PATH = (
    "/de/economics/view/"
    "starkung-der-technologischen-beziehungen-der-high-tech-park-prufte-die-zusammenarbeit-mit-china-im-73579-2025"
)


def run_demo(settings: Settings, config: SiteConfig) -> int:
    """Run the demo and print a summary; 0 when every source succeeded."""
    host, port = settings.demo_site_address
    with ExitStack() as stack:
        try:
            running = stack.enter_context(running_demo_site(config, host=host, port=port))
        except OSError as exc:
            raise ConfigError(
                f"cannot serve the demo site on {settings.demo_site_url} ({exc}); "
                "stop what uses that port or set NEWSETL_DEMO_SITE_URL=http://127.0.0.1:<free port>"
            ) from exc
        url = local_warehouse_url(settings)
        settings = replace(settings, demo_site_url=running.base_url, database_url=url)
        applied = migrate_database(url)
        print(f"demo site: {running.base_url}  warehouse: {url}  migrations applied: {len(applied)}")
        print(f"sources: {settings.sources_file}" + ("" if settings.sources_file == DEMO_SOURCES_FILE else _NOT_DEMO))
        interval = Interval(day_start(config.start_date), day_start(config.start_date + timedelta(days=config.days)))
        print(f"running every source for [{interval.start:%Y-%m-%d}, {interval.end:%Y-%m-%d}) ...")
        summaries = run_sources(settings, interval)
    _print_summary(url, summaries, _seed_url(settings, running.base_url))
    return 0 if all(s.status == "success" for s in summaries) else 1


def _seed_url(settings: Settings, base_url: str) -> str:
    """The seed article's URL in the warehouse: its address on the running site as its source files it (a
    sources file without the seed's source: the address itself)."""
    address = base_url + SEED_PATH
    return next((identity_url(s, address) for s in load_sources(settings) if s.name == SEED_SOURCE), address)


def _print_summary(url: str, summaries: list[RunSummary], seed_url: str) -> None:
    header = ("source", "discovered", "fetched", "loaded", "repeats", "robots", "failed")
    print("\n" + "".join(f"{h:>12}" for h in header))
    for s in summaries:
        c = s.counts
        row = (
            s.source,
            c.urls_discovered,
            c.pages_fetched,
            c.articles_loaded,
            c.paragraphs_repeated,
            c.robots_disallowed,
            c.fetch_failed + c.extract_failed,
        )
        print("".join(f"{v:>12}" for v in row))
    for s in summaries:
        if s.error:
            print(f"newsetl: source {s.source}: {s.error}")
    conn = connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(query("select_warehouse_totals"))
            totals = dict(zip([d.name for d in cur.description], cur.fetchone(), strict=True))
            cur.execute(query("select_article_summary"), {"url": seed_url})
            seed = cur.fetchone()
    finally:
        conn.close()
    print("\nwarehouse: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in totals.items()))
    if seed:
        title, published_at, language, count, repeats = seed
        print(
            f"seed article: {title!r}, published {published_at:%Y-%m-%d}, language {language}, "
            f"{count} paragraphs ({repeats} repeats removed)"
        )
    print("\nquery it:  .venv/bin/python -m etl psql   (then e.g. \\i sql/examples/example_articles_per_day.sql)")
