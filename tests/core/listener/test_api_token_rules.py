"""The API token: too short refused at start; ``FLOWDESK_API_TOKEN`` in the workspace's config/.env honoured."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flowdesk.core.api_token import ApiTokenError, token_path
from flowdesk.core.service_settings import RuntimeSettings
from tests.core.listener.conftest import TOKEN, Api, ServiceThread

DOTENV_TOKEN = "dotenv-api-token-0123456789abcdef"


def start(listener_ws: Path, data_dir: Path) -> ServiceThread:
    return ServiceThread(listener_ws, data_dir, RuntimeSettings(max_workers=1, warm_workers=0),
                         watch=False, scheduler=False).start()


def test_a_short_chosen_token_is_refused_at_start(listener_ws: Path, data_dir: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWDESK_API_TOKEN", "only-23-characters-long")
    svc = ServiceThread(listener_ws, data_dir, watch=False, scheduler=False)
    svc.thread.start()
    try:
        with pytest.raises(ApiTokenError) as info:
            svc.call(svc.service.start())
        message = str(info.value)
        assert "FLOWDESK_API_TOKEN" in message and "23 characters" in message and "at least 24" in message
        assert "only-23-characters-long" not in message  # the error never echoes the secret
        assert svc.service.listener is None and not token_path(data_dir).exists()
    finally:
        svc.loop.call_soon_threadsafe(svc.loop.stop)
        svc.thread.join(10)


def test_serve_says_which_variable_and_exits_non_zero(listener_ws: Path, tmp_path: Path) -> None:
    env = {**os.environ, "FLOWDESK_API_TOKEN": "short", "FLOWDESK_DATA_DIR": str(tmp_path / "d")}
    r = subprocess.run([sys.executable, "-m", "flowdesk", "serve", "--port", "0", "--no-watch",
                        "--workspace", str(listener_ws)], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert "FLOWDESK_API_TOKEN" in r.stderr and "at least 24" in r.stderr and "Traceback" not in r.stderr


def test_token_from_the_workspace_env_file(listener_ws: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLOWDESK_API_TOKEN", raising=False)
    (listener_ws / "config" / ".env").write_text(f"FLOWDESK_API_TOKEN={DOTENV_TOKEN}\n", encoding="utf-8")
    svc = start(listener_ws, data_dir)
    try:
        api = Api(svc.url)
        assert api("GET", "/api/workflows", headers={"Authorization": f"Bearer {DOTENV_TOKEN}"}).status_code == 200
        assert api("GET", "/api/workflows").status_code == 401  # the conftest token is not in force
        assert not token_path(data_dir).exists()  # nothing generated when a token is chosen
    finally:
        svc.stop()


def test_process_environment_wins_over_the_env_file(listener_ws: Path, data_dir: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWDESK_API_TOKEN", TOKEN)
    (listener_ws / "config" / ".env").write_text(f"FLOWDESK_API_TOKEN={DOTENV_TOKEN}\n", encoding="utf-8")
    svc = start(listener_ws, data_dir)
    try:
        api = Api(svc.url)
        assert api("GET", "/api/workflows").status_code == 200
        assert api("GET", "/api/workflows", headers={"Authorization": f"Bearer {DOTENV_TOKEN}"}).status_code == 401
    finally:
        svc.stop()


def test_a_short_token_in_the_env_file_names_the_file(listener_ws: Path, data_dir: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLOWDESK_API_TOKEN", raising=False)
    env_file = listener_ws / "config" / ".env"
    env_file.write_text("FLOWDESK_API_TOKEN=short-one\n", encoding="utf-8")
    svc = ServiceThread(listener_ws, data_dir, watch=False, scheduler=False)
    svc.thread.start()
    try:
        with pytest.raises(ApiTokenError, match="FLOWDESK_API_TOKEN in .*config/.env is 9 characters"):
            svc.call(svc.service.start())
    finally:
        svc.loop.call_soon_threadsafe(svc.loop.stop)
        svc.thread.join(10)
