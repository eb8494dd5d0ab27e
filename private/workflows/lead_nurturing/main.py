"""Lead Nurturing (seed style): new lead -> Notion CRM page -> welcome email."""

from typing import Any, Dict, List


def execute(data: Dict[str, Any] = None, tools: Dict[str, Any] = None) -> Dict[str, Any]:
    """Create the lead in Notion, then send the welcome email; each step's result is returned."""
    data = data or {}
    tools = tools or {}
    try:
        notion, email = tools["notion"], tools["email"]
        for tool_name, tool in (("notion", notion), ("email", email)):
            if not tool.authenticate():
                return {"status": "error", "message": f"Authentication failed for {tool_name}",
                        "auth_required": True, "tool": tool_name}
        name, address = data.get("name"), data.get("email")
        page = notion.execute("create_page", {
            "database_id": notion.config.get("database_id"),
            "properties": {
                "Name": {"title": [{"text": {"content": name}}]},
                "Email": {"email": address},
                "Priority": {"select": {"name": data.get("priority", "normal")}},
                "Source": {"rich_text": [{"text": {"content": data.get("source", "manual")}}]},
            },
        })
        if page.get("status") != "success":
            return {"status": "error", "message": f"Notion: {page.get('error')}"}
        mail = email.execute("send_email", {
            "to": [address],
            "subject": f"Welcome, {name}!",
            "body": f"Hello {name},\n\nThanks for your interest. We will be in touch shortly.\n",
        })
        if mail.get("status") != "success":
            return {"status": "error", "message": f"Email: {mail.get('error')}", "data": {"notion": page.get("data")}}
        return {"status": "success", "message": f"Lead {name} recorded and welcomed",
                "data": {"notion": page.get("data"), "email": mail.get("data")}}
    except Exception as e:
        return {"status": "error", "message": str(e)}


def get_required_inputs() -> List[Dict[str, Any]]:
    """Inputs of the lead form (the seed's way of declaring inputs_schema)."""
    return [
        {"name": "name", "type": "text", "label": "Full name", "required": True},
        {"name": "email", "type": "email", "label": "Email", "required": True},
        {"name": "priority", "type": "select", "label": "Priority", "required": False, "default": "normal",
         "options": ["low", "normal", "high"]},
        {"name": "source", "type": "text", "label": "Source", "required": False, "default": "website"},
    ]


def get_tools_profiles() -> Dict[str, str]:
    """Default tool profiles (the seed's way of declaring tool_profiles)."""
    return {"notion": "CRM", "email": "SALES"}
