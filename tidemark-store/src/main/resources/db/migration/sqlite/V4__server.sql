-- The server: its configuration document, audit trail, API tokens, cluster nodes, cancel requests, sequence runs
-- and the cluster scheduler's table. Keep in step with ../postgres.

-- Append-only: every saved version of the workspace configuration. The primary key is what makes a save a
-- compare-and-set across servers: two saves of the same next version cannot both commit.
create table workspace_versions (
    version     integer primary key, -- counts up from 1
    document    text    not null,    -- the configuration, its secrets encrypted by the server
    actor       text    not null,
    saved_at_ms integer not null
);

-- Append-only: who changed what. Read oldest first, paged by id.
create table audit_events (
    id          integer primary key autoincrement, -- autoincrement: a paging position is never reused
    at_ms       integer not null,
    actor       text    not null,
    action      text    not null,
    target      text    not null,
    before_json text,
    after_json  text,
    detail      text
);

create index audit_events_by_target on audit_events (target, id);

-- Only a hash of each token is kept. A revoked token keeps its row, and so its name.
create table api_tokens (
    id            integer primary key autoincrement,
    name          text    not null unique,
    scope         text    not null,
    token_hash    text    not null unique,
    created_at_ms integer not null,
    revoked_at_ms integer -- null while the token is active
);

-- The servers of a cluster and when each was last seen alive.
create table server_nodes (
    name          text    not null primary key, -- not null: SQLite lets a text primary key be null otherwise
    started_at_ms integer not null,
    last_seen_ms  integer not null
);

-- Null unless someone asked to cancel the run while it ran; the engine that owns the run watches for it.
alter table runs add column cancel_requested_at_ms integer;

-- Runs of sequences: syncs run one after another, stopping at the first that fails.
create table sequence_runs (
    id            integer primary key autoincrement,
    sequence_name text    not null,
    status        text    not null, -- RunStatus.configName()
    triggered_by  text    not null,
    started_at_ms integer not null,
    duration_ms   integer,          -- null until the sequence run finished
    failed_sync   text,             -- the sync whose failure stopped the sequence
    message       text
);

create index sequence_runs_by_sequence on sequence_runs (sequence_name, id);

-- This table belongs to db-scheduler (16.x), the server's cluster scheduler: the columns of its Postgres table,
-- created here so that every node finds it. Tidemark's own code never reads or writes it. With its
-- SqliteJdbcCustomization, db-scheduler binds timestamps through setTimestamp with a UTC calendar, which
-- sqlite-jdbc (default date class) stores as epoch milliseconds: hence integer, like every time in this database.
-- Booleans are 0 or 1.
create table scheduled_tasks (
    task_name            text    not null,
    task_instance        text    not null,
    task_data            blob,
    execution_time       integer not null,
    picked               integer not null,
    picked_by            text,
    last_success         integer,
    last_failure         integer,
    consecutive_failures integer,
    last_heartbeat       integer,
    version              integer not null,
    priority             integer,
    primary key (task_name, task_instance)
);

create index execution_time_idx on scheduled_tasks (execution_time);
create index last_heartbeat_idx on scheduled_tasks (last_heartbeat);
create index priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc);
