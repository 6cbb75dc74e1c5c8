#!/usr/bin/env bash
# Tidemark benchmarks (never run by ./mvnw verify). See bench/README.md.
#
#   bench/run.sh [w1|w2|memory|all]     (default: all)
#
# Environment: ROWS (default 5000000), RUNS (counted runs per contender, default 5), BENCH_DIR (default
# /tmp/tidemark-bench), PGPORT (default 55432). Needs Debian's postgresql-15 (server, psql, pg_dump): installed with
# apt-get when missing and running as root.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
. "$root/scripts/find-java.sh"
tidemark_find_java

what="${1:-all}"
ROWS="${ROWS:-5000000}"
RUNS="${RUNS:-5}"
BENCH_DIR="${BENCH_DIR:-/tmp/tidemark-bench}"
PGPORT="${PGPORT:-55432}"
PGBIN=/usr/lib/postgresql/15/bin
export PGHOST=127.0.0.1 PGPORT PGUSER=postgres
results="$BENCH_DIR/results.tsv"

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
  if ! "$PGBIN/pg_isready" -q; then
    as_pg "$PGBIN/pg_ctl" -D "$BENCH_DIR/pg" -l "$BENCH_DIR/pg.log" -w start >/dev/null
  fi
}

build() {
  log "building Tidemark"
  (cd "$root" && ./mvnw -q -B -DskipTests install -pl bench -am)
  # Let the first timed (warm-up) run train the start-up class-data archive on a real sync.
  rm -f "$root/tidemark-cli/target/tidemark.jsa"
}

bench_data() { "$JAVA_HOME/bin/java" -cp "$here/target/tidemark-bench-0.1.0-SNAPSHOT.jar:$here/target/lib/*" io.tidemark.bench.BenchData "$@"; }
url() { echo "jdbc:postgresql://127.0.0.1:$PGPORT/$1?user=postgres"; }
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
recreate_db() { psql_q -d postgres -c "drop database if exists $1" -c "create database $1"; }

# Times a command (wall seconds) and its peak RSS (KiB); appends "workload contender run seconds rss" to results.
timed() {
  local workload=$1 contender=$2 run=$3; shift 3
  local start end tfile; tfile=$(mktemp)
  start=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$tfile" bash -c "$*" >>"$BENCH_DIR/commands.log" 2>&1
  end=$(date +%s.%N)
  printf '%s\t%s\t%s\t%.3f\t%s\n' "$workload" "$contender" "$run" "$(echo "$end - $start" | bc)" "$(tail -n 1 "$tfile")" >>"$results"
  rm -f "$tfile"
}

workspace() {
  cat > "$BENCH_DIR/tidemark.yaml" <<YAML
connections:
  src:   { type: postgres, url: "$(url src)", user: postgres }
  dst:   { type: postgres, url: "$(url dst_tidemark)", user: postgres }
  wh:    { type: duckdb, path: $BENCH_DIR/warehouse.duckdb }
models:
  wide: { connection: src, table: public.wide, primary_key: [id] }
syncs:
  w1_full:    { model: wide, destination: dst, table: wide, sync_type: full_refresh }
  w2_pg:      { model: wide, destination: dst, table: wide_incr, sync_type: incremental, cursor_field: seq, cursor_type: integer }
  w2_duckdb:  { model: wide, destination: wh, table: wide_incr, sync_type: incremental, cursor_field: seq, cursor_type: integer }
  mem_duckdb: { model: wide, destination: wh, table: wide_full, sync_type: full_refresh }
YAML
}

TIDEMARK="TIDEMARK_JAVA_OPTS='${TIDEMARK_JAVA_OPTS:--Xmx512m}' $root/tidemark"
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

memory() {
  log "Memory: full refresh Postgres -> DuckDB (decoded rows, staged, bulk-loaded) at 1M and $ROWS rows"
  local n heap
  for n in 1000000 "$ROWS"; do
    bench_data create "$(url src)" "$n"
    for heap in 512m 128m; do
      # Passing with the same small heap at 1M and at 5M rows is what "flat with table size" means here.
      timed memory "duckdb_${n}_rows_xmx${heap}" 1 "TIDEMARK_JAVA_OPTS='-Xmx$heap' $root/tidemark resync $WS mem_duckdb"
      printf '%s rows, -Xmx%s: %s\n' "$n" "$heap" "$("$root/tidemark" runs $WS mem_duckdb --limit 1 --json \
        | python3 -c 'import json,sys; r=json.load(sys.stdin)[0]; print(r["status"], r["rows_written"], "rows written", r["error"] or "")')" \
        >>"$BENCH_DIR/memory.txt"
    done
  done
}

summary() {
  python3 "$here/summarize.py" "$results"
  if [ -f "$BENCH_DIR/memory.txt" ]; then printf '\nMemory runs:\n'; sed 's/^/- /' "$BENCH_DIR/memory.txt"; fi
}

ensure_postgres
build
mkdir -p "$BENCH_DIR"; : >"$results"; rm -f "$BENCH_DIR/memory.txt"
recreate_db src
log "generating $ROWS rows"
bench_data create "$(url src)" "$ROWS"
workspace
case "$what" in
  w1) w1 ;;
  w2) recreate_db dst_tidemark; w2 ;;
  memory) memory ;;
  all) w1; w2; memory ;;
  *) echo "usage: bench/run.sh [w1|w2|memory|all]" >&2; exit 2 ;;
esac
summary
