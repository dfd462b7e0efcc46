"""The extraction dev set (``../shared/extraction-devset``): pages, reviewed main text, and our stored text.

Layout: ``html/<id>.html`` (bytes as fetched), ``ground-truth.json`` (``{id: {"articleBody", "url"}}``)
and ``pages.tsv`` (id, domain, ``news_publisher`` 1/0, bytes, url).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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


def default_devset_dir() -> Path | None:
    """The first dev-set directory that exists: next to the repository, else the shared workplace copy."""
    return next((path for path in DEVSET_DIRS if (path / "ground-truth.json").is_file()), None)


def load_devset(directory: Path) -> Iterator[DevPage]:
    """The dev set's pages, sorted by id."""
    truth = json.loads((directory / "ground-truth.json").read_text("utf-8"))
    news: set[str] = set()
    with (directory / "pages.tsv").open(encoding="utf-8", newline="") as handle:
        news = {row["id"] for row in csv.DictReader(handle, delimiter="\t") if row["news_publisher"] == "1"}
    for page_id in sorted(truth):
        raw = (directory / "html" / f"{page_id}.html").read_bytes()
        yield DevPage(
            id=page_id,
            url=truth[page_id].get("url"),
            html=raw.decode("utf-8", errors="replace"),
            size_bytes=len(raw),
            truth=truth[page_id].get("articleBody") or "",
            news_publisher=page_id in news,
        )


def stored_text(html: str, url: str | None) -> str:
    """What the warehouse stores for a page: extracted paragraphs, repeats removed, joined by newlines."""
    paragraphs = read_page(html, url=url).unique.paragraphs
    return "\n".join(paragraph.text for paragraph in paragraphs)
