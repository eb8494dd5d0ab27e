"""Refresh the catalogues from the sources: ``python -m flowdesk.i18n.extract`` (``make translations``).

``pyside6-lupdate`` reads ``self.tr(...)``, ``QCoreApplication.translate(...)`` and the CLI's
``translate(...)`` in flowdesk/gui and flowdesk/cli. Two kinds of strings it cannot see are written
to a stub it reads as well (build/i18n/extra_strings.py, never committed): calls to a module's
one-line helper (``def _tr(text): return QCoreApplication.translate("Time", text)``) and the
built-in tools' descriptions and action docs from their config.json (context ``BuiltinTools``).
The Qt-free core marks its user-facing messages with ``translatable("Ctx", "template {name}", ...)``
or ``message_template("Ctx", "...")`` (flowdesk.core.translatable), found here by reading flowdesk/core;
argparse's own words come from flowdesk.i18n.argparse_words (context ``argparse``).
Then every .ts is updated (finished translations kept, vanished strings dropped) and compiled.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from flowdesk.i18n.catalog import I18N_DIR, compile_qm, find_tool
from flowdesk.i18n.language import TRANSLATED

REPO = I18N_DIR.parents[1]
SOURCE_DIRS = ("flowdesk/gui", "flowdesk/cli")
CORE_DIR = "flowdesk/core"
CORE_MARKERS = frozenset({"translatable", "message_template"})
TOOLS_DIR = REPO / "flowdesk" / "tools"
STUB = REPO / "build" / "i18n" / "extra_strings.py"
TOOL_CONTEXT = "BuiltinTools"

Message = tuple[str, str, bool]  # context, source text, plural (%n)


def _translate_context(call: ast.expr, parameter: str) -> str | None:
    """"Ctx" when ``call`` is ``[QCoreApplication.]translate("Ctx", <parameter>, ...)``."""
    if not isinstance(call, ast.Call) or len(call.args) < 2:
        return None
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
    context, text = call.args[0], call.args[1]
    if name in ("translate", "translatable") and isinstance(context, ast.Constant) and isinstance(context.value, str) \
            and isinstance(text, ast.Name) and text.id == parameter:
        return context.value
    return None


def helper_contexts(tree: ast.Module) -> dict[str, str]:
    """Module-level one-line helpers that translate their argument in a fixed context: name -> context."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.args.args and len(node.body) >= 1:
            last = node.body[-1]
            if isinstance(last, ast.Return) and last.value is not None:
                context = _translate_context(last.value, node.args.args[0].arg)
                if context is not None:
                    found[node.name] = context
    return found


def helper_messages(path: Path) -> list[Message]:
    """The literal strings passed to ``path``'s translating helpers, with the helper's context."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    helpers = helper_contexts(tree)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                out.append((helpers[node.func.id], first.value, len(node.args) > 2 or
                            any(k.arg == "n" for k in node.keywords)))
    return out


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def core_messages(path: Path) -> list[Message]:
    """The core's marked messages in ``path``: ``translatable``/``message_template`` calls with literal context and
    template, and literal calls of the module's one-line helpers around ``translatable``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    out = list(helper_messages(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or len(node.args) < 2:
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        context, template = _literal(node.args[0]), _literal(node.args[1])
        if name in CORE_MARKERS and context is not None and template is not None:
            out.append((context, template, False))
    return out


def _actions(config: dict) -> Iterator[dict]:
    actions = config.get("actions") or {}
    if isinstance(actions, dict):
        yield from (a for a in actions.values() if isinstance(a, dict))
    elif isinstance(actions, list):
        yield from (a for a in actions if isinstance(a, dict))


def tool_strings(config: dict) -> list[str]:
    """What the window and the CLI show of a built-in tool: description, action descriptions, parameters, results."""
    out = [config.get("description")]
    for action in _actions(config):
        out.append(action.get("description"))
        parameters = action.get("parameters") or {}
        if isinstance(parameters, dict):
            out += [v for v in parameters.values() if isinstance(v, str)]
        for param in action.get("params") or []:
            if isinstance(param, dict):
                out.append(param.get("description"))
        examples = action.get("examples") or {}
        for example in (examples.values() if isinstance(examples, dict) else examples):
            if isinstance(example, dict) and isinstance(example.get("result"), str):
                out.append(example["result"])
    return [s for s in out if isinstance(s, str) and s.strip()]


def builtin_tool_messages(tools_dir: Path = TOOLS_DIR) -> list[Message]:
    """Every built-in tool's strings, context BuiltinTools."""
    out = []
    for config_file in sorted(tools_dir.glob("*/config.json")):
        out += [(TOOL_CONTEXT, s, False) for s in tool_strings(json.loads(config_file.read_text(encoding="utf-8")))]
    return out


def source_files(repo: Path = REPO) -> list[Path]:
    """The Python files lupdate reads."""
    return sorted(p for d in SOURCE_DIRS for p in (repo / d).rglob("*.py"))


def write_stub(messages: Iterable[Message], stub: Path = STUB) -> Path:
    """A Python file of translate() calls lupdate extracts (duplicates dropped)."""
    seen, lines = set(), ['"""Generated by flowdesk.i18n.extract: strings lupdate cannot see in the sources."""', ""]
    for context, text, plural in messages:
        if (context, text) in seen:
            continue
        seen.add((context, text))
        extra = ", None, 1" if plural else ""
        lines.append(f"QCoreApplication.translate({json.dumps(context)}, {json.dumps(text, ensure_ascii=False)}{extra})")
    stub.parent.mkdir(parents=True, exist_ok=True)
    stub.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return stub


def update_catalogue(ts: Path, files: list[Path], stub: Path, language: str) -> str:
    """Run lupdate over ``files`` and ``stub`` into ``ts``; returns its report."""
    lupdate = find_tool("pyside6-lupdate")
    if lupdate is None:
        raise SystemExit("pyside6-lupdate not found (it comes with PySide6)")
    command = [lupdate, "-no-obsolete", "-locations", "none", "-source-language", "en", "-target-language", language,
               *map(str, files), str(stub), "-ts", str(ts)]
    return subprocess.run(command, check=True, capture_output=True, text=True, cwd=REPO).stdout


def all_messages(repo: Path = REPO) -> list[Message]:
    """Helper calls of every source file and the built-in tools' strings."""
    messages: list[Message] = []
    for path in source_files(repo):
        messages += helper_messages(path)
    for path in sorted((repo / CORE_DIR).rglob("*.py")):
        messages += core_messages(path)
    from flowdesk.i18n.argparse_words import ARGPARSE_CONTEXT, ARGPARSE_WORDS

    messages += [(ARGPARSE_CONTEXT, text, False) for text in ARGPARSE_WORDS]
    return messages + builtin_tool_messages(repo / "flowdesk" / "tools")


def read_catalogue(ts: Path) -> dict[tuple[str, str], list[str] | None]:
    """(context, source) -> its translation(s) (numerus forms), or None when unfinished, vanished or empty."""
    import xml.etree.ElementTree as ET  # noqa: N817 - the usual spelling

    out: dict[tuple[str, str], list[str] | None] = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            source = message.findtext("source") or ""
            if translation is None or translation.get("type") in ("unfinished", "vanished", "obsolete"):
                out[(name, source)] = None
                continue
            forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
            out[(name, source)] = forms if all(f.strip() for f in forms) else None
    return out


def fresh_messages(folder: Path, repo: Path = REPO) -> set[tuple[str, str]]:
    """What the sources ask to translate today: a scratch extraction into ``folder`` (the catalogue untouched)."""
    stub = write_stub(all_messages(repo), folder / "extra_strings.py")
    scratch = folder / "scratch.ts"
    update_catalogue(scratch, source_files(repo), stub, TRANSLATED[0])
    return set(read_catalogue(scratch))


def main() -> int:
    """Update every shipped catalogue from the sources, then compile it."""
    stub = write_stub(all_messages())
    for language in TRANSLATED:
        print(update_catalogue(I18N_DIR / f"flowdesk_{language}.ts", source_files(), stub, language).strip())
        qm = compile_qm(language, force=True)
        print(f"{language}: {qm}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
