"""Peewee models of the store, built per database so several stores can live in one process."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from peewee import (
    BigIntegerField,
    BooleanField,
    CharField,
    CompositeKey,
    Database,
    FloatField,
    IntegerField,
    Model,
    TextField,
)

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICRO = timedelta(microseconds=1)


def to_micros(value: datetime) -> int:
    """Microseconds since the epoch of an aware datetime (naive ones are refused: their zone is a guess)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()} given to the run store; pass an aware (UTC) datetime")
    return (value - EPOCH) // _MICRO


def from_micros(value: int | None) -> datetime | None:
    """The aware UTC datetime of a stored microsecond count (None stays None)."""
    return EPOCH + timedelta(microseconds=value) if value is not None else None


def dump_json(value: Any) -> str:
    """Compact JSON text; values JSON cannot express (dates, paths) are stored as their str()."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def load_json(text: str | None) -> Any:
    """The value of stored JSON text (None stays None)."""
    return json.loads(text) if text is not None else None


class UtcTimeField(BigIntegerField):
    """An aware datetime kept as integer microseconds since the epoch: exact, sortable, subtractable in SQL."""

    def db_value(self, value: Any) -> Any:
        """Datetimes become microseconds; ints (already encoded) pass through."""
        return to_micros(value) if isinstance(value, datetime) else value

    def python_value(self, value: Any) -> datetime | None:
        """Microseconds become an aware UTC datetime."""
        return from_micros(value)


class JSONTextField(TextField):
    """Any JSON value kept as text (SQLite's own JSON type affinity would be NUMERIC)."""

    def db_value(self, value: Any) -> str | None:
        """Encode to compact JSON; None is SQL NULL."""
        return dump_json(value) if value is not None else None

    def python_value(self, value: str | None) -> Any:
        """Decode stored JSON."""
        return load_json(value)


@dataclass(frozen=True)
class StoreModels:
    """The model classes of one store, all bound to that store's database."""

    db: Database
    Meta: type[Model]
    Run: type[Model]
    RunLog: type[Model]
    JobStateRow: type[Model]
    Setting: type[Model]
    Worker: type[Model]
    ScheduleFire: type[Model]


def build_models(db: Database) -> StoreModels:
    """Define the model classes bound to ``db``.

    Classes are made per store (rather than bound through a global proxy or
    ``bind_ctx``) because binding mutates class state: two stores used from two
    threads would step on each other.
    """

    class _Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class MetaRow(_Base):
        key = CharField(primary_key=True)
        value = TextField()

        class Meta:
            table_name = "meta"

    class Run(_Base):
        id = CharField(primary_key=True)
        workflow = CharField()
        trigger = CharField()
        status = CharField()
        queued_at = UtcTimeField()
        started_at = UtcTimeField(null=True)
        finished_at = UtcTimeField(null=True)
        duration = FloatField(null=True)
        input = JSONTextField(default=dict)
        output = JSONTextField(null=True)
        message = TextField(null=True)
        error = TextField(null=True)
        log_truncated = BooleanField(default=False)
        attempt = IntegerField(default=1)
        parent_run_id = CharField(null=True)
        profile_info = JSONTextField(default=dict)
        # The process that records this run's outcome; lets a restart tell an
        # orphan (owner dead) from a run another live process is still doing.
        owner_pid = IntegerField(null=True)
        priority = IntegerField(default=1)
        not_before = UtcTimeField(null=True)
        payload = TextField(null=True)  # a queued or running run's unmasked input (NULL once it ended)
        worker = CharField(null=True)  # the cluster worker that claimed it (None: run by its owner process)

        class Meta:
            table_name = "run"

    class RunLog(_Base):
        # Kept apart from ``run`` so listing runs never reads (possibly MBs of) log pages.
        run_id = CharField(primary_key=True)
        log = TextField()

        class Meta:
            table_name = "run_log"

    class JobStateRow(_Base):
        workflow = CharField(primary_key=True)
        cron_expression = TextField(null=True)
        timezone = TextField(null=True)
        next_run = UtcTimeField(null=True)
        last_run = UtcTimeField(null=True)
        last_run_id = CharField(null=True)
        last_status = CharField(null=True)
        paused = BooleanField(default=False)

        class Meta:
            table_name = "job_state"

    class Setting(_Base):
        key = CharField(primary_key=True)
        value = JSONTextField()

        class Meta:
            table_name = "setting"

    class Worker(_Base):
        name = CharField(primary_key=True)
        host = TextField()
        concurrency = IntegerField()
        running = IntegerField(default=0)
        last_heartbeat = UtcTimeField()

        class Meta:
            table_name = "worker"

    class ScheduleFire(_Base):
        workflow = CharField()
        due_at = UtcTimeField()
        fired_at = UtcTimeField()

        class Meta:
            table_name = "schedule_fire"
            primary_key = CompositeKey("workflow", "due_at")

    return StoreModels(db=db, Meta=MetaRow, Run=Run, RunLog=RunLog, JobStateRow=JobStateRow, Setting=Setting,
                       Worker=Worker, ScheduleFire=ScheduleFire)
