"""Give-ups (``etl.crawl.retries``) through full runs: after an outage that outlasts a page's attempts, the run
that stops retrying it says so (a ``given_up`` failure row, a count on its run row, a line in the load check),
and the page is not lost: it loads when discovery lists it again, or when its backoff is over."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg2
import pytest

from etl.config import FetchSettings, Settings
from etl.pipeline.run import LoadCheckError, check_runs, run_source
from etl.records import Interval
from tests.factories import MAY_15, query_rows

PUBLISHED = "2025-05-15T10:00:00+00:00"
FLAKY = ("/news/a", "/news/b", "/news/c")
STEADY = "/news/steady"


class OutageSite:
    """A site whose ``FLAKY`` pages answer 503 while ``down`` is set; ``STEADY`` always answers."""

    def __init__(self) -> None:
        self.down = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def do_GET(self) -> None:
                status, body, kind = 200, b"", "text/html; charset=utf-8"
                if self.path == "/robots.txt":
                    body, kind = b"User-agent: *\nAllow: /\n", "text/plain"
                elif self.path == "/sitemap.xml":
                    body, kind = site.sitemap(), "application/xml"
                elif self.path in FLAKY and site.down.is_set():
                    status, body = 503, b"down for maintenance"
                elif self.path in (*FLAKY, STEADY):
                    name = self.path.rsplit("/", 1)[1]
                    body = (
                        f'<html lang="de"><head><meta charset="utf-8"><title>{name}</title>'
                        f'<meta property="article:published_time" content="{PUBLISHED}"></head><body><article>'
                        f"<h1>Bericht {name}</h1><p>Der Bericht {name} erscheint, sobald der Server antwortet.</p>"
                        f"<p>Ein zweiter Absatz über {name}, damit der Text ein Artikel ist.</p></article>"
                        "</body></html>"
                    ).encode()
                else:
                    status, body = 404, b"not here"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def sitemap(self) -> bytes:
        entries = "".join(
            f"<url><loc>{self.base_url}{path}</loc><lastmod>{PUBLISHED}</lastmod></url>" for path in (*FLAKY, STEADY)
        )
        return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'.encode()


@pytest.fixture
def outage_site() -> Iterator[OutageSite]:
    site = OutageSite()
    thread = threading.Thread(target=site.httpd.serve_forever, daemon=True)
    thread.start()
    yield site
    site.httpd.shutdown()
    site.httpd.server_close()


def day(offset: int) -> Interval:
    """The day ``offset`` days after 2025-05-15 (which the sitemap lists everything on)."""
    start = MAY_15.start + timedelta(days=offset)
    return Interval(start, start + timedelta(days=1))


def outage_settings(settings: Settings, site: OutageSite, directory: Path, retry_days: float = 1.0) -> Settings:
    sources = directory / "outage.toml"
    sources.write_text(
        f'[[source]]\nname = "outage"\nbase_url = "{site.base_url}/"\nlanguage = "de"\ndiscovery = ["sitemap"]\n'
        f'sitemap_url = "{site.base_url}/sitemap.xml"\nmin_delay_s = 0\n',
        encoding="utf-8",
    )
    policy = FetchSettings(
        connect_timeout_s=2.0,
        read_timeout_s=5.0,
        retries=0,
        backoff_s=0.0,
        max_attempts=3,
        given_up_retry_days=retry_days,
    )
    return replace(settings, sources_file=sources, fetch=policy)


def failures(database_url: str, run_id: int | None) -> dict[str, tuple[str, int]]:
    rows = query_rows(database_url, "select url, reason, attempt from fetch_failures where run_id = %s", (run_id,))
    return {url: (reason, attempt) for url, reason, attempt in rows}


def loaded(database_url: str) -> set[str]:
    return {url for (url,) in query_rows(database_url, "select url from articles")}


def load_check(run_settings: Settings, run_id: int | None) -> str:
    """What the load check says of the run, whether it passes it or not."""
    try:
        return check_runs(run_settings, [run_id or 0])
    except LoadCheckError as exc:
        return str(exc)


def three_runs_of_outage(run_settings: Settings, site: OutageSite) -> set[str]:
    """An outage of the flaky pages that lasts three runs (the day they are listed, then two retries)."""
    url = run_settings.database_url or ""
    flaky = {site.base_url + path for path in FLAKY}
    site.down.set()
    for offset in range(3):
        summary = run_source(run_settings, "outage", day(offset))
        assert failures(url, summary.run_id) == dict.fromkeys(flaky, ("http_503", offset + 1))
    site.down.clear()
    assert loaded(url) == {site.base_url + STEADY}
    return flaky


def test_a_give_up_is_recorded_counted_and_reported_and_the_page_loads_when_discovery_lists_it_again(
    settings: Settings, outage_site: OutageSite, db: psycopg2.extensions.connection, tmp_path: Path
) -> None:
    run_settings = outage_settings(settings, outage_site, tmp_path)
    url = run_settings.database_url or ""
    flaky = three_runs_of_outage(run_settings, outage_site)

    gave_up = run_source(run_settings, "outage", day(3))  # the site is healthy again
    assert (gave_up.status, gave_up.counts.pages_fetched, gave_up.counts.urls_given_up) == ("success", 0, 3)
    assert failures(url, gave_up.run_id) == dict.fromkeys(flaky, ("given_up", 3))
    [(detail, given_up)] = query_rows(
        url,
        "select min(detail), (select urls_given_up from pipeline_runs where run_id = %s) "
        "from fetch_failures where run_id = %s",
        (gave_up.run_id, gave_up.run_id),
    )
    assert given_up == 3 and "3 failed attempts (last: http_503)" in detail
    assert "gave up 3 URLs" in load_check(run_settings, gave_up.run_id)

    quiet = run_source(run_settings, "outage", day(4))  # given up: not retried by every run, nor recorded again
    assert (quiet.counts.pages_fetched, quiet.counts.urls_given_up, failures(url, quiet.run_id)) == (0, 0, {})

    again = run_source(run_settings, "outage", MAY_15)  # discovery lists them again: fetched, loaded
    assert again.counts.articles_loaded == 4 and failures(url, again.run_id) == {}
    assert loaded(url) == flaky | {outage_site.base_url + STEADY}


def test_a_given_up_page_is_tried_again_once_its_backoff_is_over(
    settings: Settings, outage_site: OutageSite, db: psycopg2.extensions.connection, tmp_path: Path
) -> None:
    run_settings = outage_settings(settings, outage_site, tmp_path, retry_days=0.0)
    url = run_settings.database_url or ""
    flaky = three_runs_of_outage(run_settings, outage_site)
    assert run_source(run_settings, "outage", day(3)).counts.urls_given_up == 3
    revived = run_source(run_settings, "outage", day(4))  # backoff 0 days: over at once; nothing discovered
    assert (revived.counts.urls_discovered, revived.counts.pages_fetched) == (0, 3)
    assert loaded(url) == flaky | {outage_site.base_url + STEADY}
