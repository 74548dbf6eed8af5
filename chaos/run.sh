#!/usr/bin/env bash
# The chaos command: builds the harness (and the control-api it starts), then starts a real cluster
# on this machine, every part its own JVM (3 KRaft brokers, a Flink JobManager and 2 TaskManagers,
# 2 control-api replicas), runs every fault scenario under load and writes docs/reliability.md
# with a chart per scenario in docs/reliability/. Exits non-zero when any scenario lost or
# duplicated an alert, the system did not recover, or a scenario could not be measured.
# `chaos/run.sh --quick` runs a short subset (TaskManager kill, broker kill);
# `chaos/run.sh --only broker-freeze` (ids comma-separated) runs only the named scenarios.
set -euo pipefail
cd "$(dirname "$0")/.."

# CHAOS_SKIP_BUILD=true runs the jars a build just made (.ci/run, right after `./mvnw verify`)
# instead of packaging every module again (27 s of CI's 2 cores).
if [ "${CHAOS_SKIP_BUILD:-false}" = true ]; then
  if [ ! -f chaos/target/chaos.jar ]; then
    echo "CHAOS_SKIP_BUILD=true, but chaos/target/chaos.jar is missing: build it first" >&2
    exit 2
  fi
else
  ./mvnw -B -q -pl chaos -am package -DskipTests
fi

# The report names the code it measured.
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if ! git diff --quiet HEAD -- . ':!docs/reliability.md' ':!docs/reliability' 2>/dev/null; then
  commit="$commit-dirty"
fi

echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
# CHAOS_REPORT writes the report elsewhere (CI keeps docs/reliability.md as the last full run).
exec java -Xmx1g -XX:+UseG1GC -Dbench.log.file=chaos/target/chaos-harness.log \
  -Dfraud.chaos.commit="$commit" -Dfraud.chaos.command="chaos/run.sh $*" \
  -Dfraud.chaos.report="${CHAOS_REPORT:-docs/reliability.md}" \
  -jar chaos/target/chaos.jar "$@"
