"""Hostile bodies and parameters: a clean 4xx naming the limit, never a 500, and the loop keeps serving."""

from __future__ import annotations

import gzip
import threading
import time

import requests

from tests.core.listener.conftest import Api, ServiceThread


def health_latencies_during(api: Api, work: threading.Thread) -> list[float]:
    """Time /health, each on a fresh connection, for as long as ``work`` runs."""
    latencies: list[float] = []
    work.start()
    while work.is_alive() or not latencies:
        start = time.perf_counter()
        assert requests.get(api.base + "/health", timeout=30).status_code == 200
        latencies.append(time.perf_counter() - start)
    work.join()
    return latencies


def test_a_hostile_form_is_refused_fast_and_health_stays_fast(api: Api) -> None:
    # 100,000 repeats of one key: today's list building was quadratic and froze every route for ~6 s
    form = "&".join(["a"] * 100_001)
    assert len(form) > 200_000
    answers: list[requests.Response] = []

    def post() -> None:
        for _ in range(3):
            answers.append(api("POST", "/api/workflows/execute/echo", data=form,
                               headers={"Content-Type": "application/x-www-form-urlencoded"}))

    latencies = health_latencies_during(api, threading.Thread(target=post))
    assert max(latencies) < 0.5, latencies
    for r in answers:
        assert r.status_code == 400 and r.json()["error"] == "form body has more than 1000 fields (the limit)"


def test_a_large_form_within_the_field_limit_runs(api: Api) -> None:
    form = "&".join(f"f{i}={'v' * 400}" for i in range(600)) + "&n=5"
    assert len(form) > 200_000
    r = api("POST", "/api/workflows/execute/echo", data=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200 and r.json()["message"] == "n=5" and len(r.json()["data"]["f599"]) == 400


def test_large_json_bodies_parse_off_the_loop(api: Api) -> None:
    body = {"n": 3, "items": [{"id": i, "text": "x" * 40, "tags": ["a", "[b]"]} for i in range(10_000)]}
    r = api("POST", "/api/workflows/execute/echo", json=body)
    assert r.status_code == 200 and len(r.json()["data"]["items"]) == 10_000


def test_unknown_filters_and_huge_numbers_are_400_naming_the_parameter(api: Api) -> None:
    for path in ("/api/runs?status=bogus", "/api/workflows/logs/echo?status=bogus"):
        r = api("GET", path)
        assert r.status_code == 400 and r.json()["error"].startswith("query parameter status: unknown value 'bogus'")
        assert "success" in r.json()["error"]
    r = api("GET", "/api/runs?trigger=carrier-pigeon")
    assert r.status_code == 400 and "query parameter trigger" in r.json()["error"]
    for path in ("/api/runs?limit=" + "9" * 5000, "/api/workflows/logs/echo?limit=" + "9" * 5000):
        r = api("GET", path)
        assert r.status_code == 400 and "query parameter limit: number too long" in r.json()["error"]
    assert api("GET", "/api/runs?status=success&trigger=webhook&limit=5").status_code == 200


def test_deep_json_and_long_numbers_in_bodies_are_400(api: Api) -> None:
    for body, message in ((b'{"a": ' + b"[" * 101 + b"]" * 101 + b"}", "nested deeper than 100 levels"),
                          (b"[" * 10_000 + b"]" * 10_000, "nested deeper than 100 levels"),
                          (b'{"n": ' + b"1" * 5000 + b"}", "number too long (more than 4300 digits)")):
        for path in ("/api/workflows/execute/echo", "/api/webhooks/echo"):
            r = api("POST", path, data=body, headers={"Content-Type": "application/json"})
            assert r.status_code == 400 and message in r.json()["error"], (path, r.status_code, r.text[:200])
    ok = api("POST", "/api/workflows/execute/echo", json={"deep": [[[[[[1]]]]]]})
    assert ok.status_code == 200


def test_the_run_record_of_deep_output_is_masked_and_cut(api: Api, service: ServiceThread) -> None:
    # a 100-level-deep input echoed back as output, with a password secret: masking must not crash
    deep: object = "pw-secret-123"
    for _ in range(99):
        deep = [deep]
    r = api("POST", "/api/workflows/execute/echo", json={"secret": "pw-secret-123", "deep": deep})
    assert r.status_code == 200, r.text[:300]
    assert "pw-secret-123" not in r.text


def test_a_compressed_body_is_limited_by_its_decompressed_size(api: Api) -> None:
    bomb = gzip.compress(b"{" + b" " * 50_000_000 + b"}", compresslevel=9)  # 50 MB of JSON in ~50 KB
    start = time.perf_counter()
    r = api("POST", "/api/workflows/execute/echo", data=bomb,
            headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert r.status_code == 413 and "limit 1048576 bytes" in r.json()["error"]
    assert time.perf_counter() - start < 5
