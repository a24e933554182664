#!/usr/bin/env bash
# Cost of a hook script on the query path: the same gate64 (one worker thread) with native DNS64 and no script,
# with contrib/dns64.lua, and with contrib/dns64.js; dnsperf asks the same names as A (answers packet-cached: hooks
# do not run on hits) and as AAAA (synthesised; the scripts mark these dq.variable, so every one of them takes the
# slow path: record-cache hits, the nodata hook, getFakeAAAARecords). Prints QPS per case and the ratios.
#   bench/scripting.sh [seconds]          (default 15 s per run, after a 10 s warm-up each)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs=${1:-15}
lab_port=5395 gate_port=5396
command -v dnsperf >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsperf >/dev/null; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

./gate64 lab --zones=contrib/lab/demo --listen=127.0.0.1:$lab_port >"$work/lab.log" 2>&1 & pids+=($!)
for n in v4only multi chain away shortttl; do echo "$n.demo.test A"; done > "$work/a"
for n in v4only multi chain away shortttl; do echo "$n.demo.test AAAA"; done > "$work/aaaa"
run() { dnsperf -s 127.0.0.1 -p $gate_port -d "$1" -l "$2" -T 1 -c 1 -q 200 2>&1 | awk '/Queries per second/ {print $4}'; }

declare -A qps
for case in native lua js; do
  case $case in
    native) opts=(-Ddns64-prefix='"64:ff9b::/96"') ;;
    lua) opts=(-Dlua-dns-script='"contrib/dns64.lua"') ;;
    js) opts=(-Dlua-dns-script='"contrib/dns64.js"') ;;
  esac
  ./gate64 recursor -Dlocal-address="[\"127.0.0.1:$gate_port\"]" -Dthreads=1 -Dwebserver=false -Dloglevel=warn -Ddnssec=off \
    "${opts[@]}" -Dforward-zones="{\"test\"=[\"127.0.0.1:$lab_port\"]}" >"$work/gate64-$case.log" 2>&1 &
  gpid=$!
  for _ in $(seq 1 120); do dig @127.0.0.1 -p $gate_port +time=1 +tries=1 v4only.demo.test A >/dev/null 2>&1 && break; sleep 1; done
  run "$work/a" 10 >/dev/null; qps[$case-a]=$(run "$work/a" "$secs")
  run "$work/aaaa" 10 >/dev/null; qps[$case-aaaa]=$(run "$work/aaaa" "$secs")
  kill $gpid; wait $gpid 2>/dev/null || true
done
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { printf "%.2f", x / y }'; }
echo "gate64, 1 worker thread, dnsperf -T 1 -c 1 -q 200, ${secs}s per run (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-28s %14s %14s %14s\n' "" "native DNS64" "dns64.lua" "dns64.js"
printf '%-28s %14s %14s %14s\n' "A (packet-cache hits)" "${qps[native-a]}" "${qps[lua-a]}" "${qps[js-a]}"
printf '%-28s %14s %14s %14s\n' "AAAA synthesised" "${qps[native-aaaa]}" "${qps[lua-aaaa]}" "${qps[js-aaaa]}"
printf '%-28s %14s %14s %14s\n' "ratio to native, A" "1.00" "$(ratio "${qps[lua-a]}" "${qps[native-a]}")" "$(ratio "${qps[js-a]}" "${qps[native-a]}")"
printf '%-28s %14s %14s %14s\n' "ratio to native, AAAA" "1.00" "$(ratio "${qps[lua-aaaa]}" "${qps[native-aaaa]}")" "$(ratio "${qps[js-aaaa]}" "${qps[native-aaaa]}")"
