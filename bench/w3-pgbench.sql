-- W3's steady load (pgbench -f, -D rows=N): one row updated per transaction, stamped with the source transaction's id
-- so that the destination can read its commit time (track_commit_timestamp) and the end-to-end latency.
\set id random(1, :rows)
update accounts set v = v + 1, updated_at = clock_timestamp(), src_xid = pg_current_xact_id()::text::bigint where id = :id;
