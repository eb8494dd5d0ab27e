"""The bundle's Qt pruning (bundle/qt_prune.py) and contents (bundle/bundle_contents.py), without building.

The TOC below mimics what PyInstaller's Analysis collects for PySide6 + QtWebEngine; ``ldd`` is
faked with a transitive link table, so the closure logic is checked exactly.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "bundle"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"flowdesk_bundle_{name}", BUNDLE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


qt_prune = _load("qt_prune")
bundle_contents = _load("bundle_contents")

SRC = "/venv/site-packages/PySide6"
QTLIB = "PySide6/Qt/lib"
PLUG = "PySide6/Qt/plugins"

# dest -> (source path, typecode)
BINARIES = {
    "PySide6/QtCore.abi3.so": (f"{SRC}/QtCore.abi3.so", "EXTENSION"),
    "PySide6/QtWebEngineWidgets.abi3.so": (f"{SRC}/QtWebEngineWidgets.abi3.so", "EXTENSION"),
    "PySide6/QtQuick3D.abi3.so": (f"{SRC}/QtQuick3D.abi3.so", "EXTENSION"),  # never imported by FlowDesk
    "PySide6/libpyside6.abi3.so.6.12": (f"{SRC}/libpyside6.abi3.so.6.12", "BINARY"),
    f"{QTLIB}/libQt6Core.so.6": (f"{SRC}/Qt/lib/libQt6Core.so.6", "BINARY"),
    f"{QTLIB}/libQt6WebEngineCore.so.6": (f"{SRC}/Qt/lib/libQt6WebEngineCore.so.6", "BINARY"),
    f"{QTLIB}/libQt6Quick.so.6": (f"{SRC}/Qt/lib/libQt6Quick.so.6", "BINARY"),
    f"{QTLIB}/libQt6Qml.so.6": (f"{SRC}/Qt/lib/libQt6Qml.so.6", "BINARY"),
    f"{QTLIB}/libQt6Positioning.so.6": (f"{SRC}/Qt/lib/libQt6Positioning.so.6", "BINARY"),
    f"{QTLIB}/libQt6Quick3D.so.6": (f"{SRC}/Qt/lib/libQt6Quick3D.so.6", "BINARY"),
    f"{QTLIB}/libQt6XcbQpa.so.6": (f"{SRC}/Qt/lib/libQt6XcbQpa.so.6", "BINARY"),
    f"{QTLIB}/libQt6EglFSDeviceIntegration.so.6": (f"{SRC}/Qt/lib/libQt6EglFSDeviceIntegration.so.6", "BINARY"),
    f"{QTLIB}/libavcodec.so.63.1.101": (f"{SRC}/Qt/lib/libavcodec.so.63.1.101", "BINARY"),
    "PySide6/Qt/libexec/QtWebEngineProcess": (f"{SRC}/Qt/libexec/QtWebEngineProcess", "BINARY"),
    f"{PLUG}/platforms/libqxcb.so": (f"{SRC}/Qt/plugins/platforms/libqxcb.so", "BINARY"),
    f"{PLUG}/platforms/libqoffscreen.so": (f"{SRC}/Qt/plugins/platforms/libqoffscreen.so", "BINARY"),
    f"{PLUG}/platforms/libqeglfs.so": (f"{SRC}/Qt/plugins/platforms/libqeglfs.so", "BINARY"),
    f"{PLUG}/multimedia/libffmpegmediaplugin.so": (f"{SRC}/Qt/plugins/multimedia/libffmpegmediaplugin.so", "BINARY"),
    f"{PLUG}/imageformats/libqjpeg.so": (f"{SRC}/Qt/plugins/imageformats/libqjpeg.so", "BINARY"),
    f"{PLUG}/imageformats/libqpdf.so": (f"{SRC}/Qt/plugins/imageformats/libqpdf.so", "BINARY"),
    f"{PLUG}/tls/libqopensslbackend.so": (f"{SRC}/Qt/plugins/tls/libqopensslbackend.so", "BINARY"),
    "pydantic_core/_pydantic_core.so": ("/venv/site-packages/pydantic_core/_pydantic_core.so", "EXTENSION"),
    "libpython3.11.so.1.0": ("/usr/lib/libpython3.11.so.1.0", "BINARY"),
    "libz.so.1": ("/usr/lib/libz.so.1", "BINARY"),  # linked by kept and by dropped files
    "libssl.so.3": ("/usr/lib/libssl.so.3", "BINARY"),  # linked by the kept TLS plugin
    "libgstreamer-1.0.so.0": ("/usr/lib/libgstreamer-1.0.so.0", "BINARY"),  # only by the multimedia plugin
    "libgstbase-1.0.so.0": ("/usr/lib/libgstbase-1.0.so.0", "BINARY"),  # only by gstreamer (orphaned in turn)
    "libjpeg.so.8": ("/usr/lib/libjpeg.so.8", "BINARY"),  # by the kept jpeg plugin
    "libhook_asked_for.so": ("/opt/vendor/libhook_asked_for.so", "BINARY"),  # no referrer: a hook added it
}
SYMLINKS = [(f"{QTLIB}/libavcodec.so.63", "libavcodec.so.63.1.101", "SYMLINK"),
            (f"{QTLIB}/libQt6Core.so", "libQt6Core.so.6", "SYMLINK")]

L = {d: s for d, (s, _) in BINARIES.items()}
LINKS = {  # transitive, like ldd
    "PySide6/QtCore.abi3.so": ["PySide6/libpyside6.abi3.so.6.12", f"{QTLIB}/libQt6Core.so.6", "libz.so.1"],
    "PySide6/QtWebEngineWidgets.abi3.so": ["PySide6/libpyside6.abi3.so.6.12", f"{QTLIB}/libQt6WebEngineCore.so.6",
                                           f"{QTLIB}/libQt6Quick.so.6", f"{QTLIB}/libQt6Qml.so.6",
                                           f"{QTLIB}/libQt6Positioning.so.6", f"{QTLIB}/libQt6Core.so.6", "libz.so.1"],
    "PySide6/QtQuick3D.abi3.so": [f"{QTLIB}/libQt6Quick3D.so.6", f"{QTLIB}/libQt6Quick.so.6", f"{QTLIB}/libQt6Core.so.6"],
    "PySide6/libpyside6.abi3.so.6.12": [f"{QTLIB}/libQt6Core.so.6"],
    f"{QTLIB}/libQt6WebEngineCore.so.6": [f"{QTLIB}/libQt6Quick.so.6", f"{QTLIB}/libQt6Qml.so.6",
                                          f"{QTLIB}/libQt6Positioning.so.6", f"{QTLIB}/libQt6Core.so.6", "libz.so.1"],
    f"{QTLIB}/libQt6Quick.so.6": [f"{QTLIB}/libQt6Qml.so.6", f"{QTLIB}/libQt6Core.so.6"],
    f"{QTLIB}/libQt6Qml.so.6": [f"{QTLIB}/libQt6Core.so.6"],
    f"{QTLIB}/libQt6Quick3D.so.6": [f"{QTLIB}/libQt6Quick.so.6", f"{QTLIB}/libQt6Qml.so.6", f"{QTLIB}/libQt6Core.so.6"],
    "PySide6/Qt/libexec/QtWebEngineProcess": [f"{QTLIB}/libQt6WebEngineCore.so.6", f"{QTLIB}/libQt6Quick.so.6",
                                              f"{QTLIB}/libQt6Qml.so.6", f"{QTLIB}/libQt6Positioning.so.6",
                                              f"{QTLIB}/libQt6Core.so.6", "libz.so.1"],
    f"{PLUG}/platforms/libqxcb.so": [f"{QTLIB}/libQt6XcbQpa.so.6", f"{QTLIB}/libQt6Core.so.6"],
    f"{PLUG}/platforms/libqoffscreen.so": [f"{QTLIB}/libQt6Core.so.6"],
    f"{PLUG}/platforms/libqeglfs.so": [f"{QTLIB}/libQt6EglFSDeviceIntegration.so.6", f"{QTLIB}/libQt6Core.so.6"],
    f"{PLUG}/multimedia/libffmpegmediaplugin.so": [f"{QTLIB}/libavcodec.so.63.1.101", "libgstreamer-1.0.so.0",
                                                   "libgstbase-1.0.so.0", "libz.so.1", f"{QTLIB}/libQt6Core.so.6"],
    "libgstreamer-1.0.so.0": ["libgstbase-1.0.so.0"],
    f"{PLUG}/imageformats/libqjpeg.so": ["libjpeg.so.8", f"{QTLIB}/libQt6Core.so.6"],
    f"{PLUG}/imageformats/libqpdf.so": [f"{QTLIB}/libQt6Core.so.6"],
    f"{PLUG}/tls/libqopensslbackend.so": ["libssl.so.3", f"{QTLIB}/libQt6Core.so.6"],
    "pydantic_core/_pydantic_core.so": [],
    "libpython3.11.so.1.0": ["libz.so.1"],
}
FAKE_LDD = {L[d]: [L[x] for x in deps] for d, deps in LINKS.items()}

DATAS = [
    ("PySide6/Qt/translations/qtbase_fr.qm", f"{SRC}/Qt/translations/qtbase_fr.qm", "DATA"),
    ("PySide6/Qt/translations/qtwebengine_locales/fr.pak", f"{SRC}/x/fr.pak", "DATA"),
    ("PySide6/Qt/translations/qtwebengine_locales/en-US.pak", f"{SRC}/x/en-US.pak", "DATA"),
    ("PySide6/Qt/translations/qtwebengine_locales/ja.pak", f"{SRC}/x/ja.pak", "DATA"),
    ("PySide6/Qt/resources/icudtl.dat", f"{SRC}/Qt/resources/icudtl.dat", "DATA"),
    ("PySide6/Qt/resources/qtwebengine_resources.pak", f"{SRC}/Qt/resources/r.pak", "DATA"),
    ("PySide6/Qt/resources/qtwebengine_devtools_resources.pak", f"{SRC}/Qt/resources/d.pak", "DATA"),
    ("PySide6/Qt/resources/v8_context_snapshot.bin", f"{SRC}/Qt/resources/v8.bin", "DATA"),
    ("PySide6/Qt/qml/QtQuick/Controls/qmldir", f"{SRC}/Qt/qml/QtQuick/Controls/qmldir", "DATA"),
    ("PySide6/Qt/libexec/qt.conf", f"{SRC}/Qt/libexec/qt.conf", "DATA"),
    ("examples/private/workflows/next_dates/main.py", "/repo/private/workflows/next_dates/main.py", "DATA"),
    ("certifi/cacert.pem", "/venv/site-packages/certifi/cacert.pem", "DATA"),
    # PyInstaller 6 puts top-level links to Qt libraries among the datas
    ("libQt6Quick3D.so.6", f"{QTLIB}/libQt6Quick3D.so.6", "SYMLINK"),
    ("libQt6Core.so.6", f"{QTLIB}/libQt6Core.so.6", "SYMLINK"),
]

USED = {"PySide6.QtCore", "PySide6.QtWebEngineWidgets"}


@pytest.fixture(scope="module")
def result():
    binaries = [(d, s, t) for d, (s, t) in BINARIES.items()] + SYMLINKS
    return qt_prune.prune_toc(binaries, DATAS, USED, ldd=lambda path: FAKE_LDD.get(path, []))


def _kept(result) -> set[str]:
    return {d for d, _, _ in result.binaries} | {d for d, _, _ in result.datas}


def test_webengine_keeps_its_quick_qml_and_positioning_dependencies(result) -> None:
    kept = _kept(result)
    for name in ("libQt6WebEngineCore.so.6", "libQt6Quick.so.6", "libQt6Qml.so.6", "libQt6Positioning.so.6",
                 "libQt6Core.so.6"):
        assert f"{QTLIB}/{name}" in kept, name
    assert "PySide6/Qt/libexec/QtWebEngineProcess" in kept
    assert "PySide6/libpyside6.abi3.so.6.12" in kept


def test_used_bindings_and_needed_plugins_stay(result) -> None:
    kept = _kept(result)
    assert {"PySide6/QtCore.abi3.so", "PySide6/QtWebEngineWidgets.abi3.so"} <= kept
    for plugin in ("platforms/libqxcb.so", "platforms/libqoffscreen.so", "imageformats/libqjpeg.so",
                   "tls/libqopensslbackend.so"):
        assert f"{PLUG}/{plugin}" in kept, plugin
    assert f"{QTLIB}/libQt6XcbQpa.so.6" in kept  # reached through the xcb plugin only


def test_unused_bindings_plugins_and_their_libraries_go(result) -> None:
    kept = _kept(result)
    for dest in ("PySide6/QtQuick3D.abi3.so", f"{QTLIB}/libQt6Quick3D.so.6", f"{PLUG}/platforms/libqeglfs.so",
                 f"{QTLIB}/libQt6EglFSDeviceIntegration.so.6", f"{PLUG}/multimedia/libffmpegmediaplugin.so",
                 f"{QTLIB}/libavcodec.so.63.1.101", f"{QTLIB}/libavcodec.so.63", f"{PLUG}/imageformats/libqpdf.so"):
        assert dest not in kept, dest


def test_non_qt_libraries_go_only_when_orphaned_by_the_pruning(result) -> None:
    kept = _kept(result)
    assert "libgstreamer-1.0.so.0" not in kept and "libgstbase-1.0.so.0" not in kept
    for dest in ("libz.so.1", "libssl.so.3", "libjpeg.so.8", "libpython3.11.so.1.0", "libhook_asked_for.so",
                 "pydantic_core/_pydantic_core.so"):
        assert dest in kept, dest
    assert f"{QTLIB}/libQt6Core.so" in kept  # symlink to a kept library
    assert "libQt6Core.so.6" in kept  # top-level link to a kept library
    assert "libQt6Quick3D.so.6" not in kept  # ... and to a dropped one: no dangling link left


def test_qt_data_pruning(result) -> None:
    kept = _kept(result)
    assert "PySide6/Qt/translations/qtbase_fr.qm" not in kept
    assert "PySide6/Qt/qml/QtQuick/Controls/qmldir" not in kept
    assert "PySide6/Qt/resources/qtwebengine_devtools_resources.pak" not in kept
    assert "PySide6/Qt/translations/qtwebengine_locales/ja.pak" not in kept
    for dest in ("PySide6/Qt/translations/qtwebengine_locales/fr.pak",
                 "PySide6/Qt/translations/qtwebengine_locales/en-US.pak", "PySide6/Qt/resources/icudtl.dat",
                 "PySide6/Qt/resources/qtwebengine_resources.pak", "PySide6/Qt/resources/v8_context_snapshot.bin",
                 "PySide6/Qt/libexec/qt.conf", "examples/private/workflows/next_dates/main.py", "certifi/cacert.pem"):
        assert dest in kept, dest
    assert "dropped" in result.report() and str(len(result.dropped)) in result.report()


def test_ldd_output_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    sample = ("\tlinux-vdso.so.1 (0x00007ffd)\n"
              "\tlibQt6Core.so.6 => /v/PySide6/Qt/lib/libQt6Core.so.6 (0x00007f35c8200000)\n"
              "\tlibgtk-3.so.0 => not found\n"
              "\t/lib64/ld-linux-x86-64.so.2 (0x00007f8df73df000)\n")

    class Done:
        stdout = sample

    monkeypatch.setattr(qt_prune.subprocess, "run", lambda *a, **k: Done())
    assert qt_prune.system_ldd("/x.so") == ["/v/PySide6/Qt/lib/libQt6Core.so.6"]


def test_flowdesk_sources_name_the_webengine_module_it_loads_lazily() -> None:
    found = qt_prune.scan_sources(REPO / "flowdesk")
    assert {"PySide6.QtWebEngineWidgets", "PySide6.QtWidgets", "PySide6.QtCore"} <= found


def test_unused_pyside6_modules_never_lists_a_used_one(tmp_path: Path) -> None:
    for name in ("QtCore.abi3.so", "QtQml.abi3.so", "QtWebEngineCore.abi3.so", "Qt", "QtCore.pyi"):
        (tmp_path / name).touch()
    assert qt_prune.unused_pyside6_modules({"PySide6.QtCore", "PySide6.QtWebEngineCore"}, tmp_path) == ["PySide6.QtQml"]


# -- what the spec adds ---------------------------------------------------------------------


def test_examples_ship_private_minus_temp_and_caches_plus_env_example() -> None:
    datas = bundle_contents.example_datas(REPO)
    dests = {str(Path(dest) / Path(src).name) for src, dest in datas}
    assert "examples/config/.env.example" in dests
    assert any(d.startswith("examples/private/workflows/next_dates/") for d in dests)
    assert any(d.startswith("examples/private/interfaces/") and d.endswith("index.html") for d in dests)
    assert not any("/temp/" in d or "__pycache__" in d or d.endswith(".pyc") for d in dests)


def test_every_builtin_tool_config_sits_next_to_its_module() -> None:
    datas = bundle_contents.tool_config_datas(REPO)
    slugs = sorted(p.parent.name for p in (REPO / "flowdesk" / "tools").glob("*/config.json"))
    assert sorted(Path(dest).name for _, dest in datas) == slugs
    assert all(dest == f"flowdesk/tools/{Path(dest).name}" for _, dest in datas)


def test_workflows_get_the_stdlib_but_not_dev_tools() -> None:
    mods = set(bundle_contents.workflow_stdlib())
    for name in ("json", "csv", "sqlite3", "email.mime.text", "smtplib", "imaplib", "urllib.request", "http.client",
                 "zipfile", "statistics", "decimal", "uuid", "random", "datetime", "zoneinfo", "concurrent.futures"):
        assert name in mods, name
    assert not {m for m in mods if m.split(".")[0] in ("tkinter", "test", "idlelib", "lib2to3", "ensurepip")}


def test_spec_is_valid_python_and_one_folder() -> None:
    source = (REPO / "flowdesk.spec").read_text(encoding="utf-8")
    tree = ast.parse(source)
    calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert {"Analysis", "PYZ", "EXE", "COLLECT"} <= calls  # COLLECT: a one-folder build
    assert "exclude_binaries=True" in source


def test_entry_script_recognises_multiprocessing_children(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = _load("flowdesk_entry")
    monkeypatch.setattr(sys, "argv", ["flowdesk", "--multiprocessing-fork", "tracker_fd=5", "pipe_handle=7"])
    assert entry._multiprocessing_child()
    monkeypatch.setattr(sys, "argv", ["flowdesk", "-B", "-c", "from multiprocessing.forkserver import main; main(3)"])
    assert entry._multiprocessing_child()
    monkeypatch.setattr(sys, "argv", ["flowdesk", "run", "next_dates", "-p", "days=3"])
    assert not entry._multiprocessing_child()
