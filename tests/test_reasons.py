"""``etl.reasons``: one list of failure reasons, stored as their own text, with the retryable ones beside it."""

from __future__ import annotations

import re

from etl.reasons import RETRY_STATUSES, RETRYABLE, Reason, http_reason, is_retryable, retryable_reasons


def test_a_reason_is_stored_as_its_own_snake_case_text() -> None:
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", reason) and str(reason) == reason.value for reason in Reason)
    assert f"{Reason.NO_TEXT}" == "no_text"


def test_retryable_reasons_are_the_listed_ones_and_the_passing_http_statuses() -> None:
    expected = {str(reason) for reason in RETRYABLE} | {f"http_{status}" for status in RETRY_STATUSES}
    assert set(retryable_reasons()) == expected
    assert all(is_retryable(reason) for reason in retryable_reasons())


def test_permanent_reasons_are_not_retried() -> None:
    for reason in (Reason.NOT_HTML, Reason.ROBOTS_DISALLOWED, Reason.NO_TEXT, http_reason(404), http_reason(403)):
        assert not is_retryable(reason)
    assert is_retryable("http_503") and not is_retryable("http_5O3")
