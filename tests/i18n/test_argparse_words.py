"""argparse's own words (usage, section titles, errors) in French when the CLI speaks French, untouched in English."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def flowdesk(tmp_path: Path, language: str, *args: str) -> subprocess.CompletedProcess:
    """A real ``flowdesk`` process whose OS locale is ``language`` (no saved Settings choice in its data dir)."""
    env = {**os.environ, "FLOWDESK_DATA_DIR": str(tmp_path / "data"), "LANG": f"{language}_FR.UTF-8",
           "LANGUAGE": language}
    env.pop("LC_ALL", None)
    env.pop("LC_MESSAGES", None)
    return subprocess.run([sys.executable, "-m", "flowdesk", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=60)


def test_help_is_french_from_usage_to_section_titles(tmp_path: Path) -> None:
    shown = flowdesk(tmp_path, "fr", "--help")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("utilisation : flowdesk [-h]")
    assert "\narguments positionnels :\n" in shown.stdout and "\noptions :\n" in shown.stdout
    assert "-h, --help" in shown.stdout and "afficher ce message d'aide et quitter" in shown.stdout
    assert "afficher le numéro de version du programme et quitter" in shown.stdout
    for english in ("usage:", "positional arguments", "options:", "show this help message"):
        assert english not in shown.stdout


def test_argparse_errors_are_french(tmp_path: Path) -> None:
    missing = flowdesk(tmp_path, "fr", "db", "migrate-to")
    assert missing.returncode == 2
    assert missing.stderr.splitlines()[-1] == ("flowdesk db migrate-to : erreur : les arguments suivants sont "
                                               "obligatoires : URL")
    bad = flowdesk(tmp_path, "fr", "runs", "--limit", "many")
    assert bad.returncode == 2
    assert bad.stderr.splitlines()[-1] == "flowdesk runs : erreur : argument --limit : valeur int non valide : 'many'"
    assert bad.stderr.startswith("utilisation : flowdesk runs")


def test_english_stays_argparse_own(tmp_path: Path) -> None:
    shown = flowdesk(tmp_path, "en", "--help")
    assert shown.stdout.startswith("usage: flowdesk [-h]") and "\noptions:\n" in shown.stdout
    assert "show this help message and exit" in shown.stdout
    bad = flowdesk(tmp_path, "en", "runs", "--limit", "many")
    assert bad.stderr.splitlines()[-1] == "flowdesk runs: error: argument --limit: invalid int value: 'many'"
