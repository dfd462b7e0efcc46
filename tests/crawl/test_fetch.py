"""``etl.crawl.fetch``: every outcome against a real local HTTP server is a page or a failure with a reason."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler

import pytest

from etl.config import FetchSettings
from etl.crawl.fetch import Fetcher
from etl.crawl.robots import rules_from_response
from etl.extract.charset import charset_of, decode_html
from etl.records import Failure, FetchedPage, Source
from tests.hostile_server import (
    BLACK_HOLE_PATH,
    FAULTS,
    GOOD,
    RETRY_AFTER_SHORT_S,
    GoodPage,
    HostileServer,
    QuietServer,
)
from tests.hostile_source import HOSTILE_FETCH

HTML = "<html><head><title>Ok</title></head><body><p>Grüße aus Minsk.</p></body></html>"


class Server:
    """A local server whose paths each misbehave in one way; it remembers what was requested."""

    def __init__(self) -> None:
        self.requested: list[str] = []
        self.flaky_calls = 0
        self.lock = threading.Lock()


def make_handler(state: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def send(
            self,
            status: int,
            body: bytes,
            content_type: str = "text/html; charset=utf-8",
            headers: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            with state.lock:
                state.requested.append(self.path)
            if self.path == "/robots.txt":
                self.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
            elif self.path in ("/ok", "/private/page"):
                self.send(200, HTML.encode())
            elif self.path == "/big":
                self.send(200, b"<p>" + b"x" * 300_000 + b"</p>")
            elif self.path == "/text":
                self.send(200, b"just text", "text/plain")
            elif self.path == "/slow":
                time.sleep(1.5)
                self.send(200, HTML.encode())
            elif self.path == "/loop":
                self.send(302, b"", headers={"Location": "/loop"})
            elif self.path == "/moved":
                self.send(301, b"", headers={"Location": "/ok"})
            elif self.path == "/flaky":
                with state.lock:
                    state.flaky_calls += 1
                    calls = state.flaky_calls
                if calls == 1:
                    self.send(503, b"busy", headers={"Retry-After": "0"})
                else:
                    self.send(200, HTML.encode())
            elif self.path == "/busy":
                self.send(503, b"busy", headers={"Retry-After": "0"})
            elif self.path == "/down":
                self.send(503, b"down", headers={"Retry-After": "3600"})
            else:
                self.send(404, b"not here")

    return Handler


@pytest.fixture
def server() -> Iterator[tuple[str, Server]]:
    state = Server()
    httpd = QuietServer(("127.0.0.1", 0), make_handler(state))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", state
    httpd.shutdown()
    httpd.server_close()


def fetcher_for(base: str, **settings: object) -> Fetcher:
    defaults: dict[str, object] = {"retries": 1, "backoff_s": 0.0, "read_timeout_s": 5.0, "retry_after_max_s": 0}
    fetch_settings = FetchSettings(**{**defaults, **settings})
    return Fetcher(fetch_settings, Source(name="local", base_url=base + "/", language="de", min_delay_s=0.0))


def test_an_html_page_is_fetched_with_its_final_url(server: tuple[str, Server]) -> None:
    base, _ = server
    page = fetcher_for(base).fetch_page(base + "/moved")
    assert isinstance(page, FetchedPage)
    assert (page.status, page.final_url) == (200, base + "/ok")
    assert page.content.decode("utf-8") == HTML
    assert page.content_type.startswith("text/html")


@pytest.mark.parametrize(
    "target",
    [
        "/listed?q=%E4",
        "/listed?a=1;b=2",
        "/listed?print",
        "/listed?q=%7E&b=2&a=1",  # requests would send ~ for %7E
        "/listed?r=%E4&s=100%25",
        "/listed/a%2Fb?x=%3D",
    ],
)
def test_a_listed_url_is_requested_as_listed(server: tuple[str, Server], target: str) -> None:
    base, state = server
    result = fetcher_for(base).get(base + target, expect_html=False)
    assert isinstance(result, Failure) and result.reason == "http_404"
    assert state.requested == [target]


def test_only_what_a_request_line_cannot_carry_is_escaped(server: tuple[str, Server]) -> None:
    base, state = server
    fetcher_for(base).get(base + "/listed/straße a?q=ä&r=%E4&s=100%", expect_html=False)
    assert state.requested == ["/listed/stra%C3%9Fe%20a?q=%C3%A4&r=%E4&s=100%25"]


def test_robots_disallowed_page_is_never_requested(server: tuple[str, Server]) -> None:
    base, state = server
    result = fetcher_for(base).fetch_page(base + "/private/page")
    assert isinstance(result, Failure)
    assert result.reason == "robots_disallowed"
    assert "/private/page" not in state.requested
    assert state.requested == ["/robots.txt"]


def test_robots_txt_is_read_once_per_run(server: tuple[str, Server]) -> None:
    base, state = server
    fetcher = fetcher_for(base)
    for _ in range(3):
        fetcher.fetch_page(base + "/ok")
    assert state.requested.count("/robots.txt") == 1


def test_a_transient_503_is_retried(server: tuple[str, Server]) -> None:
    base, state = server
    page = fetcher_for(base).fetch_page(base + "/flaky")
    assert isinstance(page, FetchedPage)
    assert state.flaky_calls == 2


def test_a_persistent_503_fails_after_its_retries(server: tuple[str, Server]) -> None:
    base, state = server
    result = fetcher_for(base, retries=2).fetch_page(base + "/busy")
    assert isinstance(result, Failure)
    assert (result.reason, result.http_status) == ("http_503", 503)
    assert state.requested.count("/busy") == 3


@pytest.mark.parametrize(
    ("path", "settings", "reason", "status"),
    [
        ("/missing", {}, "http_404", 404),
        ("/text", {}, "not_html", 200),
        ("/big", {"max_bytes": 100_000}, "too_large", 200),
        ("/slow", {"read_timeout_s": 0.3, "retries": 0}, "timeout", None),
        ("/loop", {}, "redirect_loop", 302),
    ],
)
def test_bad_pages_fail_with_a_reason(
    server: tuple[str, Server], path: str, settings: dict[str, object], reason: str, status: int | None
) -> None:
    base, _ = server
    result = fetcher_for(base, **settings).fetch_page(base + path)
    assert isinstance(result, Failure)
    assert (result.stage, result.reason, result.http_status) == ("fetch", reason, status)


def test_an_unreachable_host_is_a_connection_error() -> None:
    fetcher = fetcher_for("http://127.0.0.1:9", retries=0)
    result = fetcher.get("http://127.0.0.1:9/x", expect_html=True)
    assert isinstance(result, Failure)
    assert result.reason == "connection_error"


def test_user_agent_comes_from_settings(server: tuple[str, Server]) -> None:
    base, _ = server
    fetcher = fetcher_for(base, user_agent="newsetl-test/1.0 (+http://example.test/contact)")
    assert fetcher.session.headers["User-Agent"] == "newsetl-test/1.0 (+http://example.test/contact)"


def test_a_retry_after_beyond_the_cap_fails_at_once(server: tuple[str, Server]) -> None:
    base, state = server
    result = fetcher_for(base, retries=3, retry_after_max_s=5).fetch_page(base + "/down")
    assert isinstance(result, Failure)
    assert (result.reason, result.http_status) == ("http_503", 503)
    assert state.requested.count("/down") == 1


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as running:
        yield running


def hostile_fetcher(site: HostileServer, settings: FetchSettings = HOSTILE_FETCH) -> Fetcher:
    source = Source(
        name="hostile", base_url=site.base_url + "/", language="de", allowed_hosts=site.hosts, min_delay_s=0.0
    )
    return Fetcher(settings, source)


@pytest.mark.parametrize("path", [*FAULTS, BLACK_HOLE_PATH])
def test_each_hostile_fault_fails_with_its_reason_in_bounded_time(hostile: HostileServer, path: str) -> None:
    url = hostile.black_hole_url if path == BLACK_HOLE_PATH else hostile.base_url + path
    fetcher = hostile_fetcher(hostile)
    started = time.monotonic()
    result = fetcher.fetch_page(url)
    elapsed = time.monotonic() - started
    assert isinstance(result, Failure), result
    assert result.reason == hostile.fault_urls()[url], result.detail
    worst_case = (
        2 * (HOSTILE_FETCH.connect_timeout_s + HOSTILE_FETCH.read_timeout_s) + HOSTILE_FETCH.total_timeout_s + 1.0
    )
    assert elapsed < worst_case


@pytest.mark.parametrize("page", GOOD, ids=[page.path for page in GOOD])
def test_good_pages_decode_without_mojibake_whatever_their_charset_header(
    hostile: HostileServer, page: GoodPage
) -> None:
    result = hostile_fetcher(hostile).fetch_page(hostile.base_url + page.path)
    assert isinstance(result, FetchedPage), result
    text = decode_html(result.content, charset_of(result.content_type)).text
    for paragraph in page.paragraphs:
        assert paragraph in text


def test_403_and_404_are_never_retried_but_5xx_are(hostile: HostileServer) -> None:
    fetcher = hostile_fetcher(hostile, replace(HOSTILE_FETCH, retries=2))
    fetcher.fetch_page(hostile.base_url + "/fault/404")
    fetcher.fetch_page(hostile.base_url + "/fault/500")
    assert hostile.hits["/fault/404"] == 1
    assert hostile.hits["/fault/500"] == 3


def test_a_long_retry_after_fails_at_once_and_a_short_one_is_waited(hostile: HostileServer) -> None:
    fetcher = hostile_fetcher(hostile)
    started = time.monotonic()
    fetcher.fetch_page(hostile.base_url + "/fault/503-retry-after")
    assert time.monotonic() - started < 1.0
    assert hostile.hits["/fault/503-retry-after"] == 1
    started = time.monotonic()
    fetcher.fetch_page(hostile.base_url + "/fault/429-retry-after")
    assert time.monotonic() - started >= RETRY_AFTER_SHORT_S
    assert hostile.hits["/fault/429-retry-after"] == 2


def test_a_429_beyond_the_cap_defers_the_whole_host_for_the_run(hostile: HostileServer) -> None:
    fetcher = hostile_fetcher(hostile, replace(HOSTILE_FETCH, retry_after_max_s=0))
    first = fetcher.fetch_page(hostile.base_url + "/fault/429-retry-after")
    later = fetcher.fetch_page(hostile.base_url + GOOD[0].path)
    assert isinstance(first, Failure) and first.reason == "http_429"
    assert isinstance(later, Failure) and later.reason == "host_deferred"
    assert hostile.hits[GOOD[0].path] == 0


def test_a_refetch_is_conditional_and_a_304_keeps_the_stored_version(hostile: HostileServer) -> None:
    fetcher = hostile_fetcher(hostile)
    url = hostile.base_url + GOOD[0].path
    first = fetcher.fetch_page(url)
    assert isinstance(first, FetchedPage) and first.header("ETag")
    again = fetcher.fetch_page(url, previous=first)
    assert isinstance(again, FetchedPage)
    assert again.not_modified
    assert (again.content, again.fetched_at) == (first.content, first.fetched_at)
    assert hostile.hits[GOOD[0].path] == 2


def test_an_offsite_url_is_never_requested(hostile: HostileServer) -> None:
    result = hostile_fetcher(hostile).get(f"http://localhost:{hostile.port}{GOOD[0].path}", expect_html=True)
    assert isinstance(result, Failure) and result.reason == "offsite_url"
    assert hostile.hits[GOOD[0].path] == 0


def test_requests_to_one_host_are_spaced_by_the_source_delay(server: tuple[str, Server]) -> None:
    base, _ = server
    fetcher = Fetcher(
        FetchSettings(retries=0), Source(name="local", base_url=base + "/", language="de", min_delay_s=0.2)
    )
    started = time.monotonic()
    for _ in range(3):
        fetcher.fetch_page(base + "/ok")
    assert time.monotonic() - started >= 0.2 * 3  # robots.txt and three pages: three gaps


def test_a_crawl_delay_spaces_requests_to_its_host(hostile: HostileServer) -> None:
    fetcher = hostile_fetcher(hostile)
    fetcher._robots[hostile.base_url] = rules_from_response(200, b"User-agent: *\nCrawl-delay: 0.3\n")
    started = time.monotonic()
    for page in GOOD[:3]:
        fetcher.fetch_page(hostile.base_url + page.path)
    assert time.monotonic() - started >= 0.6
