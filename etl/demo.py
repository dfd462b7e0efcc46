"""``python -m etl demo`` (``make demo``): the whole pipeline once, end to end, on the local demo site.

Serves the demo site on ``Settings.demo_site_url`` (default port 8765, so article URLs stay stable across
demo runs), uses the warehouse from ``NEWSETL_DATABASE_URL`` or the embedded one, migrates it, runs every
source over every day of the site and prints what landed.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import replace
from datetime import timedelta
from urllib.parse import urlsplit

from etl.config import ConfigError, Settings
from etl.dates import day_start
from etl.demo_site.content import SiteConfig
from etl.demo_site.server import running_demo_site
from etl.migrate import migrate
from etl.pipeline import RunSummary, run_sources
from etl.records import Interval
from etl.sql import query
from etl.warehouse import connect, database_url

SEED_PATH = (
    "/de/economics/view/"
    "starkung-der-technologischen-beziehungen-der-high-tech-park-prufte-die-zusammenarbeit-mit-china-im-73579-2025"
)


def run_demo(settings: Settings, config: SiteConfig) -> int:
    """Run the demo and print a summary; 0 when every source succeeded."""
    address = urlsplit(settings.demo_site_url)
    with ExitStack() as stack:
        try:
            running = stack.enter_context(
                running_demo_site(config, host=address.hostname or "127.0.0.1", port=address.port or 80)
            )
        except OSError as exc:
            raise ConfigError(
                f"cannot serve the demo site on {settings.demo_site_url} ({exc}); "
                "stop what uses that port or set NEWSETL_DEMO_SITE_URL=http://127.0.0.1:<free port>"
            ) from exc
        url = database_url(settings)
        settings = replace(settings, demo_site_url=running.base_url, database_url=url)
        conn = connect(url)
        try:
            applied = migrate(conn)
        finally:
            conn.close()
        print(f"demo site: {running.base_url}  warehouse: {url}  migrations applied: {len(applied)}")
        interval = Interval(day_start(config.start_date), day_start(config.start_date + timedelta(days=config.days)))
        print(f"running every source for [{interval.start:%Y-%m-%d}, {interval.end:%Y-%m-%d}) ...")
        summaries = run_sources(settings, interval)
    _print_summary(url, summaries, running.base_url)
    return 0 if all(s.status == "success" for s in summaries) else 1


def _print_summary(url: str, summaries: list[RunSummary], base_url: str) -> None:
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
    conn = connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(query("select_warehouse_totals"))
            totals = dict(zip([d.name for d in cur.description], cur.fetchone(), strict=True))
            cur.execute(query("select_article_summary"), {"url": base_url + SEED_PATH})
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
    print("\nquery it:  .venv/bin/python -m etl psql   (then e.g. \\i sql/queries/example_articles_per_day.sql)")
