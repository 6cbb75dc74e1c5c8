-- CDC syncs: how far a run's capture lagged behind the source. Keep in step with ../sqlite.

-- Null for every run but a cdc sync's that recorded it (and for runs recorded before). Both are written together,
-- so both are null or neither is. Nullable without a default: adding them does not rewrite the table.
alter table runs
    add column capture_lag_bytes bigint, -- the source's change log kept for the sync (Postgres: WAL the slot retains)
    add column capture_lag_ms    bigint; -- how far the destination was behind the source in time
