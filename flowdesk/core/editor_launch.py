"""The command that opens a file at a line in the user's editor: the configured one, $VISUAL/$EDITOR, or one found."""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

# How each editor is told "this file, this line"; {file} and {line} are filled in.
LINE_SYNTAX: dict[str, list[str]] = {
    "code": ["-g", "{file}:{line}"], "codium": ["-g", "{file}:{line}"], "code-insiders": ["-g", "{file}:{line}"],
    "cursor": ["-g", "{file}:{line}"], "subl": ["{file}:{line}"], "zed": ["{file}:{line}"],
    "pycharm": ["--line", "{line}", "{file}"], "charm": ["--line", "{line}", "{file}"],
    "idea": ["--line", "{line}", "{file}"], "kate": ["--line", "{line}", "{file}"],
    "gedit": ["+{line}", "{file}"], "gnome-text-editor": ["+{line}", "{file}"], "geany": ["+{line}", "{file}"],
    "mousepad": ["--line", "{line}", "{file}"], "emacsclient": ["-n", "+{line}", "{file}"],
    "gvim": ["+{line}", "{file}"], "mate": ["-l", "{line}", "{file}"], "notepad++": ["-n{line}", "{file}"],
}
# Terminal editors need a terminal the app does not have: they are skipped in $VISUAL/$EDITOR.
_TERMINAL_ONLY = frozenset({"vi", "vim", "nvim", "nano", "emacs", "micro", "ed", "joe", "helix", "hx", "kak"})
SEARCH_ORDER = ("code", "codium", "cursor", "zed", "subl", "pycharm", "charm", "idea", "kate", "gnome-text-editor",
                "gedit", "geany", "mousepad", "gvim")


def _fill(parts: list[str], path: Path, line: int) -> list[str]:
    return [p.replace("{file}", str(path)).replace("{line}", str(line)) for p in parts]


def editor_command(path: Path, line: int, configured: str | None = None, environ: Mapping[str, str] | None = None,
                   which: Callable[[str], str | None] = shutil.which) -> list[str] | None:
    """argv opening ``path`` at ``line``, or None (then the system's default application opens the file).

    ``configured`` is a command line with ``{file}`` and ``{line}`` (Settings); without ``{file}`` the
    path is appended.
    """
    if configured and configured.strip():
        parts = shlex.split(configured)
        return _fill(parts, path, line) if any("{file}" in p for p in parts) else [*_fill(parts, path, line), str(path)]
    env = os.environ if environ is None else environ
    for variable in ("VISUAL", "EDITOR"):
        value = env.get(variable, "").strip()
        if not value:
            continue
        parts = shlex.split(value)
        name = Path(parts[0]).name
        if name in _TERMINAL_ONLY:
            continue
        return [*parts, *_fill(LINE_SYNTAX.get(name, ["{file}"]), path, line)]
    for name in SEARCH_ORDER:
        found = which(name)
        if found:
            return [found, *_fill(LINE_SYNTAX[name], path, line)]
    return None
