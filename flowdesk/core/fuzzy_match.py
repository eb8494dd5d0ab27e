"""Fuzzy matching for the command palette: the query's characters in order, scored like fzf and VS Code.

Matching ignores case and accents ("resume" finds "Résumé"); spaces in the query separate words that
must each match. Word starts (after ``_ - . / space`` or a lower-to-upper change) and runs of
consecutive characters score higher, so "nd" ranks "next_dates" above "newsletter_automation".
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_SEPARATORS = frozenset(" _-./:·…")
_MATCH, _WORD_START, _CONSECUTIVE, _FIRST_CHAR, _GAP = 1, 8, 5, 6, -1


def fold(text: str) -> str:
    """Lower case without accents, one character per character of ``text`` (so positions line up)."""
    out = []
    for char in text:
        base = unicodedata.normalize("NFD", char)[0]
        out.append(base.lower() if len(base.lower()) == 1 else char)
    return "".join(out)


def _word_starts(text: str) -> list[bool]:
    starts = []
    for i, char in enumerate(text):
        prev = text[i - 1] if i else " "
        starts.append(i == 0 or prev in _SEPARATORS or (prev.islower() and char.isupper())
                      or (not prev.isalnum() and char.isalnum()))
    return starts


@dataclass(frozen=True)
class Match:
    """A text the query matched, its score (higher is better) and the matched character positions."""

    score: int
    positions: tuple[int, ...]


def _match_word(word: str, folded: str, starts: list[bool]) -> tuple[int, list[int]] | None:
    """Best-effort greedy match of one query word: prefer word starts, then the earliest occurrence."""
    positions: list[int] = []
    pos = 0
    for char in word:
        # Prefer the next occurrence at a word start when there is one; else the next occurrence.
        found = -1
        candidate = folded.find(char, pos)
        first = candidate
        while candidate != -1:
            if starts[candidate] or (positions and candidate == positions[-1] + 1):
                found = candidate
                break
            candidate = folded.find(char, candidate + 1)
        if found == -1:
            found = first
        if found == -1:
            return None
        positions.append(found)
        pos = found + 1
    score = 0
    for n, p in enumerate(positions):
        score += _MATCH
        if starts[p]:
            score += _WORD_START + (_FIRST_CHAR if p == 0 else 0)
        if n and p == positions[n - 1] + 1:
            score += _CONSECUTIVE
        elif n:
            score += _GAP * min(p - positions[n - 1] - 1, 5)
    return score, positions


def fuzzy_match(query: str, text: str) -> Match | None:
    """The match of ``query`` in ``text``, or None; an empty query matches everything with score 0."""
    words = fold(query).split()
    if not words:
        return Match(0, ())
    folded = fold(text)
    starts = _word_starts(text)
    total, positions = 0, set()
    for word in words:
        found = _match_word(word, folded, starts)
        if found is None:
            return None
        total += found[0]
        positions.update(found[1])
    if folded.startswith("".join(words)):
        total += 10  # typed the beginning exactly
    total -= len(text) // 16  # between equals, the shorter text is the better guess
    return Match(total, tuple(sorted(positions)))


def rank(query: str, texts: list[str]) -> list[tuple[int, Match]]:
    """(index, match) of the texts that match, best first (stable for equal scores)."""
    found = [(i, m) for i, t in enumerate(texts) if (m := fuzzy_match(query, t)) is not None]
    return sorted(found, key=lambda item: -item[1].score)
