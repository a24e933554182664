#!/usr/bin/env bash
# Where gate64's CPU goes per translated 64-byte UDP packet: the bed of bench/nat64-cpu.sh (gateway on CPU 0, one
# worker, iperf3 on CPU 1 sending 64-byte UDP as fast as it can), perf record (cpu-clock, all threads of the JVM)
# for SECS seconds, JIT-compiled Java frames named through the JVM's perf map (jcmd Compiler.perfmap, written to
# /tmp/perf-PID.map, which perf report reads). Prints the top symbols, user space and kernel, by share of samples.
#   bench/nat64-profile.sh [seconds] [-Dkey=value ...]   (default 10 s; e.g. -Dio-uring=true; needs root and perf)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs=${1:-10}
shift $(( $# >= 1 ? 1 : 0 )) || true
[[ $(id -u) == 0 ]] || { echo "bench/nat64-profile.sh needs root (network namespaces, TUN)" >&2; exit 1; }
command -v perf >/dev/null || { echo "bench/nat64-profile.sh needs perf (Debian: linux-perf)" >&2; exit 1; }
. bench/lib.sh
install_missing iperf3:iperf3
./gate64 nat64 --help >/dev/null   # builds the module when needed
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
. bench/nat64-bed.sh
nat64_bed_up
ip netns exec $S taskset -c 1 iperf3 -s -D -I "$work/iperf3.pid" >/dev/null
sleep 0.5; pids+=("$(cat "$work/iperf3.pid")")
# frame pointers in JIT code so perf -g can walk Java stacks
GATE64_JAVA_OPTS="${GATE64_JAVA_OPTS:-} -XX:+PreserveFramePointer" start_gate64 0 -Dthreads=1 "$@"
pids+=("$gw_pid")
ip netns exec $C taskset -c 1 iperf3 -c 2001:db8:64::c633:6402 -u -l 64 -b 0 -t 5 >/dev/null 2>&1 || true  # warm-up
ip netns exec $C taskset -c 1 iperf3 -c 2001:db8:64::c633:6402 -u -l 64 -b 0 -t $((secs + 2)) >"$work/client.out" 2>&1 &
client=$!
sleep 1
perf record -q -e cpu-clock -F 4000 -g -p "$gw_pid" -o "$work/perf.data" -- sleep "$secs" 2>/dev/null
wait $client || true
grep -E "receiver|error" "$work/client.out" >&2 || true
"$JAVA_HOME/bin/jcmd" "$gw_pid" Compiler.perfmap >/dev/null
echo "gate64 $* on CPU 0, ${secs}s of 64-byte UDP at the sender's maximum; samples by where they ran:"
perf report -i "$work/perf.data" --no-children --sort dso -g none --stdio 2>/dev/null | grep '%' | grep -v '^#' | head -12
echo "self time by symbol, user space:"
perf report -i "$work/perf.data" --no-children --sort dso,sym -g none --stdio 2>/dev/null | grep '%' | grep -v '^#' \
  | grep -v '\[k\]' | head -${TOP:-30}
echo "self time by symbol, kernel:"
perf report -i "$work/perf.data" --no-children --sort sym -g none --stdio 2>/dev/null | grep '%' | grep -v '^#' \
  | grep '\[k\]' | head -${TOP:-20}
rm -f "/tmp/perf-$gw_pid.map"
