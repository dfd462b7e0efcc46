"""WARC files written for the tests with warcio, from the demo site's pages (no server needed: the pages are
composed by ``DemoSite.response`` under the demo sources' canonical address, http://127.0.0.1:8765).

``demo_records`` is the standard file: captures of demo-de and demo-es articles, one URL captured three
times (the third with a changed headline and an appended correction), a truncated record, a record shorter
than its Content-Length, a revisit, a PDF, a redirect, a 404, a page of another host, a request and a
warcinfo record. ``EXPECTED_COUNTS`` is what importing it for every source counts.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from etl.demo_site.content import DemoSite, Entry

BASE = "http://127.0.0.1:8765"
CHANGED_HEADLINE = "Korrigiert: eine neue Überschrift für diesen Artikel"
CORRECTION = "Korrektur: In einer früheren Fassung dieses Artikels stand ein falsches Datum."
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass(frozen=True)
class Rec:
    """One record to write: a response (default), ``revisit``, ``request`` or ``warcinfo``."""

    uri: str
    body: bytes
    captured_at: datetime
    kind: str = "response"
    status: str = "200 OK"
    content_type: str = "text/html; charset=utf-8"
    truncated: bool = False
    declared_length: int | None = None


def write_warc(path: Path, records: Sequence[Rec], *, gzip: bool = True) -> Path:
    """Write ``records`` to a WARC file at ``path`` (one gzip member per record when ``gzip``). The same
    records give the same bytes in every run: each record's ID is made from the file name and its place, and
    the warcinfo record is dated by its ``captured_at`` (warcio draws a random ID and takes the clock
    otherwise), so offsets, and what a damaged byte range breaks, do not change from run to run."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzip)

        def write(record: ArcWarcRecord, number: int, date: str) -> None:
            record_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{path.name}#{number}")
            record.rec_headers.replace_header("WARC-Record-ID", f"<urn:uuid:{record_id}>")
            record.rec_headers.replace_header("WARC-Date", date)
            writer.write_record(record)

        for number, rec in enumerate(records):
            date = rec.captured_at.strftime("%Y-%m-%dT%H:%M:%SZ")
            if rec.kind == "warcinfo":
                write(writer.create_warcinfo_record(path.name, {"software": "newsetl tests"}), number, date)
                continue
            if rec.kind == "request":
                request = StatusAndHeaders(
                    f"GET {rec.uri} HTTP/1.1", [("Host", "127.0.0.1:8765")], is_http_request=True
                )
                write(
                    writer.create_warc_record(rec.uri, "request", payload=io.BytesIO(b""), http_headers=request),
                    number,
                    date,
                )
                continue
            headers = [
                ("Content-Type", rec.content_type),
                ("Content-Length", str(rec.declared_length or len(rec.body))),
            ]
            http = StatusAndHeaders(rec.status, headers, protocol="HTTP/1.1")
            warc_headers = {"WARC-Date": date}
            if rec.truncated:
                warc_headers["WARC-Truncated"] = "length"
            if rec.kind == "revisit":
                record = writer.create_revisit_record(
                    rec.uri, "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", rec.uri, date, http_headers=http
                )
            else:
                record = writer.create_warc_record(
                    rec.uri, "response", payload=io.BytesIO(rec.body), http_headers=http, warc_headers_dict=warc_headers
                )
            write(record, number, date)
    return path


def page(site: DemoSite, entry: Entry) -> bytes:
    """The article page as the demo site serves it at its canonical address."""
    _, _, body = site.response(entry.path, BASE)
    return body


def corrected(site: DemoSite, entry: Entry) -> bytes:
    """The article page with a changed headline and a correction appended to its text."""
    text = page(site, entry).decode("utf-8").replace(entry.title, CHANGED_HEADLINE)
    marker = '</div>\n<div class="share-buttons">'
    assert marker in text
    return text.replace(marker, f"<p>{CORRECTION}</p>\n{marker}", 1).encode("utf-8")


def articles(site: DemoSite, edition: str, count: int) -> list[Entry]:
    """``count`` ordinary (generated, served) articles of an edition, every sixth in publication order (two a
    day with the default 12 a day), so they span several days."""
    return [e for e in site.entries(edition) if e.kind == "generated" and e.status == 200][::6][:count]


def demo_records(site: DemoSite) -> list[Rec]:
    """The standard test file (see the module docstring); every page captured an hour after publication."""
    de = articles(site, "de", 8)
    es = articles(site, "es", 2)
    first = de[0]
    t0 = first.published_at + timedelta(hours=1)
    records = [Rec("", b"", t0, kind="warcinfo")]
    for entry in de[:5] + es:
        records.append(Rec(BASE + entry.path, page(site, entry), entry.published_at + timedelta(hours=1)))
    records += [
        Rec(BASE + first.path, page(site, first), t0 + timedelta(days=1)),  # captured again, unchanged
        Rec(BASE + first.path, corrected(site, first), t0 + timedelta(days=2)),  # headline changed, correction
        Rec(BASE + de[5].path, page(site, de[5])[:5000], t0, truncated=True),
        Rec(BASE + de[6].path, page(site, de[6])[:5000], t0, declared_length=len(page(site, de[6]))),
        Rec(BASE + de[7].path, b"", t0, kind="revisit"),
        Rec(BASE + "/de/files/report.pdf", PDF, t0, content_type="application/pdf"),
        Rec(BASE + "/de/old-address", b"", t0, status="301 Moved Permanently"),
        Rec(BASE + "/de/missing-page", b"<html>not found</html>", t0, status="404 Not Found"),
        Rec("http://example.org/news/1.html", page(site, de[0]), t0),
        Rec(BASE + first.path, b"", t0, kind="request"),
    ]
    return records


EXPECTED_COUNTS = {
    "taken": 9,  # 5 + 2 es + 2 more captures of the first
    "truncated": 2,
    "revisit": 1,
    "not_html": 1,
    "redirect": 1,
    "http_error": 1,
    "off_host": 1,
    "not_response": 2,  # warcinfo, request
}
"""What importing ``demo_records`` for every source counts before extraction."""


def write_arc(path: Path, records: Sequence[Rec]) -> Path:
    """Write response ``records`` as an ARC (version 1) file, one gzip member per record, after its filedesc
    record: the format of the Internet Archive's older crawls, which warcio reads as WARC records."""
    import gzip as gzip_module

    version = b"1 0 newsetl-tests\nURL IP-address Archive-date Content-type Archive-length\n"
    members = [b"filedesc://%s 0.0.0.0 20250512000000 text/plain %d\n" % (path.name.encode(), len(version)) + version]
    for rec in records:
        http = (
            f"HTTP/1.1 {rec.status}\r\nContent-Type: {rec.content_type}\r\nContent-Length: {len(rec.body)}\r\n\r\n"
        ).encode() + rec.body
        stamp = rec.captured_at.strftime("%Y%m%d%H%M%S")
        header = f"{rec.uri} 127.0.0.1 {stamp} {rec.content_type.split(';')[0]} {len(http)}\n".encode()
        members.append(header + http + b"\n")
    path.write_bytes(b"".join(gzip_module.compress(member) for member in members))
    return path
