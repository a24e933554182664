#!/usr/bin/env bash
# Cost of a hook script on the query path. Three gate64 instances run side by side (one worker thread each): native
# DNS64 without a script, contrib/dns64.lua, contrib/dns64.js. dnsperf asks each the same names as A and as AAAA
# (synthesised), in interleaved rounds so that load from elsewhere on the machine hits all three alike; the median
# of the rounds is printed. All answers are packet-cache hits after the warm-up: the scripts' gettag puts the client's
# view into the packet-cache key, so the script cost on a hit is one gettag call.
#   bench/scripting.sh [seconds-per-run] [rounds]          (default 10 s, 3 rounds, after a 10 s warm-up each)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs=${1:-10}
rounds=${2:-3}
lab_port=5395
declare -A port=([native]=5396 [lua]=5397 [js]=5398)
command -v dnsperf >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsperf >/dev/null; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

./gate64 recursor --help >/dev/null # build once, before anything is measured
./gate64 lab --zones=contrib/lab/demo --listen=127.0.0.1:$lab_port >"$work/lab.log" 2>&1 & pids+=($!)
for case in native lua js; do
  case $case in
    native) opts=(-Ddns64-prefix='"64:ff9b::/96"') ;;
    lua) opts=(-Dlua-dns-script='"contrib/dns64.lua"') ;;
    js) opts=(-Dlua-dns-script='"contrib/dns64.js"') ;;
  esac
  ./gate64 recursor -Dlocal-address="[\"127.0.0.1:${port[$case]}\"]" -Dthreads=1 -Dwebserver=false -Dloglevel=warn \
    -Ddnssec=off "${opts[@]}" -Dforward-zones="{\"test\"=[\"127.0.0.1:$lab_port\"]}" >"$work/gate64-$case.log" 2>&1 & pids+=($!)
done
for case in native lua js; do
  for _ in $(seq 1 120); do dig @127.0.0.1 -p ${port[$case]} +time=1 +tries=1 v4only.demo.test A >/dev/null 2>&1 && break; sleep 1; done
done
for n in v4only multi chain away shortttl; do echo "$n.demo.test A"; done > "$work/a"
for n in v4only multi chain away shortttl; do echo "$n.demo.test AAAA"; done > "$work/aaaa"
run() { dnsperf -s 127.0.0.1 -p "$1" -d "$2" -l "$3" -T 1 -c 1 -q 200 2>&1 | awk '/Queries per second/ {printf "%d", $4}'; }
for case in native lua js; do run ${port[$case]} "$work/a" 10 >/dev/null; run ${port[$case]} "$work/aaaa" 10 >/dev/null; done
declare -A all
for r in $(seq 1 "$rounds"); do
  for w in a aaaa; do
    for case in native lua js; do all[$case-$w]+="$(run ${port[$case]} "$work/$w" "$secs") "; done
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { printf "%.2f", x / y }'; }
echo "gate64, 1 worker thread each, dnsperf -T 1 -c 1 -q 200, ${secs}s x ${rounds} interleaved rounds, median (load average at end: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-24s %14s %14s %14s\n' "" "native DNS64" "dns64.lua" "dns64.js"
for w in a aaaa; do
  n=$(echo "${all[native-$w]}" | median); l=$(echo "${all[lua-$w]}" | median); j=$(echo "${all[js-$w]}" | median)
  label=$([[ $w == a ]] && echo "A hits" || echo "AAAA (synthesised) hits")
  printf '%-24s %14s %14s %14s\n' "$label" "$n" "$l" "$j"
  printf '%-24s %14s %14s %14s\n' "  ratio to native" "1.00" "$(ratio "$l" "$n")" "$(ratio "$j" "$n")"
  printf '%-24s %14s %14s %14s\n' "  all rounds" "${all[native-$w]}" "${all[lua-$w]}" "${all[js-$w]}"
done
