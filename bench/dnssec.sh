#!/usr/bin/env bash
# Cache-miss throughput with DNSSEC validation: gate64 validating, gate64 with dnssec=off, Unbound validating and
# Unbound without its validator (Debian's package), all iterating from the signed lab (./gate64 lab --signed:
# 127.0.56.1-3:53, the lab root's DS as the only trust anchor). Every query is a fresh name under *.wild.secure.test,
# so each answer is a wildcard expansion whose A RRSIG and NSEC proof must be verified (ECDSA P-256).
#   bench/dnssec.sh [seconds] [outstanding]     (default 20 s after a 10 s warm-up, dnsperf -q 200)
# Needs root (port 53). The resolver under test is pinned to CPU 0, dnsperf and the lab to CPU 1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs=${1:-20}
outstanding=${2:-200}
warm=10
gate_port=5421 unbound_port=5422
resolver_cpu=0 client_cpu=1

need=()
command -v dnsperf >/dev/null || need+=(dnsperf)
command -v unbound >/dev/null || need+=(unbound)
command -v dig >/dev/null || need+=(bind9-dnsutils)
if (( ${#need[@]} )); then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
systemctl stop unbound 2>/dev/null || true

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

./gate64 lab --help >/dev/null 2>&1 # builds first, if sources changed, so no build runs inside a measurement
taskset -c $client_cpu ./gate64 lab --signed --out="$work" >"$work/lab.log" 2>&1 & pids+=($!)
for _ in $(seq 150); do [[ -s "$work/anchor.ds" ]] && break; sleep 0.2; done
[[ -s "$work/anchor.ds" ]] || { echo "the signed lab did not start:" >&2; cat "$work/lab.log" >&2; exit 1; }
anchor=$(awk '{print $5, $6, $7, $8}' "$work/anchor.ds")

start_gate64() { # dnssec mode
  taskset -c $resolver_cpu ./gate64 recursor -Dlocal-address="[\"127.0.0.1:$gate_port\"]" -Dthreads=1 \
    -Dwebserver=false -Dloglevel=warn -Dhint-file="\"$work/hints.zone\"" -Ddont-query='[]' -Ddnssec="\"$1\"" \
    -Dtrust-anchors="{\".\"=[\"$anchor\"]}" >"$work/gate64.log" 2>&1 &
  pids+=($!); server_pid=$!
}
start_unbound() { # module-config
  cat > "$work/unbound.conf" <<EOF
server:
  interface: 127.0.0.1@$unbound_port
  num-threads: 1
  do-ip6: no
  do-not-query-localhost: no
  root-hints: "$work/hints.zone"
  trust-anchor-file: "$work/anchor.ds"
  module-config: "$1"
  local-zone: "test." nodefault
  access-control: 127.0.0.0/8 allow
  username: ""
  chroot: ""
  directory: "$work"
  pidfile: "$work/unbound.pid"
  use-syslog: no
  verbosity: 0
remote-control:
  control-enable: no
EOF
  taskset -c $resolver_cpu unbound -d -c "$work/unbound.conf" >"$work/unbound.log" 2>&1 & pids+=($!); server_pid=$!
}
stop() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }

names() { # prefix count -> unique random names under wild.secure.test
  awk -v p="$1" -v n="$2" -v seed="$RANDOM$RANDOM" \
    'BEGIN { srand(seed); for (i = 0; i < n; i++) printf "%s%x-%06x.wild.secure.test A\n", p, i, int(rand() * 16777216) }'
}

measure() { # tag label port -> one table row (QPS, p50/p99 from dnsperf -v per-query times, AD share)
  local tag=$1 label=$2 port=$3
  for _ in $(seq 1 120); do dig @127.0.0.1 -p "$port" +time=1 +tries=1 up.wild.secure.test A 2>/dev/null | grep -q 192.0.2.4 && break; sleep 1; done
  local ad; ad=$(dig @127.0.0.1 -p "$port" +dnssec check.wild.secure.test A | grep -c '^;; flags:.* ad[ ;]' || true)
  names "w$tag" $(( warm * 40000 )) > "$work/warm"
  names "m$tag" $(( secs * 40000 )) > "$work/measure"
  taskset -c $client_cpu dnsperf -s 127.0.0.1 -p "$port" -d "$work/warm" -l $warm -n 1 -q "$outstanding" >/dev/null 2>&1
  taskset -c $client_cpu dnsperf -s 127.0.0.1 -p "$port" -d "$work/measure" -l "$secs" -n 1 -q "$outstanding" -v \
    >"$work/$tag.out" 2>&1
  local qps lost p50 p99
  qps=$(awk '/Queries per second/ {printf "%d", $4}' "$work/$tag.out")
  lost=$(awk '/Queries lost/ {print $3}' "$work/$tag.out")
  awk '$1 == ">" {print $NF}' "$work/$tag.out" | sort -g > "$work/$tag.lat"
  p50=$(awk '{v[NR] = $1} END {i = int(NR * 0.50 + 0.999999); printf "%.2f", v[i] * 1000}' "$work/$tag.lat")
  p99=$(awk '{v[NR] = $1} END {i = int(NR * 0.99 + 0.999999); printf "%.2f", v[i] * 1000}' "$work/$tag.lat")
  printf '| %s | %s | %s ms | %s ms | %s | %s |\n' "$label" "$qps" "$p50" "$p99" "$lost" "$([[ $ad == 1 ]] && echo yes || echo no)"
  echo "$qps" > "$work/$tag.qps"
}

uv=$(unbound -V | awk '/Version/ {print $2}')
echo "cache-miss with validation, one worker each on CPU $resolver_cpu, dnsperf -q $outstanding on CPU $client_cpu," \
  "${secs}s after a ${warm}s warm-up, $(date -u '+%F %H:%M') UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| resolver | QPS | p50 | p99 | lost | AD on the answers |"
echo "|---|---|---|---|---|---|"
start_gate64 validate; measure gv "gate64 dnssec=validate" $gate_port; stop
start_gate64 off; measure go "gate64 dnssec=off" $gate_port; stop
start_unbound "validator iterator"; measure uv "unbound $uv, validator" $unbound_port; stop
start_unbound "iterator"; measure uo "unbound $uv, no validator" $unbound_port; stop
echo
awk -v g="$(cat "$work/gv.qps")" -v u="$(cat "$work/uv.qps")" -v o="$(cat "$work/go.qps")" \
  'BEGIN { printf "gate64 validating / unbound validating: %.2f (target >= 1.00); gate64 validate / off: %.2f\n", g / u, g / o }'
