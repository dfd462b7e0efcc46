"""Text bound for the warehouse, made storable: the one place every text column passes on its way in.

PostgreSQL's ``text`` cannot hold NUL (``\\u0000``), its ``jsonb`` rejects the escape ``\\u0000``, and
psycopg2 cannot encode a lone surrogate (``\\ud800``, which a JSON ``"\\ud800"`` escape decodes to) as UTF-8.
A page can carry either anywhere: a JSON-LD headline, a paragraph, a response header, a ``Content-Type`` or a
redirect's ``Location`` that ends up in a failure's detail. Each such character is replaced by U+FFFD (the
replacement character, as a decoder does with bytes it cannot read), so the text keeps its length and shows
where something was; the number replaced is counted (``Storable.replaced``, summed on the run's row as
``pipeline_runs.characters_replaced``).

Used by ``etl.warehouse.load`` (articles, paragraphs, failures) and ``etl.warehouse.archive`` (URLs, content
types and headers of fetched pages). Search documents are built in the warehouse from the stored text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REPLACEMENT = "\ufffd"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""NUL and surrogates: a Python ``str`` holds a surrogate only unpaired (a pair decodes to one code point)."""


class Storable:
    """Makes texts storable and counts the characters it replaced; one per batch (not thread-safe)."""

    def __init__(self) -> None:
        self.replaced = 0

    def text(self, value: str) -> str:
        """``value`` with every NUL and lone surrogate replaced by U+FFFD."""
        cleaned, count = _UNSTORABLE.subn(REPLACEMENT, value)
        self.replaced += count
        return cleaned

    def optional(self, value: str | None) -> str | None:
        """``text`` of ``value``, None kept."""
        return None if value is None else self.text(value)

    def texts(self, values: Iterable[str]) -> tuple[str, ...]:
        """``text`` of each of ``values``."""
        return tuple(self.text(value) for value in values)
