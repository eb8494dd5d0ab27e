"""The printed lines of ``cluster status`` and ``db migrate-to`` in French when the CLI speaks French; English unchanged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest

from flowdesk.core.store import DB_FILENAME, RunStore, new_run_id
from tests.conftest import CliResult

FRENCH = {"LANG": "fr_FR.UTF-8", "LANGUAGE": "fr"}
ENGLISH = {"LANG": "en_US.UTF-8", "LANGUAGE": "en"}


@pytest.fixture()
def history(data_dir: Path) -> Path:
    """A workstation store with two successful runs, a failed one and one FlowDesk stopped at its timeout."""
    store = RunStore(data_dir / DB_FILENAME)
    now = datetime.now(timezone.utc)
    for status in ("success", "success", "error"):
        run_id = new_run_id()
        store.create(run_id, "digest", "manual", {})
        store.finish(run_id, status, now, started_at=now, message="done", error="boom" if status == "error" else None)
    timed_out = new_run_id()
    store.create(timed_out, "slow", "manual", {})
    store.finish(timed_out, "timeout", now, started_at=now, message="timed out after 2 s", error="timed out after 2 s")
    store.close()
    return data_dir


def test_cluster_status_in_french(flowdesk_cli: Callable[..., CliResult], history: Path, tmp_path: Path) -> None:
    shown = flowdesk_cli("cluster", "status", "--workspace", str(tmp_path), env=FRENCH)
    assert shown.code == 1, shown.err  # no worker alive
    lines = shown.out.splitlines()
    assert lines[0] == "Workers (0 en vie sur 0) :"
    assert lines[1].split() == ["nom", "hôte", "simultanéité", "en", "cours", "dernier", "signe", "de", "vie", "état"]
    assert "File : 0 exécution(s) en attente dans la base, 0 en attente de max_instances" in lines
    assert lines[-1] == "Exécutions par statut : échec 1, succès 2, délai dépassé 1"


def test_cluster_status_in_english_is_unchanged(flowdesk_cli: Callable[..., CliResult], history: Path,
                                                tmp_path: Path) -> None:
    shown = flowdesk_cli("cluster", "status", "--workspace", str(tmp_path), env=ENGLISH)
    lines = shown.out.splitlines()
    assert lines[0] == "Workers (0 alive of 0):"
    assert lines[1].split() == ["name", "host", "concurrency", "running", "last", "heartbeat", "state"]
    assert "Queue: 0 queued run(s) in the store, 0 waiting for max_instances" in lines
    assert lines[-1] == "Runs by status: error 1, success 2, timeout 1"


def test_db_migrate_to_in_french(flowdesk_cli: Callable[..., CliResult], history: Path, pg_url: str) -> None:
    copied = flowdesk_cli("db", "migrate-to", pg_url, timeout=120, env=FRENCH)
    assert copied.code == 0, copied.err
    lines = copied.out.splitlines()
    assert lines[0].startswith("Copie de ") and " vers postgresql://" in lines[0]
    assert lines[1].startswith("  source : schéma v") and "; cible : créée au schéma v" in lines[1]
    assert "  exécutions : 4/4 lues, 4 nouvelles" in lines
    assert "exécutions : 4 copié(s), 0 déjà présent(s)" in lines
    assert lines[-1].startswith("terminé en ") and lines[-1].endswith(" s")
    again = flowdesk_cli("db", "migrate-to", pg_url, timeout=120, env=ENGLISH)
    assert "runs: 0 copied, 4 already there" in again.out.splitlines()
    assert again.out.splitlines()[1].startswith("  source: schema v") and "; target: schema v" in again.out


def test_runs_table_in_french_with_flowdesk_own_words_translated(flowdesk_cli: Callable[..., CliResult],
                                                                  history: Path) -> None:
    shown = flowdesk_cli("runs", "slow", env=FRENCH)
    header, _rule, row = shown.out.splitlines()
    assert header.split() == ["id", "workflow", "déclencheur", "statut", "début", "durée", "message"]
    assert row.split()[2:4] == ["manual", "délai"] and row.endswith("délai dépassé après 2 s")
    english = flowdesk_cli("runs", "slow", env=ENGLISH).out.splitlines()
    assert english[0].split() == ["id", "workflow", "trigger", "status", "started", "duration", "message"]
    assert english[2].split()[3] == "timeout" and english[2].endswith("timed out after 2 s")
    stored = flowdesk_cli("runs", "slow", "--json", env=FRENCH).json()
    assert stored[0]["error"] == "timed out after 2 s" and stored[0]["status"] == "timeout"  # machine output: as stored


def test_check_reports_broken_files_in_french(flowdesk_cli: Callable[..., CliResult]) -> None:
    from tests.conftest import REPO

    workspace = REPO / "tests" / "fixtures" / "broken_workspace"
    french = flowdesk_cli("check", "--no-import", "--workspace", str(workspace), env=FRENCH)
    assert french.code == 1
    lines = french.out.splitlines()
    assert any(line.endswith("no_main/main.py : main.py est absent") for line in lines)
    assert any(line.endswith("no_config/config.json : config.json est absent") for line in lines)
    assert any("bad_fields/config.json : triggers : déclencheur inconnu 'sometimes' ; utilisez manual, webhook, "
               "schedule ; " in line and "inputs_schema[0].type : type d'entrée inconnu « colour »" in line
               for line in lines)
    assert lines[-1] == "10 erreur(s), 1 avertissement(s)"
    english = flowdesk_cli("check", "--no-import", "--workspace", str(workspace), env=ENGLISH)
    assert any(line.endswith("no_main/main.py: main.py is missing") for line in english.out.splitlines())
    assert any("bad_fields/config.json: triggers: unknown trigger 'sometimes'; use manual, webhook, schedule; "
               in line for line in english.out.splitlines())
    missing = flowdesk_cli("run", "nowhere", "--workspace", str(workspace), env=FRENCH)
    assert missing.code == 1 and missing.err.startswith("flowdesk: workflow 'nowhere' introuvable dans ")


def test_tools_and_jobs_listings_in_french(flowdesk_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    from tests.conftest import REPO, copy_workspace

    workspace = copy_workspace(REPO, tmp_path / "ws")
    tools = flowdesk_cli("tools", "--workspace", str(workspace), env=FRENCH).out.splitlines()
    assert "✓ date  (intégré, activé)" in tools
    assert any(line.split()[:2] == ["DEFAULT", "manquant"] for line in tools)  # a tool without its credentials
    jobs = flowdesk_cli("jobs", "--workspace", str(workspace), env=FRENCH).out.splitlines()
    assert jobs[0].split()[:4] == ["workflow", "planification", "en", "clair"]
    assert any("0 8 * * 1-5    À 08:00, de lundi à vendredi" in line for line in jobs)
    assert flowdesk_cli("jobs", "--json", "--workspace", str(workspace), env=FRENCH).json()[0]["description"] \
        .startswith("At ")  # machine output stays English
    english = flowdesk_cli("tools", "--workspace", str(workspace), env=ENGLISH).out.splitlines()
    assert "✓ date  (built-in, enabled)" in english


def test_invalid_run_input_is_reported_in_french(flowdesk_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    from tests.conftest import REPO, copy_workspace

    workspace = copy_workspace(REPO, tmp_path / "ws")
    data = '{"attendees": "many", "contact": "nope"}'
    french = flowdesk_cli("run", "input_showcase", "--data", data, "--workspace", str(workspace), env=FRENCH)
    assert french.code == 2
    assert french.err.splitlines() == ["flowdesk: entrée invalide pour le workflow 'input_showcase' :",
                                       "  contact : adresse e-mail non valide",
                                       "  attendees : doit être un nombre entier"]
    english = flowdesk_cli("run", "input_showcase", "--data", data, "--workspace", str(workspace), env=ENGLISH)
    assert english.err.splitlines() == ["flowdesk: invalid input for workflow 'input_showcase':",
                                        "  contact: not a valid email address", "  attendees: must be a whole number"]


HELP_FRENCH = {"LANGUAGE": "fr", "LANG": "C.UTF-8", "COLUMNS": "200"}
HELP_ENGLISH = {"LANGUAGE": "en", "LANG": "C.UTF-8", "COLUMNS": "200"}


def _option_help(help_page: str, option: str) -> str:
    """The help text beside ``option`` in an argparse help page (one line: COLUMNS is wide)."""
    line = next(line for line in help_page.splitlines() if line.strip().startswith(option + " "))
    return line.strip()[len(option):].strip()


def test_serve_help_shows_host_and_port_defaults_in_french(flowdesk_cli: Callable[..., CliResult]) -> None:
    french = flowdesk_cli("serve", "--help", env=HELP_FRENCH)
    assert french.code == 0, french.err
    assert _option_help(french.out, "--host HOST") == "défaut 127.0.0.1"
    assert _option_help(french.out, "--port PORT") == "défaut 8000 ; 0 choisit un port libre"
    english = flowdesk_cli("serve", "--help", env=HELP_ENGLISH)
    assert _option_help(english.out, "--host HOST") == "default 127.0.0.1"
    assert _option_help(english.out, "--port PORT") == "default 8000; 0 picks a free port"


def test_help_lists_the_app_workspace_and_data_dir_in_english_and_french(
        flowdesk_cli: Callable[..., CliResult]) -> None:
    english = flowdesk_cli("--help", env=HELP_ENGLISH)
    assert english.code == 0, english.err
    assert english.out.startswith("usage: flowdesk [-h] [--version] [--workspace DIR] [--data-dir DIR]")
    assert _option_help(english.out, "--workspace DIR") == ("with no command: the app's workspace folder for this "
                                                            "launch (default $FLOWDESK_WORKSPACE, else Settings)")
    assert _option_help(english.out, "--data-dir DIR").startswith("with no command: the app's settings, database")
    french = flowdesk_cli("--help", env=HELP_FRENCH)
    assert french.out.startswith("utilisation : flowdesk [-h] [--version] [--workspace DIR] [--data-dir DIR]")
    assert _option_help(french.out, "--workspace DIR") == (
        "sans commande : le dossier de l'espace de travail de l'application pour ce lancement "
        "(défaut $FLOWDESK_WORKSPACE, sinon les Paramètres)")
    assert _option_help(french.out, "--data-dir DIR").startswith("sans commande : les paramètres, la base")
