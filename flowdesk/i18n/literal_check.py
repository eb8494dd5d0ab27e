"""Find user-visible string literals that skip the translation system (``QLabel("Text")`` instead of ``self.tr``).

lupdate only sees strings that go through ``tr``/``translate``; this scan catches the ones that do
not. What counts is what a person reads, in the window or on the terminal:

- a literal with words passed to a widget's constructor or to a setter of visible text (TEXT_ARGS);
- a literal printed to the terminal: ``print(...)``, ``sys.stdout/sys.stderr.write(...)``,
  ``SystemExit("...")``/``sys.exit("...")`` and argparse's ``parser.error("...")`` (TERMINAL_ARGS);
- argparse's help page: ``help=``, ``description=``, ``epilog=``, ``title=``, ``usage=`` of
  ``add_argument``/``add_parser``/``ArgumentParser``/``add_subparsers``/``add_argument_group`` and
  the title and description ``add_argument_group`` takes by position (ARGPARSE_KEYWORDS);
- a literal with words filling a translated message's placeholder: ``.replace("%1", "in use")``;
- a module-level constant named as shown text (``NO_DISPLAY_MESSAGE = "..."``, names ending in
  ``_MESSAGE``/``_TEXT``/``_HELP``/``_HINT``/``_TITLE``/``_LABEL``) holding a plain literal with words:
  the language is decided after import, so such a constant is printed as written (mark it with
  ``QT_TRANSLATE_NOOP`` or word it in a function instead);
- with ``raised=True`` (the CLI, where ``main`` prints a FlowDeskError's message as the command's
  error line): the message of an exception FlowDesk raises (``FooError("...")``).

Log messages stay English: ``log.warning("...")``, ``logger.info(...)`` and the like go to log files
read by whoever debugs, so calls on a logger (``_LOGGERS``) are never flagged, and neither are
docstrings, dict keys or machine output (JSON, a metavar, a command name). The product name
(FlowDesk, ``flowdesk:`` before an error line) and URLs are not words to translate. A line may opt out with
``# i18n: ok`` (a product name, a format the user types, a code sample).
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
# Callable name -> indexes of positional arguments a person reads on the terminal (``None``: every one).
TERMINAL_ARGS: dict[str, tuple[int, ...] | None] = {
    "print": None, "SystemExit": (0,), "exit": (0,), "error": (0,), "add_argument_group": (0, 1),
}
_STREAMS = frozenset({"sys.stdout", "sys.stderr", "stdout", "stderr"})  # owners whose .write() reaches the terminal
# argparse calls whose keyword arguments are shown in ``--help`` and its errors.
ARGPARSE_CALLS = frozenset({"add_argument", "add_parser", "ArgumentParser", "add_subparsers", "add_argument_group",
                            "add_mutually_exclusive_group"})
ARGPARSE_KEYWORDS = frozenset({"help", "description", "epilog", "title", "usage"})
_PLACEHOLDER = re.compile(r"%(\d|n)")
_PRODUCT = re.compile(r"\bflowdesk\b", re.IGNORECASE)
_URL = re.compile(r"\w+://\S*")
_SHOWN_CONSTANT = re.compile(r"[A-Z0-9_]*_(MESSAGE|TEXT|HELP|HINT|TITLE|LABEL)S?")
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


def _dotted(node: ast.expr) -> str | None:
    """``sys.stderr`` for ``sys.stderr``, ``log`` for ``log`` (None for anything else)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = _dotted(node.value)
        return f"{owner}.{node.attr}" if owner else None
    return None


def _name(func: ast.expr) -> tuple[str | None, str | None]:
    if isinstance(func, ast.Attribute):
        owner = _dotted(func.value)
        if isinstance(func.value, ast.Call) and getattr(func.value.func, "attr", None) == "clipboard":
            owner = "clipboard"  # clipboard().setText(...) copies, it shows nothing
        return func.attr, owner
    return (func.id, None) if isinstance(func, ast.Name) else (None, None)


def _shown_args(node: ast.Call, name: str | None, owner: str | None, raised: bool) -> list[ast.expr]:
    """The arguments of ``node`` a person reads (empty for a call that shows nothing)."""
    if name is None or owner in _LOGGERS or (owner or "").split(".")[-1] in _LOGGERS:
        return []
    shown: list[ast.expr] = []
    if name in TEXT_ARGS:
        shown += [node.args[i] for i in TEXT_ARGS[name] if i < len(node.args)]
    if name in TERMINAL_ARGS:
        indexes = TERMINAL_ARGS[name]
        shown += list(node.args) if indexes is None else [node.args[i] for i in indexes if i < len(node.args)]
    if name == "write" and owner in _STREAMS:
        shown += list(node.args[:1])
    if name in ARGPARSE_CALLS:
        shown += [k.value for k in node.keywords if k.arg in ARGPARSE_KEYWORDS]
    if name == "replace" and len(node.args) == 2 and isinstance(node.args[0], ast.Constant) \
            and isinstance(node.args[0].value, str) and _PLACEHOLDER.fullmatch(node.args[0].value):
        shown.append(node.args[1])
    if raised and name.endswith("Error") and node.args:
        shown.append(node.args[0])
    return shown


def _has_words(text: str) -> bool:
    """True when ``text`` has words to translate: rich text counts by its words, not its tags; FlowDesk is a name."""
    return bool(_WORDS.search(_PRODUCT.sub(" ", _URL.sub(" ", _TAGS.sub(" ", text)))))


def _shown_constants(tree: ast.Module) -> list[tuple[str, ast.expr, ast.stmt]]:
    """Module-level ``NAME_MESSAGE = <literal>`` assignments: (name, value, the assignment)."""
    out = []
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None \
                and not isinstance(node.value, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            out += [(t.id, node.value, node) for t in targets if isinstance(t, ast.Name) and _SHOWN_CONSTANT.fullmatch(t.id)]
    return out


def untranslated_literals(path: Path, *, raised: bool = False, source: str | None = None) -> list[Literal]:
    """Visible literals in one file (``source``: its text, when it is not read from ``path``)."""
    source = path.read_text(encoding="utf-8") if source is None else source
    lines = source.splitlines()
    tree = ast.parse(source, str(path))
    candidates = _shown_constants(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name, owner = _name(node.func)
            candidates += [(name or "", arg, node) for arg in _shown_args(node, name, owner, raised)]
    out = set()
    for name, arg, whole in candidates:
        text = _text_of(arg)
        if text is None or not _has_words(text):
            continue
        if any(OPT_OUT in lines[n - 1] for n in range(whole.lineno, (whole.end_lineno or whole.lineno) + 1)):
            continue
        out.add(Literal(path, arg.lineno, name, text))
    return sorted(out, key=lambda found: (found.line, found.call, found.text))


def scan(folder: Path, *, raised: bool = False) -> list[Literal]:
    """Every visible literal under ``folder`` (``raised``: exception messages count too, as in the CLI)."""
    found: list[Literal] = []
    for path in sorted(folder.rglob("*.py")):
        found += untranslated_literals(path, raised=raised)
    return found
