"""Extract an article from HTML: metadata with fallbacks, and the paragraphs of the main text only.

The page is decoded once (``etl.extract.charset``), parsed once with BeautifulSoup over lxml (``parse``: scripts,
styles, SVG and comments cut out first), its metadata read from the whole tree (``metadata``), then its
main text (``content``), which leaves the tree as it is. A page
that declares no language gets the one its main text is written in (``language``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from etl.extract.charset import decode_html
from etl.extract.content import is_page_chrome, link_density, main_text
from etl.extract.language import detect_language
from etl.extract.metadata import read_metadata
from etl.extract.parse import parse_html

__all__ = ["Extracted", "extract", "is_page_chrome", "link_density"]


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


def extract(
    html: bytes | str, *, url: str | None = None, charset: str | None = None, selector: str | None = None
) -> Extracted:
    """Extract metadata and main text from one page. ``charset`` is the HTTP header's, if any."""
    text = html if isinstance(html, str) else decode_html(html, charset).text
    soup = parse_html(text)
    meta = read_metadata(soup, url)
    paragraphs = main_text(soup, title=meta.title, selector=selector, authors=meta.authors)
    return Extracted(
        url=meta.url,
        title=meta.title,
        published_at=meta.published_at,
        language=meta.language or detect_language("\n".join(paragraphs)),
        authors=meta.authors,
        section=meta.section,
        paragraphs=paragraphs,
    )
