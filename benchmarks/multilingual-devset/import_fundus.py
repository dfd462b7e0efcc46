"""Choose the fundus pages of the multilingual dev set and write their manifest rows (run once; kept to show how).

    PYTHONPATH=. .venv/bin/python benchmarks/multilingual-devset/import_fundus.py [--commit REV] [--manifest PATH]

Reads the snapshot of github.com/flairNLP/fundus (MIT licence) that the tool library's ``fetch`` made
(``$NEWSETL_DEVSET_MIRRORS/flairNLP+fundus``, default ``/work/.mirror``) and rewrites the manifest's fundus
rows; the other rows stay. Nothing of fundus is written: ``benchmarks.multilingual_devset`` reads the pages
and their text from the snapshot when it builds the set.

fundus keeps, per publisher, gzipped pages (``tests/resources/parser/test_data/<country>/
<Publisher>_<date>.html.gz``, one per parser version, URL in ``meta.info``) and the parser's output checked
by its maintainers (``<Publisher>.json``: versions in date order, each with ``body``). The main text is that
body as the page shows it (``fundus_blocks``). A block that does not occur in the page's visible text (a
summary taken from ``<meta>``, an element the page only fills by script) is dropped, its index recorded in
``dropped_blocks``: no extractor can find it. Pages are chosen per language (``LANGUAGES``: the language of
the kept text, not of the country folder); German, the most frequent, one page per publisher, the newest,
``GERMAN_PAGES`` of them by a fixed seed; every other language all its pages. Within each language, sorted
by id, every second publisher (every second page where a language has one) is ``held-out``: measured and
reported, never looked at while tuning.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

from benchmarks.multilingual_devset import (
    MANIFEST,
    ManifestRow,
    Snapshots,
    fundus_blocks,
    mirror_root,
    read_manifest,
    write_manifest,
)
from etl.extract.language import detect_language

REPOSITORY = "flairNLP/fundus"
TEST_DATA = "tests/resources/parser/test_data"
COUNTRIES = ("at", "ch", "de", "li", "lu", "es", "mx", "py", "fr", "it", "pl", "pt", "ru", "ua", "jp", "cn", "tw", "kr")
LANGUAGES = frozenset({"de", "es", "fr", "it", "pl", "pt", "ru", "uk", "ja", "zh", "ko"})
GERMAN_PAGES = 40
MIN_CHARS = 200
SEED = 17
_SPACE_RE = re.compile(r"\s+")
_HTML_RE = re.compile(r"(?P<publisher>.+)_(?P<date>\d{4}_\d\d_\d\d)\.html\.gz")


def _visible_text(html: bytes) -> str:
    """The page's text without any whitespace (so that spacing around inline elements cannot differ)."""
    soup = BeautifulSoup(html, "lxml")
    for element in soup(["script", "style", "noscript", "template", "head"]):
        element.decompose()
    return _unspaced(soup.get_text())


def _unspaced(text: str) -> str:
    return _SPACE_RE.sub("", text)


def candidates(snapshots: Snapshots, commit: str) -> list[ManifestRow]:
    """Every page with a body whose language is one we serve, newest version of each publisher first
    (``split`` still empty)."""
    found = []
    for country in COUNTRIES:
        folder = f"{TEST_DATA}/{country}"
        names = snapshots.names(REPOSITORY, commit, folder)
        if "meta.info" not in names:
            continue
        pages: dict[str, list[str]] = {}
        for name in names:
            if match := _HTML_RE.fullmatch(name):
                pages.setdefault(match["publisher"], []).append(name)
        for publisher, files in sorted(pages.items()):
            expected = json.loads(snapshots.read(REPOSITORY, commit, f"{folder}/{publisher}.json"))
            if len(expected) != len(files):
                continue  # versions and pages do not pair one to one
            for version, name in reversed(list(zip(sorted(expected), sorted(files), strict=True))):
                body = expected[version].get("body")
                if not body:
                    continue
                path = f"{folder}/{name}"
                html = gzip.decompress(snapshots.read(REPOSITORY, commit, path))
                blocks = fundus_blocks(body)
                visible = _visible_text(html)
                dropped = tuple(index for index, block in enumerate(blocks) if _unspaced(block) not in visible)
                shown = [block for index, block in enumerate(blocks) if index not in dropped]
                language = detect_language("\n".join(shown))
                if language not in LANGUAGES or sum(map(len, shown)) < MIN_CHARS:
                    continue
                found.append(
                    ManifestRow(
                        id=f"{language}-{publisher.lower()}-{name.rsplit('_', 3)[1]}",
                        language=language,
                        split="",
                        repository=REPOSITORY,
                        commit=commit,
                        path=path,
                        selector="",
                        fundus_version=version,
                        dropped_blocks=dropped,
                        html_sha256=hashlib.sha256(html).hexdigest(),
                        text_sha256=hashlib.sha256("\n\n".join(shown).encode()).hexdigest(),
                    )
                )
    return found


def choose(found: list[ManifestRow]) -> list[ManifestRow]:
    """The pages to add, each with its split (``dev`` or ``held-out``)."""
    german: dict[str, ManifestRow] = {}
    for page in found:
        if page.language == "de":
            german.setdefault(page.id.rsplit("-", 1)[0], page)  # the newest page of each publisher
    chosen_german = random.Random(SEED).sample(sorted(german.values(), key=lambda p: p.id), GERMAN_PAGES)
    pages = [page for page in found if page.language != "de"] + chosen_german
    chosen = []
    for language in sorted({page.language for page in pages}):
        ordered = sorted((page for page in pages if page.language == language), key=lambda p: p.id)
        publishers = sorted({_publisher(page) for page in ordered})
        for index, page in enumerate(ordered):
            rank = publishers.index(_publisher(page)) if len(publishers) > 1 else index
            chosen.append(ManifestRow(**{**page.__dict__, "split": "held-out" if rank % 2 else "dev"}))
    return chosen


def _publisher(page: ManifestRow) -> str:
    """The publisher part of a page id (``de-faz-2025``: ``faz``): its pages stay in one split."""
    return page.id.split("-")[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commit", default="HEAD", help="fundus revision (default: the snapshot's newest)")
    parser.add_argument("--manifest", type=Path, default=MANIFEST, help="manifest to rewrite")
    args = parser.parse_args(argv)
    snapshots = Snapshots(mirror_root())
    git_dir = snapshots.git_dir(REPOSITORY)
    commit = subprocess.run(
        ["git", f"--git-dir={git_dir}", "rev-parse", f"{args.commit}^{{commit}}"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout.strip()
    rows = [row for row in read_manifest(args.manifest) if row.repository != REPOSITORY]
    for page in choose(candidates(snapshots, commit)):
        rows.append(page)
        print(f"{page.id}\t{page.split}\t{len(page.dropped_blocks)} blocks not on the page", file=sys.stderr)
    write_manifest(rows, args.manifest)
    print(f"fundus commit {commit}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
