"""Standard 5-field cron on top of croniter: validation, DST-correct fire times, descriptions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from croniter.croniter import CroniterError

from flowdesk.core.errors import FlowDeskError
from flowdesk.core.translatable import translatable

MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
FIELD_NAMES = ("minute", "hour", "day-of-month", "month", "day-of-week")


class CronError(FlowDeskError):
    """A cron expression that is not standard 5-field cron."""


def normalize_cron(expression: str) -> str:
    """The 5-field form of ``expression`` (macros expanded); raises CronError with the reason."""
    if not isinstance(expression, str) or not expression.strip():
        raise CronError(translatable("Cron", "empty cron expression"))
    expr = " ".join(expression.split())
    expr = MACROS.get(expr.lower(), expr)
    if expr.startswith("@"):
        raise CronError(translatable("Cron", "unknown macro {macro} (use one of {macros})", macro=repr(expression),
                                     macros=", ".join(MACROS)))
    fields = expr.split(" ")
    if len(fields) != 5:
        raise CronError(translatable("Cron", "expected 5 fields ({fields}), got {count}: {expression}",
                                     fields=" ".join(FIELD_NAMES), count=len(fields), expression=repr(expression)))
    try:
        croniter(expr)
    except (CroniterError, ValueError, KeyError) as exc:
        raise CronError(f"{expression!r}: {exc}") from None
    return expr


def parse_cron(expression: str) -> str:
    """Validate a cron expression (alias of normalize_cron, for callers that only check)."""
    return normalize_cron(expression)


def local_timezone() -> tzinfo:
    """The machine's IANA zone (so DST rules apply), via tzlocal."""
    from tzlocal import get_localzone

    return get_localzone()


def resolve_timezone(name: str | None) -> tzinfo:
    """``ZoneInfo(name)``, or the machine's zone when ``name`` is empty; raises CronError if unknown."""
    if not name:
        return local_timezone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CronError(translatable("Cron", "unknown timezone {name} (use an IANA name such as Europe/Paris)",
                                     name=repr(name))) from None


# cron-descriptor words its sentences in the asked language but takes day and month names from the
# process's C locale (calendar / strftime), which is English unless some library called setlocale.
_FRENCH_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                  "novembre", "décembre")
_DESCRIPTOR_LOCALES = {"en": "en_US", "fr": "fr_FR"}


def _french_names(text: str) -> str:
    import calendar

    names = dict(zip(calendar.day_name, _FRENCH_DAYS))
    names.update(zip(list(calendar.month_name)[1:], _FRENCH_MONTHS))
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")\b")
    return pattern.sub(lambda m: names[m.group(1)], text)


def describe_cron(expression: str, language: str = "en") -> str:
    """The expression in words (cron-descriptor), e.g. 'At 09:00, Monday through Friday'; ``language`` en or fr."""
    from cron_descriptor import Options, get_description

    options = Options(locale_code=_DESCRIPTOR_LOCALES.get(language, "en_US"))
    options.use_24hour_time_format = True
    options.day_of_week_start_index_zero = True
    words = get_description(normalize_cron(expression), options)
    return _french_names(words) if language == "fr" else words


DST_WINDOW = timedelta(hours=3)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def _offset_changes_near(moment: datetime) -> bool:
    """True when the zone's UTC offset differs somewhere within DST_WINDOW of ``moment``."""
    tz = moment.tzinfo
    before = (moment - DST_WINDOW).astimezone(tz).utcoffset()
    after = (moment + DST_WINDOW).astimezone(tz).utcoffset()
    return before != moment.utcoffset() or after != moment.utcoffset()


def _is_repeat_pass(moment: datetime) -> bool:
    """True for a wall-clock time in the second pass of an hour repeated when clocks go back."""
    naive = moment.replace(tzinfo=None)
    tz = moment.tzinfo
    first = naive.replace(fold=0, tzinfo=tz).utcoffset()
    second = naive.replace(fold=1, tzinfo=tz).utcoffset()
    return first != second and moment.utcoffset() == second


@dataclass(frozen=True)
class CronSchedule:
    """A validated expression in a timezone; ``next_after`` is what the scheduler fires on."""

    expression: str
    timezone: tzinfo

    @classmethod
    def parse(cls, expression: str, timezone: str | tzinfo | None = None) -> CronSchedule:
        """Build from an expression and an IANA name (None: the machine's zone)."""
        tz = timezone if isinstance(timezone, tzinfo) else resolve_timezone(timezone)
        return cls(normalize_cron(expression), tz)

    @property
    def fixed_hour(self) -> bool:
        """Vixie cron reruns wildcard-hour jobs by real time but never a fixed-hour job in a repeated hour."""
        return not self.expression.split(" ")[1].startswith("*")

    def next_after(self, moment: datetime) -> datetime:
        """The first fire time strictly after ``moment`` (aware, in the schedule's zone)."""
        start = moment.astimezone(self.timezone)
        if _offset_changes_near(start):
            # croniter only walks through a repeated hour when it iterates across it; restarting at a time
            # inside that hour would lose the second pass, so start before the change and walk forward.
            start = (moment - DST_WINDOW).astimezone(self.timezone)
        it = croniter(self.expression, start)
        for _ in range(10_000):
            candidate: datetime = it.get_next(datetime)
            # compare in UTC: Python compares two times of one zone by wall clock, ignoring fold
            if _utc(candidate) <= _utc(moment):
                continue
            if self.fixed_hour and _is_repeat_pass(candidate):
                continue
            return candidate
        raise CronError(f"{self.expression!r}: no fire time found")  # pragma: no cover - croniter raises first

    def next_times(self, count: int, after: datetime | None = None) -> list[datetime]:
        """The next ``count`` fire times after ``after`` (default: now)."""
        moment = after or datetime.now(self.timezone)
        out: list[datetime] = []
        for _ in range(count):
            moment = self.next_after(moment)
            out.append(moment)
        return out

    def previous_fire(self, before: datetime, horizon: timedelta = timedelta(days=366)) -> datetime | None:
        """The last fire time at or before ``before`` within ``horizon`` (used for catch-up)."""
        it = croniter(self.expression, before.astimezone(self.timezone) + timedelta(seconds=1))
        candidate: datetime = it.get_prev(datetime)
        while self.fixed_hour and _is_repeat_pass(candidate):
            candidate = it.get_prev(datetime)
        return candidate if _utc(before) - _utc(candidate) <= horizon else None
