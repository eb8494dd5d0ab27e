"""The Qt import layer: names resolve on first use, and PySide6's per-import check leaves nothing in linecache."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def run_child(code: str, tmp_path: Path) -> dict:
    """Run ``code`` in a fresh interpreter (nothing loaded yet); it prints one JSON line."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(tmp_path)})
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_every_name_of_the_layer_resolves_and_widgets_load_on_first_use(tmp_path: Path) -> None:
    out = run_child(
        "import json, sys\n"
        "import flowdesk.gui.qt as qt\n"
        "before = [m for m in ('PySide6.QtWidgets', 'PySide6.QtNetwork') if m in sys.modules]\n"
        "from flowdesk.gui.qt import QLabel\n"
        "after = 'PySide6.QtWidgets' in sys.modules and 'PySide6.QtNetwork' not in sys.modules\n"
        "missing = [n for n in qt.__all__ if getattr(qt, n, None) is None]\n"
        "try:\n"
        "    qt.QNoSuchThing\n"
        "    error = ''\n"
        "except AttributeError as exc:\n"
        "    error = str(exc)\n"
        "print(json.dumps({'before': before, 'after': after, 'missing': missing, 'label': QLabel.__name__,\n"
        "                  'network': 'PySide6.QtNetwork' in sys.modules, 'error': error}))\n", tmp_path)
    assert out["before"] == []  # importing the layer loads no widget or network binding
    assert out["after"] and out["label"] == "QLabel"
    assert out["missing"] == [] and out["network"]  # every listed name exists; QLocalServer brought QtNetwork
    assert "QNoSuchThing" in out["error"]


def test_modules_imported_after_qt_leave_no_source_in_linecache(tmp_path: Path) -> None:
    (tmp_path / "plain_module.py").write_text('"""No Qt here."""\nVALUE = 1\n')
    (tmp_path / "qt_module.py").write_text('"""Uses Qt."""\nimport PySide6.QtCore\nVALUE = 2\n')
    out = run_child(
        "import json, linecache, sys\n"
        "import flowdesk.gui.qt\n"
        "import plain_module, qt_module, email.parser\n"
        "flags = sys.modules['PySide6.support.feature'].pyside_feature_dict\n"
        "print(json.dumps({'cached': [f for f in linecache.cache if f.endswith(('plain_module.py', 'qt_module.py', 'parser.py'))],\n"
        "                  'plain': flags.get('plain_module'), 'qt': flags.get('qt_module')}))\n", tmp_path)
    assert out["cached"] == []
    # PySide6's own verdicts are kept: a module naming PySide6 may use __feature__, the others are ignored
    assert out["plain"] == -1 and out["qt"] == 0
