"""The window's language: the OS locale by default, Settings ▸ Language overrides it (issue 15 #5), in real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flowdesk.core.app_settings import load_app_settings
from flowdesk.gui.settings_dialog import SettingsDialog
from flowdesk.i18n.language import effective_language, system_language

# What app.py does before its first widget, in a fresh process with the given OS locale: the data dir's settings
# choose, install_translations applies; prints the language and one string of the Settings dialog as the window
# would show it.
PROBE = """
import sys
from flowdesk.core.app_settings import load_app_settings
from flowdesk.gui.i18n import install_translations, window_language
from flowdesk.gui.qt import QApplication, QCoreApplication
from pathlib import Path
app = QApplication([])
settings = load_app_settings(Path(sys.argv[1]))
install_translations(app, settings.language)
print(window_language(), QCoreApplication.translate("SettingsDialog", "Language:"), sep="|")
"""


def window_speaks(data_dir: Path, **locale: str) -> tuple[str, str]:
    """(language, the 'Language:' label) of a window started on ``data_dir`` under this OS locale."""
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    env.update(locale, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", PROBE, str(data_dir)], env=env, capture_output=True, text=True,
                          timeout=60, check=True)
    language, label = done.stdout.strip().splitlines()[-1].split("|")
    return language, label


def test_the_os_locale_is_read_the_way_gettext_reads_it() -> None:
    assert system_language({"LANG": "fr_FR.UTF-8"}) == "fr"
    assert system_language({"LANGUAGE": "fr:en", "LANG": "en_US.UTF-8"}) == "fr"  # LANGUAGE comes first
    assert system_language({"LC_ALL": "fr_CA.UTF-8", "LANG": "en_GB.UTF-8"}) == "fr"
    assert system_language({"LC_MESSAGES": "French_France.1252"}) == "fr"  # Windows spelling
    assert system_language({"LANG": "C.UTF-8"}) == "en" and system_language({}) == "en"
    assert effective_language("system", "fr") == "fr" and effective_language("system", "de") == "en"
    assert effective_language("en", "fr") == "en" and effective_language("fr", "en") == "fr"
    assert effective_language("de", "fr") == "en"  # a language without a catalogue: the source language


@pytest.mark.parametrize(("locale", "expected"), [({"LANG": "fr_FR.UTF-8"}, "fr"),
                                                  ({"LANG": "C.UTF-8", "LANGUAGE": "fr"}, "fr"),
                                                  ({"LANG": "en_US.UTF-8"}, "en")])
def test_with_no_choice_the_window_follows_the_os_locale(tmp_path: Path, locale: dict[str, str],
                                                         expected: str) -> None:
    language, label = window_speaks(tmp_path, **locale)
    assert (language, label) == (expected, "Langue :" if expected == "fr" else "Language:")


def test_the_choice_made_in_settings_beats_the_os_locale_at_the_next_start(qtbot, bridge) -> None:
    dialog = SettingsDialog(bridge)
    qtbot.addWidget(dialog)
    dialog.language.setCurrentIndex(dialog.language.findData("fr"))
    assert dialog.save() is None
    assert load_app_settings(bridge.data_dir).language == "fr"
    assert window_speaks(bridge.data_dir, LANG="en_US.UTF-8") == ("fr", "Langue :")
    dialog = SettingsDialog(bridge)
    qtbot.addWidget(dialog)
    assert dialog.language.currentData() == "fr"  # the dialog shows the choice in force
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    assert dialog.save() is None
    assert window_speaks(bridge.data_dir, LANG="fr_FR.UTF-8") == ("en", "Language:")
    dialog.language.setCurrentIndex(dialog.language.findData("system"))
    assert dialog.save() is None
    assert window_speaks(bridge.data_dir, LANG="fr_FR.UTF-8") == ("fr", "Langue :")
