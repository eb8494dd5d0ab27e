"""YouTube Data API v3 resources (search results, videos, channels) turned into flat workflow dicts."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flowdesk.tools.base import ToolParamError

_DURATION = re.compile(r"^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")
_VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_CHANNEL_ID = re.compile(r"^UC[A-Za-z0-9_-]{22}$")


def duration_seconds(iso: str | None) -> int | None:
    """Seconds in an ISO 8601 duration such as ``PT4M13S`` (``None`` when absent or unreadable)."""
    if not iso:
        return None
    match = _DURATION.match(iso)
    if not match:
        return None
    weeks, days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return int(((weeks * 7 + days) * 24 + hours) * 3600 + minutes * 60 + seconds)


def count(value: Any) -> int | None:
    """A statistics counter: the API sends them as strings and omits hidden ones."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def best_thumbnail(snippet: dict[str, Any]) -> str | None:
    """The URL of the largest thumbnail offered."""
    thumbs = snippet.get("thumbnails") or {}
    for size in ("maxres", "standard", "high", "medium", "default"):
        url = (thumbs.get(size) or {}).get("url")
        if url:
            return str(url)
    return None


def video_url(video_id: str) -> str:
    """The watch page of a video."""
    return f"https://www.youtube.com/watch?v={video_id}"


def video_dict(video_id: str, snippet: dict[str, Any], details: dict[str, Any] | None) -> dict[str, Any]:
    """One video as workflows see it; ``details`` is the videos.list item (statistics, contentDetails)."""
    details = details or {}
    stats = details.get("statistics") or {}
    content = details.get("contentDetails") or {}
    snippet = details.get("snippet") or snippet  # videos.list has the full, untruncated description
    duration = content.get("duration")
    return {
        "video_id": video_id,
        # search.list HTML-escapes titles (&#39;, &amp;); videos.list does not: unescaping is safe for both
        "title": html.unescape(str(snippet.get("title") or "")),
        "description": html.unescape(str(snippet.get("description") or "")),
        "channel_title": html.unescape(str(snippet.get("channelTitle") or "")),
        "channel_id": snippet.get("channelId"),
        "published_at": snippet.get("publishedAt"),
        "url": video_url(video_id),
        "thumbnail": best_thumbnail(snippet),
        "view_count": count(stats.get("viewCount")),
        "like_count": count(stats.get("likeCount")),
        "comment_count": count(stats.get("commentCount")),
        "duration": duration,
        "duration_seconds": duration_seconds(duration),
        "live_broadcast_content": snippet.get("liveBroadcastContent"),
    }


def video_details(item: dict[str, Any]) -> dict[str, Any]:
    """A videos.list item with everything get_video_info returns."""
    snippet = item.get("snippet") or {}
    out = video_dict(str(item.get("id")), snippet, item)
    content = item.get("contentDetails") or {}
    out.update({
        "tags": snippet.get("tags") or [],
        "category_id": snippet.get("categoryId"),
        "default_language": snippet.get("defaultLanguage") or snippet.get("defaultAudioLanguage"),
        "definition": content.get("definition"),
        "caption": content.get("caption") == "true",
        "favorite_count": count((item.get("statistics") or {}).get("favoriteCount")),
    })
    return out


def channel_dict(item: dict[str, Any]) -> dict[str, Any]:
    """A channels.list item as workflows see it."""
    snippet = item.get("snippet") or {}
    stats = item.get("statistics") or {}
    playlists = (item.get("contentDetails") or {}).get("relatedPlaylists") or {}
    custom = snippet.get("customUrl")
    return {
        "channel_id": item.get("id"),
        "title": snippet.get("title"),
        "description": snippet.get("description"),
        "custom_url": custom,
        "url": f"https://www.youtube.com/{custom}" if custom else f"https://www.youtube.com/channel/{item.get('id')}",
        "published_at": snippet.get("publishedAt"),
        "country": snippet.get("country"),
        "thumbnail": best_thumbnail(snippet),
        "subscriber_count": None if stats.get("hiddenSubscriberCount") else count(stats.get("subscriberCount")),
        "video_count": count(stats.get("videoCount")),
        "view_count": count(stats.get("viewCount")),
        "uploads_playlist_id": playlists.get("uploads"),
    }


def video_id_from(value: str) -> str:
    """The 11-character id in a video id, a watch/shorts/embed URL or a youtu.be link."""
    text = value.strip()
    if _VIDEO_ID.match(text):
        return text
    parts = urlsplit(text if "//" in text else f"https://{text}")
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    candidate = None
    if host == "youtu.be":
        candidate = parts.path.strip("/").split("/")[0]
    elif host.endswith("youtube.com"):
        candidate = (parse_qs(parts.query).get("v") or [None])[0]
        segments = [s for s in parts.path.split("/") if s]
        if candidate is None and len(segments) >= 2 and segments[0] in ("shorts", "embed", "live", "v"):
            candidate = segments[1]
    if candidate and _VIDEO_ID.match(candidate):
        return candidate
    raise ToolParamError(f"video_id: not a YouTube video id or URL: {value!r}")


def channel_selector(value: str) -> dict[str, str]:
    """The channels.list filter for a channel id, an ``@handle``, a channel URL or a legacy username."""
    text = value.strip()
    if _CHANNEL_ID.match(text):
        return {"id": text}
    if "youtube.com" in text:
        segments = [s for s in urlsplit(text if "//" in text else f"https://{text}").path.split("/") if s]
        if len(segments) >= 2 and segments[0] == "channel":
            return {"id": segments[1]}
        if len(segments) >= 2 and segments[0] in ("user", "c"):
            return {"forUsername": segments[1]} if segments[0] == "user" else {"forHandle": segments[1]}
        if segments and segments[0].startswith("@"):
            return {"forHandle": segments[0]}
        raise ToolParamError(f"channel: cannot read a channel from URL {value!r}")
    if text.startswith("@"):
        return {"forHandle": text}
    if text.startswith("UC") and len(text) > 20:
        return {"id": text}
    return {"forUsername": text}
