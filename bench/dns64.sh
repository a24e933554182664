#!/usr/bin/env bash
# DNS64 cache-hit cost: synthesised-AAAA cache hits against plain A cache hits on the same gate64, one worker
# thread, the same names, one dnsperf run each. Prints both QPS and the ratio.
#   bench/dns64.sh [seconds]          (default 20 s per run, after a 10 s warm-up each)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs=${1:-20}
lab_port=5391 gate_port=5392
command -v dnsperf >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsperf >/dev/null; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

./gate64 lab --zones=contrib/lab/demo --listen=127.0.0.1:$lab_port >"$work/lab.log" 2>&1 & pids+=($!)
./gate64 recursor -Dlocal-address="[\"127.0.0.1:$gate_port\"]" -Dthreads=1 -Dwebserver=false -Dloglevel=warn \
  -Ddns64-prefix='"64:ff9b::/96"' -Dforward-zones="{\"test\"=[\"127.0.0.1:$lab_port\"]}" >"$work/gate64.log" 2>&1 & pids+=($!)
for n in v4only multi chain away mapped shortttl; do echo "$n.demo.test A"; done > "$work/a"
for n in v4only multi chain away mapped shortttl; do echo "$n.demo.test AAAA"; done > "$work/aaaa"
for _ in $(seq 1 120); do dig @127.0.0.1 -p $gate_port +time=1 +tries=1 v4only.demo.test A >/dev/null 2>&1 && break; sleep 1; done
run() { dnsperf -s 127.0.0.1 -p $gate_port -d "$1" -l "$2" -T 1 -c 1 -q 200 2>&1 | awk '/Queries per second/ {print $4}'; }
run "$work/a" 10 >/dev/null; run "$work/aaaa" 10 >/dev/null
a=$(run "$work/a" "$secs")
aaaa=$(run "$work/aaaa" "$secs")
echo "gate64 cache hits, 1 worker thread, dnsperf -T 1 -c 1 -q 200, ${secs}s, dns64-prefix 64:ff9b::/96:"
printf '  A (plain)             %12s qps\n' "$a"
printf '  AAAA (synthesised)    %12s qps\n' "$aaaa"
printf '  ratio AAAA/A          %12s\n' "$(awk -v x="$aaaa" -v y="$a" 'BEGIN { printf "%.2f", x / y }')"
