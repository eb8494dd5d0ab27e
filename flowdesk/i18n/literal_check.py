"""Find user-visible string literals that skip the translation system (``QLabel("Text")`` instead of ``self.tr``).

lupdate only sees strings that go through ``tr``/``translate``; this scan catches the ones that do
not: a literal with words passed to a widget's constructor or to a setter of visible text. A line
may opt out with ``# i18n: ok`` (a product name, a format the user types, a code sample).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

# Callable name -> indexes of positional arguments that are shown to the user.
TEXT_ARGS: dict[str, tuple[int, ...]] = {
    **{name: (0,) for name in (
        "setText", "setToolTip", "setPlaceholderText", "setWindowTitle", "setStatusTip", "setWhatsThis",
        "addMenu", "addItem", "setAccessibleName", "setAccessibleDescription", "setSpecialValueText", "setSuffix",
        "setPrefix", "setTitle", "setLabelText", "addRow", "QLabel", "QPushButton", "QCheckBox", "QRadioButton",
        "QGroupBox", "QAction", "QMenu", "QCommandLinkButton", "add_action", "add_search", "set_subtitle", "KpiTile",
        "Chip", "setHeaderLabel")},
    "addTab": (1,), "insertTab": (2,), "setTabText": (1,), "setTabToolTip": (1,), "addAction": (0, 1),
    "ViewHeader": (0, 1), "ListCard": (0, 1), "EmptyState": (1, 2), "showMessage": (0, 1),
    "information": (1, 2), "warning": (1, 2), "critical": (1, 2), "question": (1, 2), "about": (1, 2),
    "getText": (1, 2), "getItem": (1, 2), "QTreeWidgetItem": (0,), "QListWidgetItem": (0,),
    "QTableWidgetItem": (0,), "setHorizontalHeaderLabels": (0,),
}
_WORDS = re.compile(r"[A-Za-zÀ-ÿ]{2,}")
_TAGS = re.compile(r"<[^>]*>|&\w+;")
_LOGGERS = frozenset({"log", "logger", "_log", "logging", "LOG", "clipboard"})
OPT_OUT = "i18n: ok"


@dataclass(frozen=True)
class Literal:
    """A visible literal found outside the translation system."""

    path: Path
    line: int
    call: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.call}({self.text!r})"


def _text_of(node: ast.expr) -> str | None:
    """The literal text of a string, f-string, concatenation or list of strings (None when not literal)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return ((_text_of(node.left) or "") + (_text_of(node.right) or "")) or None
    if isinstance(node, (ast.List, ast.Tuple)):
        return " ".join(t for t in (_text_of(e) for e in node.elts) if t) or None
    return None


def _name(func: ast.expr) -> tuple[str | None, str | None]:
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else None
        if isinstance(func.value, ast.Call) and getattr(func.value.func, "attr", None) == "clipboard":
            owner = "clipboard"  # clipboard().setText(...) copies, it shows nothing
        return func.attr, owner
    return (func.id, None) if isinstance(func, ast.Name) else (None, None)


def untranslated_literals(path: Path) -> list[Literal]:
    """Visible literals in one file."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    out = []
    for node in ast.walk(ast.parse(source, str(path))):
        if not isinstance(node, ast.Call):
            continue
        name, owner = _name(node.func)
        if name not in TEXT_ARGS or owner in _LOGGERS:
            continue
        for index in TEXT_ARGS[name]:
            if index >= len(node.args):
                continue
            text = _text_of(node.args[index])
            if text is None or not _WORDS.search(_TAGS.sub(" ", text)):
                continue  # rich text counts by its words, not its tags
            if any(OPT_OUT in lines[n - 1] for n in range(node.lineno, (node.end_lineno or node.lineno) + 1)):
                continue
            out.append(Literal(path, node.lineno, name, text))
    return out


def scan(folder: Path) -> list[Literal]:
    """Every visible literal under ``folder``."""
    found: list[Literal] = []
    for path in sorted(folder.rglob("*.py")):
        found += untranslated_literals(path)
    return found
