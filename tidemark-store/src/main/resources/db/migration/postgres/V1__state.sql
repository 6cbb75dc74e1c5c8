-- Tidemark state store, Postgres. Keep in step with ../sqlite: same tables, columns and meaning.
-- Timestamps are epoch milliseconds (UTC) on both databases: exact round trips, no time-zone rules.

create table syncs (
    id            bigint  generated always as identity primary key,
    name          text    not null unique,
    paused        boolean not null default false,
    created_at_ms bigint  not null
);

create table runs (
    id                bigint generated always as identity primary key,
    sync_id           bigint not null references syncs (id),
    status            text   not null, -- RunStatus.configName()
    triggered_by      text   not null,
    owner             text   not null,
    started_at_ms     bigint not null,
    duration_ms       bigint,
    rows_read         bigint not null default 0,
    rows_written      bigint not null default 0,
    rows_deleted      bigint not null default 0,
    rows_rejected     bigint not null default 0,
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
    sync_id       bigint not null references syncs (id),
    version       bigint not null,
    run_id        bigint references runs (id),
    checkpoint    text, -- null: no checkpoint, the next run starts from scratch
    reason        text   not null,
    created_at_ms bigint not null,
    primary key (sync_id, version)
);
