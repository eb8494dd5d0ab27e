"""Built-in ``google_drive`` tool: list files and read file metadata over the Drive REST API v3."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flowdesk.tools.base import BaseTool, ToolParamError
from flowdesk.tools.google_api import GoogleApiMixin, api_action

FILE_FIELDS = "id, name, mimeType, size, modifiedTime, createdTime, webViewLink, parents, owners(emailAddress)"


def _page_size(value: Any) -> int:
    """``page_size`` (default 20) clamped to Drive's documented 1..1000, as other built-ins clamp."""
    if value in (None, ""):
        return 20
    try:
        if isinstance(value, bool):
            raise ValueError
        size = int(value)
    except (TypeError, ValueError):
        raise ToolParamError(f"page_size must be an integer, got {value!r}") from None
    return max(1, min(1000, size))


class DriveTool(GoogleApiMixin, BaseTool):
    """Google Drive: list_files, get_file_metadata."""

    tool_name = "google_drive"
    default_base_url = "https://www.googleapis.com/drive/v3"
    api_name = "Google Drive API"
    service = "drive"

    @api_action
    def _list_files(self, params: dict[str, Any]) -> dict[str, Any]:
        """Files matching ``query`` (Drive syntax), newest first by default."""
        query: dict[str, Any] = {
            "pageSize": _page_size(params.get("page_size", params.get("count"))),
            "orderBy": str(params.get("order_by") or "modifiedTime desc"),
            "fields": f"nextPageToken, files({FILE_FIELDS})",
        }
        if params.get("query"):
            query["q"] = str(params["query"])
        if params.get("page_token"):
            query["pageToken"] = str(params["page_token"])
        data = self.api_request("GET", "/files", params=query) or {}
        files = list(data.get("files") or [])
        return self.success({"files": files, "count": len(files), "next_page_token": data.get("nextPageToken")},
                            message=f"{len(files)} file(s)")

    @api_action
    def _get_file_metadata(self, params: dict[str, Any]) -> dict[str, Any]:
        """Metadata of ``file_id``."""
        file_id = str(params.get("file_id") or "").strip()
        if not file_id:
            raise ToolParamError("file_id is required")
        data = self.api_request("GET", f"/files/{quote(file_id, safe='')}",
                                params={"fields": str(params.get("fields") or FILE_FIELDS)},
                                not_found=f"file {file_id!r} not found (or not shared with this account)")
        return self.success({"file": data}, message=f"File {(data or {}).get('name', file_id)}")
