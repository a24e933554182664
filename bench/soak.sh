#!/usr/bin/env bash
# Soak: gate64 under a steady mixed load for a long time, sampled every 10 s. First measures the peak of the query
# mix (unlimited dnsperf for 20 s), then runs at 80% of it for the duration:
#   UDP   8 of 10 queries are packet-cache hits (18 demo names), 2 of 10 misses (unique names under lowneg.test,
#         whose negative TTL is 10 s, so each comes back as a miss), paced by dnsperf -Q
#   TCP   a second dnsperf over TCP at 2% of the rate, persistent connections, the same mix
#   junk  malformed UDP packets (random bytes, truncated headers, responses, pointer loops) at 1% of the rate
# Every 10 s it prints and saves one line: elapsed s, achieved UDP qps, valid UDP queries lost, client p50/p99 ms
# (from dnsperf -v), the recursor's RSS (MB, /proc), heap after the last GC (MB, from -Xlog:gc), the server's drops
# by reason in the interval, TCP lost, and the server's own CPU seconds in the interval.
#   bench/soak.sh [seconds] [out-file]            (default 1800 s, /tmp/soak-<date>.tsv)
# Run it alone on the machine: flock /work/bench.lock bench/soak.sh. Everything listens on 127.0.0.1 only; the
# recursor is pinned to CPU 0, the lab and the load to CPU 1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/lib.sh
duration=${1:-1800}
out=${2:-/tmp/soak-$(date -u +%Y%m%dT%H%M).tsv}
lab_port=5371 gate_port=5372 web_port=8172
install_missing dnsperf:dnsperf python3:python3 curl:curl
make_work

./gate64 lab --help >/dev/null 2>&1 # builds before anything is measured
taskset -c 1 ./gate64 lab --zones=contrib/lab/demo --listen=127.0.0.1:$lab_port >"$work/lab.log" 2>&1 & pids+=($!)
GATE64_JAVA_OPTS="-Xlog:gc:file=$work/gc.log:uptime" taskset -c 0 ./gate64 recursor \
  -Dlocal-address="[\"127.0.0.1:$gate_port\"]" -Dthreads=1 -Dloglevel=warn -Ddnssec=off -Dwebserver-address="\"127.0.0.1:$web_port\"" \
  -Dforward-zones="{\"test\"=[\"127.0.0.1:$lab_port\"]}" >"$work/gate64.log" 2>&1 & gate_pid=$!; pids+=($gate_pid)
for _ in $(seq 120); do dig @127.0.0.1 -p $gate_port +time=1 +tries=1 v4only.demo.test A >/dev/null 2>&1 && break; sleep 1; done
dig @127.0.0.1 -p $gate_port +time=1 +tries=1 v4only.demo.test A >/dev/null || { echo "recursor did not start" >&2; cat "$work/gate64.log" >&2; exit 1; }

# mix FILE LINES TAG: 8 hits, then 2 misses, repeated; the misses are unique names (TAG keeps them unique across
# files: dnsperf starts every run at the top of its file).
mix() {
  python3 - "$1" "$2" "$3" <<'PY'
import sys
hits = [f"{n}.demo.test {t}" for n in "v4only dual multi chain away txtonly mapped mixed shortttl".split() for t in ("A", "AAAA")]
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write(hits[i % len(hits)] + "\n" if i % 10 < 8 else f"m{sys.argv[3]}-{i}.lowneg.test A\n")
PY
}
mix "$work/mix" 400000 peak

metric() { curl -s "http://127.0.0.1:$web_port/metrics"; }
cpu() { awk '{print $14 + $15}' "/proc/$gate_pid/stat"; } # utime + stime, clock ticks
tick=$(getconf CLK_TCK)

# Peak of the mix: closed loop, enough outstanding queries to keep the server's core busy.
taskset -c 1 dnsperf -s 127.0.0.1 -p $gate_port -d "$work/mix" -l 10 -c 4 -q 500 >/dev/null 2>&1 # warm-up
peak=$(taskset -c 1 dnsperf -s 127.0.0.1 -p $gate_port -d "$work/mix" -l 20 -c 4 -q 500 2>&1 | awk '/Queries per second/ {print int($4)}')
rate=$(( peak * 8 / 10 ))
tcp_rate=$(( rate / 50 + 1 ))
junk_rate=$(( rate / 100 + 1 ))
echo "# soak $(date -u '+%F %H:%M') UTC, ${duration}s: peak of the mix ${peak} qps, load at ${rate} qps UDP +" \
  "${tcp_rate} qps TCP + ${junk_rate}/s malformed; load $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out"

taskset -c 1 dnsperf -m tcp -s 127.0.0.1 -p $gate_port -d "$work/mix" -l "$duration" -c 4 -Q "$tcp_rate" \
  >"$work/tcp.out" 2>&1 & pids+=($!)
taskset -c 1 python3 - 127.0.0.1 $gate_port "$junk_rate" "$duration" >"$work/junk.out" 2>&1 <<'PY' & pids+=($!)
import os, random, socket, sys, time
host, port, rate, duration = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rnd = random.Random(64)
q = bytes([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]) + b"\x06v4only\x04demo\x04test\x00\x00\x01\x00\x01"
shapes = [
    lambda: os.urandom(rnd.randrange(0, 600)),                    # noise
    lambda: q[: rnd.randrange(0, len(q))],                          # cut anywhere
    lambda: q[:2] + bytes([q[2] | 0x80]) + q[3:],                   # a response: dropped, never answered
    lambda: q[:12] + b"\xc0\x0c\x00\x01\x00\x01",                   # pointer to itself
    lambda: q[:4] + b"\x00\x02" + q[6:],                            # two questions promised, one present
]
sent, end, step = 0, time.monotonic() + duration, 1.0 / rate
nxt = time.monotonic()
while time.monotonic() < end:
    s.sendto(rnd.choice(shapes)(), (host, port))
    sent += 1
    nxt += step
    delay = nxt - time.monotonic()
    if delay > 0:
        time.sleep(delay)
print(f"malformed sent {sent}")
PY

printf '# t_s\tudp_qps\tudp_lost\tp50_ms\tp99_ms\trss_mb\theap_after_gc_mb\tserver_drops\ttcp_clients\tinflight_bytes\tcpu_s\n' | tee -a "$out"
prev_drops=$(metric | awk '/^gate64_drops_total/ {s += $2} END {print s + 0}')
start=$(date +%s)
while (( $(date +%s) - start < duration )); do
  mix "$work/chunk.mix" $(( rate * 11 + 1000 )) "c$(date +%s)"
  c0=$(cpu)
  taskset -c 1 dnsperf -s 127.0.0.1 -p $gate_port -d "$work/chunk.mix" -l 10 -c 4 -Q "$rate" -v >"$work/chunk.out" 2>&1 || true
  c1=$(cpu)
  qps=$(awk '/Queries per second/ {print int($4)}' "$work/chunk.out")
  lost=$(awk '/Queries lost/ {print $3}' "$work/chunk.out")
  read -r p50 p99 < <(percentiles "$work/chunk.out")
  rss=$(awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$gate_pid/status")
  heap=$(grep -oE -- '->[0-9]+M' "$work/gc.log" | tail -1 | tr -dc '0-9')
  m=$(metric)
  drops=$(awk '/^gate64_drops_total/ {s += $2} END {print s + 0}' <<<"$m")
  reasons=$(awk -v FS='[{}"= ]+' '/^gate64_drops_total/ && $NF > 0 {printf "%s=%s,", $3, $NF}' <<<"$m")
  tcp=$(awk '/^gate64_tcp_clients / {print $2}' <<<"$m")
  inflight=$(awk '/^gate64_inflight_bytes / {print $2}' <<<"$m")
  printf '%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s(%s)\t%s\t%s\t%.2f\n' "$(( $(date +%s) - start ))" "$qps" "$lost" "$p50" "$p99" \
    "$rss" "${heap:--}" "$(( drops - prev_drops ))" "${reasons%,}" "$tcp" "$inflight" \
    "$(awk -v a="$c0" -v b="$c1" -v t="$tick" 'BEGIN {print (b - a) / t}')" | tee -a "$out"
  prev_drops=$drops
done
wait "${pids[2]}" 2>/dev/null || true # the TCP load ends with the duration
{
  echo "# TCP: $(awk '/Queries sent/ {s=$3} /Queries completed/ {c=$3} /Queries lost/ {l=$3} END {print "sent " s ", completed " c ", lost " l}' "$work/tcp.out")"
  echo "# junk: $(cat "$work/junk.out")"
  echo "# server totals: $(metric | grep -E '^gate64_(queries|answers|drops)_total' | awk '$2 > 0' | tr '\n' ' ')"
  echo "# GCs: $(grep -c 'Pause' "$work/gc.log"), last: $(grep 'Pause' "$work/gc.log" | tail -1)"
} | tee -a "$out"
