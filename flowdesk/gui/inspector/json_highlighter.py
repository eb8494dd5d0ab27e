"""Syntax colours for JSON text (keys, strings, numbers, literals) from the theme's tokens."""

from __future__ import annotations

import re

from flowdesk.gui.qt import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from flowdesk.gui.theme import theme_state

_TOKEN_RE = re.compile(r'(?P<string>"[^"\\]*(?:\\.[^"\\]*)*")(?P<colon>\s*:)?|(?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)'
                       r"|(?P<literal>\btrue\b|\bfalse\b|\bnull\b)")


def _format(token: str) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(getattr(theme_state.palette(), token)))
    return fmt


class JsonHighlighter(QSyntaxHighlighter):
    """Colours one line at a time (JSON pretty-printed by FlowDesk has no multi-line tokens)."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.formats = {"key": _format("accent"), "string": _format("success"), "number": _format("running"),
                        "literal": _format("queued")}

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt override
        """Colour the tokens of one line."""
        for match in _TOKEN_RE.finditer(text):
            if match.group("string") is not None:
                kind = "key" if match.group("colon") else "string"
                self.setFormat(match.start("string"), len(match.group("string")), self.formats[kind])
            elif match.group("number") is not None:
                self.setFormat(match.start(), len(match.group()), self.formats["number"])
            else:
                self.setFormat(match.start(), len(match.group()), self.formats["literal"])
