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


@pytest.mark.parametrize("src, expected", [
    (None, "src"), ("public", "public"), ("./web/dist/", "web/dist"), ("web\\dist", "web/dist"), (".", "."),
])
def test_src_inside_the_interface_folder(src, expected):
    assert InterfaceConfig.model_validate({} if src is None else {"src": src}).src_folder == expected


@pytest.mark.parametrize("src, message", [
    ("../../../config", "'../../../config' leads outside the interface folder (.. is not allowed)"),
    ("public/../../x", "'public/../../x' leads outside the interface folder (.. is not allowed)"),
    ("..\\..\\config", "'..\\..\\config' leads outside the interface folder (.. is not allowed)"),
    ("/etc", "'/etc' is an absolute path; give a folder inside the interface folder, e.g. src"),
    ("\\\\server\\share", "'\\\\server\\share' is an absolute path; give a folder inside the interface folder, e.g. src"),
    ("C:\\Users", "'C:\\Users' is an absolute path; give a folder inside the interface folder, e.g. src"),
    (".git", "'.git' names a hidden folder (.git); hidden files are never served"),
    ("site/.hidden", "'site/.hidden' names a hidden folder (.hidden); hidden files are never served"),
    ("", "must name a folder inside the interface folder, e.g. src"),
    ("a\x00b", "'a\\x00b' must not contain a NUL character"),
])
def test_src_leading_out_or_to_hidden_files_is_refused(src, message):
    assert messages({"src": src}) == [f"src: {message}"]
