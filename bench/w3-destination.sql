-- W3's instruments in a destination database (run once its accounts table exists).
--
-- arrivals: one row per change applied to accounts, written by an AFTER trigger inside the applying transaction, so
-- that the transaction's commit time (pg_xact_commit_timestamp of dst_xid) is when the change became visible. A side
-- table rather than an extra column of accounts: the contenders' writes to accounts stay exactly as they are.
create unlogged table arrivals (
  id bigint not null,
  v bigint not null,
  source_ts timestamptz not null,              -- the source row's updated_at: clock_timestamp() of its UPDATE
  src_xid bigint,                              -- the source transaction (xid8 as a number): its commit time
  applied_at timestamptz not null default clock_timestamp(),
  dst_xid xid8 not null default pg_current_xact_id()
);

create function w3_arrival() returns trigger language plpgsql as $$
begin
  -- Qualified: a subscription's apply worker runs with an empty search_path.
  insert into public.arrivals (id, v, source_ts, src_xid) values (new.id, new.v, new.updated_at, new.src_xid);
  return null;
end $$;

-- Enabled (ALWAYS, so that it also fires in a native subscription's apply worker) only while a steady phase runs.
create trigger w3_arrival after insert or update on accounts for each row execute function w3_arrival();
alter table accounts disable trigger w3_arrival;

-- Waits until the row with id = key has v = marker; returns the wall clock (epoch seconds) of the first poll that saw
-- it. Each poll is a new statement, hence a new snapshot: it sees what has committed. Polls every 5 ms.
create function w3_await(key bigint, marker bigint, timeout_s float8) returns float8 language plpgsql as $$
declare
  deadline timestamptz := clock_timestamp() + make_interval(secs => timeout_s);
begin
  loop
    if exists (select 1 from public.accounts where id = key and v = marker) then
      return extract(epoch from clock_timestamp());
    end if;
    if clock_timestamp() > deadline then
      raise exception 'row % did not reach v = % within % s', key, marker, timeout_s;
    end if;
    perform pg_sleep(0.005);
  end loop;
end $$;

-- The figures of a steady phase, as (metric, value) rows. Latency: from the source transaction's commit (its commit
-- timestamp; without track_commit_timestamp, the UPDATE's clock) to the trigger's clock in the applying transaction —
-- the same for both contenders. Not the destination's commit timestamp: a subscription's apply worker records the
-- origin's commit time as its own, so only Tidemark's is real; its gap after the trigger is reported apart
-- (commit_after_trigger_*). Also applied rows and their rate, the drain after the load stopped and the number of
-- destination transactions.
create function w3_steady_stats() returns table (metric text, value float8) language sql as $$
  with a as (
    select coalesce(pg_xact_commit_timestamp((src_xid % 4294967296)::text::xid), source_ts) as src_commit,
           applied_at,
           pg_xact_commit_timestamp((dst_xid::text::bigint % 4294967296)::text::xid) as dst_commit,
           pg_xact_commit_timestamp((src_xid % 4294967296)::text::xid) is not null as exact,
           dst_xid
    from arrivals
  ), l as (
    select extract(epoch from applied_at - src_commit) * 1000 as ms, extract(epoch from dst_commit - applied_at) * 1000 as gap_ms,
           src_commit, applied_at, exact, dst_xid
    from a
  ), w as (  -- the first and the last tenth of the load, by source commit time: does latency grow?
    select min(src_commit) as t0, max(src_commit) as t1 from l
  )
  select 'rows_applied', count(*)::float8 from l
  union all select 'commit_timestamps', coalesce(avg(exact::int), 0) from l
  union all select 'latency_p50_ms', percentile_cont(0.5) within group (order by ms) from l
  union all select 'latency_p95_ms', percentile_cont(0.95) within group (order by ms) from l
  union all select 'latency_p99_ms', percentile_cont(0.99) within group (order by ms) from l
  union all select 'latency_max_ms', max(ms) from l
  union all select 'latency_p50_first_tenth_ms', percentile_cont(0.5) within group (order by ms) from l, w
    where src_commit < t0 + (t1 - t0) / 10
  union all select 'latency_p50_last_tenth_ms', percentile_cont(0.5) within group (order by ms) from l, w
    where src_commit > t1 - (t1 - t0) / 10
  union all select 'commit_after_trigger_p50_ms', percentile_cont(0.5) within group (order by gap_ms) from l
  union all select 'commit_after_trigger_max_ms', max(gap_ms) from l
  union all select 'applied_per_s', count(*) / nullif(extract(epoch from max(applied_at) - min(src_commit)), 0) from l
  union all select 'drain_s', extract(epoch from max(applied_at) - max(src_commit)) from l
  union all select 'dst_transactions', count(distinct dst_xid)::float8 from l
$$;
