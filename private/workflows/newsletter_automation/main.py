"""Newsletter Automation (the seed platform's tutorial workflow): YouTube search -> Slack -> email."""

from typing import Any, Dict

from tools.email.main import EmailTool
from tools.slack.main import SlackTool
from tools.youtube.main import YouTubeTool


def execute(data: Dict[str, Any] = None, tools: Dict[str, Any] = None) -> Dict[str, Any]:
    """Fetch recent videos for a keyword, announce on Slack, mail the newsletter, confirm on Slack."""
    try:
        youtube = tools.get("youtube") if tools else YouTubeTool()
        slack = tools.get("slack") if tools else SlackTool()
        email_tool = tools.get("email") if tools else EmailTool()

        if not all([youtube.authenticate(), slack.authenticate(), email_tool.authenticate()]):
            return {"status": "error", "message": "Authentication failed for one or more tools"}

        params = data or {}
        keyword = params.get("keyword", "tech news")
        max_videos = params.get("max_videos", 3)
        channel = params.get("slack_channel", "#marketing")
        recipients = [r.strip() for r in str(params.get("recipients", "subscribers@company.com")).split(",") if r.strip()]
        results = []

        youtube_result = youtube.execute("search_videos", {
            "query": keyword, "max_results": max_videos, "published_after": "7days",
        })
        if youtube_result.get("status") != "success":
            return {"status": "error", "message": f"Failed to fetch YouTube videos: {youtube_result.get('error')}"}
        videos = youtube_result.get("data", {}).get("videos", [])
        results.append({"step": "youtube_search", "result": youtube_result})

        newsletter_content = "📹 **Dernières vidéos tech de la semaine**\n\n"
        for i, video in enumerate(videos, 1):
            title = video.get("title", "Sans titre")
            url = video.get("url", "#")
            views = int(video.get("view_count") or 0)
            newsletter_content += f"{i}. **{title}**\n   👁️ {views:,} vues - {url}\n\n"

        slack_result = slack.execute("post_message", {
            "channel": channel, "text": f"📧 Newsletter prête ! {len(videos)} vidéos trouvées pour '{keyword}'",
        })
        results.append({"step": "slack_notification", "result": slack_result})

        email_result = email_tool.execute("send_email", {
            "to": recipients, "subject": f"Newsletter Tech - {keyword.title()}",
            "body": newsletter_content, "format": "markdown",
        })
        results.append({"step": "email_send", "result": email_result})
        if email_result.get("status") != "success":
            return {"status": "error", "message": f"Email failed: {email_result.get('error')}", "data": {"results": results}}

        final_message = f"✅ Newsletter envoyée avec succès ! {len(videos)} vidéos incluses"
        slack.execute("post_message", {"channel": channel, "text": final_message})
        return {
            "status": "success",
            "message": final_message,
            "data": {
                "keyword": keyword,
                "videos_found": len(videos),
                "steps_executed": len(results),
                "newsletter_content": newsletter_content,
                "results": results,
            },
        }
    except Exception as e:  # the seed's contract: report, do not raise
        return {"status": "error", "message": f"Newsletter workflow failed: {e}", "data": {"error_details": str(e)}}


def validate_data(data: Dict[str, Any]) -> bool:
    """No input is mandatory for this workflow."""
    return True


if __name__ == "__main__":
    print(execute({"keyword": "python tutorials", "max_videos": 3}))
