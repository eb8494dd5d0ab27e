"""``flowdesk open``: a plain browser signed in to a running FlowDesk by a one-time code (issue 12 #13).

A real ``flowdesk serve`` on the seed-style workspace with a generated API token (the data dir's
``api_token`` file, as a user has it): the CLI finds the service through the data dir's lock
file, asks for a ticket with the token, and the URL it gives works exactly once.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from flowdesk.core.api_token import token_path
from tests.conftest import FIXTURES, REPO, CliResult, copy_workspace


@pytest.fixture()
def served(tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``flowdesk serve --port 0`` on the seed workspace without FLOWDESK_API_TOKEN; yields its base URL."""
    monkeypatch.delenv("FLOWDESK_API_TOKEN", raising=False)
    ws = copy_workspace(FIXTURES / "seed_routes_workspace", tmp_path / "ws")
    env = {k: v for k, v in os.environ.items() if k != "FLOWDESK_API_TOKEN"} | {"FLOWDESK_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "flowdesk", "serve", "--port", "0", "--workspace", str(ws)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert "listening on" in line, line + (proc.stderr.read() if proc.stderr else "")
        yield line.split("listening on ", 1)[1].split()[0]
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        finally:
            if proc.poll() is None:
                proc.kill()


def test_the_printed_url_signs_in_once_and_never_holds_the_token(
        served: str, data_dir: Path, flowdesk_cli: Callable[..., CliResult]) -> None:
    token = token_path(data_dir).read_text(encoding="utf-8").strip()
    result = flowdesk_cli("open", "tableau_commercial", "--print")
    assert result.code == 0, result.err
    url = result.out.strip()
    assert token not in url and "token=" not in url
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == served and parts.path == "/auth/login"
    assert parse_qs(parts.query)["next"] == ["/tableau-commercial/"] and parse_qs(parts.query)["ticket"][0]

    browser = requests.Session()
    first = browser.get(url, allow_redirects=False, timeout=10)
    assert first.status_code == 302 and first.headers["Location"] == "/tableau-commercial/"
    assert "flowdesk_session" in first.cookies
    page = browser.get(served + "/tableau-commercial/", timeout=10)
    assert page.status_code == 200 and "Tableau commercial" in page.text
    workflows = browser.get(served + "/api/workflows", timeout=10)  # the API with the cookie alone
    assert workflows.status_code == 200 and {w["name"] for w in workflows.json()} == {"rapport_quotidien",
                                                                                      "relance_clients"}

    second = requests.get(url, allow_redirects=False, timeout=10)  # a replay: the code was spent
    assert second.status_code == 401 and "flowdesk_session" not in second.cookies


def test_open_without_interface_goes_to_the_dashboard_through_browser(
        served: str, tmp_path: Path, flowdesk_cli: Callable[..., CliResult]) -> None:
    record = tmp_path / "opened.txt"
    script = tmp_path / "navigateur.sh"
    script.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{record}"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    result = flowdesk_cli("open", env={"BROWSER": f"{script} %s"})
    assert result.code == 0, result.err
    url = record.read_text(encoding="utf-8")
    assert parse_qs(urlsplit(url).query)["next"] == ["/"]
    browser = requests.Session()
    landed = browser.get(url, timeout=10)  # /auth/login -> / -> /dashboard/
    assert landed.status_code == 200 and landed.url == served + "/dashboard/" and 'id="rows"' in landed.text


def test_unknown_interface_and_no_service(served: str, tmp_path: Path, flowdesk_cli: Callable[..., CliResult]) -> None:
    unknown = flowdesk_cli("open", "inconnue", "--print")
    assert unknown.code == 1 and "no interface 'inconnue'" in unknown.err and "tableau_commercial" in unknown.err
    elsewhere = flowdesk_cli("open", "--print", env={"FLOWDESK_DATA_DIR": str(tmp_path / "autre")})
    assert elsewhere.code == 1 and "FlowDesk is not running on data dir" in elsewhere.err and elsewhere.out == ""
