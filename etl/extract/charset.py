"""Bytes to text for HTML pages: the most specific signal that fits the bytes decides, and one bad byte costs
one character, never the page.

The order, strongest evidence first:

1. a byte-order mark (UTF-32 before UTF-16: ``FF FE 00 00`` starts like the UTF-16 little-endian mark);
2. the pattern of zero bytes of UTF-16 or UTF-32 without a mark (markup is mostly ASCII, so every second or
   every fourth byte is zero), if the bytes decode that way;
3. UTF-8 that is valid, or all but a few bytes (at least ``UTF8_MIN_VALID_PER_INVALID`` valid multi-byte
   sequences per invalid byte): UTF-8, whatever the header or ``<meta>`` claim (a wrong ``ISO-8859-1``
   header on a UTF-8 page is the common case; text in a single-byte or East Asian charset is almost never
   valid UTF-8 by accident: its non-ASCII bytes rarely form valid sequences, and never most of them);
4. the HTTP header's charset, then ``<meta charset>`` / ``<meta http-equiv>`` in the first 4 KiB, the first
   one that fits the bytes: a declared UTF-8 fits when the page has no more invalid bytes than valid
   multi-byte sequences, or than ``STRAY_BYTES`` or one per ``STRAY_BYTES_PER`` bytes (one stray byte in a
   UTF-8 page keeps the page UTF-8); any other charset when it decodes ``MIN_VALID_PER_INVALID`` non-ASCII
   characters per byte that fails;
5. charset-normalizer's guess;
6. UTF-8, so a page is never lost to its encoding.

In UTF-8, a byte that is not part of a valid sequence is read as windows-1252 (what a stray byte pasted from
a Word document or an old CMS is: ``0x96`` an en dash), the five bytes windows-1252 leaves undefined as
U+FFFD; in any other charset an undecodable byte is U+FFFD.

Labels are mapped as browsers do (WHATWG): ``iso-8859-1``, ``latin1`` and ``ascii`` mean windows-1252 (and
``Shift_JIS`` windows-31J, ``GB2312`` and ``GBK`` GB18030, ``EUC-KR`` windows-949, ...), and a ``<meta>`` that
claims UTF-16 or UTF-32 means UTF-8 (had the page been either, its ASCII ``<meta>`` could not
have been read).

``is_text`` tells text from bytes that are not (an image, an archive, random bytes served as HTML): decoded
text with more than ``MAX_CONTROL_SHARE`` of control characters or replacement characters is not a page.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

UTF8_MIN_VALID_PER_INVALID = 2
"""Valid UTF-8 multi-byte sequences per invalid byte that make bytes UTF-8 whatever is declared (step 3)."""
MIN_VALID_PER_INVALID = 8
"""Non-ASCII characters decoded per byte that fails that a declared charset other than UTF-8 needs to fit."""
STRAY_BYTES = 3
STRAY_BYTES_PER = 1000
"""A declared UTF-8 also fits a page with at most ``STRAY_BYTES`` invalid bytes, or one per this many bytes
(an ASCII page with a stray windows-1252 quote or dash, and no valid multi-byte sequence to outweigh it)."""
MAX_CONTROL_SHARE = 0.05
"""Share of control characters (other than whitespace) and U+FFFD above which decoded bytes are not text;
random bytes give 12 % or more in any charset, text a handful in a page."""
MIN_CONTROLS_NOT_TEXT = 64
"""A page with fewer control characters than this is text whatever its share (a stray NUL in a short page)."""

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_PRESCAN_BYTES = 4096
_SNIFF_BYTES = 4096
# Labels WHATWG decodes with a superset (by Python's name for the label): what browsers show, and what the
# servers that send these labels mean (Word's quotes in "ISO-8859-1", NEC circled digits in "Shift_JIS").
_WHATWG_SUPERSETS = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
}
_WHATWG_LABELS = {"windows-31j": "cp932", "x-sjis": "cp932", "x-gbk": "gb18030"}
_ESCAPED_RE = re.compile("[\udc80-\udcff]")
# NUL is left out: servers and CMSs pad real pages with runs of it, which extraction removes (random bytes
# hold enough of the other control characters to be told apart without it).
_CONTROL_RE = re.compile("[\x01-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")
# An undecodable byte b, kept by ``surrogateescape`` as U+DC00 + b, as windows-1252 reads it (or U+FFFD).
_AS_CP1252 = {0xDC00 + b: bytes([b]).decode("cp1252", errors="replace") for b in range(0x80, 0x100)}
_AS_REPLACEMENT = dict.fromkeys(range(0xDC80, 0xDD00), "\ufffd")


@dataclass(frozen=True)
class Decoded:
    """A page's text, the codec that produced it, and which evidence chose it (``bom``, ``pattern``, ``utf8``,
    ``header``, ``meta``, ``detected``, ``fallback``)."""

    text: str
    charset: str
    via: str


@dataclass(frozen=True)
class _Attempt:
    """Bytes decoded with one codec, undecodable bytes kept as lone surrogates, and how many there were."""

    text: str
    invalid: int
    non_ascii: int

    def fits(self, min_valid_per_invalid: float) -> bool:
        valid = self.non_ascii - self.invalid
        return self.invalid == 0 or valid >= min_valid_per_invalid * self.invalid > 0


def decode_html(body: bytes, header_charset: str | None = None) -> Decoded:
    """Decode an HTML body; ``header_charset`` is the HTTP ``Content-Type`` charset, if any. Never raises."""
    for bom, name in _BOMS:
        if body.startswith(bom) and name == "utf-8":  # a stray byte after the mark is read as anywhere in UTF-8
            return Decoded(_utf8_text(_attempt(body[len(bom) :], name)), name, "bom")
        if body.startswith(bom):
            return Decoded(body[len(bom) :].decode(name, errors="replace"), name, "bom")
    wide = _wide_codec(body)
    if wide is not None:
        return Decoded(body.decode(wide, errors="replace"), wide, "pattern")
    utf8 = _attempt(body, "utf-8")
    if utf8.non_ascii and utf8.fits(UTF8_MIN_VALID_PER_INVALID):
        return Decoded(_utf8_text(utf8), "utf-8", "utf8")
    for label, via in ((header_charset, "header"), (meta_charset(body), "meta")):
        codec = codec_name(label)
        if codec is None:
            continue
        if codec.startswith(("utf-16", "utf-32")):
            if via == "header":
                continue  # a UTF-16 or UTF-32 page would have shown its zero bytes (step 2)
            codec = "utf-8"
        if codec == "utf-8":
            if utf8.fits(1) or utf8.invalid <= max(STRAY_BYTES, len(body) // STRAY_BYTES_PER):
                return Decoded(_utf8_text(utf8), "utf-8", via)
            continue
        attempt = _attempt(body, codec)
        if attempt.fits(MIN_VALID_PER_INVALID):
            return Decoded(attempt.text.translate(_AS_REPLACEMENT), codec, via)
    guess = from_bytes(body[:65536]).best()
    if guess is not None:
        name = codec_name(guess.encoding) or "utf-8"
        if name == "utf-8":
            return Decoded(_utf8_text(utf8), name, "detected")
        return Decoded(body.decode(name, errors="replace"), name, "detected")
    return Decoded(_utf8_text(utf8), "utf-8", "fallback")


def _attempt(body: bytes, codec: str) -> _Attempt:
    try:
        text = body.decode(codec)
        invalid = 0
    except UnicodeDecodeError:
        text = body.decode(codec, errors="surrogateescape")
        invalid = len(_ESCAPED_RE.findall(text))
    except LookupError:
        return _Attempt("", 1, 0)
    return _Attempt(text, invalid, len(text) - len(text.encode("ascii", errors="ignore")))


def _utf8_text(attempt: _Attempt) -> str:
    return attempt.text.translate(_AS_CP1252) if attempt.invalid else attempt.text


def _wide_codec(body: bytes) -> str | None:
    """UTF-32 or UTF-16 (and its byte order) recognised by where the zero bytes of mostly-ASCII markup fall,
    when the page decodes that way; None for anything else."""
    sample = body[:_SNIFF_BYTES]
    sample = sample[: len(sample) - len(sample) % 4]
    quads = len(sample) // 4
    if quads < 4 or sample.count(0) < quads:
        return None
    zeros = [sample[i::4].count(0) / quads for i in range(4)]
    candidates = []
    if zeros[3] > 0.99 and zeros[2] > 0.9 and zeros[0] < 0.5:
        candidates.append("utf-32-le")
    if zeros[0] > 0.99 and zeros[1] > 0.9 and zeros[3] < 0.5:
        candidates.append("utf-32-be")
    odd, even = (zeros[1] + zeros[3]) / 2, (zeros[0] + zeros[2]) / 2
    if odd > 0.4 and even < 0.05:
        candidates.append("utf-16-le")
    if even > 0.4 and odd < 0.05:
        candidates.append("utf-16-be")
    for codec in candidates:
        try:
            codecs.getincrementaldecoder(codec)().decode(sample, final=False)  # the sample may cut a pair
        except UnicodeDecodeError:
            continue
        return codec
    return None


# Leading bytes of formats that are never an HTML page (the WHATWG MIME Sniffing standard's image, audio,
# video and archive signatures, plus PDF and PostScript), each with the name a failure detail gives.
_BINARY_SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"%!PS-Adobe-", "a PostScript document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive (or an office document)"),
    (b"\x1f\x8b\x08", "gzip-compressed bytes"),
    (b"\x1a\x45\xdf\xa3", "a WebM or Matroska video"),
    (b"OggS\x00", "an Ogg audio or video file"),
    (b"ID3", "an MP3 audio file"),
)


def binary_format(body: bytes) -> str | None:
    """The name of the binary format ``body`` starts with (a PDF, an image, an archive, ...), or None.

    Read before decoding, whatever the Content-Type says: servers label PDFs and images ``text/html`` or
    send no type at all, and their bytes would otherwise become an article of garbage."""
    head = body[:16]
    for signature, name in _BINARY_SIGNATURES:
        if head.startswith(signature):
            return name
    if head[4:8] == b"ftyp":
        return "an MP4 or QuickTime video"
    if head.startswith(b"RIFF") and head[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "a RIFF image, audio or video file"
    return None


def is_text(text: str) -> bool:
    """Whether decoded bytes are text: few control and replacement characters (see ``MAX_CONTROL_SHARE``)."""
    controls = len(_CONTROL_RE.findall(text))
    return controls < MIN_CONTROLS_NOT_TEXT or controls <= MAX_CONTROL_SHARE * len(text)


def meta_charset(body: bytes) -> str | None:
    """The charset a ``<meta>`` tag declares in the page's first 4 KiB, as HTML5's prescan looks."""
    match = _META_RE.search(body[:_PRESCAN_BYTES])
    return match.group(1).decode("ascii", errors="ignore") if match else None


def codec_name(label: str | None) -> str | None:
    """Python's codec name for a charset label, or None when the label is unknown."""
    if not label:
        return None
    cleaned = label.strip().strip("\"'").lower()
    try:
        info = codecs.lookup(_WHATWG_LABELS.get(cleaned, cleaned))
    except LookupError:
        return None
    if not info._is_text_encoding:  # base64, zlib, rot13, ...
        return None
    return codecs.lookup(_WHATWG_SUPERSETS.get(info.name, info.name)).name


def charset_of(content_type: str) -> str | None:
    """The charset parameter of a Content-Type header, if it names one."""
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.strip().lower() == "charset" and value.strip("\"' "):
            return value.strip("\"' ")
    return None
