#!/usr/bin/env bash
# JMH benchmarks and footprint tools of the recursor's hot paths (resolver/src/test/java/net/gate64/resolver/bench).
#   bench/jmh.sh [JMH options...]        e.g. bench/jmh.sh PacketCacheBench -t 2 -prof gc   (default PacketCacheBench)
#   bench/jmh.sh --main CLASS [args]     runs another main of that folder, e.g. --main CacheFootprint 1000000
# Builds the module and its test classes first. Run it under `flock /work/bench.lock` on a shared machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
./mvnw -q -B -pl resolver -am package -DskipTests
m2=${HOME}/.m2/repository
cp="resolver/target/test-classes:resolver/target/classes:resolver/target/lib/*"
cp="$cp:$m2/org/openjdk/jmh/jmh-core/1.37/jmh-core-1.37.jar:$m2/net/sf/jopt-simple/jopt-simple/5.0.4/jopt-simple-5.0.4.jar"
cp="$cp:$m2/org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar"
flags=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
if [[ "${1:-}" == --main ]]; then
  main=$2; shift 2
  exec "$JAVA_HOME/bin/java" "${flags[@]}" ${JMH_JAVA_OPTS:-} -cp "$cp" "net.gate64.resolver.bench.$main" "$@"
fi
exec "$JAVA_HOME/bin/java" "${flags[@]}" -cp "$cp" org.openjdk.jmh.Main "${@:-PacketCacheBench}"
