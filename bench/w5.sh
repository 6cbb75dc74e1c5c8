# W5: the server under scheduled load — W5_SYNCS syncs on `schedule: 1min`, Postgres -> Postgres on the bench server,
# one node, for W5_MINUTES minutes. Sourced by run.sh, whose helpers it uses (log, psql_q, url, alive, stop_process,
# cpu_seconds, $TIDEMARK_BIN, $BENCH_DIR). What is measured: bench/README.md, "W5".
#
# Environment: W5_SYNCS (200), W5_ROWS (rows per source table, 1000), W5_MINUTES (10), W5_SYNC_TYPE (full_refresh or
# incremental), W5_THREADS (the server's --scheduler-threads; the server's default when unset), W5_SAMPLE_S (RSS and
# /metrics sampling period, 2). The server runs with TIDEMARK_JAVA_OPTS (default -Xmx512m) plus a GC log.
# The three databases stay after the run (the state store holds the runs); the next W5 run re-creates them.

W5_SYNCS="${W5_SYNCS:-200}"
W5_ROWS="${W5_ROWS:-1000}"
W5_MINUTES="${W5_MINUTES:-10}"
W5_SYNC_TYPE="${W5_SYNC_TYPE:-full_refresh}"
W5_THREADS="${W5_THREADS:-}"
W5_SAMPLE_S="${W5_SAMPLE_S:-2}"
W5_STATE=w5_state W5_SRC=w5_src W5_DST=w5_dst
# Slots due this close to SIGTERM are not counted as lost when they have no run: a late start may have been cut off.
W5_TAIL_S=30
w5_tsv="$BENCH_DIR/w5.tsv"                 # "key value": settings, the timeline (epoch ms), the server's exit status
w5_planned_tsv="$BENCH_DIR/w5-planned.tsv" # "sync first_due_ms": db-scheduler's executions right after the apply
w5_runs_tsv="$BENCH_DIR/w5-runs.tsv"       # "id sync trigger started_at_ms duration_ms status error_code error"
w5_samples_tsv="$BENCH_DIR/w5-samples.tsv" # "epoch_ms rss_kib queue_depth runs_active load1", every W5_SAMPLE_S
w5_jstat_log="$BENCH_DIR/w5-jstat.log"     # jstat -gc -t every 10 s
w5_gc_log="$BENCH_DIR/w5-gc.log"           # -Xlog:gc with epoch-millisecond stamps
w5_server_log="$BENCH_DIR/w5-server.log"   # the server's JSON lines (stdout) and its stderr
w5_server_pid=""
w5_jdk_bin=""   # the server's JDK: its jstat and jcmd
w5_helper_pids=()
w5_port=""
w5_token=""

w5_metric() { printf '%s\t%s\n' "$1" "$2" >>"$w5_tsv"; }
w5_now_ms() { date +%s%3N; }
w5_sql() { psql_q -At -d "$@"; }
w5_names() { seq -f 't%03g' 1 "$W5_SYNCS"; }
w5_api() { curl -sS -m 30 -H "Authorization: Bearer $w5_token" "$@"; }

# Stops what W5 started (the server, the samplers); the databases stay for inspection.
w5_cleanup() {
  local pid
  for pid in "${w5_helper_pids[@]}"; do stop_process "$pid" || true; done
  w5_helper_pids=()
  if [ -n "$w5_server_pid" ]; then stop_process "$w5_server_pid" || true; w5_server_pid=""; fi
}

# Source tables t001… of W5_ROWS rows, empty destination and state-store databases, the admin token.
w5_setup() {
  log "  setting up: $W5_SYNCS source tables of $W5_ROWS rows, empty $W5_DST and $W5_STATE"
  rm -rf "$BENCH_DIR/w5-data" "$w5_server_log" "$w5_gc_log" "$w5_jstat_log" "$w5_samples_tsv" "$w5_runs_tsv" "$w5_planned_tsv"
  local db t
  for db in "$W5_SRC" "$W5_DST" "$W5_STATE"; do
    w5_sql postgres -c "drop database if exists $db with (force)" -c "create database $db" >/dev/null
  done
  for t in $(w5_names); do
    echo "create table $t (id bigint primary key, seq bigint not null, v double precision not null, note text not null);"
    echo "insert into $t select g, g, random(), md5(g::text) from generate_series(1, $W5_ROWS) g;"
  done | psql_q -d "$W5_SRC" >/dev/null
  w5_sql "$W5_SRC" -c "vacuum analyze" >/dev/null
  # Creating the token migrates the state store.
  w5_token=$($TIDEMARK_BIN token create bench --scope admin --state-store "$(url "$W5_STATE")" 2>/dev/null)
  [ -n "$w5_token" ] || { log "  tidemark token create printed no token"; return 1; }
}

w5_workspace() {
  local t extra=""
  [ "$W5_SYNC_TYPE" = incremental ] && extra=", cursor_field: seq, cursor_type: integer"
  echo "connections:"
  echo "  src: { type: postgres, url: \"$(url "$W5_SRC")\", user: postgres }"
  echo "  dst: { type: postgres, url: \"$(url "$W5_DST")\", user: postgres }"
  echo "models:"
  for t in $(w5_names); do echo "  $t: { connection: src, table: public.$t, primary_key: [id] }"; done
  echo "syncs:"
  for t in $(w5_names); do echo "  $t: { model: $t, destination: dst, table: $t, sync_type: $W5_SYNC_TYPE$extra, schedule: 1min }"; done
}

w5_start_server() {
  local opts="${TIDEMARK_JAVA_OPTS:--Xmx512m} -Xlog:gc:file=$w5_gc_log:timemillis" i
  ( TIDEMARK_JAVA_OPTS="$opts" exec $TIDEMARK_BIN server --port 0 --data-dir "$BENCH_DIR/w5-data" \
      --state-store "$(url "$W5_STATE")" ${W5_THREADS:+--scheduler-threads "$W5_THREADS"} ) >"$w5_server_log" 2>&1 &
  w5_server_pid=$!
  for i in $(seq 1200); do   # ./tidemark may build first
    w5_port=$(sed -nE 's|^tidemark server listening on http://127\.0\.0\.1:([0-9]+) .*|\1|p' "$w5_server_log" | head -n 1)
    [ -n "$w5_port" ] && break
    alive "$w5_server_pid" || { log "  the server exited:"; tail -n 5 "$w5_server_log" >&2; return 1; }
    sleep 0.1
  done
  [ -n "$w5_port" ] || { log "  the server did not listen within 120 s"; return 1; }
  w5_metric server_java_opts "$opts"
  w5_metric scheduler_threads "${W5_THREADS:-default}"
}

# The JVM's start as epoch milliseconds (its /proc start time), to place jstat's uptime stamps on the wall clock.
w5_jvm_start_ms() {
  local btime ticks
  btime=$(awk '$1 == "btime" { print $2 }' /proc/stat)
  ticks=$(awk '{ sub(/^.*\) /, ""); print $20 }' "/proc/$1/stat")   # field 22 of stat; 20 after pid and comm
  echo $((btime * 1000 + ticks * 1000 / $(getconf CLK_TCK)))
}

# Every W5_SAMPLE_S: the server's RSS, the scheduler's queue depth and active runs from /metrics, the load average.
w5_sampler() {
  local m
  while alive "$w5_server_pid"; do
    m=$(w5_api "http://127.0.0.1:$w5_port/metrics" 2>/dev/null || true)
    printf '%s\t%s\t%s\t%s\t%s\n' "$(w5_now_ms)" "$(sed -nE 's/^VmRSS:\s+([0-9]+) kB/\1/p' "/proc/$w5_server_pid/status" 2>/dev/null)" \
      "$(awk '$1 == "tidemark_scheduler_queue_depth" { print $2 }' <<<"$m")" "$(awk '$1 == "tidemark_runs_active" { print $2 }' <<<"$m")" \
      "$(cut -d' ' -f1 /proc/loadavg)" >>"$w5_samples_tsv"
    sleep "$W5_SAMPLE_S"
  done
}

# A full collection, logged as "Pause Full (System.gc())" with the live heap after it.
w5_full_gc() { "$w5_jdk_bin/jcmd" "$w5_server_pid" GC.run >/dev/null; }

w5_apply() {
  local status i planned
  w5_workspace >"$BENCH_DIR/w5.yaml"
  w5_metric apply_start_ms "$(w5_now_ms)"
  status=$(w5_api -o "$BENCH_DIR/w5-apply.json" -w '%{http_code}' -X PUT -H 'Content-Type: application/yaml' \
    --data-binary "@$BENCH_DIR/w5.yaml" "http://127.0.0.1:$w5_port/api/v1/workspace")
  w5_metric apply_end_ms "$(w5_now_ms)"
  [ "$status" = 200 ] || { log "  PUT /api/v1/workspace answered $status:"; head -c 600 "$BENCH_DIR/w5-apply.json" >&2; return 1; }
  for i in $(seq 100); do
    planned=$(w5_sql "$W5_STATE" -c "select count(*) from scheduled_tasks where task_name = 'sync-schedule'")
    [ "$planned" = "$W5_SYNCS" ] && break
    sleep 0.1
  done
  [ "$planned" = "$W5_SYNCS" ] || { log "  the scheduler planned $planned of $W5_SYNCS syncs"; return 1; }
  w5_sql "$W5_STATE" -F $'\t' -c "select task_instance, (extract(epoch from execution_time) * 1000)::bigint
    from scheduled_tasks where task_name = 'sync-schedule' order by 1" >"$w5_planned_tsv"
}

# Every run the state store recorded, for the summary.
w5_dump_runs() {
  w5_sql "$W5_STATE" -F $'\t' -c "select r.id, s.name, r.triggered_by, r.started_at_ms, coalesce(r.duration_ms::text, ''),
      r.status, coalesce(r.error_code, ''), regexp_replace(coalesce(left(r.error_message, 300), ''), '\s+', ' ', 'g')
    from runs r join syncs s on s.id = r.sync_id order by r.id" >"$w5_runs_tsv"
}

# The destination holds every table with all its rows.
w5_verify() {
  local sql t
  sql=$(for t in $(w5_names); do echo "select count(*) as n from $t"; done | paste -sd '|' | sed 's/|/ union all /g')
  local rows; rows=$(w5_sql "$W5_DST" -c "select sum(n) from ($sql) c" 2>/dev/null || echo "missing tables")
  w5_metric destination_rows "$rows"
  if [ "$rows" != "$((W5_SYNCS * W5_ROWS))" ]; then log "  $W5_DST holds $rows rows, not $((W5_SYNCS * W5_ROWS))"; return 1; fi
  log "  $W5_DST holds all $rows rows in $W5_SYNCS tables"
}

w5_summary() {
  python3 "$here/summarize_w5.py" "$w5_tsv" "$w5_planned_tsv" "$w5_runs_tsv" "$w5_samples_tsv" "$w5_jstat_log" "$w5_gc_log"
}

w5() {
  log "W5: the server with $W5_SYNCS $W5_SYNC_TYPE syncs on schedule 1min (Postgres -> Postgres, $W5_ROWS rows each), $W5_MINUTES minutes"
  : >"$w5_tsv"
  trap 'w5_cleanup' EXIT
  trap 'exit 130' INT TERM
  w5_setup
  w5_metric syncs "$W5_SYNCS"; w5_metric rows_per_table "$W5_ROWS"; w5_metric sync_type "$W5_SYNC_TYPE"
  w5_metric minutes "$W5_MINUTES"; w5_metric tail_s "$W5_TAIL_S"; w5_metric cores "$(nproc)"
  w5_metric load_average_start "$(cut -d' ' -f1-3 /proc/loadavg)"
  w5_start_server
  w5_jdk_bin=$(dirname "$(readlink -f "/proc/$w5_server_pid/exe")")
  w5_metric jvm_start_ms "$(w5_jvm_start_ms "$w5_server_pid")"
  log "  server pid $w5_server_pid on port $w5_port; applying the workspace"
  w5_apply
  local applied; applied=$(awk -F'\t' '$1 == "apply_end_ms" { print $2 }' "$w5_tsv")
  w5_sampler & w5_helper_pids+=("$!")
  "$w5_jdk_bin/jstat" -gc -t "$w5_server_pid" 10000 >"$w5_jstat_log" 2>&1 & w5_helper_pids+=("$!")
  local end=$((applied + W5_MINUTES * 60000)) minute=1
  while [ "$(w5_now_ms)" -lt "$end" ]; do
    sleep 5
    alive "$w5_server_pid" || { log "  the server exited:"; tail -n 5 "$w5_server_log" >&2; return 1; }
    if [ "$(w5_now_ms)" -ge $((applied + minute * 60000)) ]; then
      # The live heap after the first minute (classes loaded, pools warm) is the reference for the last one.
      [ "$minute" = 1 ] && w5_full_gc
      log "  minute $minute: $(w5_sql "$W5_STATE" -c "select count(*) || ' runs, ' || count(*) filter (where status <> 'succeeded') || ' not succeeded' from runs"); load $(cut -d' ' -f1 /proc/loadavg)"
      minute=$((minute + 1))
    fi
  done
  w5_full_gc
  w5_metric stop_ms "$(w5_now_ms)"
  w5_metric server_cpu_s "$(cpu_seconds "$w5_server_pid")"
  w5_metric load_average_end "$(cut -d' ' -f1-3 /proc/loadavg)"
  local status=0
  stop_process "$w5_server_pid" || status=$?
  w5_server_pid=""
  w5_metric stopped_ms "$(w5_now_ms)"
  w5_metric server_exit_status "$status"
  log "  server stopped by SIGTERM (exit status $status)"
  w5_cleanup
  trap - EXIT INT TERM
  w5_dump_runs
  w5_verify || true
}
