"""Next dates: a few relative dates from the built-in ``date`` tool (no credentials needed)."""

from typing import Any


def execute(data: dict[str, Any], tools: dict[str, Any]) -> dict[str, Any]:
    """Ask the date tool for tomorrow, next Monday and today + N days."""
    date = tools["date"]
    fmt = data.get("format") or "%Y-%m-%d"
    asks = {
        "today": {"format": fmt},
        "tomorrow": {"days": 1, "format": fmt},
        "next_monday": {"weekday": 0, "format": fmt},
        "in_n_days": {"days": int(data.get("days", 7)), "format": fmt},
    }
    results = {}
    for label, params in asks.items():
        answer = date.execute("calculate_date", params)
        if answer.get("status") != "success":
            return {"status": "error", "message": f"date tool failed for {label}: {answer.get('error')}"}
        results[label] = answer["data"]
    line = ", ".join(f"{k.replace('_', ' ')}: {v.get('formatted') or v.get('date')}" for k, v in results.items())
    return {"status": "success", "message": line, "data": results}
