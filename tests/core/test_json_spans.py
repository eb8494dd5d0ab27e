"""json_spans: children page by page, previews, the index, and re-indenting identical to json.dumps(indent=2)."""

from __future__ import annotations

import json

import pytest

from flowdesk.core.json_spans import INDEX_THRESHOLD, JsonSpans, Span, reindent

DOC = {"items": [{"id": i, "name": f"n{i}", "tags": ["a", "b"], "x": None} for i in range(2000)],
       "empty": {}, "none": [], "text": 'q"uote\\ é\n', "n": -1.5e3, "t": True, "f": False}


@pytest.mark.parametrize("compact", [True, False])
def test_children_and_values_match_the_decoded_document(compact: bool) -> None:
    text = json.dumps(DOC, separators=(",", ":")) if compact else json.dumps(DOC, indent=4)
    spans = JsonSpans(text)
    spans.index()
    assert spans._ends  # the big "items" array (and the root) are indexed
    assert all(end - start > INDEX_THRESHOLD for start, end in spans._ends.items())
    kids, more = spans.children(spans.root())
    assert more is None and [k for k, _ in kids] == list(DOC)
    for key, span in kids:
        assert spans.value(span) == DOC[key]
    items = kids[0][1]
    page, resume = spans.children(items, limit=700)
    assert [k for k, _ in page] == list(range(700)) and resume is not None
    page2, resume2 = spans.children(items, after=resume, limit=2000, first_index=700)
    assert [k for k, _ in page2] == list(range(700, 2000)) and resume2 is None
    assert spans.value(page2[-1][1]) == DOC["items"][-1]
    previews = {k: spans.preview(s) for k, s in kids}
    assert previews["items"] == "[…]" and previews["empty"] == "{…}" and previews["t"] == "true"
    assert json.loads(previews["text"]) == DOC["text"]


def test_long_strings_are_previewed_cut() -> None:
    spans = JsonSpans(json.dumps({"s": "ab\\" * 1000}))
    (_, span), = spans.children(spans.root())[0]
    preview = spans.preview(span, limit=10)
    assert preview.endswith("…") and len(preview) < 20


def test_reindent_equals_json_dumps_indent_2() -> None:
    text = json.dumps(DOC, separators=(",", ":"), ensure_ascii=False)
    chunks = list(reindent(text, chunk=1000))
    assert len(chunks) > 10
    assert "".join(chunks) == json.dumps(DOC, indent=2, ensure_ascii=False)
    assert "".join(reindent("[]")) == "[]" and "".join(reindent('"x"')) == '"x"'


def test_unbalanced_text_is_reported() -> None:
    with pytest.raises(ValueError):
        JsonSpans('{"a": [1, 2}').index()


def test_child_tables_of_large_containers_are_built_by_index() -> None:
    text = json.dumps(DOC, indent=1)
    spans = JsonSpans(text)
    spans.index()
    (items_key, items), = [kid for kid in spans.children(spans.root())[0] if kid[0] == "items"]
    assert set(spans.tables) == {items.start}  # the root has 7 children: read on demand
    table = spans.table(items)
    assert len(table) == 2000 and table.keys is None and table.key(5) == 5
    assert spans.value(Span(table.starts[1999], table.ends[1999], "object")) == DOC["items"][-1]
    root = spans.table(spans.root())
    assert root.keys == list(DOC) and [json.loads(text[a:b]) for a, b in zip(root.starts, root.ends)] == list(DOC.values())


def test_background_scans_pause_only_when_a_window_asked_and_never_on_the_main_thread(monkeypatch) -> None:
    import threading

    from flowdesk.core import json_spans

    pauses: list[float] = []
    monkeypatch.setattr(json_spans.time, "sleep", pauses.append)
    monkeypatch.setattr(json_spans, "_pausing", {"on": False})  # an earlier window may have turned it on
    text = json.dumps({"items": [[i] for i in range(5000)]})  # 10,000 brackets

    def scan_in_thread() -> None:
        worker = threading.Thread(target=lambda: JsonSpans(text).index())
        worker.start()
        worker.join()

    scan_in_thread()
    assert pauses == []  # headless (serve, CLI): no pauses
    json_spans.pause_background_scans()
    JsonSpans(text).index()
    assert pauses == []  # the main thread (the window's own) never sleeps
    scan_in_thread()
    assert pauses == [json_spans.PAUSE_SECONDS] * (10_002 // json_spans.PAUSE_EVERY)
