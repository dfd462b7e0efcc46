"""A warehouse that stops answering in the middle of a run (``tests/frozen_proxy.py``) fails the run within its
statement timeout, with an error naming the setting, instead of hanging it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from etl.config import FetchSettings, Settings
from etl.pipeline.run import run_sources
from tests.factories import MAY_15
from tests.frozen_proxy import FrozenProxy

PUBLISHED = "2025-05-15T10:00:00+00:00"


@pytest.fixture
def proxy(clean_database: str) -> Iterator[FrozenProxy]:
    with FrozenProxy(clean_database) as running:
        yield running


@pytest.fixture
def freezing_site(proxy: FrozenProxy) -> Iterator[str]:
    """A site of one article whose request freezes the warehouse: the run has started, its page is fetched."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            base = f"http://127.0.0.1:{httpd.server_port}"
            if self.path == "/sitemap.xml":
                body = (
                    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    f"<url><loc>{base}/news/a</loc><lastmod>{PUBLISHED}</lastmod></url></urlset>"
                ).encode()
            elif self.path == "/news/a":
                proxy.freeze()
                body = (
                    b'<html lang="de"><body><article><p>Ein Artikel, den niemand speichert.</p></article></body></html>'
                )
            else:
                body = b"User-agent: *\nAllow: /\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_run_whose_warehouse_stops_answering_fails_within_its_timeout_naming_the_setting(
    settings: Settings, proxy: FrozenProxy, freezing_site: str, clean_database: str, tmp_path: Path
) -> None:
    sources = tmp_path / "freezing.toml"
    sources.write_text(
        f'[[source]]\nname = "freezing"\nbase_url = "{freezing_site}/"\nlanguage = "de"\n'
        f'sitemap_url = "{freezing_site}/sitemap.xml"\nmin_delay_s = 0\n',
        encoding="utf-8",
    )
    run_settings = replace(
        settings,
        database_url=proxy.url(clean_database),
        database_statement_timeout_s=2.0,
        sources_file=sources,
        fetch=FetchSettings(retries=0, connect_timeout_s=2.0, read_timeout_s=5.0),
    )
    started = time.monotonic()
    [summary] = run_sources(run_settings, MAY_15)
    elapsed = time.monotonic() - started
    assert summary.status == "failed"
    assert "WarehouseTimeout" in (summary.error or "")
    assert "NEWSETL_DATABASE_STATEMENT_TIMEOUT_S=2" in (summary.error or "")
    assert elapsed < 30, elapsed
