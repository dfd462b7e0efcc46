"""Bytes to text for HTML pages, without mojibake when a server's charset header is missing or wrong.

The order, strongest evidence first:

1. a byte-order mark;
2. valid UTF-8 that has non-ASCII bytes: UTF-8, whatever the header or ``<meta>`` claim (a wrong
   ``ISO-8859-1`` header on a UTF-8 page is the common case; real single-byte text is almost never valid
   UTF-8 by accident);
3. the HTTP header's charset, then ``<meta charset>`` / ``<meta http-equiv>`` in the first 4 KiB, the
   first one that names a known codec and decodes the bytes without error;
4. charset-normalizer's guess;
5. UTF-8 with replacement characters, so a page is never lost to its encoding.

Labels are mapped as browsers do (WHATWG): ``iso-8859-1``, ``latin1`` and ``ascii`` mean windows-1252.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_PRESCAN_BYTES = 4096
_WHATWG_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252"}


@dataclass(frozen=True)
class Decoded:
    """A page's text, the codec that produced it, and which evidence chose it."""

    text: str
    charset: str
    via: str


def decode_html(body: bytes, header_charset: str | None = None) -> Decoded:
    """Decode an HTML body; ``header_charset`` is the HTTP ``Content-Type`` charset, if any."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return Decoded(body[len(bom) :].decode(name, errors="replace"), name, "bom")
    if not body.isascii():
        try:
            return Decoded(body.decode("utf-8"), "utf-8", "utf8")
        except UnicodeDecodeError:
            pass
    for label, via in ((header_charset, "header"), (meta_charset(body), "meta")):
        codec = codec_name(label)
        if codec is None:
            continue
        try:
            return Decoded(body.decode(codec), codec, via)
        except UnicodeDecodeError:
            continue
    guess = from_bytes(body[:65536]).best()
    if guess is not None:
        name = codec_name(guess.encoding) or "utf-8"
        return Decoded(body.decode(name, errors="replace"), name, "detected")
    return Decoded(body.decode("utf-8", errors="replace"), "utf-8", "fallback")


def meta_charset(body: bytes) -> str | None:
    """The charset a ``<meta>`` tag declares in the page's first 4 KiB, as HTML5's prescan looks."""
    match = _META_RE.search(body[:_PRESCAN_BYTES])
    return match.group(1).decode("ascii", errors="ignore") if match else None


def codec_name(label: str | None) -> str | None:
    """Python's codec name for a charset label, or None when the label is unknown."""
    if not label:
        return None
    cleaned = label.strip().strip("\"'").lower()
    cleaned = _WHATWG_ALIASES.get(cleaned, cleaned)
    try:
        return codecs.lookup(cleaned).name
    except LookupError:
        return None


def charset_of(content_type: str) -> str | None:
    """The charset parameter of a Content-Type header, if it names one."""
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.strip().lower() == "charset" and value.strip("\"' "):
            return value.strip("\"' ")
    return None
