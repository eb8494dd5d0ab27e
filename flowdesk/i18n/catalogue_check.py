"""What makes a catalogue incomplete: a wanted message with no translation, or a translation that lost a placeholder.

Placeholders are Qt's ``%1``/``%n``, the core's ``{name}``, argparse's ``%s``/``%r``/``%(name)s``, plus
rich-text tags and entities: a translation must carry the same ones (``%n`` may be spelled out).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

PLACEHOLDERS = re.compile(r"%\(\w+\)[sr]|%\d|%n|%s|%r|\{\w+\}|\$\w+|</?\w+>|&\w+;")

Catalogue = Mapping[tuple[str, str], "list[str] | None"]


def untranslated(wanted: Iterable[tuple[str, str]], catalogue: Catalogue) -> list[str]:
    """``context: 'source'`` of every wanted message the catalogue does not translate."""
    return sorted(f"{c}: {s!r}" for c, s in wanted if catalogue.get((c, s)) is None)


def lost_placeholders(catalogue: Catalogue) -> list[str]:
    """``context: 'source' -> 'translation'`` of every translation whose placeholders differ from its source's."""
    lost = []
    for (context, source), forms in catalogue.items():
        expected = sorted(p for p in PLACEHOLDERS.findall(source) if p != "%n")
        for form in forms or []:
            if sorted(p for p in PLACEHOLDERS.findall(form) if p != "%n") != expected:
                lost.append(f"{context}: {source!r} -> {form!r}")
    return lost
