"""``POST /auth/ticket``: one-time login codes for ``flowdesk open``, minted with the API token only (issue 12 #13)."""

from __future__ import annotations

from tests.core.listener.conftest import TOKEN, Api


def _session(api: Api) -> Api:
    browser = Api(api.base)
    assert browser("GET", f"/auth/login?token={TOKEN}&next=/", auth=False).status_code == 302
    return browser


def test_a_ticket_needs_the_api_token_and_works_once(api: Api) -> None:
    r = api("POST", "/auth/ticket")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    body = r.json()
    assert body["expires_in"] == 60 and len(body["ticket"]) >= 40 and TOKEN not in body["ticket"]
    assert api("POST", "/auth/ticket").json()["ticket"] != body["ticket"]
    login = f"/auth/login?ticket={body['ticket']}&next=/site/"
    first = Api(api.base)("GET", login, auth=False)
    assert first.status_code == 302 and first.headers["Location"] == "/site/" and "flowdesk_session" in first.cookies
    again = Api(api.base)("GET", login, auth=False)
    assert again.status_code == 401


def test_strangers_and_sessions_cannot_mint_tickets(api: Api) -> None:
    assert api("POST", "/auth/ticket", auth=False).status_code == 401
    assert api("GET", "/auth/ticket", auth=False).status_code in (401, 405)
    browser = _session(api)
    for headers in ({}, {"Origin": api.base}, {"Origin": api.base, "Sec-Fetch-Site": "same-origin"}):
        refused = browser("POST", "/auth/ticket", auth=False, headers=headers)
        assert refused.status_code == 401 and "ticket" not in refused.json(), headers
    wrong = api("POST", "/auth/ticket", auth=False, headers={"Authorization": "Bearer " + "x" * 40})
    assert wrong.status_code == 401


def test_unknown_auth_paths_are_closed_not_interface_files(api: Api) -> None:
    # /auth/ is FlowDesk's: anything there but login/logout needs credentials, and no interface may take it.
    assert api("GET", "/auth/anything", auth=False).status_code == 401
    assert api("GET", "/auth/anything").status_code == 404
