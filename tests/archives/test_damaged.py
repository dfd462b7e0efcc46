"""Reading damaged WARC files: a corrupt gzip member or record costs that record only (counted ``corrupt``,
reading goes on at the next record), a file cut short ends ``done`` with its cut record ``truncated`` and not
loaded, a file that is no WARC fails in one line, a WARC gzipped as one whole stream reads (and resumes) like
any other, and a connection that drops mid-file keeps every batch read before it. Files are written by the
tests with warcio, then damaged byte by byte; imports go into the real test warehouse."""

from __future__ import annotations

import gzip
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from etl.archives.warc import Capture, Read, SourceRouter, read_archive
from etl.config import FetchSettings, Settings
from etl.demo_site.content import SiteConfig, build_site
from etl.pipeline.imports import import_files
from etl.sources import load_sources
from tests.archives.builders import demo_records, write_warc
from tests.factories import query_rows

SITE = build_site(SiteConfig())
SOURCES = load_sources(Settings())


@pytest.fixture
def settings(warehouse: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=warehouse,
        data_dir=tmp_path / "newsetl",
        extract_processes=1,
        load_batch_size=2,
        fetch=FetchSettings(retries=0, connect_timeout_s=2.0, read_timeout_s=5.0),
    )


def read_file(path: Path | str, offset: int = 0) -> list[Read]:
    router = SourceRouter(SOURCES, [s.name for s in SOURCES])
    return list(read_archive(str(path), offset, FetchSettings(), router, 10_000_000))


def reasons(reads: list[Read]) -> Counter[str]:
    return Counter("taken" if isinstance(r.outcome, Capture) else r.outcome.reason.value for r in reads)


def offsets(path: Path) -> list[int]:
    """The byte offset of every record of a WARC file, as warcio reads it."""
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        return [records.offset for _ in records]


def articles_loaded(db: str) -> int:
    return int(query_rows(db, "select count(*) from articles")[0][0])


def corrupt_member(path: Path, index: int) -> tuple[Path, Read]:
    """A copy of ``path`` whose record ``index``'s gzip member has 40 bytes of its deflate data inverted, and
    the clean read of that record."""
    clean = read_file(path)
    start = offsets(path)[index]
    data = bytearray(path.read_bytes())
    for i in range(start + 100, start + 140):
        data[i] ^= 0xFF
    damaged = path.with_name("damaged-" + path.name)
    damaged.write_bytes(bytes(data))
    return damaged, clean[index]


@pytest.fixture
def demo_warc(tmp_path: Path) -> Path:
    return write_warc(tmp_path / "demo.warc.gz", demo_records(SITE))


def test_a_corrupt_gzip_member_is_one_corrupt_record_and_reading_goes_on(demo_warc: Path) -> None:
    clean = read_file(demo_warc)
    damaged, lost = corrupt_member(demo_warc, 2)
    assert isinstance(lost.outcome, Capture)

    reads = read_file(damaged)

    assert reasons(reads) == reasons(clean) - Counter(["taken"]) + Counter(["corrupt"])
    (corrupt,) = [r for r in reads if not isinstance(r.outcome, Capture) and r.outcome.reason == "corrupt"]
    assert (corrupt.offset, corrupt.end) == (lost.offset, lost.end)
    assert [r.offset for r in reads] == [r.offset for r in clean]


def test_a_corrupt_last_member_is_a_corrupt_span_to_the_end(demo_warc: Path) -> None:
    clean = read_file(demo_warc)
    damaged, lost = corrupt_member(demo_warc, len(clean) - 2)

    reads = read_file(damaged)

    assert reads[-2].offset == lost.offset
    assert reads[-2].outcome.reason == "corrupt"  # type: ignore[union-attr]
    assert reads[-1].offset == clean[-1].offset


def test_an_uncompressed_record_with_a_damaged_header_is_corrupt_and_the_next_reads(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "demo.warc", demo_records(SITE), gzip=False)
    clean = read_file(path)
    start = offsets(path)[3]
    data = bytearray(path.read_bytes())
    data[start : start + 8] = b"\x00\xff\x13\x88\x01\xfe\x7f\x00"
    path.write_bytes(bytes(data))

    reads = read_file(path)

    assert reasons(reads) == reasons(clean) - Counter(["taken"]) + Counter(["corrupt"])
    assert reads[4].offset == clean[4].offset


def test_an_import_of_a_file_with_a_corrupt_member_loads_every_other_page_and_finishes(
    settings: Settings, demo_warc: Path
) -> None:
    clean = reasons(read_file(demo_warc))
    damaged, _ = corrupt_member(demo_warc, 2)

    (result,) = import_files(settings, [str(damaged)])

    assert result.status == "done", result.error
    assert result.counts["corrupt"] == 1
    assert result.counts["taken"] == clean["taken"] - 1
    assert result.bytes_read == damaged.stat().st_size
    db = settings.database_url or ""
    assert query_rows(db, "select count(*) from warc_captures") == [(clean["taken"] - 1,)]
    (again,) = import_files(settings, [str(damaged)])
    assert again.status == "skipped"


def cut(path: Path, fraction: float) -> Path:
    """``path`` cut inside its last record, at ``fraction`` of that record's bytes, as a broken download
    leaves it."""
    last = offsets(path)[-1]
    data = path.read_bytes()
    cut_path = path.with_name("cut-" + path.name)
    cut_path.write_bytes(data[: last + int((len(data) - last) * fraction)])
    return cut_path


@pytest.mark.parametrize("compressed", [True, False])
def test_a_file_cut_short_ends_done_with_its_last_record_truncated_and_not_loaded(
    settings: Settings, tmp_path: Path, compressed: bool
) -> None:
    de = [r for r in demo_records(SITE) if r.kind == "response" and r.status == "200 OK" and "/de/" in r.uri]
    records = [de[0], de[1]]
    path = cut(write_warc(tmp_path / "two.warc", records, gzip=compressed), 0.7)

    reads = read_file(path)
    assert reasons(reads) == Counter({"taken": 1, "truncated": 1})

    (result,) = import_files(settings, [str(path)])
    assert result.status == "done", result.error
    assert (result.counts["loaded"], result.counts["truncated"]) == (1, 1)
    assert articles_loaded(settings.database_url or "") == 1


def test_a_text_file_fails_in_one_line_as_no_warc(
    settings: Settings, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "notes.warc"
    path.write_text("".join(f"line {i}: some notes, no archive\n" for i in range(150)))
    binary = tmp_path / "noise.warc.gz"
    binary.write_bytes(bytes(range(256)) * 40)

    results = import_files(settings, [str(path), str(binary)])

    assert [r.status for r in results] == ["failed", "failed"]
    for result in results:
        assert "not a WARC or ARC file" in (result.error or "")
        assert not result.retryable
        assert "\n" not in (result.error or "") and (result.error or "").isprintable()
        assert len(result.error or "") < len(str(binary)) + 120
    assert "WARNING" not in capfd.readouterr().err


def test_a_warc_gzipped_whole_reads_like_one_gzipped_per_record_and_resumes_by_skipping(tmp_path: Path) -> None:
    plain = write_warc(tmp_path / "demo.warc", demo_records(SITE), gzip=False)
    per_record = read_file(write_warc(tmp_path / "demo.warc.gz", demo_records(SITE)))
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))

    reads = read_file(whole)

    assert reasons(reads) == reasons(per_record)
    assert [r.offset for r in reads] == offsets(plain)  # offsets in the uncompressed text
    resumed = read_file(whole, reads[5].offset)
    assert [r.offset for r in resumed] == [r.offset for r in reads[5:]]


def test_an_import_of_a_whole_gzipped_warc_loads_its_pages(settings: Settings, tmp_path: Path) -> None:
    plain = write_warc(tmp_path / "demo.warc", demo_records(SITE), gzip=False)
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))

    (result,) = import_files(settings, [str(whole)])

    assert result.status == "done", result.error
    assert result.counts["loaded"] == reasons(read_file(plain))["taken"]
    assert result.bytes_read > whole.stat().st_size  # offsets in the uncompressed text
    (again,) = import_files(settings, [str(whole)])
    assert again.status == "skipped"


@contextmanager
def dropping_server(data: bytes, drop_after: int) -> Iterator[tuple[str, list[int]]]:
    """Serve ``data`` at ``/demo.warc.gz`` (Range honoured); the first answer announces every byte but the
    connection is closed after ``drop_after`` of them. Yields the URL and the Range starts asked for."""
    asked: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            start = int((self.headers.get("Range") or "bytes=0-")[len("bytes=") : -1])
            asked.append(start)
            self.send_response(206 if start else 200)
            if start:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.send_header("Content-Length", str(len(data) - start))
            self.end_headers()
            body = data[start:]
            self.wfile.write(body[:drop_after] if len(asked) == 1 else body)
            self.wfile.flush()
            self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/demo.warc.gz", asked
    finally:
        server.shutdown()
        server.server_close()


def test_a_dropped_connection_loads_what_was_read_and_the_next_import_goes_on_from_there(
    settings: Settings, demo_warc: Path
) -> None:
    data = demo_warc.read_bytes()
    taken = reasons(read_file(demo_warc))["taken"]
    db = settings.database_url or ""
    with dropping_server(data, offsets(demo_warc)[8] + 50) as (url, asked):
        (broken,) = import_files(settings, [url])

        assert broken.status == "failed"
        assert "the stream broke" in (broken.error or "") and (broken.error or "").isprintable()
        assert broken.retryable
        assert broken.counts["taken"] >= 6
        assert broken.counts["loaded"] == broken.counts["taken"]
        (checkpoint,) = query_rows(db, "select status, resume_offset from warc_imports")
        assert checkpoint == ("running", broken.bytes_read)
        assert query_rows(db, "select count(*) from warc_captures") == [(broken.counts["taken"],)]

        (resumed,) = import_files(settings, [url])

    assert resumed.status == "done", resumed.error
    assert asked[-1] == checkpoint[1]
    assert resumed.counts["taken"] == taken
    assert query_rows(db, "select count(*) from warc_captures") == [(taken,)]


def test_over_http_a_corrupt_member_is_skipped_by_asking_for_the_bytes_after_it(
    settings: Settings, demo_warc: Path
) -> None:
    damaged, lost = corrupt_member(demo_warc, 4)
    data = damaged.read_bytes()
    with dropping_server(data, len(data)) as (url, asked):
        (result,) = import_files(settings, [url])

    assert result.status == "done", result.error
    assert result.counts["corrupt"] == 1
    assert result.bytes_read == len(data)
    assert asked[:3] == [0, lost.offset + 1, lost.end]  # the scan for the next member, then reading on there
