"""Workflow routes: list, detail, execute, trigger, webhooks, logs, stats, toggle."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web

from flowdesk.core.errors import NotFound, TriggerNotAllowed, WorkflowBroken, WorkflowInactive
from flowdesk.core.listener.access import authorised_expect, declared_too_large, host_allowed, send_continue
from flowdesk.core.listener.app_keys import ALLOWED_HOSTS, LIMITS, MAX_BODY, RUNTIME
from flowdesk.core.listener.delivery_ids import delivery_key
from flowdesk.core.listener.http_errors import json_error
from flowdesk.core.listener.presenters import run_brief, run_result, workflow_detail, workflow_summary
from flowdesk.core.listener.run_answer import spliced_answer
from flowdesk.core.listener.replay_guard import REPLAY_GUARD, ReplayGuard
from flowdesk.core.listener.seed_shapes import log_entry_keys, toggle_keys
from flowdesk.core.listener.limits import DEFAULT_BODY_TIMEOUT
from flowdesk.core.listener.request_input import (choice_param, int_param, parse_request_body, query_data, read_body,
                                                  read_body_limited, unwrap_data)
from flowdesk.core.listener.webhook_auth import Admission, WebhookRefused, admit_headers, refusal, verify_body
from flowdesk.core.run_service import RunRequest, input_fields
from flowdesk.core.runtime import Runtime
from flowdesk.core.store.records import STATUSES
from flowdesk.core.request_refusals import HOST_NOT_ALLOWED, WORKFLOW_BROKEN

log = logging.getLogger(__name__)

# The Expect handler's decision, reused by the handler.
_ADMISSION: web.RequestKey[Admission] = web.RequestKey("flowdesk_webhook_admission", Admission)


def _runtime(request: web.Request) -> Runtime:
    return request.app[RUNTIME]


async def list_workflows(request: web.Request) -> web.Response:
    """``GET /api/workflows``"""
    registry = _runtime(request).registry
    return web.json_response([workflow_summary(e) for _, e in sorted(registry.workflows.items())])


async def get_workflow(request: web.Request) -> web.Response:
    """``GET /api/workflows/{name}``"""
    entry = _runtime(request).registry.workflow(request.match_info["name"])
    return web.json_response(workflow_detail(entry))


async def _wait_and_answer(done: asyncio.Future) -> web.Response:
    # shield: a client that hangs up must not cancel the run's bookkeeping
    record = await asyncio.shield(done)
    spliced = await asyncio.to_thread(spliced_answer, record)  # a large output: never decoded on the loop
    if spliced is not None:
        return web.Response(text=spliced, content_type="application/json")
    return web.json_response(run_result(record))


async def execute_workflow(request: web.Request) -> web.Response:
    """``POST /api/workflows/execute/{name}``: body ``{"data": {...}}`` or the data itself; waits."""
    runtime = _runtime(request)
    entry = runtime.registry.workflow(request.match_info["name"])
    body = await parse_request_body(request, await read_body(request))
    data = unwrap_data(body, {f.name for f in input_fields(entry)})
    prepared = runtime.runs.prepare(RunRequest(entry.slug, data, trigger="api", source="json", enforce_triggers=True,
                                               idempotency_key=delivery_key(request.headers)))
    _, done = runtime.runs.submit(prepared)
    return await _wait_and_answer(done)


async def trigger_workflow(request: web.Request) -> web.Response:
    """``GET /api/workflows/trigger/{name}?k=v``: URL parameters as input; waits.

    It starts work on a GET, so the access middleware lets a session cookie in only with this
    listener's exact ``Origin`` (never from a link or an image); the bearer token works as before.
    """
    runtime = _runtime(request)
    prepared = runtime.runs.prepare(RunRequest(request.match_info["name"], query_data(request.query),
                                               trigger="api", source="query", enforce_triggers=True))
    _, done = runtime.runs.submit(prepared)
    return await _wait_and_answer(done)


def _admit(request: web.Request) -> Admission:
    """The request's admission, decided on headers once (the Expect handler may have done it)."""
    admission = request.get(_ADMISSION)
    if admission is None:
        runtime = _runtime(request)
        admission = admit_headers(request, runtime.registry, runtime.workspace.env_file)
        request[_ADMISSION] = admission
    return admission


def _refused(request: web.Request, exc: WebhookRefused) -> web.Response:
    log.info("webhook %r refused: %s", request.match_info.get("name", "")[:100], exc)
    return refusal()


async def webhook_expect(request: web.Request) -> web.Response | None:
    """``Expect: 100-continue`` on a webhook: size and credentials answered before the body is sent."""
    if not host_allowed(request.headers.get("Host"), request.app[ALLOWED_HOSTS]):
        return json_error(403, HOST_NOT_ALLOWED())
    # The size first: it says nothing about which workflows exist or how they are protected.
    too_large = declared_too_large(request)
    if too_large is not None:
        return too_large
    try:
        _admit(request)
    except WebhookRefused as exc:
        return _refused(request, exc)
    except NotFound as exc:  # only the owner gets here (strangers are refused above)
        return json_error(404, str(exc))
    return await send_continue(request)


async def webhook(request: web.Request) -> web.Response:
    """``POST /api/webhooks/{name}?k=v``: body merged with URL params (URL wins); 202, or the result with ?wait=true.

    Credentials are checked on the headers before the body is read; an HMAC delivery's body is read
    (size- and time-limited) only to verify its signature, and its URL parameters, which the
    signature does not cover, are not passed to the run.
    """
    runtime = _runtime(request)
    too_large = declared_too_large(request)
    if too_large is not None:
        return too_large
    try:
        admission = _admit(request)
    except WebhookRefused as exc:
        return _refused(request, exc)
    entry = admission.entry
    if admission.by_owner and entry.config is None:
        return json_error(409, entry.error or WORKFLOW_BROKEN())
    limits = request.app.get(LIMITS)
    raw = await read_body_limited(request, request.app[MAX_BODY], limits.body_timeout if limits else DEFAULT_BODY_TIMEOUT)
    try:
        verify_body(admission, raw, request.app[REPLAY_GUARD])
    except WebhookRefused as exc:
        return _refused(request, exc)
    url_data = {} if admission.signed_body else query_data(request.query)
    body = await parse_request_body(request, raw)
    data: dict[str, Any] = {**body, **url_data}
    source = "query" if url_data else "json"
    hook = entry.config.webhook if entry.config is not None else None
    key = delivery_key(request.headers, body, hook.idempotency_field if hook is not None else None)
    try:
        prepared = runtime.runs.prepare(RunRequest(entry.slug, data, trigger="webhook", source=source,
                                                   enforce_triggers=True, idempotency_key=key))
    except (NotFound, WorkflowBroken, TriggerNotAllowed, WorkflowInactive) as exc:
        if admission.by_owner:
            raise
        return _refused(request, WebhookRefused(str(exc)))  # changed since the header check
    if request.query.get("wait", "").lower() in ("1", "true", "yes"):
        _, done = runtime.runs.submit(prepared)
        return await _wait_and_answer(done)
    # 202 only once the run's row is committed: from here on it survives a crash.
    run_id, replayed = runtime.runs.submit_delivery(prepared)
    if replayed:  # the sender retried a delivery we already have: the first run, not a second one
        record = runtime.store.get(run_id)
        return web.json_response({"run_id": run_id, "status": record.status if record else "queued"},
                                 status=202, headers={"Idempotent-Replayed": "true"})
    if prepared.skip_reason:  # a tool profile is missing: say so rather than pretend it is queued
        return web.json_response({"run_id": run_id, "status": "skipped", "message": prepared.skip_reason}, status=202)
    return web.json_response({"run_id": run_id, "status": "queued"}, status=202)


async def workflow_logs(request: web.Request) -> web.Response:
    """``GET /api/workflows/logs/{name}?limit=N&status=S``: the workflow's recent runs, newest first."""
    runtime = _runtime(request)
    entry = runtime.registry.workflow(request.match_info["name"])
    limit = int_param(request, "limit", 50, 1, 1000)
    status = choice_param(request, "status", STATUSES)
    runs = runtime.store.list_runs(workflow=entry.slug, status=status, limit=limit)
    return web.json_response([{**run_brief(r), **log_entry_keys(r)} for r in runs])


async def all_stats(request: web.Request) -> web.Response:
    """``GET /api/workflows/stats``: totals over every run, plus a per-workflow breakdown."""
    store = _runtime(request).store
    totals = store.stats().to_dict()
    totals["workflows"] = {name: s.to_dict() for name, s in store.stats_by_workflow().items()}
    return web.json_response(totals)


async def workflow_stats(request: web.Request) -> web.Response:
    """``GET /api/workflows/stats/{name}``"""
    runtime = _runtime(request)
    entry = runtime.registry.workflow(request.match_info["name"])
    return web.json_response({"workflow": entry.slug, **runtime.store.stats(entry.slug).to_dict()})


async def toggle_workflow(request: web.Request) -> web.Response:
    """``POST /api/workflows/toggle/{name}``: flips ``active`` in config.json; the schedule follows."""
    runtime = _runtime(request)
    entry = runtime.registry.workflow(request.match_info["name"])
    active = runtime.set_workflow_active(entry.slug, None)
    return web.json_response({**toggle_keys(), "name": entry.slug, "active": active,
                              "message": f"workflow {entry.slug} {'activated' if active else 'deactivated'}"})


def add_routes(app: web.Application) -> None:
    """Register the workflow routes on ``app``."""
    app.router.add_get("/api/workflows", list_workflows)
    app.router.add_get("/api/workflows/stats", all_stats)
    app.router.add_get("/api/workflows/stats/{name}", workflow_stats)
    app.router.add_get("/api/workflows/logs/{name}", workflow_logs)
    app[REPLAY_GUARD] = ReplayGuard()
    app.router.add_post("/api/workflows/execute/{name}", execute_workflow, expect_handler=authorised_expect)
    app.router.add_get("/api/workflows/trigger/{name}", trigger_workflow)
    app.router.add_post("/api/workflows/toggle/{name}", toggle_workflow)
    app.router.add_get("/api/workflows/{name}", get_workflow)
    app.router.add_post("/api/webhooks/{name}", webhook, expect_handler=webhook_expect)
