"""The extraction dev sets: pages, reviewed main text, and our stored text.

Two sets share one layout: ``html/<id>.html`` or ``html/<id>.html.gz`` (bytes as fetched),
``ground-truth.json`` (``{id: {"articleBody", "url"}}``) and ``pages.tsv`` (id, then named columns).
``../shared/extraction-devset`` holds 295 English pages (``pages.tsv``: domain, ``news_publisher`` 1/0,
bytes, url); the multilingual set, 81 pages in eleven other languages (``pages.tsv``: ``language``,
``split``, bytes, url, source), is built from fetched snapshots of its sources into a git-ignored cache
(``benchmarks.multilingual_devset``, manifest and README in ``benchmarks/multilingual-devset``): a page
whose ``split`` is ``held-out`` is measured and reported, never looked at while tuning.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.multilingual_devset import ensure_built
from etl.pipeline.workers import read_page

REPO = Path(__file__).resolve().parent.parent
DEVSET_DIRS = (REPO.parent / "shared" / "extraction-devset", Path("/work/shared/extraction-devset"))


@dataclass(frozen=True)
class DevPage:
    """One dev-set page: its HTML as text (UTF-8, as the shared scoring tool reads it) and its truth."""

    id: str
    url: str | None
    html: str
    size_bytes: int
    truth: str
    news_publisher: bool
    language: str | None = None
    held_out: bool = False


def default_devset_dir() -> Path | None:
    """The first dev-set directory that exists: next to the repository, else the shared workplace copy."""
    return next((path for path in DEVSET_DIRS if (path / "ground-truth.json").is_file()), None)


def multilingual_devset_dir() -> Path:
    """The multilingual dev set's directory (the cache), built first when missing or stale (one line on
    stderr). Raises ``benchmarks.multilingual_devset.SnapshotMissing``, saying what to fetch, when the
    source snapshots are absent."""
    return ensure_built()


def load_devset(directory: Path) -> Iterator[DevPage]:
    """The dev set's pages, sorted by id."""
    truth = json.loads((directory / "ground-truth.json").read_text("utf-8"))
    with (directory / "pages.tsv").open(encoding="utf-8", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle, delimiter="\t")}
    for page_id in sorted(truth):
        raw = _read_html(directory / "html", page_id)
        row = rows.get(page_id, {})
        yield DevPage(
            id=page_id,
            url=truth[page_id].get("url"),
            html=raw.decode("utf-8", errors="replace"),
            size_bytes=len(raw),
            truth=truth[page_id].get("articleBody") or "",
            news_publisher=row.get("news_publisher") == "1",
            language=row.get("language") or None,
            held_out=row.get("split") == "held-out",
        )


def _read_html(directory: Path, page_id: str) -> bytes:
    """A page's bytes as fetched, from ``<id>.html`` or, gzip-compressed, ``<id>.html.gz``."""
    plain = directory / f"{page_id}.html"
    return plain.read_bytes() if plain.is_file() else gzip.decompress((directory / f"{page_id}.html.gz").read_bytes())


def stored_text(html: str, url: str | None) -> str:
    """What the warehouse stores for a page: extracted paragraphs, repeats removed, joined by newlines."""
    paragraphs = read_page(html, url=url).unique.paragraphs
    return "\n".join(paragraph.text for paragraph in paragraphs)
