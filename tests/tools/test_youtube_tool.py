"""YouTube tool against a local YouTube Data API stand-in (real HTTP on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from stand_ins.http_stand_in import Reply, dead_url
from stand_ins.youtube_api import BASE_PATH, VALID_KEY, YouTubeStandIn, google_error

from flowdesk.tools.youtube.main import YouTubeTool


@pytest.fixture(scope="module")
def server() -> Iterator[YouTubeStandIn]:
    """The YouTube stand-in, one per module."""
    stand_in = YouTubeStandIn().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture()
def api(server: YouTubeStandIn) -> YouTubeStandIn:
    """The stand-in, reset for this test."""
    server.reset()
    return server


def make_tool(api: YouTubeStandIn | None, **config: Any) -> YouTubeTool:
    """A YouTube tool aimed at the stand-in (or at a dead port)."""
    base = api.url + BASE_PATH if api else dead_url() + BASE_PATH
    return YouTubeTool(profile="TEST", config={"api_key": VALID_KEY, "base_url": base, "timeout": 5, **config})


def test_search_videos_joins_statistics_and_filters_by_relative_date(api: YouTubeStandIn) -> None:
    tool = make_tool(api)
    assert tool.authenticate()
    result = tool.execute("search_videos", {"query": "python", "max_results": 5, "published_after": "7days"})
    assert result["status"] == "success", result
    videos = result["data"]["videos"]
    assert [v["video_id"] for v in videos] == ["vidPython01", "vidPython02"]
    first = videos[0]
    assert first["title"] == "Python & FastAPI in 10 minutes"  # HTML entity of search.list undone
    assert first["view_count"] == 152340 and first["like_count"] == 8100
    assert first["duration"] == "PT10M5S" and first["duration_seconds"] == 605
    assert first["url"] == "https://www.youtube.com/watch?v=vidPython01"
    assert first["thumbnail"].endswith("/vidPython01/hqdefault.jpg")
    assert first["channel_title"] == "Stand-in Tech"
    assert first["description"] == "Full description of Python & FastAPI in 10 minutes"
    assert videos[1]["like_count"] is None  # hidden likes: absent field, not 0

    search, details = api.calls("/search$")[0], api.calls("/videos$")[0]
    assert search.method == "GET" and search.query["type"] == "video" and search.query["maxResults"] == "5"
    after = datetime.fromisoformat(search.query["publishedAfter"].replace("Z", "+00:00"))
    assert abs(after - (datetime.now(timezone.utc) - timedelta(days=7))) < timedelta(minutes=1)
    assert search.query["regionCode"] == "US"  # the profile default
    assert details.query["id"] == "vidPython01,vidPython02"
    assert set(details.query["part"].split(",")) >= {"statistics", "contentDetails"}


def test_search_accepts_iso_dates_and_order(api: YouTubeStandIn) -> None:
    since = (datetime.now(timezone.utc) - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    result = make_tool(api).execute("search_videos", {"query": "python tech", "published_after": since,
                                                       "order": "viewcount", "region": "FR"})
    assert result["status"] == "success", result
    assert [v["view_count"] for v in result["data"]["videos"]] == [152340, 98765, 1200]
    assert api.calls("/search$")[0].query["order"] == "viewCount"
    assert api.calls("/search$")[0].query["regionCode"] == "FR"


def test_no_hits_makes_no_second_call(api: YouTubeStandIn) -> None:
    result = make_tool(api).execute("search_videos", {"query": "cobol", "published_after": "24hours"})
    assert result["status"] == "success" and result["data"]["videos"] == []
    assert api.calls("/videos$") == []


def test_get_video_info_from_url_and_missing_video(api: YouTubeStandIn) -> None:
    tool = make_tool(api)
    result = tool.execute("get_video_info", {"video_id": "https://youtu.be/vidPython02"})
    assert result["status"] == "success", result
    assert result["data"]["title"] == "Async Python explained"
    assert result["data"]["duration_seconds"] == 3720 and result["data"]["tags"] == ["python"]
    missing = tool.execute("get_video_info", {"video_id": "zzzzzzzzzzz"})
    assert missing["status"] == "error" and missing["code"] == "not_found"


def test_get_channel_info_by_handle_and_id(api: YouTubeStandIn) -> None:
    tool = make_tool(api)
    by_handle = tool.execute("get_channel_info", {"channel_id": "@standintech"})
    assert by_handle["status"] == "success", by_handle
    assert by_handle["data"]["subscriber_count"] == 4200
    assert by_handle["data"]["uploads_playlist_id"] == "UUstandInChannel000000001"
    assert api.calls("/channels$")[0].query["forHandle"] == "@standintech"
    by_id = tool.execute("get_channel_info", {"channel_id": "UCstandInChannel000000001"})
    assert by_id["data"]["title"] == "Stand-in Tech"
    none = tool.execute("get_channel_info", {"channel_id": "@nobody"})
    assert none["status"] == "error" and "no channel" in none["error"]


def test_bad_key_reports_googles_message(api: YouTubeStandIn) -> None:
    tool = make_tool(api, api_key="AIzaSyWrongKey_0123456789abcdefghijklm")
    assert tool.authenticate()  # format only: a live check would cost quota
    result = tool.execute("search_videos", {"query": "python"})
    assert result["status"] == "error"
    assert "API key not valid" in result["error"] and result["code"] == "API_KEY_INVALID"
    assert result["http_status"] == 400
    assert "AIzaSyWrongKey" not in result["error"]


def test_malformed_or_missing_key_fails_authentication(api: YouTubeStandIn) -> None:
    tool = make_tool(api, api_key="not a key!")
    assert not tool.authenticate()
    result = tool.execute("search_videos", {"query": "python"})
    assert result["status"] == "error" and result["code"] == "invalid_api_key"
    missing = make_tool(api, api_key="").execute("search_videos", {"query": "python"})
    assert missing["status"] == "error" and "api_key" in missing["error"].lower()
    assert api.requests == []


def test_rate_limit_gives_retry_after(api: YouTubeStandIn) -> None:
    failure = google_error(429, "Too many requests", "rateLimitExceeded", "RESOURCE_EXHAUSTED")
    api.fail_next("/search", Reply(429, failure.body, {"Retry-After": "17"}))
    result = make_tool(api).execute("search_videos", {"query": "python"})
    assert result["status"] == "error" and result["retry_after"] == 17
    assert result["http_status"] == 429 and "rate limited" in result["error"]


def test_quota_exceeded_is_reported(api: YouTubeStandIn) -> None:
    api.fail_next("/search", google_error(403, "The request cannot be completed because you have exceeded your "
                                               "quota.", "quotaExceeded", "PERMISSION_DENIED"))
    result = make_tool(api).execute("search_videos", {"query": "python"})
    assert result["status"] == "error" and result["code"] == "quotaExceeded" and "quota" in result["error"]


def test_missing_and_bad_params(api: YouTubeStandIn) -> None:
    tool = make_tool(api)
    assert "query is required" in tool.execute("search_videos", {})["error"]
    assert "published_after" in tool.execute("search_videos", {"query": "x", "published_after": "soon"})["error"]
    assert "order must be one of" in tool.execute("search_videos", {"query": "x", "order": "best"})["error"]
    assert "video_id" in tool.execute("get_video_info", {})["error"]
    assert "not a YouTube video" in tool.execute("get_video_info", {"video_id": "https://example.com/x"})["error"]
    assert api.requests == []


def test_server_down_is_a_clear_error() -> None:
    result = make_tool(None).execute("search_videos", {"query": "python"})
    assert result["status"] == "error" and result["code"] == "connection_refused"
    assert "cannot reach http://127.0.0.1:" in result["error"]
    assert VALID_KEY not in result["error"]


def test_non_json_answer_is_reported(api: YouTubeStandIn) -> None:
    api.fail_next("/search", Reply(502, "<html>Bad gateway</html>", content_type="text/html"))
    result = make_tool(api).execute("search_videos", {"query": "python"})
    assert result["status"] == "error" and result["http_status"] == 502


def test_seed_counts_above_50_are_paged_through(api: YouTubeStandIn) -> None:
    """The seed's ANALYTICS profile asked for 100 results: search.list pages of 50, videos.list 50 ids a call."""
    api.add_videos(120)
    tool = make_tool(api, max_results=100)
    result = tool.execute("search_videos", {"query": "python"})
    assert result["status"] == "success", result
    videos = result["data"]["videos"]
    assert len(videos) == 100 and len({v["video_id"] for v in videos}) == 100
    assert all(v["duration"] for v in videos)  # details joined for every page
    assert [c.query["maxResults"] for c in api.calls("/search$")] == ["50", "50"]
    assert all(len(c.query["id"].split(",")) <= 50 for c in api.calls("/videos$"))
    assert result["data"]["next_page_token"]  # 23 more remain
    api.reset()
    api.add_videos(10)
    few = make_tool(api).execute("search_videos", {"query": "python", "max_results": 10_000})
    assert few["data"]["count"] == 12 and few["data"]["next_page_token"] is None  # clamped to 500, 12 exist
