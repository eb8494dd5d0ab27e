"""The schema's migration steps, each spelled out for SQLite and for PostgreSQL (append only).

DDL is spelled out rather than derived from the models: a migration must keep creating
the same tables years later, whatever the models have become since. Both dialects take the
same logical steps, so a schema version means the same tables in either database.

PostgreSQL differences: times (microseconds since the epoch) are BIGINT, its INTEGER being
32-bit; durations are DOUBLE PRECISION, its REAL being 4 bytes; flags stay integers (0/1) as
in SQLite, so the same statements write both; key and id columns compare bytewise
(``COLLATE "C"``), as SQLite and Python do, so the queue's ordered range reads agree with the
dispatcher's in-memory order whatever the server's locale.
"""

from __future__ import annotations

from dataclasses import dataclass

from flowdesk.core.store.sql_dialect import SqlDialect


@dataclass(frozen=True)
class MigrationStep:
    """One schema version's statements in each dialect."""

    sqlite: tuple[str, ...]
    postgresql: tuple[str, ...]

    def statements(self, dialect: SqlDialect) -> tuple[str, ...]:
        """The statements for ``dialect``."""
        return self.postgresql if dialect.name == "postgresql" else self.sqlite


META_TABLE = 'CREATE TABLE IF NOT EXISTS meta ("key" TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)'

_RUN_INDEXES = (
    "CREATE INDEX IF NOT EXISTS run_workflow_queued_at ON run (workflow, queued_at)",
    "CREATE INDEX IF NOT EXISTS run_status ON run (status)",
    "CREATE INDEX IF NOT EXISTS run_queued_at ON run (queued_at)",
    # finished_at rides along so per-workflow stats (counts, mean, last success
    # and error times) read this index alone; finish() rewrites status and
    # duration anyway, so the extra column costs no extra index update.
    "CREATE INDEX IF NOT EXISTS run_workflow_status_duration ON run (workflow, status, duration, finished_at)",
)

V1 = MigrationStep(
    sqlite=(
        """CREATE TABLE IF NOT EXISTS run (
        id TEXT NOT NULL PRIMARY KEY,
        workflow TEXT NOT NULL,
        "trigger" TEXT NOT NULL,
        status TEXT NOT NULL,
        queued_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        duration REAL,
        input TEXT NOT NULL DEFAULT '{}',
        output TEXT,
        message TEXT,
        error TEXT,
        log_truncated INTEGER NOT NULL DEFAULT 0,
        attempt INTEGER NOT NULL DEFAULT 1,
        parent_run_id TEXT,
        profile_info TEXT NOT NULL DEFAULT '{}',
        owner_pid INTEGER
    )""",
        *_RUN_INDEXES,
        """CREATE TABLE IF NOT EXISTS run_log (
        run_id TEXT NOT NULL PRIMARY KEY REFERENCES run (id) ON DELETE CASCADE,
        log TEXT NOT NULL
    )""",
        """CREATE TABLE IF NOT EXISTS job_state (
        workflow TEXT NOT NULL PRIMARY KEY,
        cron_expression TEXT,
        timezone TEXT,
        next_run INTEGER,
        last_run INTEGER,
        last_run_id TEXT,
        last_status TEXT,
        paused INTEGER NOT NULL DEFAULT 0
    )""",
        """CREATE TABLE IF NOT EXISTS setting (
        "key" TEXT NOT NULL PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    ),
    postgresql=(
        """CREATE TABLE IF NOT EXISTS run (
        id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
        workflow TEXT COLLATE "C" NOT NULL,
        "trigger" TEXT COLLATE "C" NOT NULL,
        status TEXT COLLATE "C" NOT NULL,
        queued_at BIGINT NOT NULL,
        started_at BIGINT,
        finished_at BIGINT,
        duration DOUBLE PRECISION,
        input TEXT NOT NULL DEFAULT '{}',
        output TEXT,
        message TEXT,
        error TEXT,
        log_truncated INTEGER NOT NULL DEFAULT 0,
        attempt INTEGER NOT NULL DEFAULT 1,
        parent_run_id TEXT COLLATE "C",
        profile_info TEXT NOT NULL DEFAULT '{}',
        owner_pid BIGINT
    )""",
        *_RUN_INDEXES,
        """CREATE TABLE IF NOT EXISTS run_log (
        run_id TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES run (id) ON DELETE CASCADE,
        log TEXT NOT NULL
    )""",
        """CREATE TABLE IF NOT EXISTS job_state (
        workflow TEXT COLLATE "C" NOT NULL PRIMARY KEY,
        cron_expression TEXT,
        timezone TEXT,
        next_run BIGINT,
        last_run BIGINT,
        last_run_id TEXT COLLATE "C",
        last_status TEXT COLLATE "C",
        paused INTEGER NOT NULL DEFAULT 0
    )""",
        """CREATE TABLE IF NOT EXISTS setting (
        "key" TEXT COLLATE "C" NOT NULL PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    ),
)

# Version 2: the store is the run queue. A queued run keeps what is needed to run it
# (its unmasked input in ``payload``, set to NULL in the statement that records its end),
# a priority class, an earliest start (retries with a delay) and the delivery id it was
# accepted under. The payload sits on the row itself so accepting and finishing a run
# cost no extra statement; listings never select it.
_QUEUE_INDEX = "CREATE INDEX IF NOT EXISTS run_queue ON run (status, workflow, priority, queued_at, id)"
_KEY_INDEX = "CREATE INDEX IF NOT EXISTS idempotency_key_created_at ON idempotency_key (created_at)"
V2 = MigrationStep(
    sqlite=(
        "ALTER TABLE run ADD COLUMN priority INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE run ADD COLUMN not_before INTEGER",
        "ALTER TABLE run ADD COLUMN payload TEXT",
        # The dispatcher reads each workflow's queued runs in (priority, queued_at, id) order.
        _QUEUE_INDEX,
        """CREATE TABLE IF NOT EXISTS idempotency_key (
        workflow TEXT NOT NULL,
        "key" TEXT NOT NULL,
        run_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (workflow, "key")
    )""",
        _KEY_INDEX,
    ),
    postgresql=(
        "ALTER TABLE run ADD COLUMN priority INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE run ADD COLUMN not_before BIGINT",
        "ALTER TABLE run ADD COLUMN payload TEXT",
        _QUEUE_INDEX,
        """CREATE TABLE IF NOT EXISTS idempotency_key (
        workflow TEXT COLLATE "C" NOT NULL,
        "key" TEXT COLLATE "C" NOT NULL,
        run_id TEXT COLLATE "C" NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (workflow, "key")
    )""",
        _KEY_INDEX,
    ),
)

# Version 3: runs on several machines. A run claimed by a cluster worker names it (``worker``);
# workers report themselves with a heartbeat; ``schedule_fire`` lets only one of several
# schedulers fire a workflow's due instant.
_FIRE_INDEX = "CREATE INDEX IF NOT EXISTS schedule_fire_fired_at ON schedule_fire (fired_at)"
V3 = MigrationStep(
    sqlite=(
        "ALTER TABLE run ADD COLUMN worker TEXT",
        """CREATE TABLE IF NOT EXISTS worker (
        name TEXT NOT NULL PRIMARY KEY,
        host TEXT NOT NULL,
        concurrency INTEGER NOT NULL,
        running INTEGER NOT NULL DEFAULT 0,
        last_heartbeat INTEGER NOT NULL
    )""",
        """CREATE TABLE IF NOT EXISTS schedule_fire (
        workflow TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        fired_at INTEGER NOT NULL,
        PRIMARY KEY (workflow, due_at)
    )""",
        _FIRE_INDEX,
    ),
    postgresql=(
        'ALTER TABLE run ADD COLUMN worker TEXT COLLATE "C"',
        """CREATE TABLE IF NOT EXISTS worker (
        name TEXT COLLATE "C" NOT NULL PRIMARY KEY,
        host TEXT NOT NULL,
        concurrency INTEGER NOT NULL,
        running INTEGER NOT NULL DEFAULT 0,
        last_heartbeat BIGINT NOT NULL
    )""",
        """CREATE TABLE IF NOT EXISTS schedule_fire (
        workflow TEXT COLLATE "C" NOT NULL,
        due_at BIGINT NOT NULL,
        fired_at BIGINT NOT NULL,
        PRIMARY KEY (workflow, due_at)
    )""",
        _FIRE_INDEX,
    ),
)

# The queue index (status, workflow, priority, queued_at, id) starts with status, so the lone
# status index only cost an extra index update on every insert and status change (about 12 %
# of the store's time per run) without serving a query the other cannot.
V4 = MigrationStep(
    sqlite=("DROP INDEX IF EXISTS run_status",),
    postgresql=("DROP INDEX IF EXISTS run_status",),
)
