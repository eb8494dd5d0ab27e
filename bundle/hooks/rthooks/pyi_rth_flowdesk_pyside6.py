"""PyInstaller's PySide6 run-time hook, minus its eager ``import PySide6.QtCore`` (FlowDesk bundle).

PyInstaller's ``pyi_rth_pyside6`` imports QtCore in every process of the app, only to check that
an embedded ``qt.conf`` exists (PyPI wheels register one themselves when QtCore loads). That is
~60-100 ms on every start of every FlowDesk process: each CLI command and each engine worker,
which never use Qt. This hook sets the same environment and does the same check right after
QtCore is first imported instead. Everything else is as in PyInstaller's hook (6.x).
"""


def _pyi_rthook():
    import importlib.abc
    import importlib.util
    import os
    import sys

    from _pyi_rth_utils import is_macos_app_bundle, prepend_path_to_environment_variable
    from _pyi_rth_utils import qt as qt_rth_utils

    qt_rth_utils.ensure_single_qt_bindings_package("PySide6")

    if sys.platform.startswith('win'):
        pyqt_path = os.path.join(sys._MEIPASS, 'PySide6')
    else:
        pyqt_path = os.path.join(sys._MEIPASS, 'PySide6', 'Qt')

    os.environ['QT_PLUGIN_PATH'] = os.path.join(pyqt_path, 'plugins')

    if is_macos_app_bundle:
        pyqt_path_res = os.path.normpath(
            os.path.join(sys._MEIPASS, '..', 'Resources', os.path.relpath(pyqt_path, sys._MEIPASS))
        )
        os.environ['QML2_IMPORT_PATH'] = os.pathsep.join([
            os.path.join(pyqt_path_res, 'qml'),
            os.path.join(pyqt_path, 'qml'),
        ])
    else:
        os.environ['QML2_IMPORT_PATH'] = os.path.join(pyqt_path, 'qml')

    if sys.platform.startswith('win'):
        prepend_path_to_environment_variable(sys._MEIPASS, 'PATH')

    if sys.platform == 'darwin' and not is_macos_app_bundle:
        prepend_path_to_environment_variable(sys._MEIPASS, 'DYLD_LIBRARY_PATH')

    class _QtConfAfterQtCore(importlib.abc.MetaPathFinder):
        """On the first ``import PySide6.QtCore``: load it, then make sure Qt is relocatable."""

        def find_spec(self, fullname, path=None, target=None):
            if fullname != "PySide6.QtCore":
                return None
            sys.meta_path.remove(self)  # once, and no recursion through the lookup below
            spec = importlib.util.find_spec(fullname)
            if spec is None or spec.loader is None:
                return spec
            exec_module = spec.loader.exec_module

            def exec_then_qt_conf(module):
                exec_module(module)
                qt_rth_utils.create_embedded_qt_conf("PySide6", pyqt_path)

            spec.loader.exec_module = exec_then_qt_conf
            return spec

    sys.meta_path.insert(0, _QtConfAfterQtCore())


_pyi_rthook()
del _pyi_rthook
