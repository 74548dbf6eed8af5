#!/usr/bin/env bash
# Leader failover of the control plane on real processes: a KRaft broker, control-api replicas each
# in its own JVM; every round SIGKILLs the leader and measures until another replica leads. Prints
# each round, the median and the max. `bench/leader-failover.sh --help` lists the options
# (--rounds, --replicas, --session-timeout).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl benchmarks -am package -DskipTests
exec java -Xmx1g -cp benchmarks/target/benchmarks.jar \
  io.fraudpipeline.bench.leadership.LeaderFailover "$@"
