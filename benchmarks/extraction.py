"""Main-text extraction side by side: ours, trafilatura and readability-lxml on the dev sets, one process.

    .venv/bin/python -m benchmarks.extraction [--devset DIR] [--multilingual DIR] [--only ours] [--set NAME]

Prints, per extractor, shingle precision, recall and F1 (``benchmarks.shingle``, the ScrapingHub metric)
over all pages and over the news-publisher subset, empty outputs, and single-process pages/s and MB/s
(time of the extraction call only, after three untimed warm-up pages; the extractors take turns page by
page), then our ratios to trafilatura. Then the same extractors on the multilingual dev set (built from
fetched snapshots of its sources into ``benchmarks/multilingual-devset/.cache`` when missing:
``benchmarks.multilingual_devset``), its F1 per language and split (dev pages, looked at while tuning;
held-out pages, never looked at), per split and over all its pages.
trafilatura, readability-lxml and html-text come from ``requirements-dev.txt``: references, never runtime.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.devset import DevPage, default_devset_dir, load_devset, multilingual_devset_dir, stored_text
from benchmarks.multilingual_devset import BuildMismatch, SnapshotMissing
from benchmarks.shingle import Score, score

Extractor = Callable[[str, "str | None"], str]
WARMUP_PAGES = 3


@dataclass(frozen=True)
class Run:
    """One extractor's figures on the dev set."""

    name: str
    all_pages: Score
    news: Score
    seconds: float
    pages: int
    megabytes: float

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds

    @property
    def mb_per_s(self) -> float:
        return self.megabytes / self.seconds


def _trafilatura() -> Extractor:
    import trafilatura

    return lambda html, url: trafilatura.extract(html, include_comments=False) or ""


def _readability() -> Extractor:
    import html_text
    from readability import Document  # type: ignore[import-untyped]

    return lambda html, url: html_text.extract_text(Document(html).summary(html_partial=True))


EXTRACTORS: dict[str, Callable[[], Extractor]] = {
    "ours": lambda: stored_text,
    "trafilatura": _trafilatura,
    "readability": _readability,
}


def _extract(name: str, extractor: Extractor, page: DevPage) -> str:
    """The extractor's text for one page; a crash prints a line and scores as empty output."""
    try:
        return extractor(page.html, page.url)
    except Exception as error:  # a reference tool failing on one page must not stop the run
        print(f"  {name} failed on {page.id}: {type(error).__name__}: {error}", file=sys.stderr)
        return ""


def run_all(extractors: dict[str, Extractor], pages: list[DevPage]) -> list[Run]:
    """Extract every page once with each extractor (``extract_all``) and score the outputs."""
    outputs, seconds = extract_all(extractors, pages)
    megabytes = sum(page.size_bytes for page in pages) / 1e6
    runs = []
    for name in extractors:
        pairs = [(page.truth, text) for page, text in zip(pages, outputs[name], strict=True)]
        news = [pair for page, pair in zip(pages, pairs, strict=True) if page.news_publisher]
        runs.append(Run(name, score(pairs), score(news), seconds[name], len(pages), megabytes))
    return runs


def extract_all(
    extractors: dict[str, Extractor], pages: list[DevPage]
) -> tuple[dict[str, list[str]], dict[str, float]]:
    """Every extractor's text for every page, and its seconds, extracted once each, interleaved page by
    page in a rotating order, so that a shared machine's load and the first pass's memory growth weigh on
    all alike. Only the extractor call is timed; a crash counts as empty output."""
    names = list(extractors)
    for page in pages[:WARMUP_PAGES]:
        for name in names:
            _extract(name, extractors[name], page)
    outputs: dict[str, list[str]] = {name: [] for name in names}
    seconds = dict.fromkeys(names, 0.0)
    for index, page in enumerate(pages):
        for name in names[index % len(names) :] + names[: index % len(names)]:
            started = time.perf_counter()
            text = _extract(name, extractors[name], page)
            seconds[name] += time.perf_counter() - started
            outputs[name].append(text)
    return outputs, seconds


def by_language(extractors: dict[str, Extractor], pages: list[DevPage]) -> str:
    """F1 per language and split (``dev``: looked at while tuning; ``held-out``: never), then over each
    split and over all pages, of each extractor, as a fixed-width table."""
    outputs, _ = extract_all(extractors, pages)
    names = list(extractors)
    groups: list[tuple[str, str, list[int]]] = []
    for language in sorted({page.language or "?" for page in pages}):
        for split in ("dev", "held-out"):
            chosen = [i for i, page in enumerate(pages) if (page.language or "?") == language and _split(page) == split]
            if chosen:
                groups.append((language, split, chosen))
    for split in ("dev", "held-out"):
        groups.append(("all", split, [i for i, page in enumerate(pages) if _split(page) == split]))
    groups.append(("all", "both", list(range(len(pages)))))
    lines = [f"{'language':<10}{'split':<10}{'pages':>6}" + "".join(f"{name + ' F1':>16}" for name in names)]
    for language, split, chosen in groups:
        cells = "".join(
            f"{score((pages[index].truth, outputs[name][index]) for index in chosen).f1:>16.3f}" for name in names
        )
        lines.append(f"{language:<10}{split:<10}{len(chosen):>6}{cells}")
    return "\n".join(lines)


def _split(page: DevPage) -> str:
    return "held-out" if page.held_out else "dev"


def table(runs: list[Run]) -> str:
    """The figures as a fixed-width table, then our ratios to trafilatura when both ran."""
    lines = [
        f"{'extractor':<13}{'P':>7}{'R':>7}{'F1':>7}{'empty':>7}{'news P':>8}{'news R':>8}{'news F1':>9}"
        f"{'pages/s':>9}{'MB/s':>7}"
    ]
    for r in runs:
        a, n = r.all_pages, r.news
        lines.append(
            f"{r.name:<13}{a.precision:>7.3f}{a.recall:>7.3f}{a.f1:>7.3f}{a.empty:>7}"
            f"{n.precision:>8.3f}{n.recall:>8.3f}{n.f1:>9.3f}{r.pages_per_s:>9.1f}{r.mb_per_s:>7.2f}"
        )
    by_name = {r.name: r for r in runs}
    if "ours" in by_name and "trafilatura" in by_name:
        ours, ref = by_name["ours"], by_name["trafilatura"]
        lines.append(
            f"ours / trafilatura: F1 {ours.all_pages.f1 / ref.all_pages.f1:.3f}x, "
            f"news F1 {ours.news.f1 / ref.news.f1:.3f}x, pages/s {ours.pages_per_s / ref.pages_per_s:.2f}x"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--devset", type=Path, default=default_devset_dir(), help="dev-set directory")
    parser.add_argument(
        "--multilingual", type=Path, help="multilingual dev-set directory (default: the cache, built when missing)"
    )
    parser.add_argument("--only", action="append", choices=sorted(EXTRACTORS), help="run only these (repeatable)")
    parser.add_argument(
        "--set", choices=("both", "devset", "multilingual"), default="both", help="which dev set(s) to run"
    )
    args = parser.parse_args(argv)
    if args.set != "multilingual" and args.devset is None:
        parser.error("no dev set found; give --devset DIR")
    try:
        extractors = {name: EXTRACTORS[name]() for name in args.only or EXTRACTORS}
    except ImportError as error:
        parser.error(f"{error}: the reference extractors come from requirements-dev.txt (make install-dev)")
    multilingual: Path | None = None
    if args.set != "devset":  # before any extraction: a set that cannot be built stops the run at once
        try:
            multilingual = args.multilingual or multilingual_devset_dir()
        except (SnapshotMissing, BuildMismatch) as error:
            print(f"error: multilingual dev set: {error}", file=sys.stderr)
            return 1
    if args.set != "multilingual":
        pages = list(load_devset(args.devset))
        news = sum(page.news_publisher for page in pages)
        print(f"dev set {args.devset}: {len(pages)} pages ({news} news publishers), metric: 4-word-shingle F1")
        print(table(run_all(extractors, pages)))
    if multilingual is not None:
        pages = list(load_devset(multilingual))
        print(f"\nmultilingual dev set {multilingual}: {len(pages)} pages, metric: 4-word-shingle F1")
        print(by_language(extractors, pages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
