"""Human wording for the date tool: localized day/month names and relative descriptions."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")

# Capitalized like the seed's format_examples ("Mardi 31 Décembre 2024", "31 Déc 2024").
_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "A": WEEKDAYS_EN,
        "a": tuple(d[:3] for d in WEEKDAYS_EN),
        "B": MONTHS_EN,
        "b": tuple(m[:3] for m in MONTHS_EN),
    },
    "fr": {
        "A": ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"),
        "a": ("Lun", "Mar", "Mer", "Jeu", "Ven", "Sam", "Dim"),
        "B": ("Janvier", "Février", "Mars", "Avril", "Mai", "Juin", "Juillet", "Août",
              "Septembre", "Octobre", "Novembre", "Décembre"),
        "b": ("Jan", "Fév", "Mar", "Avr", "Mai", "Juin", "Juil", "Aoû", "Sep", "Oct", "Nov", "Déc"),
    },
}
_DIRECTIVE = re.compile(r"%(.)")


def language_of(locale_name: str | None) -> str:
    """The language whose names we have for a locale like ``fr_FR`` (English otherwise)."""
    lang = (locale_name or "en").replace("-", "_").split("_", 1)[0].lower()
    return lang if lang in _NAMES else "en"


def localized_strftime(value: date | datetime, fmt: str, locale_name: str | None = None) -> str:
    """``value.strftime(fmt)`` with ``%A %a %B %b %h`` in the locale's language.

    The process locale is left alone: ``setlocale`` is process-wide and the locale may
    not even be installed on the user's machine.
    """
    names = _NAMES[language_of(locale_name)]

    def substitute(match: re.Match[str]) -> str:
        # Scanning "%x" pairs left to right also keeps "%%A" a literal "%A".
        code = "b" if match.group(1) == "h" else match.group(1)
        if code in ("A", "a"):
            return names[code][value.weekday()]
        if code in ("B", "b"):
            return names[code][value.month - 1]
        return match.group(0)

    return value.strftime(_DIRECTIVE.sub(substitute, fmt))


def weekday_name(value: date, locale_name: str | None = None) -> str:
    """The full weekday name of ``value`` in the locale's language."""
    return _NAMES[language_of(locale_name)]["A"][value.weekday()]


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def parse_weekday_name(text: str) -> int | None:
    """0-6 for a weekday name or abbreviation in English or French (``lundi``, ``Mon``), else None."""
    wanted = _fold(text.strip())
    for names in _NAMES.values():
        for table in (names["A"], names["a"]):
            for number, name in enumerate(table):
                if _fold(name) == wanted:
                    return number
    return None


def _amount(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def describe_offset(days: int, weeks: int) -> str:
    """``today``, ``tomorrow``, ``yesterday``, ``in 3 days``, ``in 2 weeks and 3 days``, ``1 week ago``...

    Weeks are only used in the wording when the caller asked in weeks, so ``days=10``
    reads "in 10 days", not "in 1 week and 3 days".
    """
    total = days + 7 * weeks
    if total == 0:
        return "today"
    if total == 1:
        return "tomorrow"
    if total == -1:
        return "yesterday"
    size = abs(total)
    if weeks:
        w, d = divmod(size, 7)
        span = " and ".join(p for p in (_amount(w, "week") if w else "", _amount(d, "day") if d else "") if p)
    else:
        span = _amount(size, "day")
    return f"in {span}" if total > 0 else f"{span} ago"
