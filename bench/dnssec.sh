#!/usr/bin/env bash
# Cache-miss throughput with DNSSEC validation: gate64 validating, gate64 with dnssec=off, Unbound validating and
# Unbound without its validator (Debian's package), all iterating from the signed lab with the lab root's DS as the
# only trust anchor. The lab (`./gate64 lab --signed --many=N --write-only`: fresh keys, 127.0.56.1-3) is served by
# NSD, and its zone many.test holds N names n0..n{N-1}.many.test, each with its own A record and ECDSA P-256
# signature: every query is a fresh name, so every answer costs the resolver one iteration step and one signature
# check (the DNSKEY and DS chain stays cached after the warm-up).
#   bench/dnssec.sh [seconds] [outstanding] [names]   (default 20 s after a 10 s warm-up, dnsperf -q 200, 150000)
# Needs root (port 53). The resolver under test is pinned to CPU 0, dnsperf and NSD to CPU 1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs=${1:-20}
outstanding=${2:-200}
total=${3:-150000}
warm=10
gate_port=5421 unbound_port=5422
resolver_cpu=0 client_cpu=1

. bench/lib.sh
install_missing dnsperf:dnsperf unbound:unbound dig:bind9-dnsutils nsd:nsd
systemctl stop unbound nsd 2>/dev/null || true
make_work
./gate64 lab --help >/dev/null 2>&1 # builds first, if sources changed
echo "signing the lab with $total names in many.test..." >&2
./gate64 lab --signed --many="$total" --write-only --out="$work/lab" >"$work/lab.log" 2>&1
anchor=$(awk '{print $5, $6, $7, $8}' "$work/lab/anchor.ds")
cp "$work/lab/hints.zone" "$work/hints.zone"
cp "$work/lab/anchor.ds" "$work/anchor.ds"
serve_with_nsd "$work/lab" $client_cpu
for _ in $(seq 1 100); do dig @127.0.56.3 +norec +time=1 +tries=1 n0.many.test A 2>/dev/null | grep -q 'status: NOERROR' && break; sleep 0.3; done

start_gate64() { # dnssec mode
  taskset -c $resolver_cpu ./gate64 recursor -Dlocal-address="[\"127.0.0.1:$gate_port\"]" -Dthreads=1 \
    -Dwebserver=false -Dloglevel=warn -Dhint-file="\"$work/hints.zone\"" -Ddont-query='[]' -Ddnssec="\"$1\"" \
    -Dtrust-anchors="{\".\"=[\"$anchor\"]}" >"$work/gate64.log" 2>&1 &
  pids+=($!); server_pid=$!
}
start_unbound() { # module-config
  unbound_conf $unbound_port "$work/hints.zone" "$1" "$work/anchor.ds" > "$work/unbound.conf"
  taskset -c $resolver_cpu unbound -d -c "$work/unbound.conf" >"$work/unbound.log" 2>&1 & pids+=($!); server_pid=$!
}
stop() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
ticks() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $12 + $13}' || true; } # utime + stime

# Each resolver gets the names in a shuffled order of its own; the first part warms it up, the rest is measured,
# and no name is asked twice of the same resolver.
names() { # first count -> names n<first>..n<first+count-1> of many.test, shuffled
  seq "$1" $(( $1 + $2 - 1 )) | shuf | awk '{printf "n%d.many.test A\n", $1}'
}

measure() { # tag label port -> one table row (QPS, p50/p99 from dnsperf -v per-query times, AD share)
  local tag=$1 label=$2 port=$3
  for _ in $(seq 1 120); do dig @127.0.0.1 -p "$port" +time=1 +tries=1 www.secure.test A 2>/dev/null | grep -q 192.0.2.1 && break; sleep 1; done
  local ad; ad=$(dig @127.0.0.1 -p "$port" +dnssec n0.many.test A | grep -c '^;; flags:.* ad[ ;]' || true)
  local split=$(( total / 4 ))
  names 1 $(( split - 1 )) > "$work/warm"
  names "$split" $(( total - split )) > "$work/measure"
  taskset -c $client_cpu dnsperf -s 127.0.0.1 -p "$port" -d "$work/warm" -l $warm -n 1 -q "$outstanding" >/dev/null 2>&1
  local cpu0; cpu0=$(ticks "$server_pid")
  taskset -c $client_cpu dnsperf -s 127.0.0.1 -p "$port" -d "$work/measure" -l "$secs" -n 1 -q "$outstanding" -v \
    >"$work/$tag.out" 2>&1
  local cpu1; cpu1=$(ticks "$server_pid")
  local completed; completed=$(awk '/Queries completed/ {print $3}' "$work/$tag.out")
  local cpu; cpu=$(awk -v a="$cpu0" -v b="$cpu1" -v s="$secs" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%d", (b - a) / hz / s * 100}')
  local us; us=$(awk -v a="$cpu0" -v b="$cpu1" -v n="$completed" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", (b - a) / hz / n * 1e6}')
  local qps lost p50 p99
  qps=$(awk '/Queries per second/ {printf "%d", $4}' "$work/$tag.out")
  lost=$(awk '/Queries lost/ {print $3}' "$work/$tag.out")
  read -r p50 p99 < <(percentiles "$work/$tag.out")
  printf '| %s | %s | %s ms | %s ms | %s | %s | %s %% | %s µs |\n' "$label" "$qps" "$p50" "$p99" "$lost" \
    "$([[ $ad == 1 ]] && echo yes || echo no)" "$cpu" "$us"
  echo "$qps" > "$work/$tag.qps"
  echo "$us" > "$work/$tag.us"
}

uv=$(unbound -V | awk '/Version/ {print $2}')
echo "cache-miss with validation ($total signed names), one worker each on CPU $resolver_cpu, dnsperf -q $outstanding on CPU $client_cpu," \
  "${secs}s after a ${warm}s warm-up, $(date -u '+%F %H:%M') UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| resolver | QPS | p50 | p99 | lost | AD on the answers | resolver CPU | CPU per answer |"
echo "|---|---|---|---|---|---|---|---|"
start_gate64 validate; measure gv "gate64 dnssec=validate" $gate_port; stop
start_gate64 off; measure go "gate64 dnssec=off" $gate_port; stop
start_unbound "validator iterator"; measure uv "unbound $uv, validator" $unbound_port; stop
start_unbound "iterator"; measure uo "unbound $uv, no validator" $unbound_port; stop
echo
awk -v g="$(cat "$work/gv.qps")" -v u="$(cat "$work/uv.qps")" -v o="$(cat "$work/go.qps")" \
  -v gc="$(cat "$work/gv.us")" -v uc="$(cat "$work/uv.us")" \
  'BEGIN { printf "gate64 validating / unbound validating: %.2f in QPS, CPU per answer %.2fx (target <= 1.00); gate64 validate / off: %.2f\n", g / u, gc / uc, g / o }'
