"""ColumnFit: short columns shrink toward their minimums before any column is hidden, the drop order is kept, the
fallback column stretches when the stretching one goes, a dragged width is kept, and the table never scrolls
sideways."""

from __future__ import annotations

import pytest

from flowdesk.gui.qt import QStandardItem, QStandardItemModel, QTableView
from flowdesk.gui.widgets.column_fit import ColumnFit, fit_columns

WHEN, NAME, STATE, KIND, TOOK, TEXT = range(6)
WIDTHS = {WHEN: 100, NAME: 140, STATE: 110, KIND: 100, TOOK: 70}
MINIMUMS = {WHEN: 100, NAME: 100, STATE: 90, KIND: 40, TOOK: 60}
DROP = (TEXT, KIND, TOOK)


def make_table(qtbot, width: int, **options) -> tuple[QTableView, ColumnFit]:  # noqa: ANN001, ANN003
    model = QStandardItemModel(40, 6)
    for row in range(40):
        for col in range(6):
            model.setItem(row, col, QStandardItem(f"cell {row}.{col} " + "long text " * (4 if col == TEXT else 0)))
    table = QTableView()
    table.setModel(model)
    qtbot.addWidget(table)
    fit = fit_columns(table, WIDTHS, TEXT, **options)
    table.resize(width, 400)
    table.show()
    qtbot.waitExposed(table)
    return table, fit


def shown(table: QTableView) -> set[int]:
    return {c for c in range(6) if not table.isColumnHidden(c)}


def total(table: QTableView) -> int:
    return sum(table.columnWidth(c) for c in shown(table))


def no_sideways_scrolling(table: QTableView) -> bool:
    return table.horizontalScrollBar().maximum() == 0 and not table.horizontalScrollBar().isVisible()


def test_the_plan_shrinks_before_it_hides_and_hides_in_order(qtbot) -> None:  # noqa: ANN001
    _table, fit = make_table(qtbot, 900, drop=DROP, minimums=MINIMUMS, stretch_min=100, fallback=NAME)
    assert fit.plan(620) == (set(), WIDTHS)  # room for every preferred width and the stretching column
    hidden, widths = fit.plan(560)  # 60 px short: the columns that can give, give a share each
    assert hidden == set() and sum(widths.values()) <= 460
    assert widths[WHEN] == 100 and all(MINIMUMS[c] <= w <= WIDTHS[c] for c, w in widths.items())
    assert fit.plan(490) == (set(), MINIMUMS)  # every minimum beside the stretching column's
    hidden, widths = fit.plan(480)  # the stretching column goes first; the fallback stretches in its place
    assert hidden == {TEXT} and NAME not in widths and set(widths) == {WHEN, STATE, KIND, TOOK}
    assert fit.plan(300) == ({TEXT, KIND, TOOK}, {WHEN: 100, STATE: 100})  # State gives half of what it can
    assert fit.plan(200)[0] == {TEXT, KIND, TOOK}  # the last resort: nothing more to hide


@pytest.mark.parametrize("width", [900, 640, 560, 500, 470, 400, 340])
def test_the_table_fits_every_width_without_scrolling_sideways(qtbot, width: int) -> None:  # noqa: ANN001
    table, fit = make_table(qtbot, width, drop=DROP, minimums=MINIMUMS, stretch_min=100, fallback=NAME)
    qtbot.wait(20)
    assert no_sideways_scrolling(table)
    assert total(table) <= table.viewport().width()
    assert {WHEN, NAME, STATE} <= shown(table)  # never dropped
    if TEXT in shown(table):
        assert shown(table) == set(range(6)), "the long column goes first"
        assert table.columnWidth(TEXT) >= 100
    else:
        assert table.columnWidth(NAME) >= MINIMUMS[NAME]  # the fallback stretches
    for col in shown(table) - {TEXT, fit.stretching}:
        assert table.columnWidth(col) >= MINIMUMS[col]


def test_columns_come_back_as_the_table_widens(qtbot) -> None:  # noqa: ANN001
    table, fit = make_table(qtbot, 340, drop=DROP, minimums=MINIMUMS, stretch_min=100, fallback=NAME)
    assert shown(table) == {WHEN, NAME, STATE} and fit.stretching == NAME
    table.resize(900, 400)
    qtbot.waitUntil(lambda: shown(table) == set(range(6)))
    assert fit.stretching == TEXT
    assert all(table.columnWidth(c) == w for c, w in WIDTHS.items())
    assert no_sideways_scrolling(table)


def test_without_minimums_columns_keep_their_widths_and_hide_in_order(qtbot) -> None:  # noqa: ANN001
    table, _fit = make_table(qtbot, 900, drop=(KIND, TOOK))  # the old behaviour other views rely on
    assert shown(table) == set(range(6)) and all(table.columnWidth(c) == w for c, w in WIDTHS.items())
    table.resize(640, 400)
    qtbot.waitUntil(lambda: KIND not in shown(table))
    assert TOOK in shown(table) and all(table.columnWidth(c) == WIDTHS[c] for c in shown(table) - {TEXT})
    assert no_sideways_scrolling(table)


def test_a_dragged_width_is_kept_through_resizes(qtbot) -> None:  # noqa: ANN001
    table, fit = make_table(qtbot, 900, drop=DROP, minimums=MINIMUMS, stretch_min=100, fallback=NAME)
    table.horizontalHeader().resizeSection(NAME, 180)  # what a drag of the column's edge does
    qtbot.wait(20)
    assert fit.widths[NAME] == 180
    table.resize(880, 400)
    qtbot.wait(20)
    assert table.columnWidth(NAME) == 180 and no_sideways_scrolling(table)
    table.horizontalHeader().resizeSection(STATE, 2000)  # dragged past the edge: no more than the table can give
    qtbot.wait(20)
    assert total(table) <= table.viewport().width() and no_sideways_scrolling(table)
    assert table.columnWidth(TEXT) >= 100
