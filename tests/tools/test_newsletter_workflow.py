"""The seed's newsletter workflow, unchanged, end to end against the YouTube, Slack and SMTP stand-ins.

It runs in a fresh interpreter with the seed import shims installed on a throw-away
workspace holding a copy of ``private/workflows/newsletter_automation``; the tools are
built from profiles (``TECH_CHANNEL``, ``MARKETING``, ``NEWSLETTER``) written in that
workspace's ``config/.env``, with ``base_url``/``smtp_host`` pointing at the stand-ins.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from stand_ins.http_stand_in import Reply
from stand_ins.slack_api import VALID_TOKEN as SLACK_TOKEN
from stand_ins.slack_api import SlackStandIn
from stand_ins.smtp_server import SmtpStandIn
from stand_ins.youtube_api import BASE_PATH, VALID_KEY, YouTubeStandIn, google_error

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / "private" / "workflows" / "newsletter_automation"
MARK = "@@RESULT@@"
SMTP_USER, SMTP_PASSWORD = "newsletter@company.com", "smtp-pass"

RUNNER = """
import json, sys
from pathlib import Path
from flowdesk.core import seed_compat
ws = Path(sys.argv[1])
seed_compat.install(ws)
from tools.youtube.main import YouTubeTool
from tools.slack.main import SlackTool
from tools.email.main import EmailTool
import app.private.workflows.newsletter_automation.main as workflow
tools = {"youtube": YouTubeTool(profile="TECH_CHANNEL"), "slack": SlackTool(profile="MARKETING"),
         "email": EmailTool(profile="NEWSLETTER")}
result = workflow.execute(json.loads(sys.argv[2]), tools)
out = {"result": result, "builtin": YouTubeTool.__module__, "secrets": sorted(set(
    s for t in tools.values() for s in t.secrets))}
print(%r + json.dumps(out, default=str))
""" % MARK


@pytest.fixture(scope="module")
def services() -> Iterator[dict[str, Any]]:
    """The YouTube, Slack and SMTP stand-ins the workflow talks to."""
    youtube, slack = YouTubeStandIn().start(), SlackStandIn().start()
    smtp = SmtpStandIn(SMTP_USER, SMTP_PASSWORD, "plain").start()
    yield {"youtube": youtube, "slack": slack, "smtp": smtp}
    youtube.stop()
    slack.stop()
    smtp.stop()


@pytest.fixture()
def workspace(tmp_path: Path, services: dict[str, Any]) -> Path:
    """A workspace with only the newsletter workflow and a config/.env of profiles aimed at the stand-ins."""
    for server in (services["youtube"], services["slack"]):
        server.reset()
    services["smtp"].handler.received.clear()
    ws = tmp_path / "ws"
    shutil.copytree(WORKFLOW, ws / "private" / "workflows" / WORKFLOW.name,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (ws / "private" / "tools").mkdir(parents=True)
    (ws / "config").mkdir()
    (ws / "config" / ".env").write_text(textwrap.dedent(f"""\
        YOUTUBE_TECH_CHANNEL_API_KEY={VALID_KEY}
        YOUTUBE_TECH_CHANNEL_BASE_URL={services["youtube"].url}{BASE_PATH}
        YOUTUBE_TECH_CHANNEL_REGION=FR
        SLACK_MARKETING_TOKEN={SLACK_TOKEN}
        SLACK_MARKETING_BASE_URL={services["slack"].url}/api/
        EMAIL_NEWSLETTER_SMTP_HOST=127.0.0.1
        EMAIL_NEWSLETTER_SMTP_PORT={services["smtp"].port}
        EMAIL_NEWSLETTER_EMAIL={SMTP_USER}
        EMAIL_NEWSLETTER_PASSWORD={SMTP_PASSWORD}
        EMAIL_NEWSLETTER_USE_TLS=false
        EMAIL_NEWSLETTER_FROM_NAME=Newsletter Tech
        EMAIL_NEWSLETTER_TIMEOUT=5
        """), encoding="utf-8")
    return ws


def run_workflow(ws: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Run the workflow in a clean interpreter; return its result and facts about the tools."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YOUTUBE_", "SLACK_", "EMAIL_"))}
    env.update(PYTHONPATH=str(REPO), PYTHONDONTWRITEBYTECODE="1", FLOWDESK_WORKSPACE=str(ws))
    proc = subprocess.run([sys.executable, "-c", RUNNER, str(ws), json.dumps(data)], cwd=ws, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith(MARK)][-1]
    return json.loads(line[len(MARK):])


def test_newsletter_runs_green_end_to_end(workspace: Path, services: dict[str, Any]) -> None:
    out = run_workflow(workspace, {"keyword": "python", "max_videos": 3, "slack_channel": "#marketing",
                                   "recipients": "subscribers@company.com, team@company.com"})
    result = out["result"]
    assert result["status"] == "success", result
    assert result["data"]["videos_found"] == 2 and result["data"]["steps_executed"] == 3
    assert out["builtin"] == "flowdesk.tools.youtube.main"  # the seed import reached the built-in tool

    search = services["youtube"].calls("/search$")[0]
    assert search.query["q"] == "python" and search.query["maxResults"] == "3"
    assert search.query["regionCode"] == "FR" and "publishedAfter" in search.query

    posted = services["slack"].posted("C0MARKET01")
    assert [m["text"] for m in posted] == ["📧 Newsletter prête ! 2 vidéos trouvées pour 'python'",
                                           "✅ Newsletter envoyée avec succès ! 2 vidéos incluses"]

    (mail,) = services["smtp"].received
    assert sorted(mail.rcpt_tos) == ["subscribers@company.com", "team@company.com"]
    msg = mail.message
    assert msg["Subject"] == "Newsletter Tech - Python" and msg["From"] == "Newsletter Tech <newsletter@company.com>"
    html = msg.get_body(("html",)).get_content()
    text = msg.get_body(("plain",)).get_content()
    for title in ("Python &amp; FastAPI in 10 minutes", "Async Python explained"):
        assert f"<strong>{title}</strong>" in html
    assert "152,340 vues - https://www.youtube.com/watch?v=vidPython01" in text
    assert "Tech news" not in text  # 20 days old: outside the workflow's 7days window
    assert SMTP_USER in services["smtp"].auth_attempts
    assert {VALID_KEY, SLACK_TOKEN, SMTP_PASSWORD} <= set(out["secrets"])  # what the engine will mask


def test_newsletter_reports_a_youtube_rate_limit(workspace: Path, services: dict[str, Any]) -> None:
    failure = google_error(429, "Too many requests", "rateLimitExceeded", "RESOURCE_EXHAUSTED")
    services["youtube"].fail_next("/search", Reply(429, failure.body, {"Retry-After": "30"}))
    result = run_workflow(workspace, {"keyword": "python"})["result"]
    assert result["status"] == "error" and "rate limited" in result["message"]
    assert services["slack"].posted("C0MARKET01") == [] and services["smtp"].received == []


def test_newsletter_through_flowdesk_run_in_an_engine_worker(workspace: Path, services: dict[str, Any],
                                                            tmp_path: Path) -> None:
    """The same workflow as a user runs it: ``flowdesk run`` -> run service -> isolated worker -> stand-ins."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YOUTUBE_", "SLACK_", "EMAIL_"))}
    env.update(FLOWDESK_DATA_DIR=str(tmp_path / "data"))
    proc = subprocess.run([sys.executable, "-m", "flowdesk", "run", "newsletter_automation", "--workspace", str(workspace),
                           "-p", "keyword=python", "-p", "max_videos=3"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    record = json.loads(proc.stdout)
    assert record["status"] == "success" and record["trigger"] == "manual"
    assert record["profile_info"] == {"youtube": "TECH_CHANNEL", "slack": "MARKETING", "email": "NEWSLETTER"}
    assert record["output"]["data"]["videos_found"] == 2
    assert len(services["slack"].posted("C0MARKET01")) == 2
    assert len(services["smtp"].received) == 1
    assert SMTP_PASSWORD not in proc.stdout  # profile secrets never reach the run record
