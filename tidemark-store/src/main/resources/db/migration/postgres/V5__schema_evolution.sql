-- Schema evolution. Keep in step with ../sqlite.

-- Per sync: the source's shape its destination was built from (the engine's versioned JSON), replaced after each
-- run that changed it; deleted with the sync's data, so the next run builds afresh.
create table sync_schemas (
    sync_id       bigint not null primary key references syncs (id),
    baseline      text   not null,
    updated_at_ms bigint not null
);

-- Per run: each source schema change the run met and what the sync's schema_policy did about it.
create table run_schema_changes (
    id          bigint generated always as identity primary key, -- the order the run met them
    run_id      bigint not null references runs (id),
    kind        text   not null, -- column_added, column_dropped, type_widened, type_changed, primary_key_changed
    column_name text   not null, -- for a primary key change, the new key's columns
    before_type text,            -- null for an added column
    after_type  text,            -- null for a dropped column
    description text not null, -- the change and the action in words, as the engine put them
    action      text   not null  -- propagate, ignore, pause or fail
);

create index run_schema_changes_by_run on run_schema_changes (run_id, id);
