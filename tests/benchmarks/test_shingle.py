"""Our copy of the ScrapingHub shingle metric gives the shared scoring tool's figures exactly."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from benchmarks.shingle import page_counts, score, shingles

TOOL_PATHS = (
    Path(__file__).resolve().parents[3] / "shared" / "tools" / "extraction_score.py",
    Path("/work/shared/tools/extraction_score.py"),
)
PAIRS = [
    ("one two three four five", "one two three four five"),
    ("one two three four five six", "two three four five six seven eight"),
    ("Привет мир, как дела сегодня", "Привет мир, как дела"),
    ("図書館 が 開館 した 今日", ""),
    ("", "menu home news"),
    ("short", "short"),
    ("a b c d a b c d", "a b c d"),
]


def test_shingles_are_four_tokens_or_one_short_shingle() -> None:
    assert shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles("a, b!") == {("a", "b"): 1}
    assert shingles(" ... ") == {}


def test_page_counts_are_normalised() -> None:
    counts = page_counts("a b c d e", "a b c d")
    assert (counts.tp, counts.fp, counts.fn) == (0.5, 0.0, 0.5)
    assert (counts.precision, counts.recall) == (1.0, 0.5)


def test_empty_output_counts_against_recall_only() -> None:
    result = score([("a b c d", "a b c d"), ("a b c d", "")])
    assert (result.precision, result.recall, result.empty) == (1.0, 0.5, 1)


def test_matches_the_shared_scoring_tool() -> None:
    path = next((candidate for candidate in TOOL_PATHS if candidate.is_file()), None)
    if path is None:
        pytest.skip("shared/tools/extraction_score.py is not beside the repository")
    spec = importlib.util.spec_from_file_location("extraction_score", path)
    assert spec and spec.loader
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    ground = {str(index): {"articleBody": truth} for index, (truth, _) in enumerate(PAIRS)}
    predicted = {str(index): text for index, (_, text) in enumerate(PAIRS)}
    expected, _ = tool.score(ground, predicted, "shingle")
    ours = score(PAIRS)
    assert (ours.precision, ours.recall, ours.f1, ours.empty) == pytest.approx(
        (expected["precision"], expected["recall"], expected["f1"], expected["empty_outputs"])
    )
