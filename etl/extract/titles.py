"""A page title without the site's name: "Title | Site", "Site - Title", "Title — Site" give "Title".

A part is cut only when it is the site's name: the site's declared name (og:site_name), or its host name
("Daily Example" on dailyexample.com, "BBC News" on bbc.co.uk). A title with no part naming the site keeps
all its parts: "Jane Doe – on the region's plans", "Biden - Trump debate" and "Title | DE" are headlines as
far as a single page can tell (a suffix that recurs on every page of a source is the source's, which one
page cannot see). Given the page's ``<h1>``, a title that holds it whole beside other parts gives the
``<h1>``.
"""

from __future__ import annotations

import re

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
        name = _squashed(_host_label(host))
        if squashed.removeprefix("the") == name.removeprefix("the"):
            return True
        short = len(part.split()) <= _MAX_SITE_WORDS - 2
        if short and len(name) >= 3 and squashed.startswith(name) and len(squashed) - len(name) <= 6:
            return True  # "BBC News" on bbc.co.uk, "Dailyexample Online"
        return short and min(len(name), len(squashed)) >= 4 and (name in squashed or squashed in name)
    return False


def _host_label(host: str) -> str:
    """The registrable name of a host: ``www.dailyexample.com`` -> ``dailyexample``, ``bbc.co.uk`` -> ``bbc``."""
    labels = [label for label in host.lower().split(".") if label not in {"www", "m", "amp"}]
    while len(labels) > 2 and labels[-2] in {"co", "com", "org", "net", "ac", "gov", "edu", "or", "ne", "gob"}:
        labels = labels[:-1]
    return labels[-2] if len(labels) >= 2 else labels[0] if labels else ""


def strip_site_name(
    title: str, *, site_name: str | None = None, host: str | None = None, h1: str | None = None, by_shape: bool = True
) -> str:
    """``title`` without a leading or trailing site name; unchanged when no part names the site.

    ``by_shape`` allows taking the parts that are ``h1`` exactly (compared without spaces and punctuation) when
    no part names the site and the page declares no site name; a headline from JSON-LD or OpenGraph loses
    only a part that names the site.
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
    if h1 and (wanted := _squashed(h1)):
        for start in range(len(parts)):
            for end in range(len(parts), start, -1):
                if (end - start) < len(parts) and _squashed("".join(parts[start:end])) == wanted:
                    return _join(parts, separators, start, end)
    return title


def _join(parts: list[str], separators: list[str], start: int, end: int) -> str:
    text = parts[start]
    for index in range(start + 1, end):
        text += separators[index - 1] + parts[index]
    return text
