"""Times as people read them: relative ("in 12 min", "3 h ago") and exact in a given zone."""

from __future__ import annotations

from datetime import datetime, timezone

from flowdesk.gui.qt import QCoreApplication


def _tr(text: str) -> str:
    return QCoreApplication.translate("Time", text)


def relative(when: datetime, now: datetime | None = None) -> str:
    """``in 3 h`` / ``5 min ago`` / ``in 2 days`` / ``just now``."""
    seconds = (when - (now or datetime.now(timezone.utc))).total_seconds()
    ahead, span = seconds >= 0, abs(seconds)
    if span < 60:
        return _tr("in less than a minute") if ahead else _tr("just now")
    if span < 3600:
        text = _tr("%1 min").replace("%1", str(int(span // 60)))
    elif span < 86400 * 2:
        text = _tr("%1 h").replace("%1", str(int(span // 3600)))
    else:
        text = _tr("%1 days").replace("%1", str(int(span // 86400)))
    return (_tr("in %1") if ahead else _tr("%1 ago")).replace("%1", text)


def in_zone(when: datetime, zone: str | None) -> datetime:
    """``when`` in the named zone (the machine's when unknown or None)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # zoneinfo's import (~4 ms) stays out of the first paint

    try:
        return when.astimezone(ZoneInfo(zone)) if zone else when.astimezone()
    except (ZoneInfoNotFoundError, ValueError):
        return when.astimezone()


def exact(when: datetime | None, zone: str | None = None) -> str:
    """``Mon 24 Nov 2026 08:00 (Europe/Paris)``; an em dash for None."""
    if when is None:
        return "—"
    local = in_zone(when, zone)
    return f"{local:%a %d %b %Y %H:%M} ({zone or local.tzname()})"


def short_duration(seconds: float | None) -> str:
    """``850 ms``, ``4.2 s``, ``3 min 05 s``; an em dash for None."""
    if seconds is None:
        return "—"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"
