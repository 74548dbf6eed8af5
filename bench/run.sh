#!/usr/bin/env bash
# The benchmark command: builds the harness (and the fraud job it uploads to Flink), then runs every
# scenario on a real KRaft broker and a real Flink cluster and writes docs/benchmarks.md with its
# charts in docs/benchmarks/. About 25 minutes on 2 cores; `bench/run.sh --quick` checks the
# harness in about 6 minutes (and says so in the report). `bench/run.sh --help` lists the options.
set -euo pipefail
cd "$(dirname "$0")/.."

# The control-plane scenario drives load with wrk from a second process.
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null 2>&1 \
      || echo "bench/run.sh: could not install wrk; the control-plane load test will say so"
  else
    echo "bench/run.sh: wrk not found (apt-get install wrk); the control-plane load test will say so"
  fi
fi

./mvnw -B -q -pl benchmarks -am package -DskipTests

# The report names the code it measured: uncommitted changes outside docs/ mark it dirty.
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if ! git diff --quiet HEAD -- . ':!docs' 2>/dev/null; then
  commit="$commit-dirty"
fi

echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
# The Flink cluster runs in this JVM, so its heap is sized as Flink sizes a TaskManager's: initial
# = maximum. Growing from a small heap (and shrinking back at each collection between passes) kept
# G1's young generation small and made it copy the aggregate rules' window state more often.
exec java @benchmarks/target/flink-jvm.options -Xms3g -Xmx3g -XX:+UseG1GC -Dfraud.bench.commit="$commit" \
  -jar benchmarks/target/benchmarks.jar --command "bench/run.sh $*" "$@"
