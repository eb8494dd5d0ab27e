"""Overview details: the next scheduled runs say when relatively ("in 12 min") with the exact time in the workflow's
zone as tooltip; the credentials card lists every kind of problem (missing, not connected, reconnect, expired),
read from real profiles and OAuth token files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from flowdesk.core.cron import CronSchedule
from flowdesk.core.oauth.google_oauth import utcnow
from flowdesk.core.oauth.token_store import mark_reconnect
from flowdesk.core.workspace import Workspace
from flowdesk.gui.main_window import MainWindow
from flowdesk.gui.overview_data import read_overview
from flowdesk.gui.qt import QLabel, QPushButton
from flowdesk.gui.time_text import exact, relative
from tests.core.oauth.local_provider import CALENDAR, CALENDAR_RO, DRIVE_RO, SHEETS, LocalGoogle
from tests.gui.conftest import call_core, shown_window

ZONE = "Asia/Tokyo"  # not the machine's zone, so the exact time shows which zone it is in
CRON = "30 9 * * *"
DEAD_REASON = "Google refused the refresh token (invalid_grant: Token has been expired or revoked.)"
ALL = [CALENDAR, CALENDAR_RO, DRIVE_RO, SHEETS]
# workflow -> (tool, profile): what each credential workflow runs with.
USES = {"cal_missing": ("google_calendar", "NOPE"), "cal_fresh": ("google_calendar", "FRESH"),
        "drive_dead": ("google_drive", "DEAD"), "sheets_old": ("google_sheets", "OLD")}
BASES = {"google_calendar": "/calendar/v3", "google_drive": "/drive/v3", "google_sheets": "/sheets/v4"}


@pytest.fixture()
def provider() -> Iterator[LocalGoogle]:
    p = LocalGoogle().start()
    yield p
    p.stop()


def add_workflow(ws: Workspace, slug: str, **config: object) -> None:
    folder = ws.workflows_dir / slug
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"name": slug.replace("_", " ").title(), "triggers": ["manual"],
                                                    "inputs_schema": [], "timeout": 30, **config}))
    (folder / "main.py").write_text("def execute(data, tools):\n    return {'status': 'success'}\n")


def write_token(path: Path, data: dict) -> None:  # type: ignore[type-arg]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture()
def gui_ws(tmp_path: Path, provider: LocalGoogle) -> Path:
    """A workspace with one scheduled workflow (09:30 in Tokyo) and four workflows whose Google profiles each need
    attention in a different way: no variables, no token yet, a token Google refused, an expired token."""
    ws = Workspace(tmp_path / "ws")
    ws.ensure_layout()
    add_workflow(ws, "tokyo_report", triggers=["manual", "schedule"], schedule=CRON, timezone=ZONE, active=True)
    for slug, (tool, profile) in USES.items():
        add_workflow(ws, slug, tools_required=[tool], tool_profiles={tool: profile})
    credentials = "etc/secrets/google_credentials.json"
    write_token(ws.root / credentials, provider.client_file("web"))
    lines = []
    for tool, profile in USES.values():
        if profile == "NOPE":
            continue  # no variables at all: "missing"
        up = f"{tool.upper()}_{profile}"
        lines += [f"{up}_CREDENTIALS_FILE={credentials}", f"{up}_TOKEN_FILE=etc/secrets/{profile.lower()}_token.json",
                  f"{up}_BASE_URL={provider.url}{BASES[tool]}"]
    ws.env_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # FRESH: no token file (never connected). DEAD: a token Google later refused, as the refresh marks it.
    dead = ws.root / "etc/secrets/dead_token.json"
    write_token(dead, provider.token_file(ALL))
    mark_reconnect(dead, DEAD_REASON)
    # OLD: the access token expired an hour ago and there is no refresh token to get another.
    old = {k: v for k, v in provider.token_file(ALL).items() if k != "refresh_token"}
    old["expiry"] = (utcnow() - timedelta(hours=1)).isoformat() + "Z"
    write_token(ws.root / "etc/secrets/old_token.json", old)
    return ws.root


@pytest.fixture()
def window(qtbot, bridge) -> MainWindow:  # noqa: ANN001
    w = shown_window(qtbot, bridge)
    view = w.show_view("overview")
    qtbot.waitUntil(lambda: view.data is not None, timeout=10000)
    return w


def when_label(row) -> QLabel:  # noqa: ANN001
    """The time at the right end of a card row."""
    widget = row.layout_.itemAt(row.layout_.count() - 1).widget()
    assert isinstance(widget, QLabel)
    return widget


# -- next scheduled runs --------------------------------------------------------------------


def test_next_run_is_relative_with_the_exact_time_in_the_workflows_zone(qtbot, bridge, window) -> None:
    view = window.view("overview")
    tokyo = ZoneInfo(ZONE)
    now = datetime(2031, 1, 15, 9, 18, tzinfo=tokyo).astimezone(timezone.utc)  # 12 min before 09:30 in Tokyo
    data = call_core(qtbot, bridge, lambda rt: read_overview(rt, now=now))
    view.show_data(data)
    rows = view.next_card.rows
    assert [r.title.text() for r in rows] == ["Tokyo Report"] * 5  # one daily job: its next five fires
    assert not view.next_card.empty.isVisible()
    assert [when_label(r).text() for r in rows] == ["in 12 min", "in 24 h", "in 2 days", "in 3 days", "in 4 days"]
    first = rows[0]
    assert when_label(first).toolTip() == "Wed 15 Jan 2031 09:30 (Asia/Tokyo)"
    assert first.toolTip() == "Tokyo Report: Wed 15 Jan 2031 09:30 (Asia/Tokyo)"
    assert first.detail.text() == "Wed 09:30"  # the day and time in Tokyo, not the machine's 00:30 UTC
    assert [when_label(r).toolTip() for r in rows[1:3]] == ["Thu 16 Jan 2031 09:30 (Asia/Tokyo)",
                                                            "Fri 17 Jan 2031 09:30 (Asia/Tokyo)"]


def test_next_run_live_matches_the_schedule(qtbot, bridge, window) -> None:
    view = window.view("overview")
    qtbot.waitUntil(lambda: bool(view.next_card.rows), timeout=10000)
    data = view.data
    at = CronSchedule.parse(CRON, ZONE).next_times(1, after=data.now)[0]
    first = view.next_card.rows[0]
    assert data.next_fires[0].at == at and data.next_fires[0].zone == ZONE
    assert when_label(first).text() == relative(at, data.now) and when_label(first).text().startswith("in ")
    assert when_label(first).toolTip() == exact(at, ZONE) and when_label(first).toolTip().endswith("09:30 (Asia/Tokyo)")


# -- credentials needing attention ----------------------------------------------------------


def shown_credentials(qtbot, window: MainWindow) -> dict[str, tuple[str, str, str]]:  # noqa: ANN001
    """profile -> (kind, the row's detail, its button's text), once the four problems are read."""
    view = window.view("overview")
    qtbot.waitUntil(lambda: len(view.issues) == 4 and len(view.credentials_card.rows) == 4, timeout=10000)
    shown = {}
    for issue, row in zip(view.issues, view.credentials_card.rows):
        assert row.title.text() == f"{issue.tool_name} · {issue.profile}"
        buttons = row.findChildren(QPushButton)
        assert len(buttons) == 1
        shown[issue.profile] = (issue.kind, row.detail.text(), buttons[0].text())
        assert issue.used_by == [w for w, (_t, p) in USES.items() if p == issue.profile]
    assert not view.credentials_card.empty.isVisible()
    return shown


def test_credentials_card_lists_missing_connect_and_reconnect(qtbot, bridge, window) -> None:
    shown = shown_credentials(qtbot, window)
    assert set(shown) == {"NOPE", "FRESH", "DEAD", "OLD"}
    assert shown["NOPE"] == ("missing", "missing GOOGLE_CALENDAR_NOPE_TOKEN_FILE, GOOGLE_CALENDAR_NOPE_CREDENTIALS_FILE",
                             "Set up")
    assert shown["FRESH"] == ("connect", "not connected yet", "Connect")
    assert shown["DEAD"] == ("reconnect", DEAD_REASON, "Reconnect")
    assert shown["OLD"][2] == "Reconnect" and "expired" in shown["OLD"][1]


def test_credentials_card_calls_an_expired_token_expired(qtbot, bridge, window) -> None:
    """CredentialIssue's kinds include ``expired`` ("the access token expired"); an expired token with no refresh
    token is exactly that case."""
    shown = shown_credentials(qtbot, window)
    assert shown["OLD"] == ("expired", "the access token expired", "Reconnect")
