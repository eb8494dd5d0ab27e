"""A bare aiohttp server answering every POST with a tiny JSON: the HTTP ceiling for bench/serve.py.

Run as a subprocess by bench/serve.py; listens on 127.0.0.1 (port 0 = a free port) and prints
``ceiling listening on http://127.0.0.1:PORT`` as its first stdout line, then serves until SIGTERM.
Same aiohttp, same access-log setting (none) as FlowDesk's listener, but no middleware or work.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from aiohttp import web


async def handle(request: web.Request) -> web.Response:
    """Read the body (as FlowDesk does) and answer 202 with a small JSON."""
    await request.read()
    return web.json_response({"run_id": "0" * 32, "status": "queued"}, status=202)


async def serve(port: int) -> None:
    """Listen until SIGTERM / SIGINT."""
    app = web.Application()
    app.router.add_post("/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, backlog=1024)
    await site.start()
    bound = runner.addresses[0][1]
    print(f"ceiling listening on http://127.0.0.1:{bound}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
