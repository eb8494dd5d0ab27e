"""fuzzy_match: subsequence in order, accents and case ignored, word starts and runs ranked first."""

from __future__ import annotations

from flowdesk.core.fuzzy_match import fold, fuzzy_match, rank


def test_matches_in_order_ignoring_case_and_accents() -> None:
    assert fuzzy_match("nxdt", "next_dates") is not None
    assert fuzzy_match("resume", "Résumé quotidien") is not None
    assert fuzzy_match("tdxn", "next_dates") is None
    assert fold("Éte") == "ete" and len(fold("ﬁ")) == 1


def test_word_starts_and_consecutive_runs_rank_first() -> None:
    texts = ["windows_download", "next_dates", "input_showcase", "newsletter_automation"]
    assert [texts[i] for i, _ in rank("nd", texts)][:2] == ["next_dates", "windows_download"]
    assert [texts[i] for i, _ in rank("show", texts)] == ["input_showcase"]
    match = fuzzy_match("is", "input_showcase")
    assert match is not None and match.positions == (0, 6)  # both word starts, not the "s" of "input"


def test_every_query_word_must_match() -> None:
    assert fuzzy_match("run next", "Run Next dates") is not None
    assert fuzzy_match("run zzz", "Run Next dates") is None
    assert fuzzy_match("", "anything").score == 0
