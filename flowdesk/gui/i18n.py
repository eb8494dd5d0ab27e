"""The window's language: FlowDesk's catalogue (and Qt's own, for standard buttons) installed before any widget.

Settings ▸ Language overrides the OS locale; the choice applies at the next start (widgets take
their texts when they are built).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flowdesk.i18n.catalog import compile_qm
from flowdesk.i18n.core_messages import localized
from flowdesk.i18n.language import SOURCE_LANGUAGE, effective_language
from flowdesk.gui.qt import QCoreApplication, QLibraryInfo, QLocale, QTranslator

_installed: list[QTranslator] = []  # kept referenced: Qt does not own installed translators
_language: list[str] = [SOURCE_LANGUAGE]  # the language installed last


def system_language() -> str:
    """The OS's UI language as Qt reads it (``fr`` from ``fr_FR``)."""
    return QLocale.system().name().split("_")[0]


def install_translations(app: QCoreApplication, setting: str | None = "system") -> str:
    """Install the catalogue of the chosen language (replacing any installed before); returns that language."""
    remove_translations(app)
    language = effective_language(setting, system_language())
    _language[0] = language
    if language != system_language():
        QLocale.setDefault(QLocale(language))  # an override: numbers and dates follow the chosen language too
    if language == SOURCE_LANGUAGE:
        return language
    qm = compile_qm(language)
    ours = QTranslator(app)
    if qm is not None and ours.load(str(qm)):
        app.installTranslator(ours)
        _installed.append(ours)
    qt_own = QTranslator(app)  # "Cancel", "Yes", "No" of standard buttons (absent from a pruned bundle)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_own.load(f"qtbase_{language}", qt_dir):
        app.installTranslator(qt_own)
        _installed.append(qt_own)
    return language


def remove_translations(app: QCoreApplication) -> None:
    """Back to the source language (English)."""
    while _installed:
        app.removeTranslator(_installed.pop())
    _language[0] = SOURCE_LANGUAGE
    QLocale.setDefault(QLocale.system())


def window_language() -> str:
    """The language the window speaks (``en`` until a catalogue is installed)."""
    return _language[0]


def core_text(text: Any) -> Any:
    """A message of the Qt-free core (input errors, cron, run errors…) in the window's language; other text as is."""
    return localized(text, QCoreApplication.translate)


def run_text(text: str | None) -> str:
    """A run's stored error or message in the window's language when FlowDesk wrote it (timeout, worker died, stop…)."""
    if not text or _language[0] == SOURCE_LANGUAGE:
        return text or ""
    from flowdesk.core.run_messages import recognise_run_text

    return core_text(recognise_run_text(text))


def error_text(exc: BaseException) -> str:
    """An exception's message in the window's language when the core raised it with a translatable message."""
    first = exc.args[0] if len(exc.args) == 1 else None
    return core_text(first) if isinstance(first, str) else str(exc)


def tool_text(text: str | None) -> str:
    """A built-in tool's description or action doc in the window's language (workspace tools' text as written)."""
    return QCoreApplication.translate("BuiltinTools", text) if text else ""


def catalogue(language: str) -> Path | None:
    """The compiled catalogue of ``language`` (for diagnostics and tests)."""
    return compile_qm(language)
