"""The CLI's messages in the user's language, without loading Qt when it is English.

``translate("cli", "text")`` is spelled like ``QCoreApplication.translate`` so ``pyside6-lupdate``
extracts it into the same catalogue as the window's strings. In English (the source language, and
the benchmarked case) it returns the text untouched and imports nothing. In French it loads QtCore's
QTranslator and the compiled catalogue once (~40 ms, paid only by French users): reusing Qt's own
.qm reader keeps one format and Qt's plural rules, rather than a hand-written parser of Qt's
binary format.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flowdesk.i18n.language import SOURCE_LANGUAGE, effective_language

_state: dict[str, Any] = {}  # "language", and "translator" once loaded


def _saved_setting() -> str | None:
    """The language chosen in Settings (settings.json in the data dir), if it can be read cheaply."""
    try:
        from flowdesk.core.app_settings import load_app_settings
        from flowdesk.core.workspace import resolve_data_dir

        return load_app_settings(resolve_data_dir(os.environ.get("FLOWDESK_DATA_DIR") or None)).language
    except Exception:  # noqa: BLE001 - no settings: follow the OS
        return None


def cli_language() -> str:
    """The language of this process's messages (decided once)."""
    if "language" not in _state:
        _state["language"] = effective_language(_saved_setting())
    return _state["language"]


def set_language(language: str | None) -> None:
    """Force a language (tests; the app once it has read its data dir's Settings), or None to decide again."""
    _state.clear()
    if language is not None:
        _state["language"] = language


def _translator() -> Any:
    if "translator" not in _state:
        from PySide6.QtCore import QTranslator

        from flowdesk.i18n.catalog import compile_qm

        translator = QTranslator()
        qm = compile_qm(cli_language())
        _state["translator"] = translator if qm is not None and translator.load(str(qm)) else None
    return _state["translator"]


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """``text`` in the user's language (``%n`` filled with ``n`` when given, as Qt does)."""
    result = text
    if cli_language() != SOURCE_LANGUAGE:
        translator = _translator()
        if translator is not None:
            result = translator.translate(context, text, disambiguation, n) or text
    return result.replace("%n", str(n)) if n >= 0 else result


def qm_file(language: str) -> Path | None:
    """The catalogue the CLI would load (diagnostics)."""
    from flowdesk.i18n.catalog import compile_qm

    return compile_qm(language)


def shown(text: Any) -> Any:
    """A message of the Qt-free core (input errors, cron, run errors…) in the CLI's language; other text as is."""
    from flowdesk.i18n.core_messages import localized

    return localized(text, translate)


def error_line(exc: BaseException) -> str:
    """An exception's message in the CLI's language when the core raised it with a translatable message."""
    first = exc.args[0] if len(exc.args) == 1 else None
    return shown(first) if isinstance(first, str) else str(exc)


def status_word(status: str) -> str:
    """A run status in the CLI's language, worded as the window does ("error" reads "échec"); English: as stored."""
    if cli_language() == SOURCE_LANGUAGE:
        return status
    words = {"success": "success", "error": "failed", "running": "running", "queued": "queued",
             "interrupted": "interrupted", "skipped": "skipped", "timeout": "timeout"}
    return translate("RunStatus", words[status]) if status in words else status


def run_line(text: str) -> str:
    """A run's stored error or message in the CLI's language when FlowDesk wrote it (timeout, worker died, stop…)."""
    if not text or cli_language() == SOURCE_LANGUAGE:
        return text
    from flowdesk.core.run_messages import recognise_run_text

    return shown(recognise_run_text(text))
