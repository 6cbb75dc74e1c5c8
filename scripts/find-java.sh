# Sourced by ./tidemark and .ci/run: finds a JDK >= 21 and exports JAVA_HOME.
# Order: $JAVA_HOME, `java` on PATH, then the usual install folders. Says clearly what is missing.

tidemark_java_major() {
  # The JDK's release file answers without starting a JVM (start-up time matters for short runs).
  if [ -f "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" | head -n 1
  else
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n 1
  fi
}

tidemark_find_java() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  local d
  for d in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/*jdk* /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.sdkman/candidates/java/*; do
    [ -x "$d/bin/java" ] && candidates+=("$d")
  done
  local best="" best_major=0 c major
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    major=$(tidemark_java_major "$c")
    major=${major%%.*}
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      # The first JDK >= 21 wins: an explicit JAVA_HOME is respected when it qualifies.
      best="$c"; best_major=$major; break
    fi
  done
  if [ -z "$best" ]; then
    echo "Tidemark needs a JDK 21 or newer (java and javac); none was found in JAVA_HOME, on PATH or in /usr/lib/jvm." >&2
    echo "Install one (e.g. 'apt-get install openjdk-21-jdk', or Temurin 21+) and/or set JAVA_HOME to it." >&2
    return 3
  fi
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
}
