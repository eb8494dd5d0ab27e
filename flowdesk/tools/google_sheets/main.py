"""Built-in ``google_sheets`` tool: read a range and append rows over the Sheets REST API v4."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flowdesk.tools.base import BaseTool, ToolParamError
from flowdesk.tools.google_api import GoogleApiMixin, api_action

INPUT_OPTIONS = ("USER_ENTERED", "RAW")


def _rows(value: Any) -> list[list[Any]]:
    if not isinstance(value, list) or not value:
        raise ToolParamError("rows must be a non-empty list of rows, e.g. [[\"2024-07-01\", \"Ada\", 42]]")
    rows = [row if isinstance(row, list) else [row] for row in value]
    for n, row in enumerate(rows, 1):
        for cell in row:
            if cell is not None and not isinstance(cell, (str, int, float, bool)):
                raise ToolParamError(f"rows: row {n} holds a {type(cell).__name__}; "
                                     "cells are text, numbers or booleans")
    return rows


class SheetsTool(GoogleApiMixin, BaseTool):
    """Google Sheets: read_range, append_rows."""

    tool_name = "google_sheets"
    default_base_url = "https://sheets.googleapis.com/v4"
    api_name = "Google Sheets API"
    service = "sheets"

    def _values_path(self, params: dict[str, Any], suffix: str = "") -> tuple[str, str, str]:
        spreadsheet = str(params.get("spreadsheet_id") or self.get_config_value("spreadsheet_id", "") or "").strip()
        if not spreadsheet:
            raise ToolParamError("spreadsheet_id is required (as a parameter or in the profile)")
        cell_range = str(params.get("range") or "").strip()
        if not cell_range:
            raise ToolParamError("range is required, e.g. Sheet1!A1:C10")
        path = f"/spreadsheets/{quote(spreadsheet, safe='')}/values/{quote(cell_range, safe='!:')}{suffix}"
        return path, spreadsheet, cell_range

    @api_action
    def _read_range(self, params: dict[str, Any]) -> dict[str, Any]:
        """The values of ``range`` as a list of rows."""
        path, spreadsheet, cell_range = self._values_path(params)
        missing = f"spreadsheet {spreadsheet!r} or range {cell_range!r} not found"
        data = self.api_request("GET", path, not_found=missing) or {}
        values = list(data.get("values") or [])
        return self.success({"range": data.get("range", cell_range), "values": values, "row_count": len(values),
                             "spreadsheet_id": spreadsheet}, message=f"{len(values)} row(s) read")

    @api_action
    def _append_rows(self, params: dict[str, Any]) -> dict[str, Any]:
        """Append ``rows`` to the table at ``range``."""
        path, spreadsheet, cell_range = self._values_path(params, ":append")
        rows = _rows(params.get("rows", params.get("values")))
        option = str(params.get("value_input_option") or "USER_ENTERED").upper()
        if option not in INPUT_OPTIONS:
            raise ToolParamError(f"value_input_option must be one of {', '.join(INPUT_OPTIONS)}, got {option!r}")
        data = self.api_request("POST", path, params={"valueInputOption": option, "insertDataOption": "INSERT_ROWS"},
                                json_body={"values": rows},
                                not_found=f"spreadsheet {spreadsheet!r} or range {cell_range!r} not found") or {}
        updates = data.get("updates") or {}
        return self.success({"spreadsheet_id": spreadsheet, "updated_range": updates.get("updatedRange"),
                             "updated_rows": updates.get("updatedRows", len(rows))},
                            message=f"{updates.get('updatedRows', len(rows))} row(s) appended")
