#!/usr/bin/env bash
# NAT64 small-packet cost: the gateway's own CPU time per translated 64-byte UDP packet, gate64 (one worker; its
# packet I/O by read/write and by io_uring) against Tayga (one thread) in the same run and the same bed as
# bench/nat64.sh. The gateway is pinned to CPU 0, the iperf3 client and server to CPU 1. For each offered rate,
# each gateway in turn: a warm-up at the sender's maximum (WARMUP s, default 10: the JIT has compiled the packet
# path, as in a gateway that has run for a while), then iperf3 UDP with 64-byte payloads for SECS seconds while
# the gateway's CPU time is read: exact run time of all its threads and of gate64's worker thread alone
# (/proc/PID/task/*/schedstat), the user/system split (utime/stime, /proc/PID/stat, sampled at the clock tick) and
# its system calls (perf stat raw_syscalls:sys_enter, when perf works); all per packet the server received.
#   bench/nat64-cpu.sh [seconds] [rounds] [rates...]   (default 10 s, 3 rounds, rates 20000 and max; needs root)
#   GATE64_ARGS="-Doffload=false" bench/nat64-cpu.sh    (extra -D settings for gate64)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs=${1:-10}
rounds=${2:-3}
warmup=${WARMUP:-10}
shift $(( $# >= 2 ? 2 : $# )) || true
rates=("$@")
(( ${#rates[@]} )) || rates=(20000 max)
[[ $(id -u) == 0 ]] || { echo "bench/nat64-cpu.sh needs root (network namespaces, TUN)" >&2; exit 1; }
. bench/lib.sh
install_missing tayga:tayga iperf3:iperf3
./gate64 nat64 --help >/dev/null   # builds the module when needed
read -r -a gate_args <<< "${GATE64_ARGS:-}"
perf_ok=0
perf stat -e raw_syscalls:sys_enter -- true >/dev/null 2>&1 && perf_ok=1

. bench/nat64-bed.sh
nat64_bed_up
ip netns exec $S taskset -c 1 iperf3 -s -D -I "$work/iperf3.pid" >/dev/null
sleep 0.5; pids+=("$(cat "$work/iperf3.pid")")
hz=$(getconf CLK_TCK)

# one_run RATE: "received_pps user_us sys_us syscalls cpu_us worker_us" per received packet (cpu_us, worker_us
# from schedstat: the whole process, the worker thread) for the running gateway $gw_pid
one_run() {
  local rate=$1 b t0 t1 sc=0 perf_pid=""
  if [[ $rate == max ]]; then b=0; else b=$(( rate * 64 * 8 )); fi
  ip netns exec $C taskset -c 1 iperf3 -c 2001:db8:64::c633:6402 -u -l 64 -b 0 -t "$warmup" >/dev/null 2>&1 || true
  sleep 0.5
  if (( perf_ok )); then
    perf stat -x, -e raw_syscalls:sys_enter -p "$gw_pid" -o "$work/perf.out" -- sleep "$secs" &
    perf_pid=$!
  fi
  t0=$(cpu_ticks "$gw_pid"); n0=$(sched_ns "$gw_pid"); w0=$(worker_ns "$gw_pid")
  ip netns exec $C taskset -c 1 iperf3 -c 2001:db8:64::c633:6402 -u -l 64 -b "$b" -t "$secs" -J >"$work/run.json" || true
  t1=$(cpu_ticks "$gw_pid"); n1=$(sched_ns "$gw_pid"); w1=$(worker_ns "$gw_pid")
  if [[ -n "$perf_pid" ]]; then wait "$perf_pid" || true; sc=$(awk -F, '/raw_syscalls/ {print $1}' "$work/perf.out"); fi
  python3 - "$hz" "$t0" "$t1" "${sc:-0}" "$work/run.json" "$n0" "$n1" "$w0" "$w1" <<'PY'
import json, sys
hz = int(sys.argv[1]); u0, s0 = map(int, sys.argv[2].split()); u1, s1 = map(int, sys.argv[3].split())
sc = float(sys.argv[4] or 0)
try:
    j = json.load(open(sys.argv[5]))
except ValueError:
    j = {"error": "no iperf3 output"}
if "error" in j:
    sys.stderr.write("iperf3: %s\n" % j["error"]); print("error error error error error error"); sys.exit()
s = j["end"]["sum"]; got = s["packets"] - s["lost_packets"]
us = lambda ticks: ticks * 1e6 / hz / got
exact = (int(sys.argv[7]) - int(sys.argv[6])) / 1e3 / got
worker = (int(sys.argv[9]) - int(sys.argv[8])) / 1e3 / got
print("%.0f %.3f %.3f %.2f %.3f %.3f" % (got / s["seconds"], us(u1 - u0), us(s1 - s0), sc / got if sc else float("nan"),
                                       exact, worker))
PY
}

echo "load before: $(uptime)" >&2
declare -A best
for round in $(seq 1 "$rounds"); do
  for rate in "${rates[@]}"; do
    start_tayga 0
    r=$(one_run "$rate"); stop_tayga
    echo "round $round rate $rate tayga:  $r" >&2
    best["tayga $rate"]+="$r;"
    for io in rw uring; do
      if [[ $io == rw ]]; then u=false; else u=true; fi
      : > "$work/gate64.log"
      start_gate64 0 -Dthreads=1 -Dio-uring=$u "${gate_args[@]}"
      if grep -q "io_uring not used" "$work/gate64.log"; then echo "gate64: $(grep 'io_uring not used' "$work/gate64.log")" >&2; fi
      r=$(one_run "$rate"); stop_gate64
      echo "round $round rate $rate gate64-$io: $r" >&2
      best["gate64-$io $rate"]+="$r;"
    done
  done
done
echo "load after: $(uptime)" >&2

# Per gateway and rate: the round with the least CPU per packet (the least disturbed by other load on the machine),
# by the exact run time (schedstat); user and sys are the tick-sampled split of that round (/proc/PID/stat).
echo "gateway CPU per received 64-byte UDP packet (us), ${secs}s per run, best of $rounds rounds; $(nproc) cores"
printf '%-13s %-7s %10s %8s %8s %8s %8s %12s\n' gateway rate "rx pkt/s" "cpu" "worker" "user" "sys" "syscalls/pkt"
for rate in "${rates[@]}"; do
  for gw in tayga gate64-rw gate64-uring; do
    python3 - "$gw" "$rate" "${best["$gw $rate"]}" <<'PY'
import sys
gw, rate, runs = sys.argv[1], sys.argv[2], [r.split() for r in sys.argv[3].split(";") if r and "error" not in r]
if not runs: print("%-13s %-7s  all runs failed" % (gw, rate)); sys.exit()
r = min(runs, key=lambda r: float(r[4]))
print("%-13s %-7s %10s %8s %8s %8s %8s %12s" % (gw, rate, r[0], r[4], r[5], r[1], r[2], r[3]))
PY
  done
done
