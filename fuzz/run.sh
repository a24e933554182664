#!/usr/bin/env bash
# Fuzzes gate64's parsers with Jazzer (coverage-guided, through JUnit): each target for DURATION, one JVM per target.
#   fuzz/run.sh [--runs N | DURATION] [TARGET...]     DURATION like 30s, 10m, 2h (default 10s); TARGET = Class#method
#   fuzz/run.sh --seeds                               rewrites the committed seed corpora (SeedCorpus)
# A finding (an exception or failed property) fails the run and leaves the input under
# fuzz/src/test/resources/net/gate64/fuzz/<Class>Inputs/<method>/crash-*: commit it, and the normal build replays it
# as a regression test from then on. Inputs the fuzzer found interesting go to fuzz/.cifuzz-corpus (not committed).
# Prints one line per target: "fuzz: TARGET runs=N seconds=S result=ok|FAILED"; with FUZZ_LOG=FILE also appends it there.
# Long runs on the shared machine: flock /work/bench.lock fuzz/run.sh 2h
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
all=(QueryWireFuzzTest#queryViewAndPacketKey ResponseReaderFuzzTest#readResponse TcpFramingFuzzTest#framing
     Nat64TranslatorFuzzTest#translate ConfigFuzzTest#recursorSettings ConfigFuzzTest#nat64Settings
     ConfigFuzzTest#zoneFiles)
duration=10s
runs=""
if [[ "${1:-}" == "--seeds" ]]; then
  ./mvnw -B -q -pl fuzz -am test-compile dependency:build-classpath -Dmdep.outputFile=target/fuzz-cp.txt \
    -Dmdep.includeScope=test >/dev/null
  cd fuzz && exec "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" \
    -cp "target/test-classes:$(cat target/fuzz-cp.txt)" net.gate64.fuzz.SeedCorpus
fi
if [[ "${1:-}" == "--runs" ]]; then runs=$2; shift 2; elif [[ "${1:-}" =~ ^[0-9]+[smh]?$ ]]; then duration=$1; shift; fi
targets=("$@")
(( ${#targets[@]} )) || targets=("${all[@]}")
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
./mvnw -B -q -pl fuzz -am test-compile >/dev/null # build once; each target below finds it built
failed=0
passed=0
for t in "${targets[@]}"; do
  log=$(mktemp)
  limit=(JAZZER_MAX_DURATION="$duration")
  [[ -n "$runs" ]] && limit=(JAZZER_MAX_EXECUTIONS="$runs" JAZZER_MAX_DURATION=100h)
  start=$(date +%s)
  if env JAZZER_FUZZ=1 "${limit[@]}" JAZZER_INSTRUMENTATION_INCLUDES='net.gate64.**:org.xbill.**:com.typesafe.**' \
      ./mvnw -B -o -pl fuzz -am test -Dtest="$t" -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1; then
    result=ok
  else
    result=FAILED; failed=1
    grep -E "== Java Exception|Caused by|AssertionError|crash-|Test unit written" "$log" | head -20 >&2 || true
  fi
  n=$(grep -oE "Done [0-9]+ runs" "$log" | grep -oE "[0-9]+" | tail -1 || true)
  line="fuzz: $t runs=${n:-?} seconds=$(( $(date +%s) - start )) result=$result"
  echo "$line"
  [[ -n "${FUZZ_LOG:-}" ]] && echo "$(date -u +%FT%TZ) $line" >> "$FUZZ_LOG"
  if [[ $result == ok ]]; then rm -f "$log"; passed=$((passed + 1)); else echo "fuzz: log kept in $log" >&2; fi
done
echo "fuzz: $passed passed, $(( ${#targets[@]} - passed )) failed"
exit $failed
