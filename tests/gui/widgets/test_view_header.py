"""ViewHeader: title, search, the one primary action, and a subtitle that never widens the view."""

from __future__ import annotations

from flowdesk.gui.widgets.view_header import ViewHeader


def test_search_and_primary_action_are_found_on_the_header(qtbot) -> None:
    header = ViewHeader("Things", "What the things are")
    qtbot.addWidget(header)
    assert header.search is None and header.primary is None
    search = header.add_search("Search things…")
    secondary = header.add_action("Refresh", "arrows-clockwise")
    primary = header.add_action("New thing…", "plus", primary=True)
    assert header.search is search and search.placeholderText() == "Search things…"
    assert header.primary is primary and primary.property("variant") == "primary"
    assert secondary.property("variant") != "primary"
    assert header.title.text() == "Things"


def test_a_long_subtitle_wraps_instead_of_widening_the_header(qtbot) -> None:
    short = ViewHeader("Logs", "Short")
    long = ViewHeader("Logs", "What FlowDesk itself logs, " * 12)
    for header in (short, long):
        qtbot.addWidget(header)
        header.add_search("Search…")
        header.add_action("Copy", "copy", primary=True)
    assert long.minimumSizeHint().width() <= short.minimumSizeHint().width() + 40
    long.resize(700, 200)
    long.show()
    qtbot.waitExposed(long)
    assert long.subtitle.geometry().right() < long.search.geometry().left()  # no overlap, nothing cut
