"""Interfaces view: the example dashboard opens in a tab, signed in, and its JavaScript reaches the API."""

from __future__ import annotations

import sys

from flowdesk.gui.views.interfaces_view import InterfacesView, login_url
from tests.gui.conftest import GUI_TOKEN


def test_login_url_quotes_ticket_and_route() -> None:
    url = login_url("http://127.0.0.1:8000", "a b&c", "/crm")
    assert url == "http://127.0.0.1:8000/auth/login?ticket=a%20b%26c&next=/crm/"


def test_list_shows_interfaces(qtbot, bridge) -> None:
    view = InterfacesView(bridge)
    qtbot.addWidget(view)
    texts = [view.list.item(i).text() for i in range(view.list.count())]
    assert any("Dashboard" in t for t in texts) and not any("📊" in t for t in texts)  # glyph icons, not emoji
    assert all(not view.list.item(i).icon().isNull() for i in range(view.list.count()))
    assert view.tabs.count() == 0


def test_open_dashboard_is_authenticated(qtbot, bridge) -> None:
    view = InterfacesView(bridge)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    page = view.open_interface("dashboard")
    assert page is not None and "PySide6.QtWebEngineWidgets" in sys.modules
    with qtbot.waitSignal(page.loadFinished, timeout=30000) as loaded:
        pass
    assert loaded.args == [True]
    assert page.url().path() == "/dashboard/"
    assert view.tabs.count() == 1

    rows: dict[str, object] = {}

    def count_rows() -> bool:
        page.page().runJavaScript("document.querySelectorAll('#rows tr').length + '|' + "
                                  "document.getElementById('error').textContent", 0,
                                  lambda value: rows.__setitem__("value", value))
        value = str(rows.get("value", "0|"))
        return int(value.split("|")[0]) > 0

    qtbot.waitUntil(count_rows, timeout=20000)
    assert str(rows["value"]).split("|")[1] == ""  # no "Cannot reach FlowDesk" error
    assert GUI_TOKEN not in view._login_url(view.entries["dashboard"])  # a one-time ticket, not the token

    # The seed platform's interfaces start runs with a same-origin GET fetch (no Origin header):
    # the session lets it in on the browser's Sec-Fetch-Site: same-origin.
    page.page().runJavaScript("fetch('/api/workflows/trigger/next_dates?days=3')"
                              ".then(r => { window.__trigger = r.status; })")
    status: dict[str, object] = {}

    def triggered() -> bool:
        page.page().runJavaScript("window.__trigger || 0", 0, lambda value: status.__setitem__("value", value))
        return bool(status.get("value"))

    qtbot.waitUntil(triggered, timeout=20000)
    assert status["value"] == 200
    assert view.open_interface("dashboard") is page  # a second open reuses the tab
    from flowdesk.gui.qt import QTabBar

    close = view.tabs.tabBar().tabButton(0, QTabBar.ButtonPosition.RightSide)
    assert close.objectName() == "TabClose" and close.accessibleName() and not close.icon().isNull()
    close.click()  # the icon set's close button, not the style's red square
    assert view.tabs.count() == 0


def test_open_in_browser_signs_the_browser_in_once_without_the_token(qtbot, bridge) -> None:
    import requests

    from flowdesk.gui.qt import QDesktopServices
    from tests.gui.conftest import UrlCatcher

    browser = UrlCatcher()
    QDesktopServices.setUrlHandler("http", browser, "open")
    try:
        view = InterfacesView(bridge)
        qtbot.addWidget(view)
        names = [view.list.item(i).data(0x0100) for i in range(view.list.count())]
        view.list.setCurrentRow(names.index("dashboard"))
        assert view.tabs.count() == 0 and view.browser_button.isEnabled()  # no tab needed: the selection is enough
        view.browser_button.click()
        qtbot.waitUntil(lambda: bool(browser.urls), timeout=5000)
        url = browser.urls[0]
        assert GUI_TOKEN not in url and url.startswith(f"{bridge.url}/auth/login?ticket=") and "next=/dashboard/" in url
        session = requests.Session()
        first = session.get(url, allow_redirects=False, timeout=10)
        assert first.status_code == 302 and first.headers["Location"] == "/dashboard/"
        assert session.get(f"{bridge.url}/api/workflows", timeout=10).status_code == 200  # the cookie alone
        assert requests.get(url, allow_redirects=False, timeout=10).status_code == 401  # used up
    finally:
        QDesktopServices.unsetUrlHandler("http")


def test_new_interface_creates_a_starter_page_and_selects_it(qtbot, bridge, monkeypatch) -> None:
    from flowdesk.gui.qt import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_args, **_kw: ("team board", True)))
    view = InterfacesView(bridge)
    qtbot.addWidget(view)
    assert view.header.primary is view.new_button
    view.new_button.click()
    qtbot.waitUntil(lambda: "team_board" in view.entries, timeout=10000)
    folder = bridge.workspace.interfaces_dir / "team_board"
    assert (folder / "src" / "index.html").is_file() and (folder / "config.json").is_file()
    qtbot.waitUntil(lambda: view.list.currentItem() is not None
                    and view.list.currentItem().data(0x0100) == "team_board", timeout=5000)
    assert "Team Board" in view.details.text()


def test_new_interface_with_a_taken_name_says_why(qtbot, bridge, monkeypatch) -> None:
    from flowdesk.gui.qt import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_args, **_kw: ("lead_form", True)))
    view = InterfacesView(bridge)
    qtbot.addWidget(view)
    view.new_button.click()
    qtbot.waitUntil(lambda: "already exists" in view.message.text(), timeout=10000)
    assert view.message.isVisibleTo(view)
