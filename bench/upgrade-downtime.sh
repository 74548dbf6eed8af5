#!/usr/bin/env bash
# Upgrade downtime on real parts, side by side in one run: the control plane's
# POST /api/v1/pipeline/upgrade (savepoint mode, readiness check) against a stop-with-savepoint and
# run of the other jar done by hand over Flink's REST API. A KRaft broker and a Flink session
# cluster in one JVM, the control-api in its own; one steady synthetic load feeds both pipelines.
# Downtime: the longest gap between two committed alerts around the upgrade (the old job's last
# alert to the new job's first). `bench/upgrade-downtime.sh --help` lists the options.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl benchmarks -am package -DskipTests
exec java @benchmarks/target/flink-jvm.options -Xmx2g -cp benchmarks/target/benchmarks.jar \
  io.fraudpipeline.bench.upgrade.UpgradeDowntime "$@"
