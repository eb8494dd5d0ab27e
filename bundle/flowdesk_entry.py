"""Entry script of the frozen FlowDesk bundle (PyInstaller): the same ``main()`` as the ``flowdesk`` command.

``flowdesk --flowdesk-worker`` (the engine's worker processes) is dispatched inside ``main()``.

A workflow may use ``multiprocessing`` or ``concurrent.futures.ProcessPoolExecutor`` inside a
frozen worker. With the ``spawn`` and ``forkserver`` start methods the child process is
``sys.executable`` -- this binary -- started with multiprocessing's own arguments, which must
not be parsed as FlowDesk commands: ``freeze_support()`` (made to work outside Windows by
PyInstaller's ``pyi_rth_multiprocessing`` run-time hook) runs the child's code and exits. The
arguments are looked at first so an ordinary start does not pay for it.
"""

import sys


def _multiprocessing_child() -> bool:
    argv = sys.argv[1:]
    return "--multiprocessing-fork" in argv or (
        "-c" in argv and any(a.startswith(("from multiprocessing", "import sys; from multiprocessing")) for a in argv))


if __name__ == "__main__":
    if _multiprocessing_child():
        import multiprocessing

        multiprocessing.freeze_support()
    from flowdesk.cli.main import main

    sys.exit(main())
