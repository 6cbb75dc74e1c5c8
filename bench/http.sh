# HTTP (issue 8's W5): a diff sync of changed rows into a rate-limited batch API — io.tidemark.bench.http.RateLimitedApi
# on 127.0.0.1 (token bucket, 429 with Retry-After beyond it, latency that triples halfway). Sourced by run.sh, whose
# helpers it uses (log, timed, bench_java, $bench_cp, alive, stop_process, cpu_seconds, $TIDEMARK, $BENCH_DIR, $results,
# $last_output). What is measured: bench/README.md, "HTTP".
#
# Environment: HTTP_ROWS (500000) and HTTP_LONG_ROWS (3000000; 0 = no long variants): the source sizes; HTTP_RATE (1000)
# and HTTP_BURST (50): the server's token bucket; HTTP_LATENCY_MS (20), HTTP_JITTER_MS (5), HTTP_SLOWDOWN (3): the
# latency and its factor from half the rows on; HTTP_CONCURRENCY (128): the connection's max_concurrency;
# HTTP_BATCH (100): records per request; HTTP_SYNC_BATCH_SIZE (100): the sync's batch_size, one request's records (empty = the engine's default, 10,000);
# HTTP_RUNS (1): runs per variant; HTTP_PROBE_S (10): seconds per server-ceiling probe; HTTP_WARMUP_S (3): the server's
# warm-up before each run; HTTP_SERVER_OPTS (-Xmx256m).
# Results stay in $BENCH_DIR/http/runs/<variant>-<run>/ (meta.tsv, summary.json, timeline.csv, the client's and the
# server's output); the generated sources in $BENCH_DIR/http/items-<rows>.sqlite, reused by later invocations.

HTTP_ROWS="${HTTP_ROWS:-500000}"
HTTP_LONG_ROWS="${HTTP_LONG_ROWS:-3000000}"
HTTP_RATE="${HTTP_RATE:-1000}"
HTTP_BURST="${HTTP_BURST:-50}"
HTTP_LATENCY_MS="${HTTP_LATENCY_MS:-20}"
HTTP_JITTER_MS="${HTTP_JITTER_MS:-5}"
HTTP_SLOWDOWN="${HTTP_SLOWDOWN:-3}"
HTTP_CONCURRENCY="${HTTP_CONCURRENCY:-128}"
HTTP_BATCH="${HTTP_BATCH:-100}"
HTTP_SYNC_BATCH_SIZE="${HTTP_SYNC_BATCH_SIZE:-100}"
HTTP_RUNS="${HTTP_RUNS:-1}"
HTTP_PROBE_S="${HTTP_PROBE_S:-10}"
HTTP_WARMUP_S="${HTTP_WARMUP_S:-3}"
HTTP_SERVER_OPTS="${HTTP_SERVER_OPTS:--Xmx256m}"
http_dir="$BENCH_DIR/http"
http_runs="$http_dir/runs"
http_server_pid=""
http_port=""

http_meta() { printf '%s\t%s\n' "$2" "$3" >>"$1/meta.tsv"; }

# Starts the API server with the given options, results to folder $1 when it stops; sets http_server_pid, http_port.
# Returns once it is warmed up and reset.
http_start_server() {
  local dir=$1 i; shift
  # exec: the pid is the JVM's, which SIGTERM must reach.
  ( exec "$JAVA_HOME/bin/java" $HTTP_SERVER_OPTS -cp "$bench_cp" io.tidemark.bench.http.RateLimitedApi --out "$dir" "$@" ) >"$dir/server.log" 2>&1 &
  http_server_pid=$!
  for i in $(seq 300); do
    http_port=$(sed -nE 's|^listening on http://127\.0\.0\.1:([0-9]+) .*|\1|p' "$dir/server.log")
    [ -n "$http_port" ] && break
    alive "$http_server_pid" || { log "  the API server exited:"; tail -n 5 "$dir/server.log" >&2; return 1; }
    sleep 0.1
  done
  [ -n "$http_port" ] || { log "  the API server did not listen within 30 s"; return 1; }
  # Warmed up, then reset: the measured client meets the server's compiled code, not its JIT.
  bench_java io.tidemark.bench.http.LoadGenerator --url "http://127.0.0.1:$http_port/batch" --concurrency 32 \
    --seconds "$HTTP_WARMUP_S" --batch "$HTTP_BATCH" >"$dir/warmup.log" 2>&1
  curl -sS -m 10 -X POST "http://127.0.0.1:$http_port/reset" >/dev/null
  http_meta "$dir" server "$(head -n 1 "$dir/server.log")"
  http_meta "$dir" server_cpu_start_s "$(cpu_seconds "$http_server_pid")"   # its start and warm-up, not the measured load
  http_meta "$dir" load_average_start "$(cut -d' ' -f1-3 /proc/loadavg)"
}

# Stops the server with SIGTERM (it writes summary.json and timeline.csv then), recording its CPU time first.
http_stop_server() {
  local dir=$1 status=0
  http_meta "$dir" server_cpu_s "$(cpu_seconds "$http_server_pid")"
  http_meta "$dir" load_average_end "$(cut -d' ' -f1-3 /proc/loadavg)"
  stop_process "$http_server_pid" || status=$?
  http_server_pid=""
  # 143: the JVM ends on SIGTERM after its shutdown hooks, which write the results.
  [ "$status" = 0 ] || [ "$status" = 143 ] || log "  the API server exited with status $status"
  [ -f "$dir/summary.json" ] || { log "  the API server wrote no summary.json:"; tail -n 5 "$dir/server.log" >&2; return 1; }
}

http_cleanup() {
  if [ -n "$http_server_pid" ]; then stop_process "$http_server_pid" || true; http_server_pid=""; fi
}

# The source: $1 rows in a SQLite file (kept between invocations: generating 3M rows takes a while).
http_source() {
  local file="$http_dir/items-$1.sqlite"
  if [ ! -f "$file" ]; then
    log "  generating the source: $1 rows in $file"
    bench_java io.tidemark.bench.BenchData items "jdbc:sqlite:$file.tmp" "$1" && mv "$file.tmp" "$file"
  fi
  echo "$file"
}

# The workspace of one run: the source, the API on $http_port (with a requests_per_second ceiling when $2 > 0).
http_workspace() {
  local source=$1 ceiling=$2 request
  request="{ method: POST, url: /batch, batch: { size: $HTTP_BATCH, format: json_array } }"
  cat <<YAML
connections:
  src: { type: sqlite, path: $source }
  api:
    type: http
    base_url: "http://127.0.0.1:$http_port"
    max_concurrency: $HTTP_CONCURRENCY$([ "$ceiling" -gt 0 ] && printf '\n    requests_per_second: %s' "$ceiling")
    objects:
      items:
        added:   $request
        changed: $request
models:
  items: { connection: src, table: items, primary_key: [id] }
syncs:
  items: { model: items, destination: api, table: items, sync_type: diff${HTTP_SYNC_BATCH_SIZE:+, batch_size: $HTTP_SYNC_BATCH_SIZE} }
YAML
}

# One Tidemark run: variant $1, source of $2 rows, the client's requests_per_second ceiling $3 (0 = none), the server's
# rate $4 (0 = unlimited), run number $5. Every row is new to the sync (a fresh folder: no snapshot), so all are `added`.
http_tidemark() {
  local variant=$1 rows=$2 ceiling=$3 rate=$4 run=$5 source slowdown=0 status=0
  local dir="$http_runs/$variant-$run"
  source=$(http_source "$rows")
  rm -rf "$dir"; mkdir -p "$dir"
  # Half the rows accepted = halfway; the unlimited run measures the client's ceiling at a constant latency.
  [ "$rate" -gt 0 ] && slowdown=$((rows / 2))
  http_meta "$dir" variant "$variant"; http_meta "$dir" run "$run"; http_meta "$dir" client tidemark
  http_meta "$dir" rows "$rows"; http_meta "$dir" requests_per_second "$ceiling"
  http_meta "$dir" max_concurrency "$HTTP_CONCURRENCY"; http_meta "$dir" batch "$HTTP_BATCH"
  http_start_server "$dir" --rate "$rate" --burst "$HTTP_BURST" --latency-ms "$HTTP_LATENCY_MS" --jitter-ms "$HTTP_JITTER_MS" \
    --slowdown-factor "$HTTP_SLOWDOWN" --slowdown-after-records "$slowdown" --id-capacity "$((rows + 1))"
  http_workspace "$source" "$ceiling" >"$dir/tidemark.yaml"
  log "  $variant run $run: $rows rows, server rate ${rate:-0}/s (0 = unlimited), client ceiling ${ceiling}/s (0 = none)"
  # `times` prints the CPU time of the shell's children last: Tidemark's process.
  timed http "$variant" "$run" "$TIDEMARK run -f $dir/tidemark.yaml --state-store jdbc:sqlite:$dir/state.db items --json; s=\$?; times; exit \$s" \
    || status=$?
  cp "$last_output" "$dir/client.log"
  http_meta "$dir" client_exit_status "$status"
  if [ "$status" = 0 ]; then
    http_meta "$dir" client_wall_s "$(tail -n 1 "$results" | cut -f4)"; http_meta "$dir" client_rss_kib "$(tail -n 1 "$results" | cut -f5)"
  fi
  http_stop_server "$dir"
  log "  $(python3 "$here/summarize_http.py" --brief "$dir")"
}

# The reference client: LoadGenerator paced at exactly the server's rate, no adaptation, no retries, as long as the
# long variant sends; the server slows down halfway in time. What a perfectly informed client gets from the bucket.
http_reference() {
  local rows=$1 run=$2 seconds dir="$http_runs/paced_reference-$2"
  seconds=$(( (rows / HTTP_BATCH + HTTP_RATE - 1) / HTTP_RATE ))
  rm -rf "$dir"; mkdir -p "$dir"
  http_meta "$dir" variant paced_reference; http_meta "$dir" run "$run"; http_meta "$dir" client load_generator
  http_meta "$dir" requests_per_second "$HTTP_RATE"; http_meta "$dir" max_concurrency "$HTTP_CONCURRENCY"; http_meta "$dir" batch "$HTTP_BATCH"
  http_start_server "$dir" --rate "$HTTP_RATE" --burst "$HTTP_BURST" --latency-ms "$HTTP_LATENCY_MS" --jitter-ms "$HTTP_JITTER_MS" \
    --slowdown-factor "$HTTP_SLOWDOWN" --slowdown-after-ms "$((seconds * 500))"
  log "  paced_reference run $run: LoadGenerator at $HTTP_RATE requests/s, $HTTP_CONCURRENCY workers, $seconds s"
  bench_java io.tidemark.bench.http.LoadGenerator --url "http://127.0.0.1:$http_port/batch" --concurrency "$HTTP_CONCURRENCY" \
    --seconds "$seconds" --batch "$HTTP_BATCH" --rate "$HTTP_RATE" >"$dir/client.log" 2>&1
  http_stop_server "$dir"
  log "  $(python3 "$here/summarize_http.py" --brief "$dir")"
}

# The server's own ceiling: no limit, LoadGenerator sending back to back ($1 ms latency, $2 workers). Both share the
# machine's cores, so the figure is a lower bound; the server's CPU time per request says what it costs.
http_server_ceiling() {
  local latency=$1 workers=$2 dir="$http_runs/server_ceiling_${1}ms_c$2-1"
  rm -rf "$dir"; mkdir -p "$dir"
  http_meta "$dir" variant "server_ceiling_${latency}ms_c$workers"; http_meta "$dir" run 1; http_meta "$dir" client load_generator
  http_meta "$dir" max_concurrency "$workers"; http_meta "$dir" batch "$HTTP_BATCH"
  http_start_server "$dir" --rate 0 --latency-ms "$latency" --jitter-ms 0
  log "  server ceiling: $workers workers back to back, latency $latency ms, $HTTP_PROBE_S s"
  bench_java io.tidemark.bench.http.LoadGenerator --url "http://127.0.0.1:$http_port/batch" --concurrency "$workers" \
    --seconds "$HTTP_PROBE_S" --batch "$HTTP_BATCH" >"$dir/client.log" 2>&1
  http_stop_server "$dir"
  log "  $(cat "$dir/client.log")"
}

http_bench() {
  log "HTTP: diff sync of $HTTP_ROWS (and $HTTP_LONG_ROWS) new rows into a local API limited to $HTTP_RATE requests/s (burst $HTTP_BURST), $HTTP_BATCH records a request"
  trap 'http_cleanup' EXIT
  trap 'exit 130' INT TERM
  rm -rf "$http_runs"; mkdir -p "$http_runs"
  http_server_ceiling 0 64
  http_server_ceiling "$HTTP_LATENCY_MS" 512
  local run long="$HTTP_LONG_ROWS"
  [ "$long" -gt 0 ] || long="$HTTP_ROWS"
  for run in $(seq "$HTTP_RUNS"); do
    http_reference "$long" "$run"
    http_tidemark adaptive "$HTTP_ROWS" 0 "$HTTP_RATE" "$run"
    http_tidemark ceiling "$HTTP_ROWS" "$HTTP_RATE" "$HTTP_RATE" "$run"
    if [ "$HTTP_LONG_ROWS" -gt 0 ]; then
      http_tidemark adaptive_long "$HTTP_LONG_ROWS" 0 "$HTTP_RATE" "$run"
      http_tidemark ceiling_long "$HTTP_LONG_ROWS" "$HTTP_RATE" "$HTTP_RATE" "$run"
    fi
    http_tidemark unlimited "$long" 0 0 "$run"
  done
  trap - EXIT INT TERM
}

http_summary() {
  python3 "$here/summarize_http.py" "$http_runs"/*/
}
