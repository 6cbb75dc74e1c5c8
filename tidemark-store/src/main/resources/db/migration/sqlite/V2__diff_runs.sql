-- Diff syncs: the changes a run planned, and the records its destination rejected. Keep in step with ../postgres.

-- Zero for runs recorded before, and for every mode but diff.
alter table runs add column planned_added   integer not null default 0;
alter table runs add column planned_changed integer not null default 0;
alter table runs add column planned_removed integer not null default 0;

-- The first rejections of a run (the engine caps them); runs.rows_rejected holds the total. No cascade: runs are
-- never deleted (checkpoints reference them too).
create table run_rejections (
    id         integer primary key, -- the rowid; insertion order: how a run's rows are read back
    run_id     integer not null references runs (id),
    change     text    not null, -- RejectedRecord.change(): added, changed or removed
    record_key text    not null, -- the engine's rendering of the record's key
    reason     text    not null  -- the destination's message
);

create index run_rejections_by_run on run_rejections (run_id, id);
