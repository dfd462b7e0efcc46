"""URLs: which ones may be requested, how they go on the request line, and one identity per article.

Three jobs, one parser. ``parse_web_url`` reads a URL the way the connection will (urllib3's ``parse_url``,
which requests connects with) and refuses it as a ``BadUrl`` when it cannot be parsed, is too long, or when
``urllib.parse`` would read another host or port from it (a backslash, user info, a percent-encoded
separator in the host, an IPv4 address in a form other than four decimal numbers, an IPv6 zone). So the
host an allow-list checks is the host that is connected to (no server-side request forgery through a URL
two parsers read differently); nothing here raises for a bad URL.

- **The request** (``WebUrl.url``) keeps the path and query as listed: only what a request line cannot
  carry (spaces, non-ASCII, a ``%`` that starts no escape, ...) is percent-encoded, as browsers do, and dot
  segments are resolved. ``?q=%E4``, ``?a=1;b=2`` and ``?print`` are requested as written.
- **The identity** (``canonical_url``) is for keys only, never requested: w3lib's ``canonicalize_url``
  (percent-encoding and query order folded, the form Scrapy's fingerprints use), then the host in our
  folded form (lower case, IDNA/punycode as urllib3 connects, no trailing dot, no default port), tracking
  parameters and the fragment dropped. ``http://münchen.de/straße`` and
  ``http://xn--mnchen-3ya.de/stra%C3%9Fe`` are one identity.
- **The allow-list** compares ``netloc`` (folded host and a non-default port): ``host_of``, ``is_allowed``,
  ``fold_netloc`` for the entries of a sources file.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

import idna
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url
from w3lib.url import canonicalize_url

MAX_URL_LENGTH = 2048
"""The longest URL we request or file, in characters. The sitemaps protocol requires URLs shorter than
2,048 characters and the lowest limit of common browsers is about the same; a longer URL is a ``bad_url``."""

_TRACKING_PREFIXES = ("utm_", "mc_", "_ga")
_TRACKING_PARAMS = frozenset({"fbclid", "gclid", "yclid", "msclkid", "igshid", "ref", "ref_src"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_WHITESPACE = " \t\n\r\f"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_HOST_NAME = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*$")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
# What may stand unescaped in a request target: RFC 3986 pchar plus "/" (and "?" in the query), the sets
# urllib3 re-encodes against, so urllib3 sends our target as it is (it only upper-cases escape hex digits).
_UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
_PATH_SAFE = frozenset(_UNRESERVED + "!$&'()*+,;=:@/")
_QUERY_SAFE = _PATH_SAFE | {"?"}


@dataclass(frozen=True)
class WebUrl:
    """An http(s) URL that urllib3 and ``urllib.parse`` read alike, ready to request.

    ``host`` is folded (lower case, punycode, IPv6 in brackets, no trailing dot); ``port`` is None for the
    scheme's default; ``target`` is the path and query as listed, percent-encoded only where a request line
    needs it. ``url`` is what is requested, ``netloc`` what allow-lists and rate limits key on.
    """

    scheme: str
    host: str
    port: int | None
    target: str

    @property
    def netloc(self) -> str:
        return self.host if self.port is None else f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.netloc}{self.target}"


@dataclass(frozen=True)
class BadUrl:
    """A URL we refuse, and why. ``ambiguous``: some client could read another host from it (user info, a
    backslash, parsers that disagree, an odd IP form), so a redirect to it counts as leaving the site."""

    url: str
    why: str
    ambiguous: bool = False


def parse_web_url(url: str) -> WebUrl | BadUrl:
    """``url`` (leading and trailing whitespace ignored) as a ``WebUrl``, or a ``BadUrl`` saying why not."""
    text = url.strip(_WHITESPACE)
    if len(text) > MAX_URL_LENGTH:
        return BadUrl(url, f"longer than {MAX_URL_LENGTH} characters ({len(text)})")
    if _CONTROL.search(text):
        return BadUrl(url, "contains a control character")
    before_query = re.split(r"[?#]", text, maxsplit=1)[0]
    if "\\" in before_query:
        return BadUrl(url, "backslash before the query (browsers read it as /, urllib3 as data)", ambiguous=True)
    try:
        split = urlsplit(text)
        split_port = split.port
        connect = parse_url(text)
    except (ValueError, LocationParseError) as exc:
        return BadUrl(url, f"cannot be parsed: {exc}")
    scheme = split.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return BadUrl(url, f"not an http(s) URL (scheme {scheme!r})" if scheme else "not an absolute URL")
    if not split.netloc or not connect.host:
        return BadUrl(url, "has no host")
    if "@" in split.netloc or connect.auth is not None:
        return BadUrl(url, "has user info (user@host): never sent", ambiguous=True)
    host = _folded_host(connect.host)
    if isinstance(host, str) and host != _folded_host(split.hostname or ""):
        return BadUrl(url, f"parsers disagree on the host ({connect.host!r} or {split.hostname!r})", ambiguous=True)
    if isinstance(host, BadUrl):
        return BadUrl(url, host.why, ambiguous=True)
    if connect.port != split_port:
        return BadUrl(url, f"parsers disagree on the port ({connect.port} or {split_port})", ambiguous=True)
    port = None if split_port in (None, _DEFAULT_PORTS[scheme]) else split_port
    if port == 0:
        return BadUrl(url, "port 0")
    raw_target = text[len(split.scheme) + 3 + len(split.netloc) :].split("#", 1)[0]
    target = _request_target(raw_target)
    if target is None:
        return BadUrl(url, "contains characters that are not text (lone surrogates)")
    return WebUrl(scheme, host, port, target)


def canonical_url(url: str) -> str:
    """The identity of ``url``: one string for every spelling of one page (see the module docstring).

    Never raises: a URL ``parse_web_url`` refuses comes back stripped but otherwise as given (it is never
    requested; callers that must know ask ``parse_web_url``).
    """
    parsed = parse_web_url(url)
    if isinstance(parsed, BadUrl):
        return url.strip(_WHITESPACE)
    try:
        folded = urlsplit(canonicalize_url(parsed.url, keep_fragments=False))
    except ValueError:
        folded = urlsplit(parsed.url)
    query = "&".join(pair for pair in folded.query.split("&") if pair and not _is_tracking(pair))
    return urlunsplit((parsed.scheme, parsed.netloc, folded.path or "/", query, ""))


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


def resolve_url(base: str, reference: str) -> str:
    """``reference`` (as found in a document at ``base``) made absolute; ``reference`` stripped when the two
    cannot be joined (``urljoin`` raises for ``http://[::1``). Never raises; ``parse_web_url`` judges it."""
    reference = reference.strip(_WHITESPACE)
    try:
        return urljoin(base, reference)
    except ValueError:
        return reference


def host_of(url: str) -> str:
    """The host (with a non-default port) that host allow-lists compare against; "" for a bad URL."""
    parsed = parse_web_url(url)
    return "" if isinstance(parsed, BadUrl) else parsed.netloc


def fold_netloc(entry: str) -> str:
    """An allow-list entry (``host`` or ``host:port``, any spelling) in the form ``host_of`` returns; "" when
    it is no host. ``München.de`` and ``xn--mnchen-3ya.de`` fold alike; ports 80 and 443 are the defaults
    ``host_of`` leaves out, so ``host:443`` allows ``https://host/``."""
    parsed = parse_web_url(f"http://{entry}/")
    if isinstance(parsed, BadUrl):
        return ""
    return parsed.host if parsed.port in (None, _DEFAULT_PORTS["https"]) else parsed.netloc


def is_allowed(url: str, allowed_hosts: tuple[str, ...]) -> bool:
    """Whether ``url`` is a good http(s) URL on one of ``allowed_hosts`` (folded, as ``fold_netloc`` gives)."""
    parsed = parse_web_url(url)
    return not isinstance(parsed, BadUrl) and parsed.netloc in allowed_hosts


def ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a folded host names literally (``127.0.0.1``, ``[::1]``), or None for a name."""
    try:
        return ipaddress.ip_address(host.removeprefix("[").removesuffix("]"))
    except ValueError:
        return None


def _folded_host(host: str) -> str | BadUrl:
    """A host as we compare and request it: lower case, punycode, no trailing dot, IPv6 compressed in
    brackets; a ``BadUrl`` for a host no resolver should be handed."""
    if host.startswith("["):
        inner = host[1:-1] if host.endswith("]") else host[1:]
        if "%" in inner:
            return BadUrl(host, "IPv6 address with a zone")
        try:
            return f"[{ipaddress.IPv6Address(inner).compressed}]"
        except ValueError:
            return BadUrl(host, f"invalid IPv6 address {inner!r}")
    if ":" in host:  # urllib.parse gives an IPv6 host without its brackets
        return _folded_host(f"[{host}]")
    name = host.lower()
    if name.endswith("."):
        name = name[:-1]
    if not name.isascii():
        try:
            name = idna.encode(name, uts46=True, std3_rules=True).decode("ascii")
        except idna.IDNAError as exc:
            return BadUrl(host, f"not a valid international host name: {exc}")
    if not _HOST_NAME.match(name):
        return BadUrl(host, f"not a host name: {host!r}")
    if _NUMERIC_LABEL.match(name.rsplit(".", 1)[-1]):
        try:
            address = ipaddress.IPv4Address(name)
        except ValueError:
            address = None
        if address is None or str(address) != name:
            return BadUrl(host, f"IPv4 address in a non-standard form: {host!r}")
    return name


def _request_target(raw: str) -> str | None:
    """The path and query of a URL as sent: dot segments resolved, escapes kept, every other character a
    request line cannot carry percent-encoded (UTF-8). None when the text cannot be encoded."""
    path, question, query = raw.partition("?")
    if not path.startswith("/"):
        path = "/" + path
    try:
        path = _escape(_without_dot_segments(path), _PATH_SAFE)
        query = _escape(query, _QUERY_SAFE)
    except UnicodeEncodeError:
        return None
    return path + question + query


def _escape(text: str, safe: frozenset[str]) -> str:
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "%" and _ESCAPE.match(text, index):
            out.append(text[index : index + 3])
            index += 3
            continue
        out.append(char if char in safe else "".join(f"%{byte:02X}" for byte in char.encode("utf-8")))
        index += 1
    return "".join(out)


def _without_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4: ``/a/./b/../c`` is ``/a/c``, as every client sends it."""
    if "." not in path:
        return path
    output: list[str] = []
    segments = path.split("/")
    for segment in segments[1:]:
        if segment == "..":
            if output:
                output.pop()
        elif segment != ".":
            output.append(segment)
    if segments[-1] in (".", ".."):
        output.append("")
    return "/" + "/".join(output)


def _is_tracking(pair: str) -> bool:
    key = unquote_plus(pair.split("=", 1)[0]).lower()
    return key in _TRACKING_PARAMS or key.startswith(_TRACKING_PREFIXES)
