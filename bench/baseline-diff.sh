#!/usr/bin/env bash
# W4's baseline, timed as one process by bench/run.sh: what change tracking cannot avoid doing — read the whole model
# once (binary COPY to /dev/null) and classify 5M keys against the previous snapshot with a DuckDB hash join of two
# (key, hash) tables (HashJoinBaseline, in memory). Prints the COPY's and the join's own times for run.sh to record.
#   baseline-diff.sh SRC_DB ROWS      (PGHOST/PGPORT/PGUSER and JAVA_HOME from the environment)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src=$1 rows=$2
start=$(date +%s%N)
psql -X -q -v ON_ERROR_STOP=1 -d "$src" -c '\copy wide to stdout (format binary)' >/dev/null
echo "binary copy to /dev/null in $(( ($(date +%s%N) - start) / 1000000 )) ms"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$here/target/tidemark-bench-0.1.0-SNAPSHOT.jar:$here/target/lib/*" \
  io.tidemark.bench.HashJoinBaseline "$rows"
