"""The OpenAPI document matches the routes the listener really serves."""

from __future__ import annotations

from flowdesk.core.listener.openapi import OPERATIONS, registered_operations
from tests.core.listener.conftest import Api, ServiceThread


def test_document_lists_exactly_the_real_routes(api: Api, service: ServiceThread) -> None:
    doc = api("GET", "/api/openapi.json", auth=False).json()
    assert doc["openapi"].startswith("3.")
    documented = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    real = registered_operations(service.service.listener.app)
    assert documented == real
    assert real <= set(OPERATIONS)  # a new route without documentation fails here


def test_document_is_valid_openapi(api: Api) -> None:
    validator = __import__("pytest").importorskip("openapi_spec_validator")
    validator.validate(api("GET", "/api/openapi.json", auth=False).json())
