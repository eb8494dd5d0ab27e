"""The core loads requests, google-auth and cryptography only when a Google token is used (~20 MB of RSS)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO

HEAVY = ("requests", "google.auth", "google.oauth2", "cryptography", "urllib3")


def loaded_after(code: str) -> list[str]:
    """The heavy packages in sys.modules after ``code`` ran in a fresh interpreter."""
    script = f"import json, sys\n{code}\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_runtime_and_the_listener_load_no_google_library() -> None:
    assert loaded_after("import flowdesk.core.runtime, flowdesk.core.listener.server, flowdesk.core.oauth") == []


def test_a_token_file_read_as_credentials_loads_google_auth(tmp_path) -> None:
    token = tmp_path / "token.json"
    token.write_text(json.dumps({"token": "t", "refresh_token": "r", "client_id": "c", "client_secret": "s",
                                 "token_uri": "https://oauth2.example/token", "scopes": ["a"]}))
    loaded = loaded_after("from pathlib import Path\nfrom flowdesk.core.oauth.token_store import load_credentials\n"
                          f"creds = load_credentials(Path({str(token)!r}))\n"
                          "assert creds.refresh_token == 'r' and creds.token_uri == 'https://oauth2.example/token'")
    assert "google.oauth2" in loaded
