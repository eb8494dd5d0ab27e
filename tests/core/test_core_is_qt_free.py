"""House rule 1: every module under flowdesk.core imports with PySide6 made unimportable."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import importlib, pkgutil, sys

    class BlockQt:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("PySide6", "PyQt5", "PyQt6", "shiboken6", "qasync"):
                raise ImportError(f"Qt is not allowed in flowdesk.core (tried {name})")
            return None

    sys.meta_path.insert(0, BlockQt())
    import flowdesk.core
    names = [m.name for m in pkgutil.walk_packages(flowdesk.core.__path__, "flowdesk.core.")]
    for name in names:
        importlib.import_module(name)
    leaked = [m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6")]
    assert not leaked, leaked
    print(len(names))
    """
)


def test_core_imports_without_qt() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 20  # every core module was really imported
