"""Extract an article from HTML: metadata with fallbacks, and the paragraphs of the main text only.

The page is decoded once (``etl.extract.charset``; bytes that are not text are refused as ``not_html``),
parsed once with BeautifulSoup over lxml (``parse``: scripts, styles, SVG and comments cut out first; too
many tags refused as ``too_large``), its metadata read from the whole tree (``metadata``), then its main
text (``content``), which leaves the tree as it is; the tree is then taken apart (``decompose``), so that its
memory is freed at once by reference counting instead of by the cyclic garbage collector some time later,
in whatever code runs then. A page that declares no language gets the one its main text is written in
(``language``).

Every string that leaves extraction is clean text: NUL characters removed, lone surrogates (a JSON-LD
``"\\ud800"``) replaced by U+FFFD, so that it can be printed, encoded as UTF-8 and stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from etl.dates import is_dateline
from etl.extract.charset import decode_html, is_text
from etl.extract.content import is_page_chrome, link_density, main_text
from etl.extract.language import detect_language
from etl.extract.metadata import read_metadata
from etl.extract.parse import Unreadable, parse_html
from etl.reasons import Reason

__all__ = ["Extracted", "Unreadable", "clean_string", "extract", "is_page_chrome", "link_density"]

_UNSTORABLE_RE = re.compile("\x00|[\ud800-\udfff]")

DATELINE_HEAD = 4
"""Paragraphs at the head of the text among which a date line ("August 16, 2019 - Updated July 9, 2025") is
metadata: it may follow a kicker, the standfirst and the site's name."""


@dataclass(frozen=True)
class Extracted:
    """What the page says about itself, and its main-text paragraphs in page order (repeats included)."""

    url: str | None
    title: str | None
    published_at: datetime | None
    language: str | None
    authors: tuple[str, ...]
    section: str | None
    paragraphs: tuple[str, ...]
    publisher: str | None = None


def extract(
    html: bytes | str,
    *,
    url: str | None = None,
    charset: str | None = None,
    selector: str | None = None,
    fetched_at: datetime | None = None,
) -> Extracted:
    """Extract metadata and main text from one page. ``charset`` is the HTTP header's, if any; ``fetched_at``
    resolves relative dates ("vor 3 Stunden"). A paragraph that is only a date line is metadata, not text.

    Raises ``Unreadable`` for bytes that are not text (``not_html``) and pages too large to parse
    (``too_large``)."""
    text = html if isinstance(html, str) else decode_html(html, charset).text
    if not is_text(text):
        raise Unreadable(Reason.NOT_HTML, "the body is not text: too many control or undecodable characters")
    soup = parse_html(clean_string(text))
    try:
        meta = read_metadata(soup, url, fetched_at=fetched_at)
        paragraphs = main_text(soup, title=meta.title, selector=selector, authors=meta.authors)
    finally:
        soup.decompose()  # frees the tree now: its parent-child cycles would wait for the garbage collector
    # a date line opens (among the kicker, dek and byline) or closes an article; a list of dates inside is text
    edges = {*range(DATELINE_HEAD), len(paragraphs) - 1}
    paragraphs = tuple(
        p
        for i, p in enumerate(paragraphs)
        if i not in edges or not is_dateline(p, meta.language, month_first_dates=meta.month_first_dates)
    )
    found = Extracted(
        url=meta.url,
        title=meta.title,
        published_at=meta.published_at,
        language=meta.language or detect_language("\n".join(paragraphs)),
        authors=meta.authors,
        section=meta.section,
        paragraphs=paragraphs,
        publisher=meta.publisher,
    )
    return _cleaned(found)


def clean_string(text: str) -> str:
    """``text`` without NUL characters, each lone surrogate replaced by U+FFFD."""
    return _UNSTORABLE_RE.sub(lambda match: "" if match.group() == "\x00" else "\ufffd", text)


def _cleaned(found: Extracted) -> Extracted:
    """``found`` with every string in it cleaned (``clean_string``); paragraphs left empty are dropped."""

    def cleaned(text: str | None) -> str | None:
        return None if text is None else clean_string(text)

    return replace(
        found,
        url=cleaned(found.url),
        title=cleaned(found.title),
        language=cleaned(found.language),
        authors=tuple(name for name in map(clean_string, found.authors) if name.strip()),
        section=cleaned(found.section),
        publisher=cleaned(found.publisher),
        paragraphs=tuple(text for text in map(clean_string, found.paragraphs) if text.strip()),
    )
