#!/usr/bin/env bash
# Packet-cache hit throughput: gate64 against PowerDNS Recursor, both forwarding the same lab zone, one worker
# thread each, the same dnsperf workload in one run. Prints QPS for both and the ratio.
#   bench/packetcache.sh [seconds]          (default 20 s per run, after a 10 s warm-up each)
# Everything listens on 127.0.0.1 only. Both servers are pinned to CPU 0 and dnsperf and the lab to CPU 1 (taskset),
# so each server has one whole core and never competes with the client; they are measured one after the other.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs=${1:-20}
lab_port=5391 gate_port=5392 pdns_port=5393
need=()
command -v dnsperf >/dev/null || need+=(dnsperf)
command -v pdns_recursor >/dev/null || need+=(pdns-recursor)
if (( ${#need[@]} )); then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
systemctl stop pdns-recursor 2>/dev/null || true

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

taskset -c 1 ./gate64 lab --zones=contrib/lab/demo --listen=127.0.0.1:$lab_port >"$work/lab.log" 2>&1 & pids+=($!)
taskset -c 0 ./gate64 recursor -Dlocal-address="[\"127.0.0.1:$gate_port\"]" -Dthreads=1 -Dwebserver=false -Dloglevel=warn \
  -Dforward-zones="{\"test\"=[\"127.0.0.1:$lab_port\"]}" >"$work/gate64.log" 2>&1 & pids+=($!)
mkdir -p "$work/pdns"
taskset -c 0 pdns_recursor --daemon=no --config-dir="$work/pdns" --socket-dir="$work/pdns" --local-address=127.0.0.1 \
  --local-port=$pdns_port --threads=1 --pdns-distributes-queries=no --forward-zones="test=127.0.0.1:$lab_port" \
  --allow-from=127.0.0.0/8 --dont-query= --disable-syslog --quiet=yes --dnssec=off \
  --max-cache-ttl=86400 --packetcache-ttl=86400 >"$work/pdns.log" 2>&1 & pids+=($!)

# The workload: a few names, all answered from the packet cache after the first round.
for n in v4only dual multi chain away txtonly mapped mixed shortttl; do
  for t in A AAAA; do echo "$n.demo.test $t"; done
done > "$work/queries"

wait_for() { for _ in $(seq 1 120); do dig @127.0.0.1 -p "$1" +time=1 +tries=1 v4only.demo.test A >/dev/null 2>&1 && return 0; sleep 1; done; echo "server on $1 did not come up" >&2; exit 1; }
wait_for $gate_port; wait_for $pdns_port

run() { # port seconds -> qps
  taskset -c 1 dnsperf -s 127.0.0.1 -p "$1" -d "$work/queries" -l "$2" -T 1 -c 1 -q 200 2>&1 | awk '/Queries per second/ {print $4}'
}
run $gate_port 10 >/dev/null   # JIT warm-up and cache fill
run $pdns_port 10 >/dev/null   # cache fill
gate=$(run $gate_port "$secs")
pdns=$(run $pdns_port "$secs")
ratio=$(awk -v a="$gate" -v b="$pdns" 'BEGIN { printf "%.2f", a / b }')
echo "packet-cache hits, 1 worker thread each pinned to CPU 0, dnsperf -T 1 -c 1 -q 200 on CPU 1, ${secs}s," \
  "$(date -u '+%F %H:%M') UTC, load $(cut -d' ' -f1-3 /proc/loadavg):"
printf '  gate64          %12s qps\n' "$gate"
printf '  pdns-recursor   %12s qps   (%s)\n' "$pdns" "$(pdns_recursor --version 2>&1 | grep -o 'Recursor [0-9.]*' | head -1)"
printf '  ratio           %12s\n' "$ratio"
