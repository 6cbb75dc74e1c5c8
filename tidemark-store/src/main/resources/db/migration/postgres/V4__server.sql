-- The server: its configuration document, audit trail, API tokens, cluster nodes, cancel requests, sequence runs
-- and the cluster scheduler's table. Keep in step with ../sqlite.

-- Append-only: every saved version of the workspace configuration. The primary key is what makes a save a
-- compare-and-set across servers: two saves of the same next version cannot both commit.
create table workspace_versions (
    version     bigint primary key, -- counts up from 1
    document    text   not null,    -- the configuration, its secrets encrypted by the server
    actor       text   not null,
    saved_at_ms bigint not null
);

-- Append-only: who changed what. Read oldest first, paged by id.
create table audit_events (
    id          bigint generated always as identity primary key,
    at_ms       bigint not null,
    actor       text   not null,
    action      text   not null,
    target      text   not null,
    before_json text,
    after_json  text,
    detail      text
);

create index audit_events_by_target on audit_events (target, id);

-- Only a hash of each token is kept. A revoked token keeps its row, and so its name.
create table api_tokens (
    id            bigint generated always as identity primary key,
    name          text   not null unique,
    scope         text   not null,
    token_hash    text   not null unique,
    created_at_ms bigint not null,
    revoked_at_ms bigint -- null while the token is active
);

-- The servers of a cluster and when each was last seen alive.
create table server_nodes (
    name          text   primary key,
    started_at_ms bigint not null,
    last_seen_ms  bigint not null
);

-- Null unless someone asked to cancel the run while it ran; the engine that owns the run watches for it.
alter table runs add column cancel_requested_at_ms bigint;

-- Runs of sequences: syncs run one after another, stopping at the first that fails.
create table sequence_runs (
    id            bigint generated always as identity primary key,
    sequence_name text   not null,
    status        text   not null, -- RunStatus.configName()
    triggered_by  text   not null,
    started_at_ms bigint not null,
    duration_ms   bigint,          -- null until the sequence run finished
    failed_sync   text,            -- the sync whose failure stopped the sequence
    message       text
);

create index sequence_runs_by_sequence on sequence_runs (sequence_name, id);

-- This table belongs to db-scheduler (16.x), the server's cluster scheduler: its standard Postgres table, created
-- here so that every node finds it. Tidemark's own code never reads or writes it.
create table scheduled_tasks (
    task_name            text        not null,
    task_instance        text        not null,
    task_data            bytea,
    execution_time       timestamptz not null,
    picked               boolean     not null,
    picked_by            text,
    last_success         timestamptz,
    last_failure         timestamptz,
    consecutive_failures int,
    last_heartbeat       timestamptz,
    version              bigint      not null,
    priority             smallint,
    primary key (task_name, task_instance)
);

create index execution_time_idx on scheduled_tasks (execution_time);
create index last_heartbeat_idx on scheduled_tasks (last_heartbeat);
create index priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc);
