"""The multilingual dev set is rebuilt from git snapshots: pages by commit and path, reference text by our
recorded decisions, every page checked against the manifest's digests, a missing snapshot said plainly."""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from benchmarks.devset import load_devset
from benchmarks.multilingual_devset import (
    FETCH_HINT,
    BuildMismatch,
    ManifestRow,
    SnapshotMissing,
    build,
    ensure_built,
    format_indexes,
    parse_indexes,
    read_blocks,
    read_manifest,
    write_manifest,
)

ARTICLE_PAGE = (
    b"<html><head><meta property='og:url' content='https://news.example/a'><title>T</title></head><body>"
    b"<nav>Home</nav><div class='story'><h1>Bridge approved</h1><p class='byline'>By A. Writer</p>"
    b"<p>The council approved the bridge.</p><script>var x = 1;</script><p>Work starts in <b>May</b>.</p>"
    b"<p>Share this</p></div></body></html>"
)
FUNDUS_PAGE = b"<html><body><article><p>First paragraph here.</p><h2>Sub</h2><p>Second one.</p></article></body></html>"
FUNDUS_BODY = {
    "summary": ["A summary only in meta."],
    "sections": [
        {"headline": [], "paragraphs": ["First paragraph here."]},
        {"headline": ["Sub"], "paragraphs": ["Second  one."]},
    ],
}


def _sha(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


@pytest.fixture
def mirrors(tmp_path: Path) -> tuple[Path, str]:
    """A snapshot of an invented repository ``example/pages`` under ``<root>/example+pages/repo``."""
    source = tmp_path / "source"
    (source / "pages" / "de").mkdir(parents=True)
    (source / "pages" / "story.html").write_bytes(ARTICLE_PAGE)
    (source / "pages" / "de" / "Daily_2024_01_02.html.gz").write_bytes(gzip.compress(FUNDUS_PAGE, mtime=0))
    (source / "pages" / "de" / "Daily.json").write_text(json.dumps({"V1": {"body": FUNDUS_BODY}}))
    (source / "pages" / "de" / "meta.info").write_text(
        json.dumps({"Daily_2024_01_02.html.gz": {"url": "https://daily.example/x"}})
    )
    git_dir = tmp_path / "mirrors" / "example+pages" / "repo"
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", f"--git-dir={git_dir}"]
    subprocess.run(["git", "init", "-q", "--bare", str(git_dir)], check=True)
    subprocess.run([*git, f"--work-tree={source}", "add", "-A"], check=True)
    subprocess.run([*git, f"--work-tree={source}", "commit", "-q", "-m", "pages"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    return tmp_path / "mirrors", commit


def _rows(commit: str, article_text: str, fundus_text: str) -> list[ManifestRow]:
    common = {"repository": "example/pages", "commit": commit}
    return [
        ManifestRow(
            id="en-story",
            language="en",
            split="dev",
            path="pages/story.html",
            selector="div.story",
            fundus_version="",
            dropped_blocks=(0, 1, 4),
            html_sha256=_sha(ARTICLE_PAGE),
            text_sha256=_sha(article_text),
            **common,
        ),
        ManifestRow(
            id="de-daily-2024",
            language="de",
            split="held-out",
            path="pages/de/Daily_2024_01_02.html.gz",
            selector="",
            fundus_version="V1",
            dropped_blocks=(0,),
            html_sha256=_sha(FUNDUS_PAGE),
            text_sha256=_sha(fundus_text),
            **common,
        ),
    ]


ARTICLE_TEXT = "The council approved the bridge.\n\nWork starts in May."
FUNDUS_TEXT = "First paragraph here.\n\nSub\n\nSecond one."


def test_build_writes_pages_and_reference_text_from_the_snapshot(mirrors: tuple[Path, str], tmp_path: Path) -> None:
    root, commit = mirrors
    manifest = tmp_path / "pages.tsv"
    write_manifest(_rows(commit, ARTICLE_TEXT, FUNDUS_TEXT), manifest)
    pages = {page.id: page for page in load_devset(build(tmp_path / "cache", manifest, root))}
    assert pages["en-story"].truth == ARTICLE_TEXT
    assert pages["en-story"].url == "https://news.example/a"
    assert pages["en-story"].html.encode() == ARTICLE_PAGE and not pages["en-story"].held_out
    assert pages["de-daily-2024"].truth == FUNDUS_TEXT
    assert pages["de-daily-2024"].url == "https://daily.example/x"
    assert pages["de-daily-2024"].held_out and pages["de-daily-2024"].language == "de"


def test_a_reference_text_that_differs_from_the_reviewed_one_fails_naming_the_page(
    mirrors: tuple[Path, str], tmp_path: Path
) -> None:
    root, commit = mirrors
    manifest = tmp_path / "pages.tsv"
    write_manifest(_rows(commit, ARTICLE_TEXT + "\n\nShare this", FUNDUS_TEXT), manifest)
    with pytest.raises(BuildMismatch, match="en-story"):
        build(tmp_path / "cache", manifest, root)
    assert not (tmp_path / "cache").exists()


def test_a_missing_snapshot_or_commit_says_what_to_fetch(mirrors: tuple[Path, str], tmp_path: Path) -> None:
    root, commit = mirrors
    manifest = tmp_path / "pages.tsv"
    write_manifest(_rows(commit, ARTICLE_TEXT, FUNDUS_TEXT), manifest)
    with pytest.raises(SnapshotMissing, match="no snapshot of example/pages") as missing:
        build(tmp_path / "cache", manifest, tmp_path / "nowhere")
    assert FETCH_HINT in str(missing.value)
    write_manifest(_rows("0" * 40, ARTICLE_TEXT, FUNDUS_TEXT), manifest)
    with pytest.raises(SnapshotMissing, match="lacks commit 0000000000000000000000000000000000000000"):
        build(tmp_path / "cache", manifest, root)


def test_ensure_built_builds_once_and_again_when_the_manifest_changes(
    mirrors: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root, commit = mirrors
    monkeypatch.setenv("NEWSETL_DEVSET_MIRRORS", str(root))
    manifest, cache = tmp_path / "pages.tsv", tmp_path / "cache"
    write_manifest(_rows(commit, ARTICLE_TEXT, FUNDUS_TEXT), manifest)
    ensure_built(cache, manifest)
    assert capsys.readouterr().err.count("building the multilingual dev set") == 1
    monkeypatch.setenv("NEWSETL_DEVSET_MIRRORS", str(tmp_path / "nowhere"))
    ensure_built(cache, manifest)  # current: no snapshot needed
    assert capsys.readouterr().err == ""
    rows = _rows(commit, ARTICLE_TEXT, FUNDUS_TEXT)
    write_manifest([rows[0], ManifestRow(**{**rows[1].__dict__, "split": "dev"})], manifest)
    with pytest.raises(SnapshotMissing):
        ensure_built(cache, manifest)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cache", "mirrors", "pages.tsv", "source"]


def test_manifest_round_trips_with_block_ranges(tmp_path: Path) -> None:
    assert format_indexes((7, 0, 1, 2, 3, 9, 10)) == "0-3,7,9-10"
    assert parse_indexes("0-3,7,9-10") == (0, 1, 2, 3, 7, 9, 10) and parse_indexes("") == ()
    rows = _rows("a" * 40, ARTICLE_TEXT, FUNDUS_TEXT)
    write_manifest(rows, tmp_path / "pages.tsv")
    assert read_manifest(tmp_path / "pages.tsv") == sorted(rows, key=lambda row: row.id)


def test_read_blocks_keeps_text_elements_whole_and_cuts_runs_at_breaks() -> None:
    html = (
        "<div><p>One<br>line <i>still</i></p>Loose text<br>next line<div>inner</div>tail"
        "<style>p {}</style><ul><li>item</li></ul></div>"
    )
    root = BeautifulSoup(html, "lxml").div
    assert root is not None
    assert read_blocks(root) == ["One line still", "Loose text", "next line", "inner", "tail", "item"]
