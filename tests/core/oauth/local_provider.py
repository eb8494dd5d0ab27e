"""A local stand-in for Google: OAuth endpoints (/auth, /token, /revoke) and small Calendar, Drive, Sheets APIs.

It runs a real aiohttp server on a free 127.0.0.1 port in its own thread, so code under
test talks to it over real sockets exactly as it would talk to Google. ``/auth`` plays
the user: it checks the request and at once redirects back with a code (consent given).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from aiohttp import web

CALENDAR = "https://www.googleapis.com/auth/calendar"
CALENDAR_RO = "https://www.googleapis.com/auth/calendar.readonly"
DRIVE_RO = "https://www.googleapis.com/auth/drive.readonly"
SHEETS = "https://www.googleapis.com/auth/spreadsheets"


class ServerThread:
    """Serve an aiohttp app on 127.0.0.1:<free port> from a background thread with its own loop."""

    def __init__(self, app: web.Application, host: str = "127.0.0.1") -> None:
        self.app = app
        self.host = host
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """Base URL once started."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> ServerThread:
        """Serve in the background; returns once the port is bound."""
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    async def _start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        """Stop serving and end the thread."""
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
            self._runner = None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _google_error(status: int, message: str, reason: str, state: str) -> web.Response:
    body = {"error": {"code": status, "message": message, "errors": [{"message": message, "domain": "global",
                                                                       "reason": reason}], "status": state}}
    return web.json_response(body, status=status)


def _token_error(error: str, description: str, status: int = 400) -> web.Response:
    return web.json_response({"error": error, "error_description": description}, status=status)


@dataclass
class Grant:
    """A refresh token and what it was granted."""

    client_id: str
    scopes: list[str]
    revoked: bool = False


@dataclass
class AccessToken:
    """An access token: its scopes, its end of life, the refresh token it came from."""

    scopes: list[str]
    expires_at: float
    refresh_token: str | None = None
    revoked: bool = False


@dataclass
class LocalGoogle:
    """The provider's state and knobs; ``start()`` serves it, ``url`` is its base URL."""

    client_id: str = "flowdesk-test.apps.local"
    client_secret: str = "local-client-secret"
    expires_in: int = 3600
    registered_redirects: set[str] | None = None  # None: any http://localhost:<port>/... is accepted
    grant_only: list[str] | None = None  # the user unticks scopes: grant only these
    deny_next: bool = False
    omit_refresh_token: bool = False
    rate_limit_next: int | None = None  # next API call answers 429 with this Retry-After
    page_cap: int = 250  # events.list never returns more than this per page, whatever maxResults says
    empty_pages: int = 0  # the next events.list calls answer an empty page with a token (Google may)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)
    access: dict[str, AccessToken] = field(default_factory=dict)
    events: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    sheets: dict[str, list[list[Any]]] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)  # (kind, detail): auth, token:<grant>, revoke, api
    server: ServerThread | None = None

    # -- lifecycle and helpers for tests ---------------------------------------------

    def start(self) -> LocalGoogle:
        """Serve the provider on a free port."""
        self.server = ServerThread(self.build_app()).start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self.server is not None:
            self.server.stop()

    @property
    def url(self) -> str:
        """The provider's base URL."""
        assert self.server is not None
        return self.server.url

    def client_file(self, kind: str = "web") -> dict[str, Any]:
        """A Google client secrets document pointing at this provider."""
        section = {"client_id": self.client_id, "client_secret": self.client_secret, "project_id": "flowdesk-test",
                   "auth_uri": f"{self.url}/auth", "token_uri": f"{self.url}/token",
                   "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs"}
        if kind == "web":
            section["redirect_uris"] = ["http://localhost:8000/oauth/google/callback"]
        else:
            section["redirect_uris"] = ["http://localhost"]
        return {kind: section}

    def issue(self, scopes: list[str], expires_in: int | None = None) -> tuple[str, str]:
        """Grant ``scopes`` without a consent: (access token, refresh token)."""
        refresh = "1//rt-" + secrets.token_urlsafe(24)
        self.grants[refresh] = Grant(self.client_id, list(scopes))
        return self._new_access(refresh, list(scopes), expires_in), refresh

    def token_file(self, scopes: list[str], expires_in: int | None = None) -> dict[str, Any]:
        """An ``authorized_user`` token document as google-auth writes it, for a fresh grant."""
        access, refresh = self.issue(scopes, expires_in)
        expiry = datetime.fromtimestamp(self.access[access].expires_at, timezone.utc).replace(tzinfo=None)
        return {"token": access, "refresh_token": refresh, "token_uri": f"{self.url}/token",
                "client_id": self.client_id, "client_secret": self.client_secret, "scopes": list(scopes),
                "expiry": expiry.isoformat() + "Z"}

    def revoke_refresh_token(self, refresh_token: str) -> None:
        """What the user does in their Google account settings: the grant and its access tokens die."""
        self.grants[refresh_token].revoked = True
        for token in self.access.values():
            if token.refresh_token == refresh_token:
                token.revoked = True

    def count(self, kind: str) -> int:
        """How many calls of ``kind`` (auth, token, revoke, api) were made."""
        return sum(1 for k, _ in self.calls if k == kind)

    def _new_access(self, refresh: str | None, scopes: list[str], expires_in: int | None = None) -> str:
        token = "ya29.local-" + secrets.token_urlsafe(24)
        life = self.expires_in if expires_in is None else expires_in
        self.access[token] = AccessToken(scopes=scopes, expires_at=time.time() + life, refresh_token=refresh)
        return token

    # -- OAuth endpoints --------------------------------------------------------------

    def build_app(self) -> web.Application:
        """The provider's routes: OAuth endpoints and API stand-ins."""
        app = web.Application()
        app.router.add_get("/auth", self.auth)
        app.router.add_post("/token", self.token)
        app.router.add_post("/revoke", self.revoke)
        app.router.add_get("/calendar/v3/calendars/{cid}/events", self.list_events)
        app.router.add_post("/calendar/v3/calendars/{cid}/events", self.insert_event)
        app.router.add_patch("/calendar/v3/calendars/{cid}/events/{eid}", self.patch_event)
        app.router.add_delete("/calendar/v3/calendars/{cid}/events/{eid}", self.delete_event)
        app.router.add_get("/drive/v3/files", self.drive_list)
        app.router.add_get("/drive/v3/files/{fid}", self.drive_get)
        app.router.add_get("/sheets/v4/spreadsheets/{sid}/values/{rng}", self.sheets_get)
        app.router.add_post("/sheets/v4/spreadsheets/{sid}/values/{rng}", self.sheets_append)
        return app

    async def auth(self, request: web.Request) -> web.Response:
        """The consent page: validate, then redirect back with a code (or access_denied)."""
        q = request.query
        self.calls.append(("auth", q.get("scope", "")))
        problems = []
        if q.get("response_type") != "code":
            problems.append("response_type must be code")
        if q.get("client_id") != self.client_id:
            return web.Response(status=401, text="Error 401: invalid_client (The OAuth client was not found.)")
        redirect = q.get("redirect_uri", "")
        parts = urlsplit(redirect)
        allowed = redirect in self.registered_redirects if self.registered_redirects is not None else \
            parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1")
        if not allowed:
            return web.Response(status=400, text=f"Error 400: redirect_uri_mismatch ({redirect})")
        if not q.get("scope"):
            problems.append("missing scope")
        if not q.get("state"):
            problems.append("missing state")
        if q.get("code_challenge_method") != "S256" or len(q.get("code_challenge", "")) != 43:
            problems.append("PKCE S256 code_challenge required")
        if q.get("access_type") != "offline":
            problems.append("access_type=offline required for a refresh token")
        if problems:
            return web.Response(status=400, text="Error 400: invalid_request (" + "; ".join(problems) + ")")
        if self.deny_next:
            self.deny_next = False
            raise web.HTTPFound(f"{redirect}?{urlencode({'error': 'access_denied', 'state': q['state']})}")
        requested = q["scope"].split()
        granted = [s for s in requested if self.grant_only is None or s in self.grant_only]
        code = "4/local-" + secrets.token_urlsafe(24)
        self.codes[code] = {"redirect_uri": redirect, "scopes": granted, "challenge": q["code_challenge"],
                            "used": False}
        raise web.HTTPFound(f"{redirect}?{urlencode({'state': q['state'], 'code': code, 'scope': ' '.join(granted)})}")

    async def token(self, request: web.Request) -> web.Response:
        """The token endpoint: authorization_code and refresh_token grants."""
        form = await request.post()
        grant_type = str(form.get("grant_type", ""))
        self.calls.append(("token", grant_type))
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return _token_error("invalid_client", "Unauthorized", 401)
        if grant_type == "authorization_code":
            return self._code_grant(form)
        if grant_type == "refresh_token":
            return self._refresh_grant(form)
        return _token_error("unsupported_grant_type", f"Invalid grant_type: {grant_type}")

    def _code_grant(self, form: Any) -> web.Response:
        entry = self.codes.get(str(form.get("code", "")))
        if entry is None or entry["used"]:
            return _token_error("invalid_grant", "Malformed auth code.")
        entry["used"] = True
        if form.get("redirect_uri") != entry["redirect_uri"]:
            return _token_error("redirect_uri_mismatch", "Bad Request")
        verifier = str(form.get("code_verifier", ""))
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if digest != entry["challenge"]:
            return _token_error("invalid_grant", "Invalid code verifier.")
        refresh = "1//rt-" + secrets.token_urlsafe(24)
        self.grants[refresh] = Grant(self.client_id, entry["scopes"])
        body: dict[str, Any] = {"access_token": self._new_access(refresh, entry["scopes"]),
                                "expires_in": self.expires_in, "scope": " ".join(entry["scopes"]),
                                "token_type": "Bearer"}
        if not self.omit_refresh_token:
            body["refresh_token"] = refresh
        return web.json_response(body)

    def _refresh_grant(self, form: Any) -> web.Response:
        grant = self.grants.get(str(form.get("refresh_token", "")))
        if grant is None or grant.revoked:
            return _token_error("invalid_grant", "Token has been expired or revoked.")
        scopes = str(form.get("scope", "")).split() or grant.scopes
        if any(s not in grant.scopes for s in scopes):
            return _token_error("invalid_scope", "Some requested scopes were invalid.")
        token = self._new_access(str(form["refresh_token"]), scopes)
        return web.json_response({"access_token": token, "expires_in": self.expires_in, "scope": " ".join(scopes),
                                  "token_type": "Bearer"})

    async def revoke(self, request: web.Request) -> web.Response:
        """The revocation endpoint (a refresh token takes its access tokens with it)."""
        form = await request.post()
        token = str(form.get("token") or request.query.get("token", ""))
        self.calls.append(("revoke", ""))
        if token in self.grants and not self.grants[token].revoked:
            self.revoke_refresh_token(token)
            return web.json_response({})
        if token in self.access and not self.access[token].revoked:
            self.access[token].revoked = True
            return web.json_response({})
        return _token_error("invalid_token", "Token expired or revoked")

    # -- API stand-ins ----------------------------------------------------------------

    def _authorize(self, request: web.Request, any_of: tuple[str, ...]) -> web.Response | None:
        self.calls.append(("api", f"{request.method} {request.path}"))
        if self.rate_limit_next is not None:
            wait, self.rate_limit_next = self.rate_limit_next, None
            response = _google_error(429, "Rate Limit Exceeded", "rateLimitExceeded", "RESOURCE_EXHAUSTED")
            response.headers["Retry-After"] = str(wait)
            return response
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        token = self.access.get(value) if scheme == "Bearer" else None
        if token is None or token.revoked or token.expires_at <= time.time():
            return _google_error(401, "Request had invalid authentication credentials. Expected OAuth 2 access "
                                      "token, login cookie or other valid authentication credential.",
                                 "authError", "UNAUTHENTICATED")
        if not any(s in token.scopes for s in any_of):
            return _google_error(403, "Request had insufficient authentication scopes.", "insufficientPermissions",
                                 "PERMISSION_DENIED")
        return None

    async def list_events(self, request: web.Request) -> web.Response:
        """Calendar events.list (timeMin/timeMax/maxResults, ordered by start)."""
        denied = self._authorize(request, (CALENDAR, CALENDAR_RO))
        if denied:
            return denied
        items = list(self.events.get(request.match_info["cid"], {}).values())
        low = _instant(request.query.get("timeMin"))
        high = _instant(request.query.get("timeMax"))
        items = [e for e in items
                 if (low is None or _event_start(e) >= low) and (high is None or _event_start(e) < high)]
        items.sort(key=_event_start)
        try:
            limit = int(request.query.get("maxResults", "250"))
            start = int(request.query.get("pageToken", "0") or 0)
        except ValueError:
            return _google_error(400, "Invalid value", "invalid", "INVALID_ARGUMENT")
        if not 1 <= limit <= 2500:  # Google's documented page size range
            return _google_error(400, f"Invalid value '{limit}'. Values must be within the range: [1, 2500]",
                                 "invalid", "INVALID_ARGUMENT")
        # maxResults is an upper bound: a page may hold fewer (even none), and nextPageToken says more remain.
        page = items[start:start + min(limit, self.page_cap)]
        if self.empty_pages and page:
            self.empty_pages -= 1
            page = []
        body: dict[str, Any] = {"kind": "calendar#events", "summary": request.match_info["cid"],
                                "timeZone": "UTC", "items": page}
        if start + len(page) < len(items):
            body["nextPageToken"] = str(start + len(page))
        return web.json_response(body)

    async def insert_event(self, request: web.Request) -> web.Response:
        """Calendar events.insert."""
        denied = self._authorize(request, (CALENDAR,))
        if denied:
            return denied
        body = await request.json()
        for key in ("start", "end"):
            if not isinstance(body.get(key), dict) or not ({"date", "dateTime"} & set(body[key])):
                return _google_error(400, f"Missing {key} time.", "required", "INVALID_ARGUMENT")
        now = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        event = {"kind": "calendar#event", "id": uuid.uuid4().hex, "status": "confirmed", "created": now,
                 "updated": now, "organizer": {"email": "me@example.com", "self": True}, **body}
        event["htmlLink"] = f"https://www.google.com/calendar/event?eid={event['id']}"
        self.events.setdefault(request.match_info["cid"], {})[event["id"]] = event
        return web.json_response(event)

    def _event(self, request: web.Request) -> tuple[dict[str, Any] | None, web.Response | None]:
        eid = request.match_info["eid"]
        if eid in self.deleted:
            return None, _google_error(410, "Resource has been deleted", "deleted", "GONE")
        event = self.events.get(request.match_info["cid"], {}).get(eid)
        if event is None:
            return None, _google_error(404, "Not Found", "notFound", "NOT_FOUND")
        return event, None

    async def patch_event(self, request: web.Request) -> web.Response:
        """Calendar events.patch."""
        denied = self._authorize(request, (CALENDAR,))
        if denied:
            return denied
        event, missing = self._event(request)
        if missing:
            return missing
        assert event is not None
        event.update(await request.json())
        return web.json_response(event)

    async def delete_event(self, request: web.Request) -> web.Response:
        """Calendar events.delete (410 when already deleted)."""
        denied = self._authorize(request, (CALENDAR,))
        if denied:
            return denied
        event, missing = self._event(request)
        if missing:
            return missing
        del self.events[request.match_info["cid"]][request.match_info["eid"]]
        self.deleted.add(request.match_info["eid"])
        return web.Response(status=204)

    async def drive_list(self, request: web.Request) -> web.Response:
        """Drive files.list."""
        denied = self._authorize(request, (DRIVE_RO, "https://www.googleapis.com/auth/drive"))
        if denied:
            return denied
        size = int(request.query.get("pageSize", "100"))
        if not 1 <= size <= 1000:  # Drive's documented pageSize range
            return _google_error(400, f"Invalid value '{size}'. Values must be within the range: [1, 1000]",
                                 "invalid", "INVALID_ARGUMENT")
        return web.json_response({"kind": "drive#fileList", "files": list(self.files.values())[:size]})

    async def drive_get(self, request: web.Request) -> web.Response:
        """Drive files.get."""
        denied = self._authorize(request, (DRIVE_RO, "https://www.googleapis.com/auth/drive"))
        if denied:
            return denied
        found = self.files.get(request.match_info["fid"])
        return web.json_response(found) if found else _google_error(
            404, f"File not found: {request.match_info['fid']}.", "notFound", "NOT_FOUND")

    async def sheets_get(self, request: web.Request) -> web.Response:
        """Sheets values.get."""
        denied = self._authorize(request, (SHEETS, "https://www.googleapis.com/auth/spreadsheets.readonly"))
        if denied:
            return denied
        sid = request.match_info["sid"]
        if sid not in self.sheets:
            return _google_error(404, "Requested entity was not found.", "notFound", "NOT_FOUND")
        return web.json_response({"range": request.match_info["rng"], "majorDimension": "ROWS",
                                  "values": self.sheets[sid]})

    async def sheets_append(self, request: web.Request) -> web.Response:
        """Sheets values.append."""
        rng = request.match_info["rng"]
        if not rng.endswith(":append"):
            return _google_error(404, "Not Found", "notFound", "NOT_FOUND")
        denied = self._authorize(request, (SHEETS,))
        if denied:
            return denied
        rows = (await request.json()).get("values") or []
        sheet = self.sheets.setdefault(request.match_info["sid"], [])
        sheet.extend(rows)
        return web.json_response({"spreadsheetId": request.match_info["sid"], "updates": {
            "updatedRange": rng.removesuffix(":append"), "updatedRows": len(rows)}})


def _instant(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _event_start(event: dict[str, Any]) -> datetime:
    start = event.get("start") or {}
    if "dateTime" in start:
        parsed = datetime.fromisoformat(start["dateTime"].replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=ZoneInfo(start.get("timeZone") or "UTC"))
    return datetime.fromisoformat(start["date"]).replace(tzinfo=timezone.utc)


def write_google_workspace(root: Path, provider: LocalGoogle, *, profile: str = "TEST",
                           tools: tuple[str, ...] = ("google_calendar", "google_drive", "google_sheets"),
                           token: str = "etc/secrets/google_test_token.json",
                           credentials: str = "etc/secrets/google_test_credentials.json",
                           kind: str = "web", extra: dict[str, str] | None = None) -> Path:
    """A workspace whose tools share one token file and whose API base URLs point at ``provider``."""
    (root / "private" / "workflows").mkdir(parents=True, exist_ok=True)
    (root / "private" / "tools").mkdir(parents=True, exist_ok=True)
    (root / "config").mkdir(parents=True, exist_ok=True)
    creds_path = root / credentials
    creds_path.parent.mkdir(parents=True, exist_ok=True)
    creds_path.write_text(json.dumps(provider.client_file(kind)), encoding="utf-8")
    bases = {"google_calendar": "/calendar/v3", "google_drive": "/drive/v3", "google_sheets": "/sheets/v4"}
    lines = []
    for tool in tools:
        up = f"{tool.upper()}_{profile}"
        lines += [f"{up}_CREDENTIALS_FILE={credentials}", f"{up}_TOKEN_FILE={token}",
                  f"{up}_BASE_URL={provider.url}{bases[tool]}"]
    lines += [f"{k}={v}" for k, v in (extra or {}).items()]
    (root / "config" / ".env").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root / token
