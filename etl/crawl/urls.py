"""URL canonicalisation, so one article has one URL however it was linked, or whichever address served it."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "mc_", "_ga")
_TRACKING_PARAMS = frozenset({"fbclid", "gclid", "yclid", "msclkid", "igshid", "ref", "ref_src"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, drop default port, fragment and tracking parameters."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    netloc = host
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{parts.port}"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k.lower() not in _TRACKING_PARAMS and not k.lower().startswith(_TRACKING_PREFIXES)
        ]
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def rebase_url(url: str, base: str, new_base: str) -> str:
    """``url`` (canonicalised) with its prefix ``base`` replaced by ``new_base``; ``url`` as given when it is
    not under ``base``.

    Both bases are compared and written in canonical form and must end with ``/`` (``etl.sources`` checks),
    so a prefix never splits a path segment: ``/de/`` rebases ``/de/x`` but not ``/dev/x``. What follows the
    base (path, query) is kept as ``canonical_url`` leaves it.
    """
    canonical = canonical_url(url)
    old = canonical_url(base)
    if not canonical.startswith(old):
        return url
    return canonical_url(new_base) + canonical[len(old) :]


def host_of(url: str) -> str:
    """The host (with a non-default port) that host allow-lists compare against."""
    return urlsplit(canonical_url(url)).netloc


def is_allowed(url: str, allowed_hosts: tuple[str, ...]) -> bool:
    """Whether ``url`` is http(s) on one of ``allowed_hosts``."""
    return urlsplit(url).scheme in _DEFAULT_PORTS and host_of(url) in allowed_hosts
