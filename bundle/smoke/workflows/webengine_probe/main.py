"""Bundle smoke test: a FlowDesk interface in a QWebEngineView, inside the frozen worker process.

Loads ``/auth/login?token=...&next=<route>/`` (what the app's Interfaces view loads), waits until
the page's JavaScript has filled ``selector`` from the API, and saves a screenshot. This runs the
bundle's own QtWebEngine: libQt6WebEngineCore, QtWebEngineProcess, its resources, ICU data and
locales, the platform plugin -- everything the Qt pruning had to keep.
"""

import json
import os
import time
from urllib.parse import quote


def execute(data, tools):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer, QUrl
    from PySide6.QtWidgets import QApplication
    from PySide6.QtWebEngineWidgets import QWebEngineView

    route = (data.get("route") or "/dashboard").rstrip("/") + "/"
    url = f"{data['base_url'].rstrip('/')}/auth/login?token={quote(data['token'], safe='')}&next={quote(route, safe='/')}"
    selector = data.get("selector") or "#rows tr"
    deadline = time.monotonic() + float(data.get("wait") or 60)
    app = QApplication.instance() or QApplication(["webengine_probe"])
    view = QWebEngineView()
    view.resize(1100, 700)
    view.show()
    state = {"loaded": None, "page": None, "polls": 0}
    loop = QEventLoop()
    script = ("JSON.stringify({title: document.title, url: location.pathname, count: document.querySelectorAll("
              + json.dumps(selector) + ").length, text: document.body ? document.body.innerText.slice(0, 400) : ''})")

    def poll():
        state["polls"] += 1
        view.page().runJavaScript(script, 0, got)

    def got(value):
        state["page"] = json.loads(value) if isinstance(value, str) else value
        if state["page"] and state["page"].get("count", 0) > 0:
            loop.quit()
        elif time.monotonic() < deadline:
            QTimer.singleShot(250, poll)
        else:
            loop.quit()

    def finished(ok):
        state["loaded"] = ok
        poll()

    view.loadFinished.connect(finished)
    view.load(QUrl(url))
    QTimer.singleShot(int((deadline - time.monotonic()) * 1000) + 1000, loop.quit)
    started = time.monotonic()
    loop.exec()
    elapsed = round(time.monotonic() - started, 2)
    shot = data.get("screenshot") or ""
    if shot:
        view.grab().save(shot, "PNG")
    page = state["page"] or {}
    view.close()
    view.deleteLater()
    app.processEvents()
    ok = bool(state["loaded"]) and page.get("count", 0) > 0
    return {"status": "success" if ok else "error",
            "message": f"{page.get('title')!r}: {page.get('count', 0)} x {selector} after {elapsed}s",
            "data": {"loaded": state["loaded"], "page": page, "seconds": elapsed, "polls": state["polls"],
                     "screenshot": shot or None}}
