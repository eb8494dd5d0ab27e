"""InterfaceConfig: route safety and defaults, unknown keys kept."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from flowdesk.core.config import InterfaceConfig, errors_from_validation


def messages(data: dict) -> list[str]:
    with pytest.raises(ValidationError) as info:
        InterfaceConfig.model_validate(data)
    return [e.render() for e in errors_from_validation(None, info.value).errors]


def test_defaults_and_resolved_route():
    c = InterfaceConfig.model_validate({})
    assert (c.name, c.route, c.icon, c.workflows) == (None, None, None, [])
    assert c.resolved_route("crm_interface") == "/crm_interface"
    assert InterfaceConfig.model_validate({"route": "/crm"}).resolved_route("crm_interface") == "/crm"


@pytest.mark.parametrize("route, expected", [
    ("/crm", "/crm"), ("/mon-interface/", "/mon-interface"), ("/a/b.c_d~e", "/a/b.c_d~e"), ("/", "/"),
    (" /x ", "/x"), ("/apix", "/apix"),
])
def test_valid_routes(route, expected):
    assert InterfaceConfig.model_validate({"route": route}).route == expected


@pytest.mark.parametrize("route, message", [
    ("crm", "'crm' must start with /"),
    ("/a/../b", "'/a/../b' must not contain . or .. segments"),
    ("/..", "'/..' must not contain . or .. segments"),
    ("/./x", "'/./x' must not contain . or .. segments"),
    ("/a b", "'/a b' may only use letters, digits and - _ . ~ /"),
    ("/a\\b", "'/a\\b' may only use letters, digits and - _ . ~ /"),
    ("/a?x=1", "'/a?x=1' may only use letters, digits and - _ . ~ /"),
    ("/a//b", "'/a//b' must not contain //"),
    ("/api", "'/api' is reserved for FlowDesk's own routes (/api)"),
    ("/API/x", "'/API/x' is reserved for FlowDesk's own routes (/api)"),
    ("/oauth/google", "'/oauth/google' is reserved for FlowDesk's own routes (/oauth)"),
    ("/health", "'/health' is reserved for FlowDesk's own routes (/health)"),
])
def test_invalid_routes(route, message):
    assert messages({"route": route}) == [f"route: {message}"]


def test_title_workflows_and_unknown_keys():
    raw = {"name": "crm", "display_name": "CRM", "workflows": ["lead_nurturing"], "theme": "dark"}
    c = InterfaceConfig.model_validate(raw)
    assert c.title == "CRM" and c.workflows == ["lead_nurturing"]
    assert InterfaceConfig.model_validate({"name": "crm"}).title == "crm"
    assert c.to_json_dict() == raw
    assert messages({"workflows": "lead"}) == ["workflows: must be a list"]
