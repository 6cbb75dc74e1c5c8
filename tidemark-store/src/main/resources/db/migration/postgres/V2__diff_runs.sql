-- Diff syncs: the changes a run planned, and the records its destination rejected. Keep in step with ../sqlite.

-- Zero for runs recorded before, and for every mode but diff. A constant default adds the columns without
-- rewriting the table.
alter table runs
    add column planned_added   bigint not null default 0,
    add column planned_changed bigint not null default 0,
    add column planned_removed bigint not null default 0;

-- The first rejections of a run (the engine caps them); runs.rows_rejected holds the total. No cascade: runs are
-- never deleted (checkpoints reference them too).
create table run_rejections (
    id         bigint generated always as identity primary key, -- insertion order: how a run's rows are read back
    run_id     bigint not null references runs (id),
    change     text   not null, -- RejectedRecord.change(): added, changed or removed
    record_key text   not null, -- the engine's rendering of the record's key
    reason     text   not null  -- the destination's message
);

create index run_rejections_by_run on run_rejections (run_id, id);
