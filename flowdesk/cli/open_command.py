"""``flowdesk open [INTERFACE]``: an interface of the running FlowDesk in the browser, signed in by a one-time code."""

from __future__ import annotations

import argparse
import sys
import webbrowser

from flowdesk.core.interface_login import TICKET_PATH, interface_route, running_service, signed_in_url
from flowdesk.core.workspace import resolve_data_dir
from flowdesk.i18n.cli_text import translate


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``open`` sub-command."""
    p = sub.add_parser("open", parents=[common], help=translate("cli", "open an interface (default: the dashboard) in the browser, "
                       "signed in"), description=translate("cli", "Open an interface of the running FlowDesk (serve or "
                       "the app) in the web browser ($BROWSER is honoured). The browser signs in with a one-time code "
                       "that the service trades for a session cookie (%1, /auth/login), so the API token never "
                       "appears in the URL or the history, and bookmarks work afterwards.").replace("%1", TICKET_PATH))
    p.add_argument("interface", nargs="?", help=translate("cli", "interface folder or display name (default: the dashboard at /)"))
    p.add_argument("--print", dest="print_only", action="store_true",
                   help=translate("cli", "print the one-time URL instead of starting a browser (valid once, for 60 seconds)"))
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Ask the running service for a ticket, then open (or print) the login URL."""
    service = running_service(resolve_data_dir(args.data_dir))
    route = interface_route(service, args.interface) if args.interface else "/"
    url = signed_in_url(service, route)
    if args.print_only:
        print(url)
        return 0
    if not webbrowser.open(url):
        print("flowdesk: " + translate("cli", "no web browser could be started; open this link within 60 seconds "
                                       "(it works once):") + f"\n  {url}", file=sys.stderr)
        return 1
    print(translate("cli", "Opened %1 in the browser").replace("%1", f"{service.url}{route.rstrip('/')}/"))
    return 0
