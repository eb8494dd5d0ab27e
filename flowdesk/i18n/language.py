"""Which language FlowDesk speaks: the Settings choice, else the OS locale (French when it is French, else English)."""

from __future__ import annotations

import locale
import os
from collections.abc import Mapping

SOURCE_LANGUAGE = "en"  # the strings in the code
TRANSLATED = ("fr",)  # catalogues shipped in resources/i18n/


def _language_of(name: str | None) -> str | None:
    """``fr_FR.UTF-8``, ``fr-CA``, ``French_France`` -> ``fr``; None for C/POSIX or empty."""
    if not name:
        return None
    code = name.split(":")[0].split(".")[0].split("@")[0].replace("-", "_").lower()
    if code in ("c", "posix", ""):
        return None
    if code.startswith("french"):
        return "fr"
    return code.split("_")[0] or None


def system_language(environ: Mapping[str, str] | None = None) -> str:
    """The OS locale's language, the way gettext reads it (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), else Python's."""
    env = os.environ if environ is None else environ
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        found = _language_of(env.get(variable))
        if found:
            return found
    if environ is None:
        try:
            found = _language_of(locale.getlocale()[0])
        except ValueError:
            found = None
        if found:
            return found
    return SOURCE_LANGUAGE


def effective_language(setting: str | None, system: str | None = None) -> str:
    """``en`` or a TRANSLATED language: the setting unless it is "system", else the OS locale's when translated."""
    if setting and setting != "system":
        return setting if setting in TRANSLATED else SOURCE_LANGUAGE
    language = system or system_language()
    return language if language in TRANSLATED else SOURCE_LANGUAGE
