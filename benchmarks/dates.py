"""Publication dates: our chain against htmldate, side by side, on the date dev set.

    PYTHONPATH=. .venv/bin/python benchmarks/dates.py [--misses]

The dev set is ``tests/fixtures/dates``: ``pages/*.html`` with ``pages.tsv`` (small pages written for this, in
several languages, one kind of date each) and ``devset-reviewed.tsv`` (pages of the extraction dev set,
``../shared/extraction-devset``, with the publication day checked by reading the page, and how; an empty date:
the page states none). A page is right when the day given (the page's local day: ``published_at`` at its own
offset) is the reviewed day, or when none is given and none was reviewed.

Printed per set and tool: accuracy (right / pages), coverage (pages given a date / pages), precision (right
dates / dates given), and milliseconds per page. Ours is ``read_metadata`` on the parsed tree (parsing is not
counted: the extractor parses once for everything); htmldate 1.11 (``find_date``, ``original_date=True``,
``extensive_search=True``) is given the HTML text and parses it itself, as it would as a fallback; "ours +
htmldate" asks htmldate only on the pages our chain leaves undated, and its time counts only there. CPU time
of this process (``time.process_time``), so other work on a shared machine does not count.
"""

from __future__ import annotations

import csv
import gc
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from bs4 import BeautifulSoup
from htmldate import find_date

from etl.extract.charset import decode_html
from etl.extract.metadata import read_metadata

REPO = Path(__file__).resolve().parent.parent
DATES = REPO / "tests" / "fixtures" / "dates"
DEVSET_DIRS = (REPO.parent / "shared" / "extraction-devset", Path("/work/shared/extraction-devset"))


@dataclass(frozen=True)
class DatedPage:
    """One page of the date dev set and its reviewed publication day (None: the page states none)."""

    set_name: str
    name: str
    url: str | None
    html: str
    fetched_at: datetime | None
    day: date | None


def load_pages() -> list[DatedPage]:
    """The written pages, then the reviewed extraction dev-set pages (when that folder is there)."""
    pages: list[DatedPage] = []
    with (DATES / "pages.tsv").open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows, delimiter="\t"):
            html = (DATES / "pages" / f"{row['name']}.html").read_text("utf-8")
            fetched = datetime.fromisoformat(row["fetched_at"]) if row["fetched_at"] else None
            pages.append(DatedPage("written", row["name"], row["url"], html, fetched, _day(row["date"])))
    devset = next((path for path in DEVSET_DIRS if (path / "pages.tsv").is_file()), None)
    if devset is None:
        print("extraction dev set not found: written pages only", file=sys.stderr)
        return pages
    with (devset / "pages.tsv").open(encoding="utf-8", newline="") as rows:
        urls = {row["id"]: row["url"] for row in csv.DictReader(rows, delimiter="\t")}
    with (DATES / "devset-reviewed.tsv").open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows, delimiter="\t"):
            html = decode_html((devset / "html" / f"{row['id']}.html").read_bytes(), None).text
            pages.append(DatedPage("devset", row["id"], urls.get(row["id"]), html, None, _day(row["date"])))
    return pages


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


@dataclass
class Tally:
    """Outcomes of one tool on one set."""

    pages: int = 0
    right: int = 0
    given: int = 0
    right_given: int = 0
    seconds: float = 0.0

    def add(self, found: date | None, expected: date | None, seconds: float) -> None:
        self.pages += 1
        self.seconds += seconds
        self.given += found is not None
        self.right += found == expected
        self.right_given += found is not None and found == expected

    def row(self, label: str) -> str:
        precision = self.right_given / self.given if self.given else 0.0
        return (
            f"{label:<24} {self.pages:>5} {self.right / self.pages:>9.3f} {self.given / self.pages:>9.3f} "
            f"{precision:>10.3f} {1000 * self.seconds / self.pages:>9.2f}"
        )


def ours(page: DatedPage, soup: BeautifulSoup) -> date | None:
    published = read_metadata(soup, page.url, fetched_at=page.fetched_at).published_at
    return published.date() if published else None


def htmldate_day(page: DatedPage) -> date | None:
    found = find_date(page.html, url=page.url, original_date=True, extensive_search=True)
    return date.fromisoformat(found) if found else None


def timed(call: Callable[[], date | None]) -> tuple[date | None, float]:
    started = time.process_time()
    found = call()
    return found, time.process_time() - started


def main(show_misses: bool) -> None:
    pages = load_pages()
    soups = [BeautifulSoup(page.html, "lxml") for page in pages]
    gc.freeze()
    for page, soup in zip(pages, soups, strict=True):  # month-name tables and regexes built once, untimed
        ours(page, soup)
    htmldate_day(pages[0])  # htmldate's own tables (dateparser's), untimed too
    tallies: dict[tuple[str, str], Tally] = {}
    misses: list[str] = []
    for page, soup in zip(pages, soups, strict=True):
        ours_day, ours_s = timed(lambda page=page, soup=soup: ours(page, soup))  # type: ignore[misc]
        theirs_day, theirs_s = timed(lambda page=page: htmldate_day(page))  # type: ignore[misc]
        combined_day = ours_day if ours_day is not None else theirs_day
        combined_s = ours_s + (theirs_s if ours_day is None else 0.0)
        for set_name in (page.set_name, "all"):
            for tool, found, seconds in (
                ("ours", ours_day, ours_s),
                ("htmldate", theirs_day, theirs_s),
                ("ours + htmldate", combined_day, combined_s),
            ):
                tallies.setdefault((set_name, tool), Tally()).add(found, page.day, seconds)
        if ours_day != page.day:
            misses.append(f"  {page.set_name}/{page.name}: ours {ours_day}, htmldate {theirs_day}, reviewed {page.day}")
    print(f"date dev set: {len(pages)} pages ({datetime.now(UTC):%Y-%m-%d})")
    print(f"{'set / tool':<24} {'pages':>5} {'accuracy':>9} {'coverage':>9} {'precision':>10} {'ms/page':>9}")
    for set_name in ("written", "devset", "all"):
        for tool in ("ours", "htmldate", "ours + htmldate"):
            if (set_name, tool) in tallies:
                print(tallies[(set_name, tool)].row(f"{set_name} / {tool}"))
    print(f"ours wrong or missing on {len(misses)} pages" + (":" if show_misses else " (--misses lists them)"))
    if show_misses:
        print("\n".join(misses))


if __name__ == "__main__":
    main("--misses" in sys.argv[1:])
