"""The seed's pages: ``/`` goes to a built-in read-only dashboard, ``/docs`` is the API reference (issue 12 #12),
and an interface without ``index.html`` still serves its other files (issue 12 #14)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flowdesk.core.registry.registry import BUILTIN_INTERFACES_DIR
from tests.conftest import FIXTURES, copy_workspace
from tests.core.listener.conftest import TOKEN, Api

DASHBOARD_SRC = BUILTIN_INTERFACES_DIR / "dashboard" / "src"


@pytest.fixture()
def listener_ws(tmp_path: Path) -> Path:  # overrides the conftest fixture: the seed-style workspace
    return copy_workspace(FIXTURES / "seed_routes_workspace", tmp_path / "ws")


def signed_in(api: Api) -> Api:
    """A browser-like client holding an interface session (no token afterwards)."""
    browser = Api(api.base)
    assert browser("GET", f"/auth/login?token={TOKEN}&next=/", auth=False).status_code == 302
    return browser


def test_root_redirects_to_the_built_in_dashboard(api: Api) -> None:
    r = api("GET", "/", auth=False)
    assert r.status_code == 302 and r.headers["Location"] == "/dashboard/"
    page = api("GET", "/dashboard/", auth=False)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert '<tbody id="rows">' in page.text and '<script src="dashboard.js">' in page.text
    assert api("GET", "/dashboard/dashboard.js", auth=False).status_code == 200
    listed = {i["name"]: i for i in api("GET", "/api/interfaces").json()}
    assert listed["dashboard"]["route"] == "/dashboard" and not listed["dashboard"]["broken"]


def test_the_dashboard_reads_with_the_session_cookie_only(api: Api) -> None:
    browser = signed_in(api)
    js = (DASHBOARD_SRC / "dashboard.js").read_text(encoding="utf-8")
    paths = re.findall(r'api\("([^"]+)"\)', js)
    assert paths, "the dashboard reads the API"
    for path in paths:  # every call the page makes works with the cookie alone (same-origin GET, no Origin)
        assert browser("GET", path, auth=False).status_code == 200, path
        assert api("GET", path, auth=False).status_code == 401, path  # and tells a stranger nothing


def test_the_dashboard_is_read_only_and_holds_no_secret(api: Api) -> None:
    for name in ("index.html", "dashboard.js", "dashboard.css"):
        text = (DASHBOARD_SRC / name).read_text(encoding="utf-8")
        assert TOKEN not in text and "Authorization" not in text and "localStorage" not in text
        assert not re.search(r"method\s*:|\bPOST\b|\bPUT\b|\bDELETE\b|/trigger/|/execute/|/toggle/|/webhooks/", text), name
        assert "innerHTML" not in text, name  # values are inserted as text: run messages come from strangers
    served = api("GET", "/dashboard/", auth=False).text
    assert TOKEN not in served


def test_a_workspace_dashboard_wins_over_the_built_in(api: Api, listener_ws: Path) -> None:
    own = listener_ws / "private" / "interfaces" / "dashboard"
    (own / "src").mkdir(parents=True)
    (own / "main.py").write_text('DISPLAY_NAME = "Tableau de bord"\nROUTE = "/dashboard"\nICON = "🏠"\n', "utf-8")
    (own / "src" / "index.html").write_text("<!DOCTYPE html><h1>Tableau de bord maison</h1>\n", encoding="utf-8")
    assert "interface:dashboard" in api("POST", "/api/reload").json()["changed"]
    assert api("GET", "/", auth=False).headers["Location"] == "/dashboard/"
    assert "Tableau de bord maison" in api("GET", "/dashboard/", auth=False).text
    listed = {i["name"]: i for i in api("GET", "/api/interfaces").json()}
    assert listed["dashboard"]["display_name"] == "Tableau de bord"


def test_a_workspace_interface_on_the_dashboard_route_hides_the_built_in(api: Api, listener_ws: Path) -> None:
    crm = listener_ws / "private" / "interfaces" / "accueil"
    (crm / "src").mkdir(parents=True)
    (crm / "main.py").write_text('DISPLAY_NAME = "Accueil"\nROUTE = "/dashboard"\n', encoding="utf-8")
    (crm / "src" / "index.html").write_text("<!DOCTYPE html><h1>Accueil</h1>\n", encoding="utf-8")
    api("POST", "/api/reload")
    names = {i["name"]: i for i in api("GET", "/api/interfaces").json()}
    assert "dashboard" not in names and not names["accueil"]["broken"]  # no route clash reported
    assert "Accueil" in api("GET", "/dashboard/", auth=False).text


def test_docs_is_an_offline_script_free_reference_of_every_route(api: Api) -> None:
    r = api("GET", "/docs", auth=False)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in r.headers["Content-Security-Policy"] and "<script" not in r.text
    document = api("GET", "/api/openapi.json", auth=False).json()
    for path in document["paths"]:
        assert f"<code>{path}</code>" in r.text, path
    assert "http://" not in r.text.replace(f"{api.base}", "")  # nothing fetched from elsewhere


def test_an_interface_without_index_serves_its_other_files(api: Api) -> None:
    assert api("GET", "/sans-page/style.css", auth=False).status_code == 200
    assert api("GET", "/sans-page/", auth=False).status_code == 404
    assert api("GET", "/tableau-commercial/", auth=False).status_code == 200
    listed = {i["name"]: i for i in api("GET", "/api/interfaces").json()}
    assert not listed["sans_page"]["broken"] and "index.html is missing" in listed["sans_page"]["warnings"][0]

