"""Everything the run inspector shows, read and prepared off the GUI thread (store reads, JSON indexing, log parsing)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from flowdesk.core.json_spans import JsonSpans
from flowdesk.core.log_lines import LogLine, parse_log
from flowdesk.core.run_reading import neighbour_run_ids, read_inspected_run
from flowdesk.core.store import RunRecord
from flowdesk.core.store.run_store import RunStore
from flowdesk.core.traceback_links import SourceLink, source_links


@dataclass
class LoadedRun:
    """A run ready to show: record (output left None), indexed output and input, parsed log, links, neighbours."""

    record: RunRecord
    output: JsonSpans | None
    input: JsonSpans | None
    log_lines: list[LogLine] = field(default_factory=list)
    error_links: list[SourceLink] = field(default_factory=list)
    previous_id: str | None = None
    next_id: str | None = None
    problem: str | None = None  # the output could not be indexed (not JSON): shown instead of the tree


def _indexed(text: str | None) -> tuple[JsonSpans | None, str | None]:
    if text is None or text == "null":
        return None, None
    spans = JsonSpans(text)
    try:
        spans.index()
    except ValueError as exc:
        return None, str(exc)
    return spans, None


def load_run(store: RunStore, run_id: str, workspace_root: Path) -> LoadedRun | None:
    """Read and prepare one run (call in a worker thread); None when the run is unknown."""
    inspected = read_inspected_run(store, run_id)
    if inspected is None:
        return None
    record = inspected.record
    output, problem = _indexed(inspected.output_text)
    given, _ = _indexed(json.dumps(record.input, ensure_ascii=False) if record.input else None)
    before, after = neighbour_run_ids(store, record)
    error = record.error or ""
    return LoadedRun(record, output, given, parse_log(record.log or ""),
                     source_links(error, workspace_root) if error else [], before, after, problem)


def run_as_json(loaded: LoadedRun, pretty_limit: int = 256_000) -> str:
    """The whole run as JSON (log included); a large output is spliced in as stored rather than re-encoded."""
    data = loaded.record.to_dict(include_log=True)
    output_text = loaded.output.text if loaded.output is not None else None
    if output_text is None or len(output_text) <= pretty_limit:
        data["output"] = json.loads(output_text) if output_text is not None else None
        return json.dumps(data, indent=2, ensure_ascii=False, default=str)
    data["output"] = "\0OUTPUT\0"
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    return text.replace('"\\u0000OUTPUT\\u0000"', output_text, 1)
