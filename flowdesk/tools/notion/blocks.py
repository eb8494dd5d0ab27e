"""Page content: plain text (with ``#`` headings and ``-`` bullets) to Notion blocks, and blocks back to text."""

from __future__ import annotations

import re
from typing import Any

from flowdesk.tools.base import ToolParamError

TEXT_LIMIT = 2000  # Notion refuses rich text objects longer than this
_NUMBERED = re.compile(r"^\d+[.)]\s+")
_TEXT_BLOCKS = ("paragraph", "heading_1", "heading_2", "heading_3", "bulleted_list_item", "numbered_list_item",
                "quote", "to_do", "toggle", "callout", "code")


def rich_text(text: str) -> list[dict[str, Any]]:
    """``text`` as rich text objects of at most 2000 characters each."""
    return [{"type": "text", "text": {"content": text[i:i + TEXT_LIMIT]}} for i in range(0, len(text), TEXT_LIMIT)] \
        or [{"type": "text", "text": {"content": ""}}]


def plain_text(items: Any) -> str:
    """The plain text of a rich text array."""
    if not isinstance(items, list):
        return ""
    return "".join(str(i.get("plain_text") or (i.get("text") or {}).get("content") or "") for i in items
                   if isinstance(i, dict))


def _block(kind: str, text: str) -> dict[str, Any]:
    return {"object": "block", "type": kind, kind: {"rich_text": rich_text(text)}}


def text_to_blocks(content: Any) -> list[dict[str, Any]]:
    """Blocks for ``content``: a string (blank lines separate paragraphs) or a list of strings/blocks."""
    if content in (None, "", []):
        return []
    if isinstance(content, list):
        out: list[dict[str, Any]] = []
        for item in content:
            if isinstance(item, dict):
                out.append(item)  # already a Notion block object
            elif isinstance(item, str):
                out.extend(text_to_blocks(item))
            else:
                raise ToolParamError(f"content: items must be text or block objects, got {type(item).__name__}")
        return out
    if not isinstance(content, str):
        raise ToolParamError(f"content must be text or a list, got {type(content).__name__}")
    blocks: list[dict[str, Any]] = []
    for chunk in re.split(r"\n\s*\n", content.strip()):
        paragraph: list[str] = []
        for line in chunk.splitlines():
            stripped = line.strip()
            kind = None
            for prefix, name in (("### ", "heading_3"), ("## ", "heading_2"), ("# ", "heading_1"),
                                 ("- ", "bulleted_list_item"), ("* ", "bulleted_list_item"), ("> ", "quote")):
                if stripped.startswith(prefix):
                    kind, stripped = name, stripped[len(prefix):]
                    break
            if kind is None and _NUMBERED.match(stripped):
                kind, stripped = "numbered_list_item", _NUMBERED.sub("", stripped)
            if kind is None:
                paragraph.append(line.rstrip())
                continue
            if paragraph:
                blocks.append(_block("paragraph", "\n".join(paragraph)))
                paragraph = []
            blocks.append(_block(kind, stripped))
        if paragraph:
            blocks.append(_block("paragraph", "\n".join(paragraph)))
    return blocks


def blocks_to_text(blocks: list[dict[str, Any]]) -> str:
    """Readable text of a list of blocks (headings marked with ``#``, list items with ``-``)."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        body = block.get(kind) if isinstance(kind, str) else None
        if kind not in _TEXT_BLOCKS or not isinstance(body, dict):
            if kind == "child_page":
                lines.append(f"[page] {(body or {}).get('title', '')}")
            elif kind == "divider":
                lines.append("---")
            continue
        text = plain_text(body.get("rich_text"))
        prefix = {"heading_1": "# ", "heading_2": "## ", "heading_3": "### ", "bulleted_list_item": "- ",
                  "numbered_list_item": "1. ", "quote": "> "}.get(kind, "")
        if kind == "to_do":
            prefix = "[x] " if body.get("checked") else "[ ] "
        lines.append(prefix + text)
    return "\n".join(lines)
