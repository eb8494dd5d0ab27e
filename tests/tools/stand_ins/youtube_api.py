"""YouTube Data API v3 stand-in: search.list, videos.list, channels.list with Google's error shapes."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from .http_stand_in import HttpStandIn, Reply, Request

VALID_KEY = "AIzaSyStandInKey_0123456789abcdefghijk"
BASE_PATH = "/youtube/v3"
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_ORDERS = {"date", "rating", "relevance", "title", "videoCount", "viewCount"}


def google_error(status: int, message: str, reason: str, rpc_status: str,
                 info_reason: str | None = None) -> Reply:
    """Google's JSON error body (``error.code/message/errors[]/status`` and optional ErrorInfo)."""
    error: dict[str, Any] = {
        "code": status,
        "message": message,
        "errors": [{"message": message, "domain": "global", "reason": reason}],
        "status": rpc_status,
    }
    if info_reason:
        error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": info_reason,
                             "domain": "googleapis.com", "metadata": {"service": "youtube.googleapis.com"}}]
    return Reply(status, {"error": error})


def _thumbs(video_id: str) -> dict[str, Any]:
    return {size: {"url": f"https://i.ytimg.com/vi/{video_id}/{name}.jpg", "width": w, "height": h}
            for size, name, w, h in (("default", "default", 120, 90), ("medium", "mqdefault", 320, 180),
                                     ("high", "hqdefault", 480, 360))}


class YouTubeStandIn(HttpStandIn):
    """Serves ``/youtube/v3/{search,videos,channels}``; ``base_url`` is ``url + BASE_PATH``."""

    service = "youtube"

    def reset(self) -> None:
        """Back to three videos (1, 3 and 20 days old) and one channel."""
        super().reset()
        now = datetime.now(timezone.utc)
        self.videos = [
            self._video("vidPython01", "Python &amp; FastAPI in 10 minutes", "Python & FastAPI in 10 minutes",
                        now - timedelta(days=1), views="152340", likes="8100", duration="PT10M5S"),
            self._video("vidPython02", "Async Python explained", "Async Python explained",
                        now - timedelta(days=3), views="98765", likes=None, duration="PT1H2M"),
            self._video("vidPython03", "Tech news: what&#39;s new", "Tech news: what's new",
                        now - timedelta(days=20), views="1200", likes="40", duration="PT45S"),
        ]
        self.channel = {
            "kind": "youtube#channel", "etag": "etag-ch", "id": "UCstandInChannel000000001",
            "snippet": {"title": "Stand-in Tech", "description": "Tech videos", "customUrl": "@standintech",
                        "publishedAt": "2015-04-01T10:00:00Z", "thumbnails": _thumbs("channel"), "country": "FR"},
            "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": "UUstandInChannel000000001"}},
            "statistics": {"viewCount": "1234567", "subscriberCount": "4200", "hiddenSubscriberCount": False,
                           "videoCount": "321"},
        }

    def __init__(self) -> None:
        super().__init__()
        self.reset()

    @staticmethod
    def _video(video_id: str, escaped: str, title: str, published: datetime, *, views: str,
               likes: str | None, duration: str) -> dict[str, Any]:
        stamp = published.strftime("%Y-%m-%dT%H:%M:%SZ")
        snippet = {"publishedAt": stamp, "channelId": "UCstandInChannel000000001", "title": title,
                   "description": f"Full description of {title}", "thumbnails": _thumbs(video_id),
                   "channelTitle": "Stand-in Tech", "liveBroadcastContent": "none", "tags": ["python"],
                   "categoryId": "28"}
        stats = {"viewCount": views, "favoriteCount": "0", "commentCount": "12"}
        if likes is not None:  # likes hidden by the owner: the field is absent, as in the real API
            stats["likeCount"] = likes
        return {"id": video_id, "escaped_title": escaped, "published": published, "snippet": snippet,
                "statistics": stats,
                "contentDetails": {"duration": duration, "dimension": "2d", "definition": "hd",
                                   "caption": "false", "licensedContent": True, "projection": "rectangular"}}

    def setup_routes(self) -> None:
        """search, videos and channels under /youtube/v3."""
        self.add("GET", f"{BASE_PATH}/search", self.search)
        self.add("GET", f"{BASE_PATH}/videos", self.videos_list)
        self.add("GET", f"{BASE_PATH}/channels", self.channels_list)

    def not_found(self, request: Request) -> Reply:
        """Google's HTML 404 for an unknown path."""
        return Reply(404, "<html><body>Not Found</body></html>", content_type="text/html")

    # -- checks shared by every method ------------------------------------------------

    def _check(self, request: Request) -> Reply | None:
        key = request.query.get("key")
        if not key:
            return google_error(403, "The request is missing a valid API key.", "forbidden", "PERMISSION_DENIED")
        if key != VALID_KEY:
            return google_error(400, "API key not valid. Please pass a valid API key.", "badRequest",
                                "INVALID_ARGUMENT", "API_KEY_INVALID")
        if not request.query.get("part"):
            return google_error(400, "No filter selected. Required parameter: part", "required", "INVALID_ARGUMENT")
        return None

    def search(self, request: Request, _match: re.Match[str]) -> Reply:
        """search.list: filters by words and publishedAfter, validates like the API."""
        failed = self._check(request)
        if failed:
            return failed
        q = request.query
        max_results = int(q.get("maxResults", "5"))
        if not 0 <= max_results <= 50:
            return google_error(400, f"Invalid value '{max_results}'. Values must be within the range: [0, 50]",
                                "invalidParameter", "INVALID_ARGUMENT")
        if q.get("order", "relevance") not in _ORDERS:
            return google_error(400, "Request contains an invalid argument.", "invalidParameter", "INVALID_ARGUMENT")
        if q.get("videoDuration") and q.get("type") != "video":
            return google_error(400, "Request contains an invalid argument.", "invalidSearchFilter",
                                "INVALID_ARGUMENT")
        after = None
        if "publishedAfter" in q:
            if not _RFC3339.match(q["publishedAfter"]):
                return google_error(400, "Request contains an invalid argument.", "invalidParameter",
                                    "INVALID_ARGUMENT")
            after = datetime.fromisoformat(q["publishedAfter"].replace("Z", "+00:00"))
        words = [w.lower() for w in q.get("q", "").split()]
        hits = [v for v in self.videos
                if (after is None or v["published"] >= after)
                and (not words or any(w in v["snippet"]["title"].lower() for w in words))]
        if q.get("order") == "viewCount":
            hits.sort(key=lambda v: -int(v["statistics"]["viewCount"]))
        items = [{"kind": "youtube#searchResult", "etag": f"etag-{v['id']}",
                  "id": {"kind": "youtube#video", "videoId": v["id"]},
                  "snippet": {**{k: v["snippet"][k] for k in ("publishedAt", "channelId", "thumbnails",
                                                              "channelTitle", "liveBroadcastContent")},
                              "title": v["escaped_title"], "description": v["snippet"]["description"][:20],
                              "publishTime": v["snippet"]["publishedAt"]}}
                 for v in hits]
        start = int(q.get("pageToken", "page0").removeprefix("page") or 0)
        body = {"kind": "youtube#searchListResponse", "etag": "etag-search", "regionCode": q.get("regionCode", "US"),
                "pageInfo": {"totalResults": len(hits), "resultsPerPage": max_results},
                "items": items[start:start + max_results]}
        if start + max_results < len(items):
            body["nextPageToken"] = f"page{start + max_results}"
        return Reply(200, body)

    def add_videos(self, count: int, word: str = "python") -> None:
        """``count`` more videos, a day apart, each matching ``word``."""
        now = datetime.now(timezone.utc)
        for n in range(count):
            vid = f"vidExtra{n:04d}"
            self.videos.append(self._video(vid, f"{word} extra {n}", f"{word} extra {n}", now - timedelta(hours=n + 1),
                                           views=str(n), likes=None, duration="PT1M"))

    def videos_list(self, request: Request, _match: re.Match[str]) -> Reply:
        """videos.list by id with the requested parts."""
        failed = self._check(request)
        if failed:
            return failed
        if not request.query.get("id"):
            return google_error(400, "No filter selected. Expected one of: chart, id, myRating", "missingRequiredParameter",
                                "INVALID_ARGUMENT")
        if "maxResults" in request.query:
            return google_error(400, "The request specifies an invalid filter parameter.", "incompatibleParameters",
                                "INVALID_ARGUMENT")
        wanted = request.query["id"].split(",")
        if len(wanted) > 50:  # the documented limit of the id filter
            return google_error(400, "The request specifies too many ids.", "invalidParameter", "INVALID_ARGUMENT")
        parts = set(request.query["part"].split(","))
        items = []
        for v in self.videos:
            if v["id"] in wanted:
                item = {"kind": "youtube#video", "etag": f"etag-{v['id']}", "id": v["id"]}
                for part in ("snippet", "statistics", "contentDetails"):
                    if part in parts:
                        item[part] = v[part]
                items.append(item)
        return Reply(200, {"kind": "youtube#videoListResponse", "etag": "etag-videos", "items": items,
                           "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)}})

    def channels_list(self, request: Request, _match: re.Match[str]) -> Reply:
        """channels.list by id or forHandle (no items key when nothing matches)."""
        failed = self._check(request)
        if failed:
            return failed
        filters = [f for f in ("id", "forHandle", "forUsername", "mine") if f in request.query]
        if len(filters) != 1:
            return google_error(400, "Incompatible parameters specified in the request: id, forHandle, forUsername",
                                "incompatibleParameters", "INVALID_ARGUMENT")
        value = request.query[filters[0]]
        ch = self.channel
        matches = (filters[0] == "id" and value == ch["id"]) or \
                  (filters[0] == "forHandle" and value.lstrip("@").lower() == "standintech")
        body: dict[str, Any] = {"kind": "youtube#channelListResponse", "etag": "etag-ch",
                                "pageInfo": {"totalResults": int(matches), "resultsPerPage": 5}}
        if matches:  # no match: the real API omits "items" entirely
            body["items"] = [ch]
        return Reply(200, body)
