"""The side-by-side benchmark runs every extractor on every page, scores and times them, prints a table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.devset import load_devset
from benchmarks.extraction import main, run_all, table

ARTICLE = "The council approved the new bridge on Thursday evening after a long debate."


@pytest.fixture
def devset(tmp_path: Path) -> Path:
    (tmp_path / "html").mkdir()
    truth = {}
    rows = ["id\tdomain\tnews_publisher\thtml_bytes\turl"]
    for page_id, news in (("0001", "1"), ("0002", "0"), ("0003", "0"), ("0004", "1")):
        html = f"<html><body><nav><a href='/'>Home</a></nav><article><p>{ARTICLE}</p></article></body></html>"
        (tmp_path / "html" / f"{page_id}.html").write_text(html, "utf-8")
        truth[page_id] = {"articleBody": ARTICLE, "url": f"https://example.com/{page_id}"}
        rows.append(f"{page_id}\texample.com\t{news}\t{len(html)}\thttps://example.com/{page_id}")
    (tmp_path / "ground-truth.json").write_text(json.dumps(truth), "utf-8")
    (tmp_path / "pages.tsv").write_text("\n".join(rows) + "\n", "utf-8")
    return tmp_path


def test_load_devset_reads_pages_truth_and_publisher_flag(devset: Path) -> None:
    pages = list(load_devset(devset))
    assert [page.id for page in pages] == ["0001", "0002", "0003", "0004"]
    assert [page.news_publisher for page in pages] == [True, False, False, True]
    assert pages[0].truth == ARTICLE and pages[0].url == "https://example.com/0001"


def test_run_all_scores_each_extractor_and_a_crash_as_empty(devset: Path) -> None:
    pages = list(load_devset(devset))

    def failing(html: str, url: str | None) -> str:
        raise ValueError("broken")

    runs = run_all({"perfect": lambda html, url: ARTICLE, "failing": failing}, pages)
    by_name = {run.name: run for run in runs}
    assert by_name["perfect"].all_pages.f1 == 1.0 and by_name["perfect"].news.pages == 2
    assert by_name["failing"].all_pages.empty == 4
    assert all(run.pages_per_s > 0 for run in runs)


def test_main_prints_our_row_with_the_scores(devset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--devset", str(devset), "--only", "ours"]) == 0
    out = capsys.readouterr().out
    assert "4 pages (2 news publishers)" in out
    row = next(line for line in out.splitlines() if line.startswith("ours"))
    assert row.split()[1:4] == ["1.000", "1.000", "1.000"]


def test_table_shows_the_ratio_to_trafilatura(devset: Path) -> None:
    pages = list(load_devset(devset))
    runs = run_all({"ours": lambda html, url: ARTICLE, "trafilatura": lambda html, url: ARTICLE}, pages)
    assert "ours / trafilatura: F1 1.000x, news F1 1.000x" in table(runs)
