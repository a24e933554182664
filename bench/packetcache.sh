#!/usr/bin/env bash
# Packet-cache hits: gate64 against PowerDNS Recursor, both forwarding the same lab zone, one worker thread each, the
# same dnsperf workload in one run. Reports, per server and round, the server process's own CPU time per answer
# (utime + stime from /proc/PID/stat, all its threads, divided by the answers dnsperf counted) and QPS, then the
# ratio gate64/pdns-recursor of both. CPU per answer is the figure to judge by: on a two-core machine QPS is bounded
# by dnsperf as much as by the server.
#   bench/packetcache.sh [seconds] [rounds]     (default 15 s per run, 3 rounds, after a 10 s warm-up each)
# Run it under `flock /work/bench.lock` on a shared machine. Everything listens on 127.0.0.1 only. Each server is
# pinned to CPU 0, dnsperf and the lab to CPU 1 (taskset); the servers are measured one after the other, alternating,
# so a disturbance shows up as one odd round rather than as a bias against one server.
#   GATE64_JAVA_OPTS=...        extra JVM options for gate64 (e.g. the perf map flags; see docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/lib.sh
secs=${1:-15}
rounds=${2:-3}
lab_port=5391 gate_port=5392 pdns_port=5393
install_missing dnsperf:dnsperf pdns_recursor:pdns-recursor dig:bind9-dnsutils
systemctl stop pdns-recursor 2>/dev/null || true
make_work
./gate64 recursor --help >/dev/null 2>&1 || true # builds first, if sources changed, so no build runs inside a measurement

taskset -c 1 ./gate64 lab --zones=contrib/lab/demo --listen=127.0.0.1:$lab_port >"$work/lab.log" 2>&1 & pids+=($!)
taskset -c 0 ./gate64 recursor -Dlocal-address="[\"127.0.0.1:$gate_port\"]" -Dthreads=1 -Dwebserver=false -Dloglevel=warn \
  -Ddnssec=off -Dforward-zones="{\"test\"=[\"127.0.0.1:$lab_port\"]}" >"$work/gate64.log" 2>&1 & gate_pid=$!; pids+=($gate_pid)
mkdir -p "$work/pdns"
taskset -c 0 pdns_recursor --daemon=no --config-dir="$work/pdns" --socket-dir="$work/pdns" --local-address=127.0.0.1 \
  --local-port=$pdns_port --threads=1 --pdns-distributes-queries=no --forward-zones="test=127.0.0.1:$lab_port" \
  --allow-from=127.0.0.0/8 --dont-query= --disable-syslog --quiet=yes --dnssec=off \
  --max-cache-ttl=86400 --packetcache-ttl=86400 >"$work/pdns.log" 2>&1 & pdns_pid=$!; pids+=($pdns_pid)

# The workload: a few names, all answered from the packet cache after the first round.
for n in v4only dual multi chain away txtonly mapped mixed shortttl; do
  for t in A AAAA; do echo "$n.demo.test $t"; done
done > "$work/queries"

wait_for() { for _ in $(seq 1 120); do dig @127.0.0.1 -p "$1" +time=1 +tries=1 v4only.demo.test A >/dev/null 2>&1 && return 0; sleep 1; done; echo "server on $1 did not come up" >&2; exit 1; }
wait_for $gate_port; wait_for $pdns_port

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14, $15}' "/proc/$1/stat"; } # utime and stime of the whole process, in clock ticks
# measure PORT PID SECONDS -> "answers qps cpu_us_per_answer user_us sys_us"
measure() {
  local before after out
  before=$(cpu_ticks "$2")
  out=$(taskset -c 1 dnsperf -s 127.0.0.1 -p "$1" -d "$work/queries" -l "$3" -T 1 -c 1 -q 200 2>&1)
  after=$(cpu_ticks "$2")
  awk -v b="$before" -v a="$after" -v t="$ticks" '
    /Queries completed:/ {n = $3} /Queries per second:/ {q = $4}
    END { split(b, x, " "); split(a, y, " "); u = (y[1] - x[1]) / t * 1e6; s = (y[2] - x[2]) / t * 1e6
          printf "%d %.0f %.2f %.2f %.2f\n", n, q, n ? (u + s) / n : 0, n ? u / n : 0, n ? s / n : 0 }' <<< "$out"
}
measure $gate_port $gate_pid 10 >/dev/null   # JIT warm-up and cache fill
measure $pdns_port $pdns_pid 10 >/dev/null   # cache fill

echo "packet-cache hits, 1 worker thread each pinned to CPU 0, dnsperf -T 1 -c 1 -q 200 on CPU 1, ${secs}s x $rounds rounds," \
  "$(date -u '+%F %H:%M') UTC, load $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared: other builds may run)"
printf '  %-6s %-14s %12s %12s %14s %22s\n' round server answers qps "cpu µs/answer" "(user + sys µs)"
ratios=()
for r in $(seq 1 "$rounds"); do
  read -r gn gq gc gu gs < <(measure $gate_port $gate_pid "$secs")
  read -r pn pq pc pu ps < <(measure $pdns_port $pdns_pid "$secs")
  printf '  %-6s %-14s %12s %12s %14s %22s\n' "$r" gate64 "$gn" "$gq" "$gc" "($gu + $gs)" "$r" pdns-recursor "$pn" "$pq" "$pc" "($pu + $ps)"
  ratios+=("$(awk -v a="$gc" -v b="$pc" -v x="$gq" -v y="$pq" 'BEGIN { printf "%.2f %.2f", a / b, x / y }')")
  echo "         cpu/answer gate64/pdns ${ratios[-1]% *}   qps gate64/pdns ${ratios[-1]#* }   load $(cut -d' ' -f1 /proc/loadavg)"
done
median() { sort -g | awk '{v[NR] = $1} END { print v[int((NR + 1) / 2)] }'; }
printf '  median cpu/answer ratio %s, median qps ratio %s   (%s; gate64 RSS %s MB, pdns RSS %s MB)\n' \
  "$(printf '%s\n' "${ratios[@]}" | cut -d' ' -f1 | median)" "$(printf '%s\n' "${ratios[@]}" | cut -d' ' -f2 | median)" \
  "$(pdns_recursor --version 2>&1 | grep -o 'Recursor [0-9.]*' | head -1)" \
  "$(awk '/VmRSS/ {print int($2 / 1024)}' /proc/$gate_pid/status)" "$(awk '/VmRSS/ {print int($2 / 1024)}' /proc/$pdns_pid/status)"
