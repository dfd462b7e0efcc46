"""No request ever leaves a source's allowed hosts: server-side request forgery, tried against real servers.

The source's site is a server on 127.0.0.1; the "internal" host is a canary server on a second loopback
address, 127.0.0.2, that no test may ever reach (Linux answers on all of 127.0.0.0/8). Every URL form that
some parser reads as the canary (a backslash, user info, encoded separators, odd IP literals, a DNS name) is
tried as a redirect target, as a URL given to the fetcher, as a discovered URL and on the command line.
DNS is simulated by a resolver hook (``socket.getaddrinfo`` answering for made-up ``.test`` names), the one
seam; everything else is real sockets.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from etl.config import FetchSettings
from etl.crawl.discover import _unique_allowed
from etl.crawl.fetch import AddressGuard, Fetcher
from etl.crawl.urls import fold_netloc
from etl.records import DiscoveredUrl, Failure, FetchedPage, Source
from tests.factories import REPO_ROOT
from tests.hostile_server import QuietServer

HTML = b"<html><head><title>Ok</title></head><body><p>Ein Absatz.</p></body></html>"
INTERNAL = "127.0.0.2"


@dataclass
class Site:
    """A running server: its base URL, port, the raw request targets it saw, and its redirects by path."""

    base: str
    port: int
    requested: list[str] = field(default_factory=list)
    redirects: dict[str, str] = field(default_factory=dict)


def handler_for(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            site.requested.append(self.path)
            location = site.redirects.get(self.path)
            if self.path == "/busy":
                self.answer(503, b"busy", {"Retry-After": "0", "Connection": "close"})
            elif location is not None:
                self.answer(302, b"", {"Location": location})
            elif self.path == "/robots.txt":
                self.answer(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})
            else:
                self.answer(200, HTML, {"Content-Type": "text/html; charset=utf-8"})

        def answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[QuietServer] = []

    def start(address: str, port: int = 0) -> Site:
        site = Site("", 0)
        httpd = QuietServer((address, port), handler_for(site))
        site.port = httpd.server_address[1]
        site.base = f"http://{address}:{site.port}"
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return site

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def origin(serve: Any) -> Site:
    """The source's own site, on 127.0.0.1."""
    return serve("127.0.0.1")


@pytest.fixture
def canary(serve: Any, origin: Site) -> Iterator[Site]:
    """The internal host, on 127.0.0.2 and the origin's port (so a host mix-up keeps the port): never hit."""
    site = serve(INTERNAL, origin.port)
    yield site
    assert site.requested == [], f"the internal host was reached: {site.requested}"


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Made-up names and the addresses the resolver answers for them; other names resolve as usual."""
    names: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name in names:
            return [
                (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in names[name]
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


def fetcher_for(base: str, *allowed: str, retries: int = 0) -> Fetcher:
    settings = FetchSettings(retries=retries, backoff_s=0.0, read_timeout_s=5.0, retry_after_max_s=5)
    source = Source(name="local", base_url=base + "/", language="de", allowed_hosts=allowed, min_delay_s=0.0)
    return Fetcher(settings, source)


# Each form names the canary (127.0.0.2) to some parser; {o} is the origin's port, which the canary shares.
HOSTILE_FORMS = {
    "backslash": "http://127.0.0.2:{o}\\@127.0.0.1:{o}/x",
    "backslash-metadata": "http://169.254.169.254\\@127.0.0.1:{o}/latest/meta-data/",
    "backslash-scheme-relative": "\\\\127.0.0.2:{o}/x",
    "slash-backslash": "/\\127.0.0.2:{o}/x",
    "userinfo": "http://127.0.0.1:{o}@127.0.0.2:{o}/x",
    "userinfo-password": "http://user:secret@127.0.0.2:{o}/x",
    "encoded-slash-in-userinfo": "http://127.0.0.1:{o}%2f@127.0.0.2:{o}/x",
    "encoded-backslash-in-userinfo": "http://127.0.0.1:{o}%5c@127.0.0.2:{o}/x",
    "encoded-slash-in-host": "http://127.0.0.2%2f127.0.0.1:{o}/x",
    "encoded-backslash-in-host": "http://127.0.0.2%5c127.0.0.1:{o}/x",
    "ipv4-short": "http://127.2:{o}/x",
    "ipv4-hex": "http://0x7f.0.0.2:{o}/x",
    "ipv4-hex-short": "http://0x7f.2:{o}/x",
    "ipv4-integer": "http://2130706434:{o}/x",
    "ipv4-octal": "http://0177.0.0.2:{o}/x",
    "ipv4-mapped-ipv6": "http://[::ffff:127.0.0.2]:{o}/x",
    "ipv4-mapped-ipv6-hex": "http://[::ffff:7f00:2]:{o}/x",
    "plain-internal": "http://127.0.0.2:{o}/x",
    "scheme-relative": "//127.0.0.2:{o}/x",
    "dns-name-of-internal": "http://internal.test:{o}/x",
    "dns-name-trailing-dot": "http://internal.test.:{o}/x",
}
# What a redirect to each form records: offsite_redirect whatever the reason it is refused.
EXPECTED_REDIRECT = dict.fromkeys(HOSTILE_FORMS, "offsite_redirect")
# What the same form given to the fetcher records: bad_url when no parser could be trusted with it,
# offsite_url when it parses cleanly to a host that is not allowed.
EXPECTED_GIVEN = {
    **dict.fromkeys(HOSTILE_FORMS, "bad_url"),
    "ipv4-mapped-ipv6": "offsite_url",
    "ipv4-mapped-ipv6-hex": "offsite_url",
    "plain-internal": "offsite_url",
    "dns-name-of-internal": "offsite_url",
    "dns-name-trailing-dot": "offsite_url",
}


@pytest.mark.parametrize("form", HOSTILE_FORMS)
def test_a_redirect_to_the_internal_host_is_refused_before_any_connection(
    origin: Site, canary: Site, resolver: dict[str, list[str]], form: str
) -> None:
    resolver["internal.test"] = [INTERNAL]
    origin.redirects["/start"] = HOSTILE_FORMS[form].format(o=origin.port)
    result = fetcher_for(origin.base).fetch_page(origin.base + "/start")
    assert isinstance(result, Failure), result
    assert result.reason == EXPECTED_REDIRECT[form], result.detail
    assert origin.requested == ["/robots.txt", "/start"]


@pytest.mark.parametrize(
    "location",
    ["http://127.0.0.1:99999/x", "http://[::1/", "http://127.0.0.1:{o}/" + "a" * 10_000, "http://h.test:+1/"],
)
def test_a_redirect_to_a_url_that_cannot_be_parsed_is_a_bad_url(origin: Site, canary: Site, location: str) -> None:
    origin.redirects["/start"] = location.format(o=origin.port)
    result = fetcher_for(origin.base).fetch_page(origin.base + "/start")
    assert isinstance(result, Failure) and result.reason == "bad_url", result
    assert origin.requested == ["/robots.txt", "/start"]


def test_a_redirect_to_another_spelling_of_the_same_page_is_followed_not_a_loop(origin: Site) -> None:
    origin.redirects.update({"/p?print": "/p?print=", "/p?b=2&a=1": "/p?a=1&b=2"})
    fetcher = fetcher_for(origin.base)
    for listed, final in (("/p?print", "/p?print="), ("/p?b=2&a=1", "/p?a=1&b=2")):
        page = fetcher.fetch_page(origin.base + listed)
        assert isinstance(page, FetchedPage), page
        assert page.final_url == origin.base + final


def test_a_redirect_chain_that_leaves_on_the_third_hop_is_refused(origin: Site, canary: Site) -> None:
    origin.redirects.update(
        {"/a": "/b", "/b": f"{origin.base}/c", "/c": f"http://127.0.0.2:{origin.port}\\@127.0.0.1:{origin.port}/d"}
    )
    result = fetcher_for(origin.base).fetch_page(origin.base + "/a")
    assert isinstance(result, Failure) and result.reason == "offsite_redirect", result
    assert origin.requested == ["/robots.txt", "/a", "/b", "/c"]


@pytest.mark.parametrize("form", [f for f in HOSTILE_FORMS if not HOSTILE_FORMS[f].startswith(("/", "\\"))])
def test_a_hostile_url_given_to_the_fetcher_is_refused_before_any_connection(
    origin: Site, canary: Site, resolver: dict[str, list[str]], form: str
) -> None:
    resolver["internal.test"] = [INTERNAL]
    url = HOSTILE_FORMS[form].format(o=origin.port)
    fetcher = fetcher_for(origin.base)
    for result in (fetcher.fetch_page(url), fetcher.get(url, expect_html=False)):
        assert isinstance(result, Failure), result
        assert result.reason == EXPECTED_GIVEN[form], result.detail
    assert origin.requested == []


@pytest.mark.parametrize("address", [INTERNAL, "169.254.169.254", "10.0.0.1", "::1", "fd00::1"])
def test_an_allowed_dns_name_that_resolves_inside_is_refused(
    origin: Site, canary: Site, resolver: dict[str, list[str]], address: str
) -> None:
    resolver["news.test"] = [address]
    base = f"http://news.test:{origin.port}"
    fetcher = fetcher_for(base)
    result = fetcher.get(base + "/x", expect_html=False)
    assert isinstance(result, Failure), result
    assert result.reason == "forbidden_address", result.detail
    assert address in result.detail
    assert isinstance(fetcher.fetch_page(base + "/x"), Failure)  # its robots.txt is refused the same way


def test_one_inside_address_among_public_ones_refuses_the_name(
    origin: Site, canary: Site, resolver: dict[str, list[str]]
) -> None:
    resolver["news.test"] = ["93.184.216.34", INTERNAL]
    base = f"http://news.test:{origin.port}"
    result = fetcher_for(base).get(base + "/x", expect_html=False)
    assert isinstance(result, Failure) and result.reason == "forbidden_address", result


def test_a_retry_resolves_again_and_is_checked_again(
    origin: Site, canary: Site, resolver: dict[str, list[str]]
) -> None:
    """A name the source allows beside its literal address: the first connection reaches the site, the
    retry after a 503 (the server closed the connection) resolves the name to the internal host: refused."""
    answers = iter([["127.0.0.1"], [INTERNAL], [INTERNAL]])
    real = socket.getaddrinfo

    def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "news.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in next(answers)]
        return real(host, port, *args, **kwargs)

    socket.getaddrinfo = rebinding  # restored by the resolver fixture's monkeypatch
    base = f"http://news.test:{origin.port}"
    fetcher = fetcher_for(base, f"news.test:{origin.port}", f"127.0.0.1:{origin.port}", retries=2)
    result = fetcher.get(base + "/busy", expect_html=False)
    assert isinstance(result, Failure) and result.reason == "forbidden_address", result
    assert origin.requested == ["/busy"]


def test_a_source_on_a_loopback_literal_or_localhost_reaches_its_own_host(origin: Site, canary: Site) -> None:
    page = fetcher_for(origin.base).fetch_page(origin.base + "/ok")
    assert isinstance(page, FetchedPage), page
    local = f"http://localhost:{origin.port}"
    page = fetcher_for(local).fetch_page(local + "/ok")
    assert isinstance(page, FetchedPage), page


def test_the_address_policy_allows_public_addresses_and_only_the_named_inside_ones() -> None:
    guard = AddressGuard.for_hosts((fold_netloc("127.0.0.1:8765"), fold_netloc("news.example"), "localhost:9000"))
    assert guard.refusal("93.184.216.34", 80) is None
    assert guard.refusal("2606:2800:220:1::1", 443) is None
    assert guard.refusal("127.0.0.1", 8765) is None
    assert guard.refusal("127.0.0.1", 8766) is not None
    assert guard.refusal("127.0.0.2", 8765) is not None
    assert guard.refusal("::ffff:127.0.0.2", 8765) is not None
    assert guard.refusal("127.0.0.1", 9000) is None  # localhost is loopback by definition
    assert guard.refusal("::1", 9000) is None
    assert guard.refusal("10.0.0.1", 9000) is not None
    for inside in ("10.1.2.3", "192.168.0.1", "172.16.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "fe80::1"):
        assert guard.refusal(inside, 80) is not None, inside


def test_discovery_keeps_allowed_urls_as_listed_and_says_why_it_drops_the_rest(origin: Site) -> None:
    source = Source(
        name="local", base_url=origin.base + "/", language="de", allowed_hosts=(f"127.0.0.1:{origin.port}",)
    )
    o = origin.port
    listed = [
        f"{origin.base}/a?q=%E4",
        f"{origin.base}/a?q=%e4",  # the same page: escapes fold
        f"http://127.0.0.2:{o}\\@127.0.0.1:{o}/x",
        f"http://127.0.0.1:{o}:99999/x",
        "http://127.0.0.1:99999/x",
        "http://[::1/",
        f"http://127.0.0.1:{o}/" + "a" * 10_000,
        f"http://127.0.0.2:{o}/x",
        f"http://127.1:{o}/x",
        f"{origin.base}/b?print",
    ]
    when = datetime(2025, 5, 15, tzinfo=UTC)
    kept, dropped = _unique_allowed(source, [DiscoveredUrl("local", url, when, "sitemap") for url in listed])
    assert [d.url for d in kept] == [f"{origin.base}/a?q=%E4", f"{origin.base}/b?print"]
    assert dropped == [
        (listed[1], "duplicate"),
        (listed[2], "bad_url"),
        (listed[3], "bad_url"),
        (listed[4], "bad_url"),
        (listed[5], "bad_url"),
        (listed[6], "bad_url"),
        (listed[7], "off_host"),
        (listed[8], "bad_url"),
    ]


def test_unicode_and_punycode_hosts_allow_each_other_in_discovery() -> None:
    when = datetime(2025, 5, 15, tzinfo=UTC)
    for base, listed in (
        ("http://münchen.de/", "http://xn--mnchen-3ya.de/a"),
        ("http://xn--mnchen-3ya.de/", "http://münchen.de/a"),
    ):
        source = Source(name="idn", base_url=base, language="de")
        kept, dropped = _unique_allowed(source, [DiscoveredUrl("idn", listed, when, "rss")])
        assert [d.url for d in kept] == ["http://xn--mnchen-3ya.de/a"] and dropped == []


def etl_fetch(*args: str, sources_file: Path | None = None) -> list[dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSETL_")}
    env["NEWSETL_FETCH_RETRIES"] = "0"
    if sources_file is not None:
        env["NEWSETL_SOURCES_FILE"] = str(sources_file)
    done = subprocess.run(
        [sys.executable, "-m", "etl", "fetch", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_the_fetch_command_refuses_what_the_fetcher_refuses(origin: Site, canary: Site, tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[source]]\nname = "local"\nbase_url = "{origin.base}/"\nlanguage = "de"\nmin_delay_s = 0\n'
        f'sitemap_url = "{origin.base}/sitemap.xml"\n'
    )
    o = origin.port
    urls = [
        f"http://127.0.0.2:{o}\\@127.0.0.1:{o}/x",
        f"http://127.0.0.1:{o}@127.0.0.2:{o}/x",
        f"http://0x7f.0.0.2:{o}/x",
        f"http://127.0.0.1:{o}:99999/x",
        "http://[::1/",
        f"http://127.0.0.1:{o}/" + "a" * 10_000,
    ]
    with_source = etl_fetch("--source", "local", *urls, sources_file=sources)
    without_source = etl_fetch(*urls)
    for records in (with_source, without_source):
        assert [(r["url"], r["ok"], r["reason"]) for r in records] == [(url, False, "bad_url") for url in urls]
    assert origin.requested == []
