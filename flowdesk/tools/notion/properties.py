"""Page properties: plain values to Notion property values (by the schema's types), and pages to plain dicts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flowdesk.tools.base import ToolParamError
from flowdesk.tools.notion.blocks import plain_text, rich_text
from flowdesk.tools.params import bool_param, str_list

WRITABLE = {"title", "rich_text", "number", "select", "multi_select", "status", "date", "checkbox", "url",
            "email", "phone_number", "people", "relation", "files"}
_LISTS = {"title", "rich_text", "multi_select", "people", "relation", "files"}


def is_raw_value(value: Any) -> bool:
    """True for a value already in Notion's shape (``{"select": {...}}``): sent as is."""
    return isinstance(value, Mapping) and len(value) >= 1 and any(k in WRITABLE for k in value)


def to_property_value(name: str, kind: str, value: Any) -> dict[str, Any]:
    """The Notion property value for a plain ``value`` of property ``name`` of type ``kind``."""
    if kind not in WRITABLE:
        raise ToolParamError(f"properties.{name}: a {kind} property is computed by Notion and cannot be set")
    if value is None:
        return {kind: [] if kind in _LISTS else None}  # clears the property
    if kind in ("title", "rich_text"):
        return {kind: rich_text(str(value))}
    if kind == "number":
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ToolParamError(f"properties.{name}: a number is expected, got {value!r}") from None
        return {"number": int(number) if number.is_integer() else number}
    if kind in ("select", "status"):
        return {kind: {"name": str(value)}}
    if kind == "multi_select":
        return {"multi_select": [{"name": n} for n in str_list(value, f"properties.{name}")]}
    if kind == "date":
        if isinstance(value, Mapping):
            return {"date": {k: value[k] for k in ("start", "end", "time_zone") if value.get(k)}}
        return {"date": {"start": str(value)}}
    if kind == "checkbox":
        return {"checkbox": bool_param({"v": value}, "v")}
    if kind in ("people", "relation"):
        return {kind: [{"id": i} for i in str_list(value, f"properties.{name}")]}
    if kind == "files":
        return {"files": [{"name": url.rsplit("/", 1)[-1][:100] or "file", "type": "external",
                           "external": {"url": url}} for url in str_list(value, f"properties.{name}")]}
    return {kind: str(value)}  # url, email, phone_number


def build_properties(values: Mapping[str, Any], schema: Mapping[str, str], title: str | None) -> dict[str, Any]:
    """Notion ``properties`` from plain or raw values; ``schema`` maps property names to types."""
    out: dict[str, Any] = {}
    lower = {k.lower(): k for k in schema}
    for name, value in values.items():
        if is_raw_value(value):
            out[name] = dict(value)
            continue
        real = name if name in schema else lower.get(str(name).lower())
        if real is None:
            known = ", ".join(sorted(schema)) or "none"
            raise ToolParamError(f"properties: no property {name!r} (known: {known})")
        out[real] = to_property_value(real, schema[real], value)
    if title is not None:
        title_prop = next((k for k, t in schema.items() if t == "title"), "title")
        out[title_prop] = {"title": rich_text(title)}
    return out


def schema_of(properties: Any) -> dict[str, str]:
    """``{name: type}`` from a data source/database schema or from a page's property values."""
    if not isinstance(properties, Mapping):
        return {}
    return {str(k): str(v.get("type")) for k, v in properties.items() if isinstance(v, Mapping) and v.get("type")}


def plain_value(prop: Mapping[str, Any]) -> Any:
    """The plain value of a page property value object."""
    kind = prop.get("type")
    value = prop.get(kind) if isinstance(kind, str) else None
    if kind in ("title", "rich_text"):
        return plain_text(value)
    if kind in ("select", "status"):
        return (value or {}).get("name")
    if kind == "multi_select":
        return [o.get("name") for o in value or []]
    if kind == "date":
        if not value:
            return None
        return value.get("start") if not value.get("end") else {"start": value.get("start"), "end": value["end"]}
    if kind == "people":
        return [p.get("name") or p.get("id") for p in value or []]
    if kind == "relation":
        return [r.get("id") for r in value or []]
    if kind == "files":
        return [(f.get("external") or f.get("file") or {}).get("url") or f.get("name") for f in value or []]
    if kind in ("created_by", "last_edited_by"):
        return (value or {}).get("name") or (value or {}).get("id")
    if kind == "formula":
        return (value or {}).get((value or {}).get("type"))
    if kind == "rollup":
        inner = (value or {}).get((value or {}).get("type"))
        return [plain_value(i) for i in inner] if isinstance(inner, list) else inner
    if kind == "unique_id":
        prefix = (value or {}).get("prefix")
        return f"{prefix}-{value.get('number')}" if prefix else (value or {}).get("number")
    return value


def simplify_page(page: Mapping[str, Any]) -> dict[str, Any]:
    """A page object as a flat dict: id, url, title, times, parent and plain property values."""
    props = page.get("properties") or {}
    values = {name: plain_value(p) for name, p in props.items() if isinstance(p, Mapping)}
    title = next((values[n] for n, p in props.items() if isinstance(p, Mapping) and p.get("type") == "title"), None)
    return {
        "id": page.get("id"),
        "url": page.get("url"),
        "title": title,
        "created_time": page.get("created_time"),
        "last_edited_time": page.get("last_edited_time"),
        "archived": bool(page.get("archived") or page.get("in_trash")),
        "parent": page.get("parent"),
        "properties": values,
    }
