"""Status chips: every run status as an icon + a word (English and French) in its own colour, as a ChipRow and in
the Runs view's status cell (ChipDelegate over the model's CHIPS_ROLE), painted in the status colour."""

from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta, timezone

import pytest

from bench.run_history import run_id_at
from flowdesk.gui.models import run_table_model
from flowdesk.gui.models.run_table_model import RUN_ID_ROLE, STATUS
from flowdesk.gui.qt import QColor, QImage, QRect, QWidget
from flowdesk.gui.theme import theme_state
from flowdesk.gui.theme.icons import GENERIC, charmap, glyph_pixmap, icon, resolve_name
from flowdesk.gui.theme.tokens import DARK, LIGHT
from flowdesk.gui.views.runs_view import RunsView
from flowdesk.gui.widgets.chips import CHIPS_ROLE, Chip, ChipDelegate, ChipRow, status_chip
from tests.gui.conftest import call_core

ENGLISH = {"success": "success", "error": "failed", "running": "running", "queued": "queued",
           "interrupted": "interrupted", "skipped": "skipped", "timeout": "timeout"}
# resources/i18n/flowdesk_fr.ts, context RunStatus.
FRENCH = {"success": "succès", "error": "échec", "running": "en cours", "queued": "en file",
          "interrupted": "interrompue", "skipped": "ignorée", "timeout": "délai dépassé"}
STATUSES = list(ENGLISH)


def colour_of(chip: Chip, palette=LIGHT) -> str:  # noqa: ANN001
    return getattr(palette, chip.token)


def has_colour(image: QImage, colour: str, tolerance: int = 40, area=None) -> bool:  # noqa: ANN001
    """Some pixel of ``image`` (within ``area``) is ``colour`` give or take ``tolerance`` per channel."""
    want = QColor(colour)
    rect = area if area is not None else image.rect()
    for y in range(max(0, rect.top()), min(image.height(), rect.bottom() + 1)):
        for x in range(max(0, rect.left()), min(image.width(), rect.right() + 1)):
            got = image.pixelColor(x, y)
            if (abs(got.red() - want.red()) <= tolerance and abs(got.green() - want.green()) <= tolerance
                    and abs(got.blue() - want.blue()) <= tolerance):
                return True
    return False


# -- the chip of each status ------------------------------------------------------------


@pytest.mark.parametrize("status", STATUSES)
def test_each_status_has_its_word_and_a_real_icon(qtbot, status: str) -> None:
    chip = status_chip(status)
    assert chip.text == ENGLISH[status]
    assert chip.icon is not None and chip.icon in charmap()  # a glyph of the icon font, not the generic one
    assert resolve_name(chip.icon) == chip.icon != GENERIC
    assert not icon(chip.icon, chip.token).isNull()
    assert not glyph_pixmap(chip.icon, colour_of(chip), 13).isNull()
    assert chip.token != "text_muted"  # a status colour, not the neutral one


def test_no_two_statuses_share_both_colour_and_icon(qtbot) -> None:
    chips = {status: status_chip(status) for status in STATUSES}
    for palette in (LIGHT, DARK):
        for a, b in itertools.combinations(STATUSES, 2):
            same_colour = colour_of(chips[a], palette) == colour_of(chips[b], palette)
            same_icon = chips[a].icon == chips[b].icon
            assert not (same_colour and same_icon), (palette.name, a, b)
    assert len({c.text for c in chips.values()}) == len(STATUSES)  # and the words differ


def test_words_are_french_under_the_french_translation(qtbot, french_window) -> None:
    for status in STATUSES:
        chip = status_chip(status)
        assert chip.text == FRENCH[status], status
        assert chip.icon in charmap() and chip.token != "text_muted"
    assert len({status_chip(status).text for status in STATUSES}) == len(STATUSES)


@pytest.mark.parametrize("status", STATUSES)
def test_chip_row_paints_the_icon_and_word_in_the_status_colour(qtbot, status: str) -> None:
    chip = status_chip(status)
    row = ChipRow()
    qtbot.addWidget(row)
    row.set_chips([chip])
    assert row.toolTip() == ENGLISH[status]  # the word, for screen readers and hover
    row.resize(row.sizeHint())
    assert row.width() >= row.fontMetrics().horizontalAdvance(ENGLISH[status])
    image = row.grab().toImage()
    assert has_colour(image, colour_of(chip, theme_state.palette()), tolerance=24)


# -- the Runs view's status cell ----------------------------------------------------------


def seed_one_run_per_status(store) -> dict[str, str]:  # noqa: ANN001
    """One run of ``next_dates`` per status through the store's own writes; returns status -> run id."""
    rng = random.Random(7)
    now = datetime.now(timezone.utc)
    ids: dict[str, str] = {}
    for n, status in enumerate(STATUSES):
        queued_at = now - timedelta(minutes=30 - n)
        run_id = run_id_at(queued_at, rng)
        ids[status] = run_id
        if status == "skipped":
            store.record_skipped(run_id, "next_dates", "manual", {}, "tool profile incomplete")
            continue
        store.create(run_id, "next_dates", "manual", {}, queued_at=queued_at)
        if status == "queued":
            continue
        store.mark_running(run_id, queued_at + timedelta(seconds=1))
        if status != "running":
            store.finish(run_id, status, queued_at + timedelta(seconds=3), started_at=queued_at + timedelta(seconds=1),
                         error="boom" if status in ("error", "timeout") else None)
    return ids


def make_runs_view(qtbot, bridge) -> RunsView:  # noqa: ANN001
    view = RunsView(bridge)
    qtbot.addWidget(view)
    view.resize(1400, 700)
    view.show()
    with qtbot.waitSignal(view.model.loaded, timeout=10000):
        view.refresh()
    return view


def test_runs_view_status_cell_holds_and_paints_the_chip(qtbot, bridge) -> None:
    ids = call_core(qtbot, bridge, lambda rt: seed_one_run_per_status(rt.store))
    view = make_runs_view(qtbot, bridge)
    qtbot.waitUntil(lambda: {r.id for r in view.model.runs} == set(ids.values()), timeout=10000)
    assert isinstance(view.table.itemDelegateForColumn(STATUS), ChipDelegate)
    assert not view.table.isColumnHidden(STATUS)
    by_id = {v: k for k, v in ids.items()}
    qtbot.wait(100)  # laid out and painted once
    image = view.table.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    palette = theme_state.palette()
    for row in range(view.model.rowCount()):
        index = view.model.index(row, STATUS)
        status = by_id[index.data(RUN_ID_ROLE)]
        assert index.data(CHIPS_ROLE) == [status_chip(status)], status
        assert index.data(CHIPS_ROLE)[0].text == ENGLISH[status]
        rect = view.table.visualRect(index)
        assert rect.isValid() and view.table.viewport().rect().intersects(rect)
        scaled = QRect(int(rect.x() * ratio), int(rect.y() * ratio), int(rect.width() * ratio),
                       int(rect.height() * ratio))
        # The chip's icon and word are painted in the status colour inside that cell.
        assert has_colour(image, colour_of(status_chip(status), palette), tolerance=8, area=scaled), status
        for other in STATUSES:  # and not another status's colour
            if other != status:
                assert not has_colour(image, colour_of(status_chip(other), palette), tolerance=8, area=scaled), \
                    (status, other)
        hint = view.table.itemDelegateForColumn(STATUS).sizeHint(_option_for(view.table), index)
        assert hint.width() > view.table.fontMetrics().horizontalAdvance(ENGLISH[status])


def _option_for(table: QWidget):  # noqa: ANN202
    from flowdesk.gui.qt import QStyleOptionViewItem

    option = QStyleOptionViewItem()
    option.initFrom(table)
    option.widget = table
    return option


def test_runs_view_status_cell_speaks_french(qtbot, bridge, french_window, monkeypatch: pytest.MonkeyPatch) -> None:
    # The model keeps its chips per language and status; start from an empty cache, as a real start does.
    monkeypatch.setattr(run_table_model, "_STATUS_CHIPS", {})
    ids = call_core(qtbot, bridge, lambda rt: seed_one_run_per_status(rt.store))
    view = make_runs_view(qtbot, bridge)
    qtbot.waitUntil(lambda: {r.id for r in view.model.runs} == set(ids.values()), timeout=10000)
    by_id = {v: k for k, v in ids.items()}
    words = {by_id[view.model.index(r, STATUS).data(RUN_ID_ROLE)]: view.model.index(r, STATUS).data(CHIPS_ROLE)[0].text
             for r in range(view.model.rowCount())}
    assert words == FRENCH
