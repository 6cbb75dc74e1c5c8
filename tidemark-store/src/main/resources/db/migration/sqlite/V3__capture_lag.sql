-- CDC syncs: how far a run's capture lagged behind the source. Keep in step with ../postgres.

-- Null for every run but a cdc sync's that recorded it (and for runs recorded before). Both are written together,
-- so both are null or neither is. capture_lag_bytes: the source's change log kept for the sync (Postgres: WAL the
-- slot retains); capture_lag_ms: how far the destination was behind the source in time.
alter table runs add column capture_lag_bytes integer;
alter table runs add column capture_lag_ms    integer;
