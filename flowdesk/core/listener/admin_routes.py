"""Health, reload, interfaces, runs and scheduler routes."""

from __future__ import annotations

from aiohttp import web

from flowdesk.core.listener.app_keys import RUNTIME
from flowdesk import __version__
from flowdesk.core.errors import NotFound
from flowdesk.core.listener.presenters import interface_summary, run_brief
from flowdesk.core.listener.request_input import choice_param, int_param
from flowdesk.core.listener.seed_shapes import (SEED_HEALTH_STATUS, loaded_counts, reload_keys,
                                                wants_seed_format)
from flowdesk.core.runtime import Runtime
from flowdesk.core.store.records import STATUSES, TRIGGERS


def _runtime(request: web.Request) -> Runtime:
    return request.app[RUNTIME]


async def health(request: web.Request) -> web.Response:
    """``GET /health[?format=seed]``: answered from memory only, so it stays instant under load.

    ``status`` is ``"healthy"``; ``?format=seed`` answers the seed platform's ``"ok"`` (every other key is the same).
    """
    runtime = _runtime(request)
    reg = runtime.registry
    load = runtime.engine_load()
    scheduler = runtime.scheduler
    return web.json_response({
        "status": SEED_HEALTH_STATUS if wants_seed_format(request.query) else "healthy",
        "app": "FlowDesk",
        "version": __version__,
        **loaded_counts(reg),
        "tools_loaded": sum(1 for e in reg.tools.values() if not e.broken),
        "broken": len(reg.broken_entries()),
        "runs_running": load["running"],
        "runs_queued": load["queued"],
        "scheduler": {"running": scheduler is not None and scheduler.running,
                      "paused": bool(scheduler and scheduler.paused),
                      "jobs": scheduler.job_count if scheduler else 0},
        # Scale-out mode: broker and database reachability (probed every few seconds, read from memory).
        **({"cluster": runtime.cluster.health()} if runtime.cluster is not None else {}),
    })


async def reload(request: web.Request) -> web.Response:
    """``POST /api/reload``: re-read the workspace and reschedule; says what changed (seed keys included)."""
    runtime = _runtime(request)
    changes = runtime.reload().to_dict()
    return web.json_response({**reload_keys(runtime.registry, changes), **changes})


async def list_interfaces(request: web.Request) -> web.Response:
    """``GET /api/interfaces``"""
    reg = _runtime(request).registry
    return web.json_response([interface_summary(e) for _, e in sorted(reg.interfaces.items())])


async def get_run(request: web.Request) -> web.Response:
    """``GET /api/runs/{id}``: the whole record with its log (so far, for a run running on a cluster worker)."""
    runtime = _runtime(request)
    record = runtime.store.get(request.match_info["id"], include_log=True)
    if record is None:
        raise NotFound(f"run {request.match_info['id']!r} not found")
    if record.status == "running" and runtime.cluster is not None:
        record.log = runtime.cluster.live_log(record.id) or record.log
    return web.json_response(record.to_dict(include_log=True))


async def list_runs(request: web.Request) -> web.Response:
    """``GET /api/runs?workflow=&status=&trigger=&limit=&offset=``: run history, newest first."""
    q = request.query
    runs = _runtime(request).store.list_runs(
        workflow=q.get("workflow") or None, status=choice_param(request, "status", STATUSES),
        trigger=choice_param(request, "trigger", TRIGGERS),
        limit=int_param(request, "limit", 100, 1, 1000), offset=int_param(request, "offset", 0, 0, 10**9),
    )
    return web.json_response([run_brief(r) for r in runs])


async def scheduler_jobs(request: web.Request) -> web.Response:
    """``GET /api/scheduler/jobs``: the seed's job shape, with timezone."""
    scheduler = _runtime(request).scheduler
    return web.json_response([job.to_dict() for job in scheduler.jobs()] if scheduler else [])


def _scheduler_switch(paused: bool):  # noqa: ANN202 - returns an aiohttp handler
    async def handler(request: web.Request) -> web.Response:
        """``POST /api/scheduler/pause`` and ``/resume``: no scheduled run fires while paused."""
        scheduler = _runtime(request).scheduler
        if scheduler is None:
            raise NotFound("no scheduler runs in this process")
        scheduler.pause() if paused else scheduler.resume()
        return web.json_response({"paused": paused})

    return handler


def add_routes(app: web.Application) -> None:
    """Register the admin routes on ``app``."""
    app.router.add_get("/health", health)
    app.router.add_post("/api/reload", reload)
    app.router.add_get("/api/interfaces", list_interfaces)
    app.router.add_get("/api/runs", list_runs)
    app.router.add_get("/api/runs/{id}", get_run)
    app.router.add_get("/api/scheduler/jobs", scheduler_jobs)
    app.router.add_post("/api/scheduler/pause", _scheduler_switch(True))
    app.router.add_post("/api/scheduler/resume", _scheduler_switch(False))
