"""Build the multilingual extraction dev set from fetched snapshots of its source repositories.

    .venv/bin/python -m benchmarks.multilingual_devset [--cache DIR] [--force]

The repository holds only our work: ``benchmarks/multilingual-devset/pages.tsv`` (the manifest: per page its
id, language, split, source repository, commit and path, and our review's decisions) and the README there.
The pages and their reference text are read from git snapshots of the source repositories, made by the tool
library's ``fetch`` (``<mirrors>/<owner>+<name>/repo``; ``<mirrors>`` is ``NEWSETL_DEVSET_MIRRORS``, default
``/work/.mirror``), and written to a git-ignored cache (``benchmarks/multilingual-devset/.cache``) in the
layout ``benchmarks.devset.load_devset`` reads: ``html/<id>.html`` (bytes as stored by the source),
``ground-truth.json`` and ``pages.tsv``. Nothing read from a snapshot is committed.

The reference text of a page is its blocks, minus the blocks our review dropped (manifest column
``dropped_blocks``: block indexes and ranges, ``0-3,7``), joined by blank lines:

- ``mozilla/readability`` pages (column ``selector``): the blocks (``read_blocks``) of the elements the CSS
  selector matches, in document order, as our review read them;
- ``flairNLP/fundus`` pages (column ``fundus_version``): the ``body`` of that version in the publisher's
  expected-output JSON beside the page (``<Publisher>.json``): its summary, then each section's headline and
  paragraphs (``fundus_blocks``).

Every page is checked against the manifest's SHA-256 of its HTML and of its reference text, so a changed
snapshot or a changed block reader fails the build naming the page instead of moving a figure. Errors:
``SnapshotMissing`` (a snapshot or its commit is absent; the message says what to fetch), ``BuildMismatch``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

REPO = Path(__file__).resolve().parent.parent
MANIFEST_DIR = REPO / "benchmarks" / "multilingual-devset"
MANIFEST = MANIFEST_DIR / "pages.tsv"
CACHE_DIR = MANIFEST_DIR / ".cache"
MIRRORS_ENV = "NEWSETL_DEVSET_MIRRORS"
DEFAULT_MIRRORS = Path("/work/.mirror")
FETCH_HINT = (
    f"fetch github:flairNLP/fundus and github:mozilla/readability with the tool library's fetch, or set {MIRRORS_ENV}"
)
MANIFEST_FIELDS = (
    "id",
    "language",
    "split",
    "repository",
    "commit",
    "path",
    "selector",
    "fundus_version",
    "dropped_blocks",
    "html_sha256",
    "text_sha256",
)
STAMP = "manifest.sha256"

TEXT_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "address", "dt", "dd", "caption"})
"""Elements read whole as one block, ``<br>`` inside them a space (as ``etl.extract.blocks`` reads them)."""

INLINE_TAGS = frozenset(
    {
        *("a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font"),
        *("i", "img", "ins", "kbd", "label", "mark", "nobr", "q", "s", "samp", "small", "span", "strike"),
        *("strong", "sub", "sup", "time", "tt", "u", "var", "wbr"),
    }
)
"""Elements that continue the surrounding line; any other element starts and ends a block."""

SKIPPED_TAGS = frozenset(
    {"script", "style", "noscript", "template", "head", "iframe", "svg", "button", "select", "option", "textarea"}
)
"""Elements whose content is never read."""

_SPACE_RE = re.compile(r"[ \t\r\n\f\v\x00\x1e]+")
_FUNDUS_PAGE_RE = re.compile(r"(?P<publisher>.+)_(?P<date>\d{4}_\d\d_\d\d)\.html\.gz")


class SnapshotMissing(Exception):
    """A source repository's snapshot, or the commit the manifest names, is not on this machine."""


class BuildMismatch(Exception):
    """A page rebuilt from a snapshot differs from the one the manifest records (HTML or reference text)."""


@dataclass(frozen=True)
class ManifestRow:
    """One page of the manifest: where it comes from and what our review decided."""

    id: str
    language: str
    split: str
    repository: str
    commit: str
    path: str
    selector: str
    fundus_version: str
    dropped_blocks: tuple[int, ...]
    html_sha256: str
    text_sha256: str


@dataclass(frozen=True)
class BuiltPage:
    """A page as rebuilt: its HTML bytes, URL (``None`` when the source names none) and reference text."""

    row: ManifestRow
    html: bytes
    url: str | None
    text: str


def clean_text(text: str) -> str:
    """Block text: NULs removed, every run of ASCII whitespace one space, trimmed (other spaces, such as
    U+3000 and U+00A0, are kept, as ``etl.extract.blocks.clean_text`` keeps them)."""
    return _SPACE_RE.sub(" ", text).strip()


def read_blocks(root: Tag) -> list[str]:
    """The text blocks under ``root`` in document order: a ``TEXT_TAGS`` element is one block; elsewhere a
    run of text and ``INLINE_TAGS`` elements is one, cut at ``<br>`` and at every other element. No chrome
    rule applies: this reader is frozen here so that the reviewed text never moves with the extractor."""
    blocks: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if text := clean_text("".join(run)):
            blocks.append(text)
        run.clear()

    def whole(element: Tag) -> None:
        for child in element.children:
            if type(child) is NavigableString:
                run.append(child)
            elif isinstance(child, Tag) and child.name not in SKIPPED_TAGS:
                if child.name == "br":
                    run.append(" ")
                else:
                    whole(child)

    def visit(element: Tag) -> None:
        for child in element.children:
            if type(child) is NavigableString:
                run.append(child)
            elif not isinstance(child, Tag) or child.name in SKIPPED_TAGS:
                continue
            elif child.name == "br":
                flush()
            elif child.name in INLINE_TAGS:
                visit(child)
            else:
                flush()
                if child.name in TEXT_TAGS:
                    whole(child)
                else:
                    visit(child)
                flush()

    visit(root)
    flush()
    return blocks


def selected_blocks(html: bytes, selector: str) -> list[str]:
    """The blocks of every element ``selector`` matches, in document order, the page read as UTF-8 (as the
    dev-set loader and the shared scoring tool read it)."""
    soup = BeautifulSoup(html.decode("utf-8", errors="replace"), "lxml")
    return [block for element in soup.select(selector) for block in read_blocks(element)]


def fundus_blocks(body: dict[str, list]) -> list[str]:
    """A fundus ``body`` as blocks: the summary, then each section's headline and paragraphs; empty ones out."""
    blocks = [*body.get("summary", [])]
    for section in body.get("sections", []):
        blocks += [*section.get("headline", []), *section.get("paragraphs", [])]
    return [text for text in map(clean_text, blocks) if text]


def page_url(html: bytes) -> str | None:
    """A readability test page's URL: its ``og:url``, else its canonical link, else ``None``."""
    soup = BeautifulSoup(html.decode("utf-8", errors="replace"), "lxml")
    og_url = soup.find("meta", attrs={"property": "og:url"})
    canonical = soup.find("link", attrs={"rel": "canonical"})
    for tag, attribute in ((og_url, "content"), (canonical, "href")):
        if isinstance(tag, Tag) and isinstance(value := tag.get(attribute), str) and value:
            return value
    return None


def parse_indexes(text: str) -> tuple[int, ...]:
    """``"0-3,7"`` as ``(0, 1, 2, 3, 7)``; an empty text as none."""
    indexes: list[int] = []
    for part in filter(None, text.split(",")):
        first, _, last = part.partition("-")
        indexes += range(int(first), int(last or first) + 1)
    return tuple(indexes)


def format_indexes(indexes: Iterable[int]) -> str:
    """Sorted indexes as ranges: ``(0, 1, 2, 3, 7)`` as ``"0-3,7"``."""
    ranges: list[list[int]] = []
    for index in sorted(indexes):
        if ranges and index == ranges[-1][1] + 1:
            ranges[-1][1] = index
        else:
            ranges.append([index, index])
    return ",".join(f"{first}-{last}" if last > first else str(first) for first, last in ranges)


def read_manifest(path: Path = MANIFEST) -> list[ManifestRow]:
    """The manifest's rows, in file order."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            ManifestRow(
                **{field: row[field] for field in MANIFEST_FIELDS if field != "dropped_blocks"},
                dropped_blocks=parse_indexes(row["dropped_blocks"]),
            )
            for row in csv.DictReader(handle, delimiter="\t")
        ]


def write_manifest(rows: Iterable[ManifestRow], path: Path = MANIFEST) -> None:
    """Write the manifest sorted by id."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(MANIFEST_FIELDS)
        for row in sorted(rows, key=lambda row: row.id):
            values = {**row.__dict__, "dropped_blocks": format_indexes(row.dropped_blocks)}
            writer.writerow([values[field] for field in MANIFEST_FIELDS])


def mirror_root() -> Path:
    """Where the snapshots are: ``NEWSETL_DEVSET_MIRRORS``, else ``/work/.mirror``."""
    return Path(os.environ.get(MIRRORS_ENV) or DEFAULT_MIRRORS)


class Snapshots:
    """Read files of the source repositories at a commit, from ``<root>/<owner>+<name>/repo`` (or
    ``<root>/<owner>+<name>`` when that is the git directory)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def git_dir(self, repository: str) -> Path:
        """The repository's git directory; ``SnapshotMissing`` (saying what to fetch) when there is none."""
        folder = self.root / repository.replace("/", "+")
        for candidate in (folder / "repo", folder):
            if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
                return candidate
        raise SnapshotMissing(f"no snapshot of {repository} under {self.root}: {FETCH_HINT}")

    def read(self, repository: str, commit: str, path: str) -> bytes:
        """The file's bytes at ``commit``; ``SnapshotMissing`` without the commit, ``BuildMismatch`` without
        the file."""
        git_dir = self.git_dir(repository)
        result = subprocess.run(
            ["git", f"--git-dir={git_dir}", "show", f"{commit}:{path}"], capture_output=True, check=False
        )
        if result.returncode:
            known = subprocess.run(
                ["git", f"--git-dir={git_dir}", "cat-file", "-e", f"{commit}^{{commit}}"], capture_output=True
            )
            if known.returncode:
                raise SnapshotMissing(f"the snapshot {git_dir} lacks commit {commit} of {repository}: {FETCH_HINT}")
            raise BuildMismatch(f"{repository} has no {path} at {commit}")
        return result.stdout

    def names(self, repository: str, commit: str, folder: str) -> list[str]:
        """The file names in ``folder`` at ``commit`` (none when it has no such folder)."""
        git_dir = self.git_dir(repository)
        listing = subprocess.run(
            ["git", f"--git-dir={git_dir}", "ls-tree", "--name-only", f"{commit}:{folder}"], capture_output=True
        )
        return listing.stdout.decode().split("\n")[:-1] if listing.returncode == 0 else []


def rebuild(row: ManifestRow, snapshots: Snapshots) -> BuiltPage:
    """One page from its snapshot, checked against the manifest's digests (``BuildMismatch`` otherwise)."""
    raw = snapshots.read(row.repository, row.commit, row.path)
    html = gzip.decompress(raw) if row.path.endswith(".gz") else raw
    if hashlib.sha256(html).hexdigest() != row.html_sha256:
        raise BuildMismatch(f"{row.id}: {row.repository} {row.commit}:{row.path} is not the page the manifest records")
    if row.selector:
        blocks, url = selected_blocks(html, row.selector), page_url(html)
    elif row.fundus_version:
        blocks, url = _fundus_reference(row, snapshots)
    else:
        raise BuildMismatch(f"{row.id}: the manifest gives neither a selector nor a fundus version")
    if row.dropped_blocks and row.dropped_blocks[-1] >= len(blocks):
        raise BuildMismatch(f"{row.id}: dropped block {row.dropped_blocks[-1]} of {len(blocks)} blocks")
    dropped = set(row.dropped_blocks)
    text = "\n\n".join(block for index, block in enumerate(blocks) if index not in dropped)
    if hashlib.sha256(text.encode()).hexdigest() != row.text_sha256:
        raise BuildMismatch(f"{row.id}: the rebuilt reference text differs from the reviewed one")
    return BuiltPage(row, html, url, text)


def _fundus_reference(row: ManifestRow, snapshots: Snapshots) -> tuple[list[str], str | None]:
    """A fundus page's body blocks (its version in ``<Publisher>.json``) and URL (``meta.info``)."""
    folder, name = row.path.rsplit("/", 1)
    match = _FUNDUS_PAGE_RE.fullmatch(name)
    if match is None:
        raise BuildMismatch(f"{row.id}: {name} is not named <Publisher>_<date>.html.gz")
    expected = json.loads(snapshots.read(row.repository, row.commit, f"{folder}/{match['publisher']}.json"))
    meta = json.loads(snapshots.read(row.repository, row.commit, f"{folder}/meta.info"))
    return fundus_blocks(expected[row.fundus_version].get("body") or {}), meta.get(name, {}).get("url") or None


def build(cache_dir: Path = CACHE_DIR, manifest: Path = MANIFEST, root: Path | None = None) -> Path:
    """Rebuild every page into ``cache_dir`` (replaced whole, written beside it first); return ``cache_dir``."""
    snapshots = Snapshots(root or mirror_root())
    rows = read_manifest(manifest)
    pages = [rebuild(row, snapshots) for row in rows]
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{cache_dir.name}.building-", dir=cache_dir.parent))
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; the cache is an ordinary folder
        _write_cache(staging, pages, hashlib.sha256(manifest.read_bytes()).hexdigest())
        old = cache_dir.with_name(f"{cache_dir.name}.old-{os.getpid()}")
        if cache_dir.exists():
            cache_dir.rename(old)
        try:
            staging.rename(cache_dir)
        except OSError:
            if not is_current(cache_dir, manifest):  # else another process built the same set meanwhile
                raise
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return cache_dir


def _write_cache(directory: Path, pages: Sequence[BuiltPage], stamp: str) -> None:
    (directory / "html").mkdir()
    truth = {}
    for page in pages:
        (directory / "html" / f"{page.row.id}.html").write_bytes(page.html)
        truth[page.row.id] = {"articleBody": page.text, "url": page.url, "language": page.row.language}
    (directory / "ground-truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", "utf-8")
    with (directory / "pages.tsv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(("id", "language", "split", "bytes", "url", "source"))
        for page in pages:
            row = page.row
            source = f"{row.repository} {row.commit[:12]}:{row.path}"
            writer.writerow((row.id, row.language, row.split, len(page.html), page.url or "", source))
    (directory / STAMP).write_text(stamp + "\n", "utf-8")


def is_current(cache_dir: Path = CACHE_DIR, manifest: Path = MANIFEST) -> bool:
    """Whether ``cache_dir`` was built from this very manifest."""
    stamp = cache_dir / STAMP
    return stamp.is_file() and stamp.read_text("utf-8").strip() == hashlib.sha256(manifest.read_bytes()).hexdigest()


def ensure_built(cache_dir: Path = CACHE_DIR, manifest: Path = MANIFEST) -> Path:
    """``cache_dir``, built first (one line of progress on stderr) when missing or made from another
    manifest. Raises ``SnapshotMissing`` (saying what to fetch) or ``BuildMismatch``."""
    if not is_current(cache_dir, manifest):
        root = mirror_root()
        print(f"building the multilingual dev set from the snapshots in {root} into {cache_dir}", file=sys.stderr)
        build(cache_dir, manifest, root)
    return cache_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=CACHE_DIR, help="where to write the set")
    parser.add_argument("--force", action="store_true", help="rebuild even when the cache is current")
    args = parser.parse_args(argv)
    try:
        if args.force:
            build(args.cache)
        else:
            ensure_built(args.cache)
    except (SnapshotMissing, BuildMismatch) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{len(read_manifest())} pages in {args.cache}, every one matching the manifest's digests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
