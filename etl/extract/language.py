"""Language codes: what a page declares, normalised to ISO 639-1, else what its text is written in.

Detection uses py3langid (langid.py's model, 97 languages, ISO 639-1 labels): about 0.3 ms for a few
thousand characters once its model is loaded (about 0.7 s, the first time a page needs it).
"""

from __future__ import annotations

import re
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

_PRIMARY_SUBTAG = re.compile(r"\s*([A-Za-z]{2})(?:[-_][A-Za-z0-9]{1,8})*\s*$")
_RETIRED_CODES = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv"}
_DETECT_CHARS = 3000
_MIN_DETECT_BYTES = 60
_MIN_CONFIDENCE = 0.5


def language_code(declared: str | None) -> str | None:
    """The ISO 639-1 code of a declared language ("de-DE", "en_GB", "pt-br"); None for "und", "x-default"."""
    if not declared or not (match := _PRIMARY_SUBTAG.match(declared)):
        return None
    code = match.group(1).lower()
    return _RETIRED_CODES.get(code, code)


@cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the language ``text`` is written in; None when too short or unsure."""
    sample = text[:_DETECT_CHARS]
    if len(sample.strip().encode("utf-8")) < _MIN_DETECT_BYTES:
        return None
    code, confidence = _identifier().classify(sample)
    return code if confidence >= _MIN_CONFIDENCE else None
