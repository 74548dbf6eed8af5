#!/usr/bin/env bash
# Recovery of the fraud job after its Flink cluster is lost, on real parts: a KRaft broker and a
# Flink session cluster in one JVM, the control-api in its own. Every round closes the Flink cluster
# and starts a fresh one on the same port and checkpoint storage, then times from its REST API
# answering to the control plane reporting the job RUNNING again. Prints each round, the median and
# the max. `bench/flink-recovery.sh --help` lists the options (--rounds).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl benchmarks -am package -DskipTests
exec java @benchmarks/target/flink-jvm.options -Xmx2g -cp benchmarks/target/benchmarks.jar \
  io.fraudpipeline.bench.recovery.FlinkRecovery "$@"
