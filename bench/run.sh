#!/usr/bin/env bash
# Tidemark benchmarks (never run by ./mvnw verify). See bench/README.md.
#
#   bench/run.sh [w1|w2|w3|w4|w5|http|memory|all]   (default: all, which leaves out w5, ten minutes of server load, and
#                                                   http, issue 8's W5: a diff sync into a rate-limited API)
#
# Environment: ROWS (default 5000000), RUNS (counted runs per contender, default 5, for w3 alone 3; at most 97 for w4),
# BENCH_DIR (default /tmp/tidemark-bench), PGPORT (default 55432), TIDEMARK_BIN (the CLI launcher, default ./tidemark),
# BUILD=0 (use the current build);
# W3's, W5's and HTTP's own settings are in w3.sh, w5.sh and http.sh. Needs Debian's postgresql-15 (server, psql,
# pg_dump, pgbench; not for http): installed with apt-get when missing and running as root.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
. "$root/scripts/find-java.sh"
tidemark_find_java

what="${1:-all}"
ROWS="${ROWS:-5000000}"
RUNS="${RUNS:-$([ "$what" = w3 ] && echo 3 || echo 5)}"
BENCH_DIR="${BENCH_DIR:-/tmp/tidemark-bench}"
PGPORT="${PGPORT:-55432}"
PGBIN=/usr/lib/postgresql/15/bin
export PGHOST=127.0.0.1 PGPORT PGUSER=postgres
results="$BENCH_DIR/results.tsv"
heap_tsv="$BENCH_DIR/heap.tsv"
last_output="$BENCH_DIR/last-output.log"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

ensure_postgres() {
  if [ ! -x "$PGBIN/postgres" ]; then
    log "installing postgresql-15"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
  fi
  mkdir -p "$BENCH_DIR"
  chown postgres "$BENCH_DIR" 2>/dev/null || true
  as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  if [ ! -d "$BENCH_DIR/pg" ]; then
    as_pg "$PGBIN/initdb" -A trust -U postgres -D "$BENCH_DIR/pg" >/dev/null
    cat >> "$BENCH_DIR/pg/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = ''
shared_buffers = 1GB
max_wal_size = 16GB
checkpoint_timeout = 30min
wal_level = logical
CONF
  fi
  # W3 reads commit times of both ends (source and destination transactions); takes effect at the next start.
  grep -q '^track_commit_timestamp' "$BENCH_DIR/pg/postgresql.conf" || echo 'track_commit_timestamp = on' >>"$BENCH_DIR/pg/postgresql.conf"
  if ! "$PGBIN/pg_isready" -q; then
    as_pg "$PGBIN/pg_ctl" -D "$BENCH_DIR/pg" -l "$BENCH_DIR/pg.log" -w start >/dev/null
  fi
}

build() {
  log "building Tidemark"
  (cd "$root" && ./mvnw -q -B -DskipTests install -pl bench -am)
  # That built the CLI as ./tidemark does: mark it current, so that no timed run (W4's first) pays for a rebuild.
  touch "$root/tidemark-cli/target/.tidemark-built"
  # Let the first timed (warm-up) run train the start-up class-data archive on a real sync.
  rm -f "$root/tidemark-cli/target/tidemark.jsa"
}

# Alive and not a zombie (a child that exited stays in /proc until it is waited for).
alive() { [ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]; }

# A process's CPU time so far (user + system), in seconds: fields 14 and 15 of its stat, 12 and 13 after pid and comm.
cpu_seconds() { awk '{ sub(/^.*\) /, ""); print ($12 + $13) / '"$(getconf CLK_TCK)"' }' "/proc/$1/stat"; }

# Stops a process this script started: SIGTERM, up to 60 s to finish, then SIGKILL. Returns its exit status.
stop_process() {
  local pid=$1 i status=0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 600); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then log "  pid $pid did not stop within 60 s of SIGTERM; killing it"; kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || status=$?
  return "$status"
}

bench_cp="$here/target/tidemark-bench-0.1.0-SNAPSHOT.jar:$here/target/lib/*"
# Runs a class of the bench module: JVM options, then the class and its arguments.
bench_java() { "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$bench_cp" "$@"; }
bench_data() { bench_java io.tidemark.bench.BenchData "$@"; }
url() { echo "jdbc:postgresql://127.0.0.1:$PGPORT/$1?user=postgres"; }
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
recreate_db() { psql_q -d postgres -c "drop database if exists $1" -c "create database $1"; }

# Times a command (wall seconds) and its peak RSS (KiB); appends "workload contender run seconds rss" to results.
# The command's output goes to commands.log and, until the next timed command, to $last_output.
timed() {
  local workload=$1 contender=$2 run=$3; shift 3
  local start end status=0 tfile; tfile=$(mktemp)
  start=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$tfile" bash -c "$*" >"$last_output" 2>&1 || status=$?
  end=$(date +%s.%N)
  cat "$last_output" >>"$BENCH_DIR/commands.log"
  if [ "$status" != 0 ]; then
    log "$workload $contender run $run failed (exit $status):"; tail -n 5 "$last_output" >&2; rm -f "$tfile"; return "$status"
  fi
  printf '%s\t%s\t%s\t%.3f\t%s\n' "$workload" "$contender" "$run" "$(echo "$end - $start" | bc)" "$(tail -n 1 "$tfile")" >>"$results"
  rm -f "$tfile"
}

# Appends a figure the latest timed command printed about itself (milliseconds, picked by a sed -E expression that
# prints the number) to results as "workload contender run seconds" with no RSS. Absent figures are skipped.
record_ms() {
  local workload=$1 contender=$2 run=$3 expr=$4 ms
  ms=$(sed -nE "$expr" "$last_output" | tail -n 1)
  if [ -n "$ms" ]; then
    printf '%s\t%s\t%s\t%.3f\t\n' "$workload" "$contender" "$run" "$(echo "scale=3; $ms / 1000" | bc)" >>"$results"
  fi
}

workspace() {
  cat > "$BENCH_DIR/tidemark.yaml" <<YAML
connections:
  src:   { type: postgres, url: "$(url src)", user: postgres }
  dst:   { type: postgres, url: "$(url dst_tidemark)", user: postgres }
  wh:    { type: duckdb, path: $BENCH_DIR/warehouse.duckdb }
  mirror: { type: postgres, url: "$(url dst_mirror)", user: postgres }
models:
  wide: { connection: src, table: public.wide, primary_key: [id] }
syncs:
  w1_full:    { model: wide, destination: dst, table: wide, sync_type: full_refresh }
  w2_pg:      { model: wide, destination: dst, table: wide_incr, sync_type: incremental, cursor_field: seq, cursor_type: integer }
  w2_duckdb:  { model: wide, destination: wh, table: wide_incr, sync_type: incremental, cursor_field: seq, cursor_type: integer }
  mem_duckdb: { model: wide, destination: wh, table: wide_full, sync_type: full_refresh }
  w4_mirror:  { model: wide, destination: mirror, table: wide, sync_type: diff, mode: mirror, delete_behavior: delete }
YAML
}

TIDEMARK_BIN="${TIDEMARK_BIN:-$root/tidemark}"
TIDEMARK="TIDEMARK_JAVA_OPTS='${TIDEMARK_JAVA_OPTS:--Xmx512m}' $TIDEMARK_BIN"
WS="-f $BENCH_DIR/tidemark.yaml --state-store jdbc:sqlite:$BENCH_DIR/state.db"

# The destination table the baselines load: the source's columns and types, with the primary key.
wide_ddl() {
  psql_q -d src -Atc "select 'create table wide (' || string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' order by attnum) || ', primary key (id))' from pg_attribute where attrelid = 'wide'::regclass and attnum > 0 and not attisdropped"
}

w1() {
  log "W1: full refresh of $ROWS rows, Postgres -> Postgres"
  recreate_db dst_tidemark; recreate_db dst_copy; recreate_db dst_dump
  local ddl; ddl=$(wide_ddl)
  local copy_pipe="psql -X -q -d dst_copy -c 'drop table if exists wide' -c '$ddl' && psql -X -q -d src -c '\\copy wide to stdout (format binary)' | psql -X -q -d dst_copy -c '\\copy wide from stdin (format binary)'"
  local dump_pipe="psql -X -q -d dst_dump -c 'drop table if exists wide' -c '$ddl' && pg_dump --data-only -t wide src | psql -X -q -d dst_dump"
  local run
  for run in $(seq 0 "$RUNS"); do   # run 0 is the warm-up
    timed w1 tidemark "$run" "$TIDEMARK run $WS w1_full"
    timed w1 psql_binary_copy "$run" "$copy_pipe"
    timed w1 pg_dump_psql "$run" "$dump_pipe"
  done
  for db in dst_tidemark dst_copy dst_dump; do
    log "  $db: $(psql_q -d $db -Atc 'select count(*) from wide')"
  done
}

w2() {
  log "W2: incremental, 1% of $ROWS rows changed per round, upsert into Postgres and DuckDB vs a psql script"
  recreate_db dst_script
  rm -f "$BENCH_DIR/warehouse.duckdb" "$BENCH_DIR/warehouse.duckdb.wal"
  psql_q -d dst_tidemark -c 'drop table if exists wide_incr' -c "delete from _tidemark_state where sync_key = 'w2_pg'" 2>/dev/null || true
  # Initial loads (not timed): Tidemark's two syncs, and the script's table with its high-water mark.
  eval "$TIDEMARK resync $WS w2_pg" >/dev/null
  eval "$TIDEMARK resync $WS w2_duckdb" >/dev/null
  psql_q -d dst_script -c 'drop table if exists wide' -c "$(wide_ddl)" -c 'create table script_state (hwm bigint not null)' \
    -c "insert into script_state values (0)"
  psql_q -d src -c '\copy wide to stdout (format binary)' | psql_q -d dst_script -c '\copy wide from stdin (format binary)'
  psql_q -d dst_script -c 'update script_state set hwm = (select max(seq) from wide)'
  local run
  for run in $(seq 0 "$RUNS"); do
    bench_data touch "$(url src)" 100 "$((run + 1))"
    timed w2 tidemark_postgres "$run" "$TIDEMARK run $WS w2_pg"
    timed w2 tidemark_duckdb "$run" "$TIDEMARK run $WS w2_duckdb"
    timed w2 psql_script "$run" "$here/baseline-incremental.sh src dst_script"
  done
  log "  rows equal: $(psql_q -d dst_tidemark -Atc 'select count(*) from wide_incr') / $(psql_q -d dst_script -Atc 'select count(*) from wide')"
}

# W4's Tidemark command: the issue's 1 GB heap limit, and with an argument a GC log there to read the heap from.
tidemark_w4() {
  echo "TIDEMARK_JAVA_OPTS='${TIDEMARK_JAVA_OPTS:--Xmx1g}${1:+ -Xlog:gc:file=$1}' $TIDEMARK_BIN"
}

# Appends "label collections peak_heap_after_gc_mib" to heap.tsv from a GC log: the largest heap occupancy right after
# a collection bounds the live data from above (unified logging prints "Pause Young ... 310M->42M(1024M) 3.1ms").
heap_after_gc() {
  local label=$1 gclog=$2
  { grep -oE '[0-9]+[KMG]->[0-9]+[KMG]\([0-9]+[KMG]\)' "$gclog" || true; } | sed -E 's/.*->([0-9]+)([KMG]).*/\1 \2/' \
    | awk -v label="$label" '{ v = $1; if ($2 == "K") v /= 1024; if ($2 == "G") v *= 1024; if (v > m) m = v; n++ }
        END { printf "%s\t%d\t%.0f\n", label, n, m }' >>"$heap_tsv"
}

# Count and checksum over the model's columns in the source and in the mirror: they must be equal after W4.
w4_verify() {
  local cols sql model mirror
  cols=$(psql_q -d src -Atc "select string_agg(quote_ident(attname), ', ' order by attnum) from pg_attribute where attrelid = 'wide'::regclass and attnum > 0 and not attisdropped")
  sql="select count(*) || ' rows, checksum ' || coalesce(sum(hashtextextended(row($cols)::text, 0)), 0) from wide"
  model=$(psql_q -d src -Atc "$sql"); mirror=$(psql_q -d dst_mirror -Atc "$sql")
  if [ "$model" != "$mirror" ]; then log "  W4 mirror differs from the model: model $model, mirror $mirror"; return 1; fi
  log "  mirror equals the model: $model"
}

# Changes 1% of the source for W4's round $1 (untimed) and logs what changed.
w4_churn() {
  local changed; changed=$(bench_data churn "$(url src)" "$1")
  log "  $changed"
}

w4() {
  log "W4: diff sync in mirror mode of $ROWS rows, Postgres -> Postgres; 1% changed per round (0.5% updated, 0.25% inserted, 0.25% deleted)"
  recreate_db dst_mirror
  rm -rf "$BENCH_DIR/.tidemark/tracking"   # snapshots of earlier benchmark invocations
  # The first run has nothing to compare with and sends every row: timed on its own, heap from its GC log.
  timed w4_initial tidemark 1 "$(tidemark_w4 "$BENCH_DIR/w4-initial-gc.log") run $WS w4_mirror --json"
  heap_after_gc initial_run "$BENCH_DIR/w4-initial-gc.log"
  local run
  for run in $(seq 0 "$RUNS"); do   # run 0 is the warm-up; the source changes before each round, untimed
    w4_churn "$((run + 1))"
    # -v logs the diff step's own time ("sync w4_mirror: diff ... N ms"); --json prints the run record with its counts.
    timed w4 tidemark "$run" "$(tidemark_w4) run $WS w4_mirror --json -v"
    log "  tidemark: $(sed -nE 's/.*"(rows_written|rows_deleted)" : ([0-9]+).*/\1 \2/p' "$last_output" | paste -sd ' ')"
    record_ms w4_steps tidemark_diff_step "$run" 's/.*sync w4_mirror: diff .* ([0-9]+) ms.*/\1/p'
    record_ms w4_steps tidemark_engine_run "$run" 's/.*"duration_ms" : ([0-9]+).*/\1/p'
    timed w4 baseline "$run" "$here/baseline-diff.sh src $ROWS"
    record_ms w4_steps baseline_copy "$run" 's/^binary copy to \/dev\/null in ([0-9]+) ms$/\1/p'
    record_ms w4_steps baseline_hash_join "$run" 's/^hash join classified .* in ([0-9]+) ms .*/\1/p'
  done
  # One more round, not among the counted ones, with a GC log: the heap of a steady diff run.
  w4_churn "$((RUNS + 2))"
  timed w4_heap tidemark 1 "$(tidemark_w4 "$BENCH_DIR/w4-diff-gc.log") run $WS w4_mirror --json"
  heap_after_gc diff_run "$BENCH_DIR/w4-diff-gc.log"
  w4_verify
}

memory() {
  log "Memory: full refresh Postgres -> DuckDB (decoded rows, staged, bulk-loaded) at 1M and $ROWS rows"
  local n heap
  for n in 1000000 "$ROWS"; do
    bench_data create "$(url src)" "$n"
    for heap in 512m 128m; do
      # Passing with the same small heap at 1M and at 5M rows is what "flat with table size" means here.
      timed memory "duckdb_${n}_rows_xmx${heap}" 1 "TIDEMARK_JAVA_OPTS='-Xmx$heap' $TIDEMARK_BIN resync $WS mem_duckdb"
      printf '%s rows, -Xmx%s: %s\n' "$n" "$heap" "$($TIDEMARK_BIN runs $WS mem_duckdb --limit 1 --json \
        | python3 -c 'import json,sys; r=json.load(sys.stdin)[0]; print(r["status"], r["rows_written"], "rows written", r["error"] or "")')" \
        >>"$BENCH_DIR/memory.txt"
    done
  done
}

# W3 (log-based CDC against a native subscription), W5 (the server under scheduled load) and HTTP (issue 8's W5: pacing
# against a rate-limited API) live in their own files.
. "$here/w3.sh"
. "$here/w5.sh"
. "$here/http.sh"

summary() {
  python3 "$here/summarize.py" "$results" "$heap_tsv" "$BENCH_DIR/w3.tsv" "$BENCH_DIR/w3-lag.tsv"
  if [ -f "$BENCH_DIR/memory.txt" ]; then printf '\nMemory runs:\n'; sed 's/^/- /' "$BENCH_DIR/memory.txt"; fi
  if [ -f "$w5_tsv" ]; then w5_summary; fi
  if [ -d "$http_runs" ]; then http_summary; fi
}

if [ "$what" != http ]; then ensure_postgres; fi
if [ "${BUILD:-1}" != 0 ]; then build; fi
mkdir -p "$BENCH_DIR"; : >"$results"; : >"$heap_tsv"; rm -f "$BENCH_DIR/memory.txt" "$BENCH_DIR"/w4-*-gc.log "$BENCH_DIR"/w3*.tsv "$w5_tsv"
rm -rf "$http_runs"
case "$what" in
  w3|w5|http) ;;   # they make their own, smaller sources
  *) recreate_db src
     log "generating $ROWS rows"
     bench_data create "$(url src)" "$ROWS"
     workspace ;;
esac
case "$what" in
  w1) w1 ;;
  w2) recreate_db dst_tidemark; w2 ;;
  w3) w3 ;;
  w4) w4 ;;
  w5) w5 ;;
  http) http_bench ;;
  memory) memory ;;
  all) w1; w2; w3; w4; memory ;;   # memory last: it regenerates the source at other sizes
  *) echo "usage: bench/run.sh [w1|w2|w3|w4|w5|http|memory|all]" >&2; exit 2 ;;
esac
summary
