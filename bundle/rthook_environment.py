"""PyInstaller run-time hook of the FlowDesk bundle: give child processes the user's environment back.

The bootloader puts the bundle's ``_internal`` folder first on ``LD_LIBRARY_PATH`` (keeping the
user's value in ``LD_LIBRARY_PATH_ORIG``). This process has already been loaded by then, so the
variable only matters to the programs it starts: a workflow's ``subprocess.run(["git", ...])``,
``xdg-open`` and the browser behind ``webbrowser.open`` (OAuth) would load the bundle's copies of
libssl, libreadline, libstdc++... instead of their own and can fail on symbol errors. Put the
user's value back; the bundle's own programs do not need it:

* ``flowdesk --flowdesk-worker`` (engine workers) goes through the bootloader again;
* ``QtWebEngineProcess`` finds the Qt libraries through its RUNPATH and the rest (nss, X11,
  glib...) on the system, exactly as PySide6 does when it is not frozen.
"""

import os
import sys


def _restore_library_path() -> None:
    if not getattr(sys, "frozen", False) or not sys.platform.startswith(("linux", "freebsd")):
        return
    original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if original:
        os.environ["LD_LIBRARY_PATH"] = original
    else:
        os.environ.pop("LD_LIBRARY_PATH", None)


_restore_library_path()
del _restore_library_path
