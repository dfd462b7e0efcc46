"""A page title without the site's name: "Title | Site", "Site - Title", "Title — Site" give "Title".

The part that is the site is found by the site's declared name (og:site_name) when the page declares one:
a title with no part matching it keeps all its parts ("Jane Doe – on the region's plans"). Without one,
by the host name ("Daily Example" on dailyexample.com), by similarity to the page's ``<h1>``, and last by
shape: a short last part shorter than the first ("Title | DE"). A short first part is not dropped by shape
alone: "Biden - Trump debate" is a headline.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

_SEPARATOR = re.compile(r"\s+(?:[|–—·•»«:/\\~-]|::|-{2})\s+")
_MAX_SITE_WORDS = 5


def _squashed(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()


def _is_site(part: str, site_name: str | None, host: str | None) -> bool:
    squashed = _squashed(part)
    if not squashed:
        return True
    if site_name and squashed in _squashed(site_name):
        return True
    if host:
        labels = [label for label in host.lower().split(".") if label not in {"www", "m", "amp"}]
        name = _squashed(labels[-2] if len(labels) >= 2 else labels[0] if labels else "")
        if squashed.removeprefix("the") == name.removeprefix("the"):
            return True
        short = len(part.split()) <= _MAX_SITE_WORDS - 2
        return short and min(len(name), len(squashed)) >= 4 and (name in squashed or squashed in name)
    return False


def strip_site_name(
    title: str, *, site_name: str | None = None, host: str | None = None, h1: str | None = None, by_shape: bool = True
) -> str:
    """``title`` without a leading or trailing site name; unchanged when no part looks like one.

    ``by_shape`` allows the last two rules (similarity to ``h1``, a short last part) when the page declares
    no site name; a headline from JSON-LD or OpenGraph loses only a part that names the site.
    """
    title = " ".join(title.split())
    parts = _SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    separators = _SEPARATOR.findall(title)
    start, end = 0, len(parts)
    while end - start > 1 and _is_site(parts[end - 1], site_name, host):
        end -= 1
    while end - start > 1 and _is_site(parts[start], site_name, host):
        start += 1
    if (start, end) != (0, len(parts)):
        return _join(parts, separators, start, end)
    if site_name or not by_shape:
        return title
    if h1:
        best = max(range(len(parts)), key=lambda i: SequenceMatcher(None, parts[i].lower(), h1.lower()).ratio())
        if SequenceMatcher(None, parts[best].lower(), h1.lower()).ratio() >= 0.6:
            return parts[best]
    first, last = parts[0], parts[-1]
    if len(last.split()) <= _MAX_SITE_WORDS and len(last) < len(first):
        return _join(parts, separators, 0, len(parts) - 1)
    return title


def _join(parts: list[str], separators: list[str], start: int, end: int) -> str:
    text = parts[start]
    for index in range(start + 1, end):
        text += separators[index - 1] + parts[index]
    return text
