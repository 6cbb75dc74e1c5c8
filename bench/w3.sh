# W3: log-based CDC (sync_type: cdc), Postgres -> Postgres, against Postgres's own logical replication (a
# subscription on the same server). Sourced by run.sh, whose helpers it uses (log, psql_q, timed,
# record_ms, url, $TIDEMARK_BIN, $BENCH_DIR, $results). What is measured: bench/README.md, "W3".
#
# Environment: W3_ROWS (source rows, default 100000; a burst updates each once, in W3_TX = 100 transactions),
# W3_STEADY_TPS (2000), W3_STEADY_S (60), W3_MAX_S (30), W3_CLIENTS (pgbench clients, 4 steady and 8 unthrottled),
# W3_KEEP=1 keeps the databases after a successful run (the subscription and the slots are dropped regardless).

W3_ROWS="${W3_ROWS:-100000}"
W3_TX=100
W3_STEADY_TPS="${W3_STEADY_TPS:-2000}"
W3_STEADY_S="${W3_STEADY_S:-60}"
W3_MAX_S="${W3_MAX_S:-30}"
W3_CLIENTS="${W3_CLIENTS:-4}"
W3_SRC=w3_src W3_TM=w3_dst_tidemark W3_NATIVE=w3_dst_native
# The native contender's publication, slot and subscription share this name.
W3_SUB=w3_native
w3_tsv="$BENCH_DIR/w3.tsv"          # "phase contender run metric value"
w3_lag_tsv="$BENCH_DIR/w3-lag.tsv"  # "phase contender epoch_s slot_lag_bytes", one sample a second under steady load
w3_follow_log="$BENCH_DIR/w3-follow.log"
w3_ws="-f $BENCH_DIR/w3.yaml --state-store jdbc:sqlite:$BENCH_DIR/w3-state.db"
w3_follow_pid=""
w3_helper_pids=()
w3_marker=0

w3_metric() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$w3_tsv"; }
w3_now() { date +%s.%N; }
w3_sql() { psql_q -At -d "$@"; }

w3_db_exists() { [ "$(w3_sql postgres -c "select count(*) from pg_database where datname = '$1'")" = 1 ]; }

# Drops everything W3 creates — the subscription, every slot of the source database (the subscription's, its table
# sync's, Tidemark's), the databases unless $1 is "keep" — and stops the processes it started. Safe to run at any
# point, and first: a leftover slot would keep the server's log forever.
w3_cleanup() {
  local pid
  if [ -n "$w3_follow_pid" ]; then stop_process "$w3_follow_pid" || true; w3_follow_pid=""; fi
  for pid in "${w3_helper_pids[@]}"; do stop_process "$pid" || true; done
  w3_helper_pids=()
  if w3_db_exists "$W3_NATIVE" && [ "$(w3_sql "$W3_NATIVE" -c "select count(*) from pg_subscription where subname = '$W3_SUB'")" = 1 ]; then
    # Detached from its slot first: DROP SUBSCRIPTION would otherwise drop the slot over a connection to this same
    # server; the slot goes with the others below.
    w3_sql "$W3_NATIVE" -c "alter subscription $W3_SUB disable" -c "alter subscription $W3_SUB set (slot_name = none)" \
      -c "drop subscription $W3_SUB" >/dev/null
  fi
  local i
  for i in $(seq 100); do
    [ "$(w3_sql postgres -c "select count(*) from pg_replication_slots where database = '$W3_SRC'")" = 0 ] && break
    # Only this benchmark's own readers hold these slots: the subscription's walsenders, Tidemark's.
    w3_sql postgres -c "select pg_terminate_backend(active_pid) from pg_replication_slots where database = '$W3_SRC' and active_pid is not null" >/dev/null
    w3_sql postgres -c "select pg_drop_replication_slot(slot_name) from pg_replication_slots where database = '$W3_SRC' and not active" >/dev/null || true
    sleep 0.1
  done
  local left; left=$(w3_sql postgres -c "select string_agg(slot_name, ', ') from pg_replication_slots where database = '$W3_SRC'")
  if [ -n "$left" ]; then log "  could not drop replication slots $left: drop them by hand (they keep the server's log)"; fi
  if [ "${1:-}" != keep ]; then
    for db in "$W3_NATIVE" "$W3_TM" "$W3_SRC"; do
      if w3_db_exists "$db"; then w3_sql postgres -c "drop database $db with (force)" >/dev/null; fi
    done
  fi
}

w3_workspace() {
  cat >"$BENCH_DIR/w3.yaml" <<YAML
connections:
  src: { type: postgres, url: "$(url $W3_SRC)", user: postgres }
  dst: { type: postgres, url: "$(url $W3_TM)", user: postgres }
models:
  accounts: { connection: src, table: public.accounts, primary_key: [id] }
syncs:
  accounts_cdc: { model: accounts, destination: dst, table: accounts, sync_type: cdc }
YAML
}

W3_DDL="create table accounts (id bigint primary key, v bigint not null, updated_at timestamptz not null, src_xid bigint, note text not null)"

w3_setup() {
  log "  setting up: $W3_ROWS source rows, the native subscription and Tidemark's capture (initial snapshots)"
  w3_cleanup || true
  rm -f "$BENCH_DIR/w3-state.db" "$w3_follow_log"
  local db
  for db in "$W3_SRC" "$W3_TM" "$W3_NATIVE"; do w3_sql postgres -c "create database $db" >/dev/null; done
  w3_sql "$W3_SRC" -c "$W3_DDL" \
    -c "insert into accounts select g, 0, clock_timestamp(), null, md5(g::text) || md5((-g)::text) from generate_series(1, $W3_ROWS) g" \
    -c "vacuum analyze accounts" -c "create publication $W3_SUB for table accounts" \
    -c "select pg_create_logical_replication_slot('$W3_SUB', 'pgoutput')" >/dev/null
  # The slot is made above: CREATE SUBSCRIPTION cannot create one on its own server (it would wait for itself).
  w3_sql "$W3_NATIVE" -c "$W3_DDL" -f "$here/w3-destination.sql" \
    -c "create subscription $W3_SUB connection 'host=127.0.0.1 port=$PGPORT dbname=$W3_SRC user=postgres'
        publication $W3_SUB with (create_slot = false, slot_name = '$W3_SUB', copy_data = true)" >/dev/null
  w3_workspace
  # Tidemark's first run takes its snapshot (and creates its slot and publication); it creates the table.
  timed w3_initial tidemark 1 "TIDEMARK_JAVA_OPTS='${TIDEMARK_JAVA_OPTS:--Xmx512m}' $TIDEMARK_BIN run $w3_ws accounts_cdc --json"
  w3_sql "$W3_TM" -f "$here/w3-destination.sql" >/dev/null
  w3_tidemark_slot=$(w3_sql "$W3_SRC" -c "select slot_name from pg_replication_slots where database = '$W3_SRC' and slot_name like 'tidemark%'")
  [ -n "$w3_tidemark_slot" ] || { log "  Tidemark's first run left no replication slot"; return 1; }
  w3_await_equal "$W3_TM"
  w3_await_equal "$W3_NATIVE"   # the subscription's initial copy
  w3_native_off
  w3_metric burst all 0 rows "$W3_ROWS"
}

# Count, sum and latest change time: equal to the source's once a destination has applied everything (the source is
# idle whenever this is asked).
w3_fingerprint() { w3_sql "$1" -c "select count(*) || ' ' || coalesce(sum(v), 0) || ' ' || coalesce(max(updated_at)::text, '') from accounts"; }

w3_await_equal() {
  local db=$1 want deadline=$((SECONDS + 600))
  want=$(w3_fingerprint "$W3_SRC")
  until [ "$(w3_fingerprint "$db")" = "$want" ]; do
    if [ "$SECONDS" -gt "$deadline" ]; then
      log "  $db did not catch up with the source within 600 s: source $want, $db $(w3_fingerprint "$db")"; return 1
    fi
    if [ "$db" = "$W3_TM" ] && [ -n "$w3_follow_pid" ] && ! alive "$w3_follow_pid"; then
      log "  Tidemark's --follow process exited:"; tail -n 5 "$w3_follow_log" >&2; return 1
    fi
    if [ "$db" = "$W3_NATIVE" ] && [ "$(w3_sql "$W3_NATIVE" -c "select apply_error_count + sync_error_count from pg_stat_subscription_stats where subname = '$W3_SUB'")" != 0 ]; then
      log "  the subscription's apply worker failed (see the server log, $BENCH_DIR/pg.log)"; return 1
    fi
    sleep 0.2
  done
}

w3_slot_active() { w3_sql "$W3_SRC" -c "select active from pg_replication_slots where slot_name = '$1'"; }

w3_await_slot() {  # slot t|f: waits until the slot's reader has come or gone
  local i
  for i in $(seq 600); do [ "$(w3_slot_active "$1")" = "$2" ] && return 0; sleep 0.1; done
  log "  replication slot $1 did not become active=$2 within 60 s"; return 1
}

w3_native_on() {
  w3_sql "$W3_NATIVE" -c "alter subscription $W3_SUB enable" >/dev/null
  w3_await_slot "$W3_SUB" t
  w3_await_equal "$W3_NATIVE"
}

w3_native_off() {
  w3_sql "$W3_NATIVE" -c "alter subscription $W3_SUB disable" >/dev/null
  w3_await_slot "$W3_SUB" f
}

w3_tidemark_on() {
  ( TIDEMARK_JAVA_OPTS="${TIDEMARK_JAVA_OPTS:--Xmx512m}" exec $TIDEMARK_BIN run $w3_ws accounts_cdc --follow ) >>"$w3_follow_log" 2>&1 &
  w3_follow_pid=$!
  w3_await_slot "$w3_tidemark_slot" t
  w3_await_equal "$W3_TM"
}

# SIGTERM: the follower commits what it applied and exits with the run's own code (0; builds before the fix exited 143). Records its peak RSS first.
w3_tidemark_off() {
  local rss; rss=$(sed -nE 's/^VmHWM:\s+([0-9]+) kB/\1/p' "/proc/$w3_follow_pid/status" 2>/dev/null || true)
  [ -n "$rss" ] && w3_metric follow tidemark "$1" peak_rss_mib "$((rss / 1024))"
  local status=0
  stop_process "$w3_follow_pid" || status=$?
  w3_follow_pid=""
  if [ "$status" != 0 ] && [ "$status" != 143 ]; then log "  Tidemark's --follow process exited with $status:"; tail -n 5 "$w3_follow_log" >&2; return 1; fi
  w3_await_slot "$w3_tidemark_slot" f
}

# The processes doing a contender's work, for their CPU time: Tidemark's JVM and its walsender; the subscription's
# walsender and apply worker. (Tidemark's destination sessions come and go per commit and are not counted.)
w3_pids() {
  case $1 in
    native) w3_sql "$W3_NATIVE" -c "select pid from pg_stat_subscription where subname = '$W3_SUB' and relid is null and pid is not null"
            w3_sql "$W3_SRC" -c "select active_pid from pg_replication_slots where slot_name = '$W3_SUB' and active_pid is not null" ;;
    tidemark*) echo "$w3_follow_pid"
            w3_sql "$W3_SRC" -c "select active_pid from pg_replication_slots where slot_name = '$w3_tidemark_slot' and active_pid is not null" ;;
  esac
}

# CPU seconds (user + system) the given processes have used so far.
w3_cpu() {
  local pid ticks=0
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] && ticks=$((ticks + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
  done
  echo "scale=2; $ticks / $(getconf CLK_TCK)" | bc
}

# The burst's SQL: W3_TX autocommitted UPDATEs, each of W3_ROWS / W3_TX rows in id order, setting v to the marker;
# the wall clock (epoch seconds) before the first and after the last commit.
w3_burst_sql() {
  local per=$((W3_ROWS / W3_TX)) i
  echo "select extract(epoch from clock_timestamp());"
  for i in $(seq 0 $((W3_TX - 1))); do
    echo "update accounts set v = $1, updated_at = clock_timestamp(), src_xid = pg_current_xact_id()::text::bigint where id between $((i * per + 1)) and $(((i + 1) * per));"
  done
  echo "select extract(epoch from clock_timestamp());"
}

# Runs a burst with a poller waiting at destination $2 for its last row; records, for contender $1 and round $3, the
# time from the burst's start until the destination showed the last update, the source's own time for the burst,
# and the contender's CPU time.
w3_burst_followed() {
  local contender=$1 db=$2 run=$3 out times start committed applied pids cpu0 poller
  w3_marker=$((w3_marker + 1))
  out=$(mktemp)
  w3_sql "$db" -c "select w3_await($(( (W3_ROWS / W3_TX) * W3_TX )), $w3_marker, 300)" >"$out" &
  poller=$!; w3_helper_pids+=("$poller")
  pids=$(w3_pids "$contender"); cpu0=$(w3_cpu $pids)
  sleep 0.3   # the poller is connected and polling
  times=$(w3_burst_sql "$w3_marker" | psql_q -At -d "$W3_SRC")
  wait "$poller" || { log "  $contender: the burst did not arrive at $db"; return 1; }
  w3_helper_pids=()
  start=$(echo "$times" | head -n 1); committed=$(echo "$times" | tail -n 1); applied=$(cat "$out"); rm -f "$out"
  printf 'w3\t%s\t%s\t%.3f\t\n' "$contender" "$run" "$(echo "$applied - $start" | bc)" >>"$results"
  w3_metric burst "$contender" "$run" source_s "$(echo "$committed - $start" | bc)"
  w3_metric burst "$contender" "$run" after_commit_s "$(echo "$applied - $committed" | bc)"
  w3_metric burst "$contender" "$run" cpu_s "$(echo "$(w3_cpu $pids) - $cpu0" | bc)"
  log "  $contender: burst applied in $(echo "scale=2; ($applied - $start) / 1" | bc) s (source committed it in $(echo "scale=2; ($committed - $start) / 1" | bc) s)"
}

# (b): the burst commits with no reader; then a whole `tidemark run` is timed.
w3_burst_then_run() {
  local run=$1 times
  w3_marker=$((w3_marker + 1))
  times=$(w3_burst_sql "$w3_marker" | psql_q -At -d "$W3_SRC")
  w3_metric burst tidemark_run "$run" source_s "$(echo "$(echo "$times" | tail -n 1) - $(echo "$times" | head -n 1)" | bc)"
  timed w3 tidemark_run "$run" "TIDEMARK_JAVA_OPTS='${TIDEMARK_JAVA_OPTS:--Xmx512m}' $TIDEMARK_BIN run $w3_ws accounts_cdc --json"
  if grep -q '^Building Tidemark' "$last_output"; then log "  WARNING: ./tidemark rebuilt itself inside the timed run (sources changed)"; fi
  local whole; whole=$(tail -n 1 "$results" | cut -f4)
  record_ms w3_steps tidemark_run_engine "$run" 's/.*"duration_ms" : ([0-9]+).*/\1/p'
  local got; got=$(w3_sql "$W3_TM" -c "select v from accounts where id = $(( (W3_ROWS / W3_TX) * W3_TX ))")
  [ "$got" = "$w3_marker" ] || { log "  tidemark run exited before applying the burst (last row has v = $got, want $w3_marker)"; return 1; }
  log "  tidemark_run: whole process $whole s, the engine's run $(tail -n 1 "$results" | cut -f4) s"
}

# A steady phase for contender $1 at destination $2: pgbench for $4 seconds ($5 = rate limit in TPS, or "" for none)
# with $6 clients; latencies from the arrivals table, slot lag sampled every second.
w3_steady() {
  local contender=$1 db=$2 phase=$3 seconds=$4 rate=$5 clients=$6 slot pids cpu0 sampler t0 t1 pgb
  slot=$([ "$contender" = native ] && echo "$W3_SUB" || echo "$w3_tidemark_slot")
  w3_sql "$db" -c "truncate arrivals" -c "alter table accounts enable always trigger w3_arrival" >/dev/null
  pids=$(w3_pids "$contender"); cpu0=$(w3_cpu $pids)
  # One psql re-running the sample every second (\watch) until stopped; its lines are filtered afterwards.
  psql -X -q -At -F $'\t' -d "$W3_SRC" >"$BENCH_DIR/w3-lag.raw" 2>/dev/null <<<"select '$phase', '$contender',
    extract(epoch from clock_timestamp()), pg_wal_lsn_diff(pg_current_wal_insert_lsn(), confirmed_flush_lsn)
    from pg_replication_slots where slot_name = '$slot' \\watch 1" &
  sampler=$!; w3_helper_pids+=("$sampler")
  pgb="$BENCH_DIR/w3-pgbench-$contender-$phase.log"
  t0=$(w3_now)
  "$PGBIN/pgbench" -n -f "$here/w3-pgbench.sql" -D rows="$W3_ROWS" -c "$clients" -j 2 -T "$seconds" ${rate:+-R "$rate"} -P 10 "$W3_SRC" >"$pgb" 2>&1 \
    || { log "  pgbench failed:"; tail -n 5 "$pgb" >&2; return 1; }
  t1=$(w3_now)
  cat "$pgb" >>"$BENCH_DIR/commands.log"
  w3_await_equal "$db"
  sleep 2   # two more lag samples after catching up
  w3_metric "$phase" "$contender" 1 cpu_s "$(echo "$(w3_cpu $pids) - $cpu0" | bc)"
  stop_process "$sampler" || true; w3_helper_pids=()
  grep -P '^\S+\t\S+\t[0-9.]+\t' "$BENCH_DIR/w3-lag.raw" >>"$w3_lag_tsv" || true
  w3_sql "$db" -c "alter table accounts disable trigger w3_arrival" >/dev/null
  w3_metric "$phase" "$contender" 1 load_start "$t0"
  w3_metric "$phase" "$contender" 1 load_end "$t1"
  w3_metric "$phase" "$contender" 1 source_tps "$(sed -nE 's/^tps = ([0-9.]+) \(without initial connection time\)/\1/p' "$pgb")"
  w3_metric "$phase" "$contender" 1 source_updates "$(sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p' "$pgb")"
  w3_sql "$db" -F $'\t' -c "select metric, value from w3_steady_stats()" | while IFS=$'\t' read -r metric value; do
    w3_metric "$phase" "$contender" 1 "$metric" "$value"
  done
  log "  $contender $phase: $(awk -F'\t' -v p="$phase" -v c="$contender" '$1 == p && $2 == c && $4 ~ /^(source_tps|rows_applied|latency_p50_ms|latency_p99_ms|drain_s)$/ { printf "%s %.1f  ", $4, $5 }' "$w3_tsv")"
}

# Source and destination hold the same rows (full checksum over every column).
w3_verify() {
  local sql="select count(*) || ' rows, checksum ' || sum(hashtextextended(row(id, v, updated_at, src_xid, note)::text, 0)) from accounts"
  local want got db; want=$(w3_sql "$W3_SRC" -c "$sql")
  for db in "$W3_TM" "$W3_NATIVE"; do
    got=$(w3_sql "$db" -c "$sql")
    if [ "$got" != "$want" ]; then log "  $db differs from the source: source $want, $db $got"; return 1; fi
  done
  log "  both destinations equal the source: $want"
}

w3() {
  log "W3: log-based CDC Postgres -> Postgres ($W3_ROWS-row table) vs a native logical-replication subscription"
  if [ "$(w3_sql postgres -c 'show track_commit_timestamp')" != on ]; then
    log "  track_commit_timestamp is off (the server started before bench/run.sh set it): latencies use the UPDATE's and the trigger's clocks"
  fi
  : >"$w3_tsv"; : >"$w3_lag_tsv"
  w3_metric machine all 0 load_average_start "$(cut -d' ' -f1 /proc/loadavg)"   # the machine is shared: how busy was it?
  trap 'w3_cleanup || true' EXIT
  trap 'exit 130' INT TERM
  w3_setup
  local run
  for run in $(seq 0 "$RUNS"); do   # run 0 is the warm-up; contenders one at a time, the other one's reader stopped
    log " burst round $run"
    w3_native_on
    w3_burst_followed native "$W3_NATIVE" "$run"
    w3_native_off
    w3_tidemark_on
    w3_burst_followed tidemark_follow "$W3_TM" "$run"
    w3_tidemark_off "$run"
    w3_burst_then_run "$run"
  done
  log " steady load: $W3_STEADY_TPS TPS for $W3_STEADY_S s, then unthrottled for $W3_MAX_S s"
  w3_tidemark_on
  w3_steady tidemark "$W3_TM" steady "$W3_STEADY_S" "$W3_STEADY_TPS" "$W3_CLIENTS"
  w3_steady tidemark "$W3_TM" max "$W3_MAX_S" "" "$((W3_CLIENTS * 2))"
  w3_tidemark_off steady
  w3_native_on
  w3_steady native "$W3_NATIVE" steady "$W3_STEADY_S" "$W3_STEADY_TPS" "$W3_CLIENTS"
  w3_steady native "$W3_NATIVE" max "$W3_MAX_S" "" "$((W3_CLIENTS * 2))"
  w3_native_off
  w3_tidemark_on   # catches up on the native phases' changes, for the final comparison
  w3_tidemark_off final
  w3_verify
  w3_metric machine all 0 load_average_end "$(cut -d' ' -f1 /proc/loadavg)"
  cat "$w3_follow_log" >>"$BENCH_DIR/commands.log"
  w3_cleanup "$([ "${W3_KEEP:-0}" = 1 ] && echo keep)" || true
  trap - EXIT INT TERM
}
