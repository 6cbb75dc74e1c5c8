-- Tidemark state store, SQLite. Keep in step with ../postgres: same tables, columns and meaning.
-- Timestamps are epoch milliseconds (UTC) on both databases: exact round trips, no time-zone rules.

create table syncs (
    id            integer primary key autoincrement, -- autoincrement: an id is never reused
    name          text    not null unique,
    paused        integer not null default 0,
    created_at_ms integer not null
);

create table runs (
    id                integer primary key autoincrement,
    sync_id           integer not null references syncs (id),
    status            text    not null, -- RunStatus.configName()
    triggered_by      text    not null,
    owner             text    not null,
    started_at_ms     integer not null,
    duration_ms       integer,
    rows_read         integer not null default 0,
    rows_written      integer not null default 0,
    rows_deleted      integer not null default 0,
    rows_rejected     integer not null default 0,
    error_code        text,
    error_message     text,
    checkpoint_before text,
    checkpoint_after  text
);

create index runs_by_sync on runs (sync_id, id);

-- At most one running run per sync, whatever a caller does.
create unique index runs_one_running_per_sync on runs (sync_id) where status = 'running';

-- Append-only: every version of every sync's checkpoint.
create table checkpoints (
    sync_id       integer not null references syncs (id),
    version       integer not null,
    run_id        integer references runs (id),
    checkpoint    text, -- null: no checkpoint, the next run starts from scratch
    reason        text    not null,
    created_at_ms integer not null,
    primary key (sync_id, version)
);
