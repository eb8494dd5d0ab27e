"""Ready-to-paste webhook calls for curl, Python (requests) and JavaScript (fetch), signed the way the listener checks.

Without a credential the snippets read it from an environment variable (the secret stays out of
screenshots and chat messages); with one they carry it literally. An HMAC snippet computes the
signature itself, so the body can be edited before sending.
"""

from __future__ import annotations

import json
import shlex

from flowdesk.core.webhook_request import WebhookRequest

LANGUAGES = ("curl", "python", "javascript")


def _pretty_body(request: WebhookRequest) -> str:
    return json.dumps(json.loads(request.body), indent=2, ensure_ascii=False)


def _plain_headers(request: WebhookRequest) -> dict[str, str]:
    """Headers that need nothing computed at send time (not the HMAC signature or timestamp)."""
    hook = request.hook
    skip = {hook.effective_header, hook.effective_timestamp_header} if hook.auth == "hmac" else set()
    return {k: v for k, v in request.headers.items() if k not in skip}


def curl_snippet(request: WebhookRequest) -> str:
    """A POSIX shell snippet: curl, with openssl computing an HMAC signature when needed."""
    hook, lines = request.hook, []
    if request.credential is None and request.variable:
        what = "the API token" if hook.auth == "api" else "the webhook secret"
        lines.append(f'# export {request.variable}="..."   ({what})')
    elif request.credential is not None and hook.auth == "hmac":
        lines.append(f"{request.variable}={shlex.quote(request.credential)}")
    lines.append(f"BODY={shlex.quote(request.body.decode('utf-8'))}")
    headers = [f"-H {_shell_header(k, v, request)}" for k, v in _plain_headers(request).items()]
    if hook.auth == "hmac":
        signed = '"$BODY"'
        if request.timestamp is not None:
            lines.append("TS=$(date +%s)")
            signed = '"$TS.$BODY"'
            headers.append(f'-H "{hook.effective_timestamp_header}: $TS"')
        lines.append(f"SIG=$(printf '%s' {signed} | openssl dgst -sha256 -hmac \"${request.variable}\" | sed 's/^.* //')")
        headers.append(f'-H "{hook.effective_header}: sha256=$SIG"')
    lines.append(f"curl -X POST {shlex.quote(request.url)} \\")
    lines += [f"  {h} \\" for h in headers]
    lines.append('  --data-binary "$BODY"')
    return "\n".join(lines) + "\n"


def _shell_header(name: str, value: str, request: WebhookRequest) -> str:
    """``"Name: value"`` double-quoted so a ``$VARIABLE`` credential expands, anything else stays literal."""
    if request.credential is not None or request.variable is None:
        return shlex.quote(f"{name}: {value}")
    literal = value.replace(f"${request.variable}", "\0")
    escaped = literal.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("`", "\\`")
    return '"' + f"{name}: " + escaped.replace("\0", f"${request.variable}") + '"'


def python_snippet(request: WebhookRequest) -> str:
    """Python with requests (the signature with hmac/hashlib)."""
    hook = request.hook
    imports = ["import json"]
    if hook.auth != "public" and request.credential is None:
        imports.append("import os")
    if hook.auth == "hmac":
        imports += ["import hashlib", "import hmac"] + (["import time"] if request.timestamp is not None else [])
    lines = [*sorted(imports), "", "import requests", ""]
    if hook.auth != "public":
        value = repr(request.credential) if request.credential is not None else f"os.environ[{request.variable!r}]"
        lines.append(f"{'token' if hook.auth == 'api' else 'secret'} = {value}")
    lines.append(f"body = json.dumps({_python_literal(request)}, ensure_ascii=False, separators=(',', ':')).encode()")
    header_items = [f"    {k!r}: {_python_header_value(k, v, request)}," for k, v in _plain_headers(request).items()]
    if hook.auth == "hmac":
        signed = "body"
        if request.timestamp is not None:
            lines.append("ts = str(int(time.time()))")
            signed = 'ts.encode() + b"." + body'
            header_items.append(f"    {hook.effective_timestamp_header!r}: ts,")
        lines.append(f"signature = 'sha256=' + hmac.new(secret.encode(), {signed}, hashlib.sha256).hexdigest()")
        header_items.append(f"    {hook.effective_header!r}: signature,")
    lines += ["headers = {", *header_items, "}"]
    lines.append(f"answer = requests.post({request.url!r}, data=body, headers=headers, timeout=30)")
    lines.append("print(answer.status_code, answer.json())  # 202 {'run_id': ...}")
    return "\n".join(lines) + "\n"


def _python_literal(request: WebhookRequest) -> str:
    # JSON true/false/null are not Python: repr() of the parsed body is.
    return repr(json.loads(request.body))


def _python_header_value(name: str, value: str, request: WebhookRequest) -> str:
    hook = request.hook
    if hook.auth == "api" and name == "Authorization":
        return "'Bearer ' + token"
    if hook.auth == "token" and name == hook.effective_header:
        return "secret"
    return repr(value)


def javascript_snippet(request: WebhookRequest) -> str:
    """JavaScript (Node 18+: fetch is built in; node:crypto signs)."""
    hook = request.hook
    lines = ["// Node 18+ (fetch built in); save as send.mjs and run: node send.mjs"]
    if hook.auth == "hmac":
        lines += ['import { createHmac } from "node:crypto";', ""]
    if hook.auth != "public":
        value = json.dumps(request.credential) if request.credential is not None else f"process.env.{request.variable}"
        lines.append(f"const {'token' if hook.auth == 'api' else 'secret'} = {value};")
    lines.append(f"const body = JSON.stringify({_pretty_body(request)});")
    header_items = []
    for name, value in _plain_headers(request).items():
        if hook.auth == "api" and name == "Authorization":
            rendered = "`Bearer ${token}`"
        elif hook.auth == "token" and name == hook.effective_header:
            rendered = "secret"
        else:
            rendered = json.dumps(value)
        header_items.append(f"    {json.dumps(name)}: {rendered},")
    if hook.auth == "hmac":
        signed = "body"
        if request.timestamp is not None:
            lines.append("const ts = String(Math.floor(Date.now() / 1000));")
            signed = "`${ts}.${body}`"
            header_items.append(f"    {json.dumps(hook.effective_timestamp_header)}: ts,")
        lines.append(f'const signature = "sha256=" + createHmac("sha256", secret).update({signed}).digest("hex");')
        header_items.append(f"    {json.dumps(hook.effective_header)}: signature,")
    lines.append(f"const answer = await fetch({json.dumps(request.url)}, {{")
    lines.append('  method: "POST",')
    lines.append("  headers: {")
    lines += header_items
    lines.append("  },")
    lines.append("  body,")
    lines.append("});")
    lines.append("console.log(answer.status, await answer.json()); // 202 {run_id: ...}")
    return "\n".join(lines) + "\n"


def snippets(request: WebhookRequest) -> dict[str, str]:
    """curl, python and javascript snippets of one request."""
    return {"curl": curl_snippet(request), "python": python_snippet(request),
            "javascript": javascript_snippet(request)}
