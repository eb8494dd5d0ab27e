"""``from config.config import settings`` in workspace code (issue 12 #5), on the seed-style fixture."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flowdesk import __version__
from flowdesk.core.seed_settings import SeedSettingsError, load_settings
from tests.core.test_seed_compat import run_seed

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "seed_oauth_workspace"
FIELDS = ("app_name", "host", "port", "version", "dev_base_url", "prod_base_url", "debug")


@pytest.fixture()
def ws(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "ws", ignore=shutil.ignore_patterns("__pycache__")))


def test_seed_import_spellings(ws: Path) -> None:
    out = run_seed(ws, f"""
        from config.config import settings
        from config import settings as same
        import config.config as module
        out["fields"] = {{k: getattr(settings, k) for k in {FIELDS!r}}}
        out["same"] = settings is same is module.get_settings()
        out["class"] = type(settings) is module.Settings
        try:
            settings.port = 1
        except Exception as exc:
            out["frozen"] = type(exc).__name__
    """)
    assert out["fields"] == {"app_name": "Agenda Perso", "host": "127.0.0.1", "port": 8123, "version": __version__,
                             "dev_base_url": "http://localhost:8123", "prod_base_url": "http://localhost:8123",
                             "debug": True}
    assert out["same"] and out["class"] and out["frozen"] == "ValidationError"


def test_flowdesk_values_when_the_workspace_sets_none(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, environ={"FLOWDESK_LISTENER_URL": "http://127.0.0.1:8765"})
    assert (settings.app_name, settings.host, settings.port, settings.debug) == ("FlowDesk", "127.0.0.1", 8765, False)
    assert settings.dev_base_url == settings.prod_base_url == "http://127.0.0.1:8765"
    assert load_settings(None, environ={}).port == 8000


def test_environment_beats_config_env_and_names_any_case(ws: Path) -> None:
    (ws / "config" / ".env").write_text("app_name=Depuis le fichier\nPROD_BASE_URL=https://agenda.example.fr\n"
                                        "DEBUG=0\n", encoding="utf-8")
    settings = load_settings(ws, environ={"APP_NAME": "Depuis l'environnement", "PORT": "9000"})
    assert settings.app_name == "Depuis l'environnement" and settings.port == 9000
    assert settings.prod_base_url == "https://agenda.example.fr" and settings.debug is False


def test_bad_value_names_the_file_and_the_variable(ws: Path) -> None:
    (ws / "config" / ".env").write_text("PORT=huit-mille\n", encoding="utf-8")
    with pytest.raises(SeedSettingsError) as caught:
        load_settings(ws, environ={})
    assert str(caught.value).startswith(f"{ws / 'config' / '.env'}: PORT: ")
    assert "'huit-mille'" in str(caught.value)
