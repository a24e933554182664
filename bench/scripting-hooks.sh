#!/usr/bin/env bash
# Hook calls per second, LuaJ against GraalJS (interpreted: stock JDK, no JVMCI), one thread, through the same call
# path the resolver uses. Prints a table; the figures go to docs/benchmarks.md ("Scripting").
#   bench/scripting-hooks.sh [seconds-per-round]     (default 3; 5 rounds after a warm-up per case)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs=${1:-3}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
./mvnw -q -o -pl scripting -am install -DskipTests
./mvnw -q -o -pl scripting test-compile
cp=$(./mvnw -q -o -pl scripting dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test)
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx1g \
  -cp "scripting/target/classes:scripting/target/test-classes:$cp" net.gate64.scripting.bench.HookBench "$secs"
