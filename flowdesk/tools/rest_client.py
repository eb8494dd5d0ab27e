"""JSON-over-HTTP calls to one service with ``requests``; every failure becomes an :class:`ApiError`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import requests

from flowdesk.tools.api_errors import ApiError, http_error, network_error, origin_of, parse_retry_after

# (response, parsed JSON or None) -> (detail message, service error code); None: use the generic reading.
ErrorReader = Callable[[requests.Response, Any], tuple[str | None, str | None]]

USER_AGENT = "FlowDesk/0.1 (+https://github.com/flowdesk)"


def generic_error_detail(body: Any) -> tuple[str | None, str | None]:
    """The message and code found in the usual error body shapes (Google, Graph, Brave, plain)."""
    if isinstance(body, Mapping):
        err = body.get("error")
        if isinstance(err, Mapping):
            message = err.get("message") or err.get("detail") or err.get("error_user_msg")
            code = err.get("code") or err.get("status")
            errors = err.get("errors")
            if isinstance(errors, list) and errors and isinstance(errors[0], Mapping) and errors[0].get("reason"):
                code = errors[0]["reason"]  # Google's precise reason (quotaExceeded, required...)
            infos = [d for d in err.get("details") or [] if isinstance(d, Mapping) and d.get("reason")]
            if infos:
                code = infos[0]["reason"]  # Google's ErrorInfo: API_KEY_INVALID beats the vague "badRequest"
            return (str(message) if message else None), (str(code) if code is not None else None)
        if isinstance(err, str):
            return str(body.get("message") or body.get("error_description") or err), err
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], Mapping):
            first = errors[0]
            return str(first.get("detail") or first.get("message") or first), str(first.get("code") or "") or None
        for key in ("message", "detail", "error_description"):
            value = body.get(key)
            if isinstance(value, Mapping):  # Tavily: {"detail": {"error": "..."}}
                value = value.get("error") or value.get("message") or value
            if value:
                return str(value), (str(body["code"]) if body.get("code") else None)
    return None, None


def _rate_limit_reset(value: str | None) -> float | None:
    """Seconds from an ``X-RateLimit-Reset`` of delays (Brave: ``"1, 1419704"``, per window, shortest first).

    Some APIs put an epoch timestamp there instead; values that large are not delays and are ignored.
    """
    try:
        first = float(str(value).split(",")[0].strip())
    except ValueError:
        return None
    return first if 0 <= first < 1e9 else None


class RestClient:
    """Calls ``base_url`` + path with fixed headers/params and a timeout; returns parsed JSON."""

    def __init__(self, service: str, base_url: str, *, timeout: float = 30,
                 headers: Mapping[str, str] | None = None, params: Mapping[str, str] | None = None,
                 error_reader: ErrorReader | None = None, session: requests.Session | None = None) -> None:
        self.service = service
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})}
        self.params = dict(params or {})
        self.error_reader = error_reader
        self.session = session or requests.Session()

    def __enter__(self) -> RestClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the pooled connections."""
        self.session.close()

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` (an absolute URL is kept as is)."""
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}" if path else self.base_url

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET ``path`` and return the JSON answer."""
        return self.request("GET", path, params=params)

    def post(self, path: str, json: Any = None, params: Mapping[str, Any] | None = None) -> Any:
        """POST a JSON body to ``path`` and return the JSON answer."""
        return self.request("POST", path, params=params, json=json)

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                json: Any = None, headers: Mapping[str, str] | None = None) -> Any:
        """Send one request; HTTP errors, timeouts and refused connections raise :class:`ApiError`."""
        url = self.url(path)
        query = {**self.params, **{k: v for k, v in (params or {}).items() if v is not None}}
        try:
            response = self.session.request(method, url, params=query or None, json=json,
                                            headers={**self.headers, **(headers or {})}, timeout=self.timeout)
        except requests.Timeout:
            raise ApiError(f"{self.service}: no answer from {origin_of(url)} within {self.timeout:g} s",
                           code="timeout") from None
        except requests.RequestException as exc:
            raise network_error(self.service, origin_of(url), exc) from None
        body = self._json(response)
        if response.status_code >= 400:
            raise self._http_error(response, body)
        if body is None and response.content:
            raise ApiError(f"{self.service}: answer is not JSON (HTTP {response.status_code}, "
                           f"{response.headers.get('Content-Type', 'no content type')})", code="bad_response")
        return body

    @staticmethod
    def _json(response: requests.Response) -> Any:
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            return None

    def _http_error(self, response: requests.Response, body: Any) -> ApiError:
        detail, code = (self.error_reader(response, body) if self.error_reader else (None, None))
        if detail is None and code is None:
            detail, code = generic_error_detail(body)
        if detail is None and body is None and response.text:
            detail = response.text.strip().splitlines()[0][:200] if response.text.strip() else None
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if retry_after is None and response.status_code == 429:
            retry_after = _rate_limit_reset(response.headers.get("X-RateLimit-Reset"))
        return http_error(self.service, response.status_code, detail or response.reason,
                          code=code, retry_after=retry_after)
