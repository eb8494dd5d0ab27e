"""The OpenAPI 3.1 document of the API, served at ``/api/openapi.json``."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from flowdesk import __version__

ERR = {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
JSON_OBJ = {"application/json": {"schema": {"type": "object"}}}
RESULT = {"description": "the workflow's result object plus run_id",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunResult"}}}}
NAME = {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
TOOL = {"name": "tool", "in": "path", "required": True, "schema": {"type": "string"}}
PROFILE = {"name": "profile", "in": "query", "schema": {"type": "string", "default": "DEFAULT"}}
IDEMPOTENCY_KEY = {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string", "maxLength": 255},
                   "description": "Within 24 h the same key returns the first run instead of starting another "
                                  "(also X-GitHub-Delivery, X-Gitlab-Event-UUID, Webhook-Id, Svix-Id, "
                                  "X-Shopify-Webhook-Id, or the body field named by webhook.idempotency_field)"}

# (method, path) -> operation; kept next to the routes' docstrings and checked against the router by a test.
OPERATIONS: dict[tuple[str, str], dict[str, Any]] = {
    ("get", "/"): {"summary": "Redirect to the dashboard interface", "security": [],
                   "responses": {"302": {"description": "Location: /dashboard/ (or the workspace's own dashboard)"}}},
    ("get", "/docs"): {"summary": "This API as an HTML page", "security": [],
                       "responses": {"200": {"description": "HTML", "content": {"text/html": {}}}}},
    ("get", "/health"): {"summary": "Health and counts; ?format=seed answers the seed platform's status \"ok\"",
                         "security": [], "parameters": [{"name": "format", "in": "query",
                                                         "schema": {"type": "string", "enum": ["seed"]}}]},
    ("get", "/api/openapi.json"): {"summary": "This document", "security": []},
    ("get", "/auth/login"): {"summary": "Start an interface session (cookie) from the token or an app ticket, "
                                        "then redirect to a same-site path; 429 after 5 failures a minute",
                             "security": [], "parameters": [
                                 {"name": "token", "in": "query", "schema": {"type": "string"}},
                                 {"name": "ticket", "in": "query", "schema": {"type": "string"}},
                                 {"name": "next", "in": "query", "schema": {"type": "string"}}]},
    ("post", "/auth/ticket"): {"summary": "A single-use login ticket for /auth/login?ticket= (60 s); the API token "
                                          "only (flowdesk open signs a browser in with it)"},
    ("post", "/auth/logout"): {"summary": "End this interface session; with the API token, ?all=true ends every one",
                               "parameters": [{"name": "all", "in": "query", "schema": {"type": "boolean"}}]},
    ("get", "/api/workflows"): {"summary": "All workflows, broken ones with their error"},
    ("get", "/api/workflows/{name}"): {"summary": "One workflow with its raw config", "parameters": [NAME]},
    ("post", "/api/workflows/execute/{name}"): {
        "summary": "Run and wait; body {\"data\": {...}} or the data itself", "parameters": [NAME, IDEMPOTENCY_KEY],
        "requestBody": {"content": JSON_OBJ}, "responses": {"200": RESULT}},
    ("get", "/api/workflows/trigger/{name}"): {"summary": "Run with URL parameters as input and wait",
                                               "parameters": [NAME], "responses": {"200": RESULT}},
    ("post", "/api/webhooks/{name}"): {
        "summary": "Webhook: JSON body merged with URL parameters (URL wins; HMAC webhooks use the signed body "
                   "only); 202 with run_id, or ?wait=true; any refused caller gets 401 {\"error\": \"unauthorized\"}",
        "parameters": [NAME, {"name": "wait", "in": "query", "schema": {"type": "boolean"}}, IDEMPOTENCY_KEY],
        "requestBody": {"content": JSON_OBJ},
        "responses": {"202": {"description": "accepted: the run is committed as queued and will run, even after a "
                                             "crash; a repeated delivery id answers the first run with header "
                                             "Idempotent-Replayed: true", "content": JSON_OBJ},
                      "200": RESULT,
                      "429": {"description": "the backlog limit is reached or the disk is nearly full (Retry-After)"}}},
    ("get", "/api/workflows/logs/{name}"): {"summary": "Recent runs of a workflow", "parameters": [
        NAME, {"name": "limit", "in": "query", "schema": {"type": "integer"}},
        {"name": "status", "in": "query", "schema": {"type": "string"}}]},
    ("get", "/api/workflows/stats"): {"summary": "Run statistics over all workflows"},
    ("get", "/api/workflows/stats/{name}"): {"summary": "Run statistics of one workflow", "parameters": [NAME]},
    ("post", "/api/workflows/toggle/{name}"): {"summary": "Switch a workflow on or off", "parameters": [NAME]},
    ("get", "/api/interfaces"): {"summary": "The HTML interfaces and their routes"},
    ("get", "/api/scheduler/jobs"): {"summary": "Scheduled jobs with next_run and last_run"},
    ("post", "/api/scheduler/pause"): {"summary": "Pause every schedule"},
    ("post", "/api/scheduler/resume"): {"summary": "Resume the schedules"},
    ("post", "/api/reload"): {"summary": "Re-read the workspace and reschedule"},
    ("get", "/api/runs"): {"summary": "Run history, newest first", "parameters": [
        {"name": n, "in": "query", "schema": {"type": t}} for n, t in
        (("workflow", "string"), ("status", "string"), ("trigger", "string"), ("limit", "integer"), ("offset", "integer"))]},
    ("get", "/api/runs/{id}"): {"summary": "One run with input, output, error and log",
                                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]},
    ("get", "/api/oauth/status"): {"summary": "OAuth status of every tool profile"},
    ("get", "/api/oauth/status/{tool}"): {"summary": "OAuth status of one tool", "parameters": [
        {"name": "tool", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "profile", "in": "query", "schema": {"type": "string"}}]},
    ("post", "/api/oauth/disconnect/{tool}"): {"summary": "Revoke and delete one profile's token", "parameters": [
        {"name": "tool", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "profile", "in": "query", "required": True, "schema": {"type": "string"}}]},
    ("get", "/api/integrations/whatsapp/webhook"): {
        "summary": "WhatsApp Cloud API subscription check (hub.verify_token = WHATSAPP_WEBHOOK_VERIFY_TOKEN)",
        "security": []},
    ("post", "/api/integrations/whatsapp/webhook"): {
        "summary": "WhatsApp deliveries signed with WHATSAPP_APP_SECRET (X-Hub-Signature-256), stored for get_messages",
        "security": []},
    ("get", "/oauth/google/auth"): {"summary": "Start the Google consent flow", "parameters": [
        {"name": "service", "in": "query", "schema": {"type": "string"}},
        {"name": "profile", "in": "query", "schema": {"type": "string"}}]},
    ("get", "/oauth/google/callback"): {"summary": "Google redirects here with code and state", "security": []},
    ("get", "/oauth/google/status"): {"summary": "Seed route: one Google service's OAuth status, or every one's",
                                      "parameters": [{"name": "service", "in": "query", "schema": {"type": "string"}},
                                                     PROFILE]},
    ("get", "/oauth/{tool}/auth"): {"summary": "Seed route: start the consent of one tool profile, coming back to "
                                               "/oauth/{tool}/callback", "parameters": [TOOL, PROFILE]},
    ("get", "/oauth/{tool}/callback"): {"summary": "Seed route: Google redirects here with code and state (HTML, "
                                                   "or JSON for Accept: application/json)",
                                        "security": [], "parameters": [TOOL]},
    ("get", "/oauth/{tool}/status"): {"summary": "Seed route: OAuth status of one tool profile",
                                      "parameters": [TOOL, PROFILE]},
    ("post", "/oauth/{tool}/revoke"): {"summary": "Seed route: revoke and delete one profile's token",
                                       "parameters": [TOOL, PROFILE]},
}


def openapi_document(app: web.Application) -> dict[str, Any]:
    """The document for the routes this app really has (OAuth routes only when registered)."""
    registered = registered_operations(app)
    paths: dict[str, dict[str, Any]] = {}
    for (method, path), op in OPERATIONS.items():
        if (method, path) not in registered:
            continue
        responses = op.get("responses", {"200": {"description": "OK", "content": JSON_OBJ}})
        paths.setdefault(path, {})[method] = {**op, "responses": {**responses, "4XX": ERR}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "FlowDesk API", "version": __version__,
                 "description": "Every route but /health, webhooks with their own secret and interface files "
                                "needs Authorization: Bearer <token>."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"],
                          "properties": {"error": {"type": "string"}, "fields": {"type": "object"}}},
                "RunResult": {"type": "object", "required": ["status", "run_id"], "properties": {
                    "status": {"type": "string", "enum": ["success", "error", "skipped"]},
                    "message": {"type": ["string", "null"]}, "data": {}, "run_id": {"type": "string"},
                    "run_status": {"type": "string"}, "duration": {"type": ["number", "null"]}}},
            },
        },
    }


def registered_operations(app: web.Application) -> set[tuple[str, str]]:
    """(method, canonical path) of every route of ``app`` except the interfaces' catch-all."""
    out = set()
    for route in app.router.routes():
        if route.method in ("HEAD", "*") or route.resource is None:
            continue
        path = route.resource.canonical
        if path == "/{tail}":
            continue
        out.add((route.method.lower(), path))
    return out
