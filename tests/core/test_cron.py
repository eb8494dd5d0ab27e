"""Cron that means what cron means: a table of expressions and zones checked against croniter itself."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from croniter import croniter

from flowdesk.core.cron import CronError, CronSchedule, describe_cron, normalize_cron

UTC = timezone.utc
EXPRESSIONS = [
    "* * * * *", "0 * * * *", "0 9 * * *", "0 9 * * 1-5", "*/15 * * * *", "0 */2 * * *", "30 14 15 * *",
    "0 0 * * 0", "0 0 * * 7", "0 6 1 1 *", "0 9 * * MON-FRI", "0 12 * JAN,JUL *", "5,35 8-18/2 * * *",
    "0 0 13 * 5", "0 3 1 * *", "0 0 29 2 *", "59 23 31 12 *", "0 0 1-7 * 1", "15 10 * * sun",
]
ZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Auckland"]
STARTS = [datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 3, 7, 12, tzinfo=UTC), datetime(2026, 10, 31, tzinfo=UTC)]


@pytest.mark.parametrize("expr", EXPRESSIONS)
@pytest.mark.parametrize("zone", ZONES)
def test_fire_times_match_croniter_away_from_repeated_hours(expr: str, zone: str) -> None:
    tz = ZoneInfo(zone)
    schedule = CronSchedule.parse(expr, zone)
    for start in STARTS:
        ours = schedule.next_times(12, start)
        it = croniter(expr, start.astimezone(tz))
        theirs = []
        while len(theirs) < 12:
            t = it.get_next(datetime)
            # the one place we differ on purpose: a fixed-hour job in the second pass of a repeated hour
            naive = t.replace(tzinfo=None)
            repeated = naive.replace(fold=0, tzinfo=tz).utcoffset() != naive.replace(fold=1, tzinfo=tz).utcoffset()
            if schedule.fixed_hour and repeated and t.utcoffset() == naive.replace(fold=1, tzinfo=tz).utcoffset():
                continue
            theirs.append(t)
        assert [t.astimezone(UTC) for t in ours] == [t.astimezone(UTC) for t in theirs]


def test_sunday_is_0_or_7_and_dom_dow_are_ored() -> None:
    start = datetime(2026, 11, 22, 1, tzinfo=UTC)  # a Sunday
    assert CronSchedule.parse("0 0 * * 0", "UTC").next_times(3, start) == \
        CronSchedule.parse("0 0 * * 7", "UTC").next_times(3, start)
    fires = CronSchedule.parse("0 0 13 * 5", "UTC").next_times(4, start)
    # Vixie cron: the 13th OR a Friday (APScheduler's from_crontab would want Friday the 13th)
    assert [(d.day, d.strftime("%a")) for d in fires] == [(27, "Fri"), (4, "Fri"), (11, "Fri"), (13, "Sun")]


def test_macros() -> None:
    assert normalize_cron("@daily") == "0 0 * * *"
    assert normalize_cron("@weekly") == "0 0 * * 0"
    assert normalize_cron("  0   9 *  * 1-5 ") == "0 9 * * 1-5"


@pytest.mark.parametrize("bad", ["", "* * * *", "* * * * * *", "61 * * * *", "0 24 * * *", "@sometimes", "0 0 * * 8", "a b c d e"])
def test_invalid_expressions_are_clear_errors(bad: str) -> None:
    with pytest.raises(CronError):
        normalize_cron(bad)


def test_unknown_timezone() -> None:
    with pytest.raises(CronError, match="unknown timezone"):
        CronSchedule.parse("0 9 * * *", "Mars/Olympus")


def test_spring_forward_runs_the_skipped_time_once_right_after_the_gap() -> None:
    paris = CronSchedule.parse("30 2 * * *", "Europe/Paris")
    fires = paris.next_times(3, datetime(2026, 3, 28, 12, tzinfo=UTC))
    assert [f.isoformat() for f in fires] == [
        "2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00", "2026-03-31T02:30:00+02:00"]


def test_fall_back_never_runs_a_fixed_time_twice() -> None:
    paris = CronSchedule.parse("30 2 * * *", "Europe/Paris")
    fires = paris.next_times(3, datetime(2026, 10, 24, 12, tzinfo=UTC))
    assert [f.isoformat() for f in fires] == [
        "2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00", "2026-10-27T02:30:00+01:00"]
    ny = CronSchedule.parse("30 1 * * *", "America/New_York")
    fires = ny.next_times(2, datetime(2026, 10, 31, 12, tzinfo=UTC))
    assert fires[1].astimezone(UTC) - fires[0].astimezone(UTC) == timedelta(hours=25)  # 01:30 once on Nov 1, then 01:30 on Nov 2


def test_interval_jobs_keep_real_time_through_the_repeated_hour() -> None:
    every30 = CronSchedule.parse("*/30 * * * *", "Europe/Paris")
    fires = every30.next_times(6, datetime(2026, 10, 24, 23, 10, tzinfo=UTC))
    gaps = {b.astimezone(UTC) - a.astimezone(UTC) for a, b in zip(fires, fires[1:])}
    assert gaps == {timedelta(minutes=30)}


def test_describe() -> None:
    assert describe_cron("0 9 * * 1-5") == "At 09:00, Monday through Friday"
    assert describe_cron("*/15 * * * *") == "Every 15 minutes"
    assert "Sunday" in describe_cron("0 0 * * 7")


def test_previous_fire_for_catch_up() -> None:
    s = CronSchedule.parse("0 9 * * *", "UTC")
    assert s.previous_fire(datetime(2026, 11, 22, 10, tzinfo=UTC)) == datetime(2026, 11, 22, 9, tzinfo=UTC)
    assert s.previous_fire(datetime(2026, 11, 22, 9, tzinfo=UTC)) == datetime(2026, 11, 22, 9, tzinfo=UTC)
