#!/usr/bin/env bash
# Cache-miss iteration throughput: gate64, Unbound and PowerDNS Recursor (Debian's packages) each resolving unique
# names under a wildcard zone, all iterating from the same loopback root (bench/lab/iterate: root on 127.0.55.1,
# the bench. TLD on .2, wild.bench. with "*.wild.bench. A" on .3, served by NSD). One worker each, one at a time.
#   bench/iterate.sh [seconds] [outstanding] [rate]   (default 20 s measured after a 20 s warm-up each, dnsperf
#                                                      -q 200, as fast as the resolver answers; rate N offers a
#                                                      fixed N queries/s instead (dnsperf -Q), for latency unsaturated)
# Needs root (port 53 on 127.0.55.x) and two cores: the resolver under test is pinned to CPU 0 (taskset), dnsperf and
# the three NSD servers to CPU 1. Prints QPS and p50/p99 latency (from dnsperf -v per-query times) as a table.
# Every name is asked once (fresh random names per resolver and per run), so every query is a cache miss that costs
# one query to wild.bench.'s server once the root and bench. delegations are cached during the warm-up.
# Environment: LAB=shared uses bench/lab/shared instead (one NSD on 127.0.56.1 serving the root, bench. and
# wild.bench.: no referrals, QNAME minimisation meets NODATA on the way down); ONLY="gate64 unbound" picks resolvers;
# THREADS=N gives each resolver N workers (and stops pinning it to one core: it gets CPU 0 and 1, dnsperf too).
# For gate64 the table also shows outgoing queries and heap bytes allocated per answer, from its
# gate64_outgoing_queries_total and gate64_jvm_allocated_bytes_total metrics.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/lib.sh
secs=${1:-20}
outstanding=${2:-200}
rate=${3:-0}
limit=(); (( rate > 0 )) && limit=(-Q "$rate")
warm=${WARM:-20}   # seconds of warm-up per resolver
lab=$PWD/bench/lab/${LAB:-iterate}
only=${ONLY:-gate64 unbound pdns}
threads=${THREADS:-1}
gate_port=5401 unbound_port=5402 pdns_port=5403 gate_web=5481
resolver_cpu=0 client_cpu=1
(( threads > 1 )) && resolver_cpu=0-1 client_cpu=0-1

need=()
command -v dnsperf >/dev/null || need+=(dnsperf)
command -v unbound >/dev/null || need+=(unbound)
command -v pdns_recursor >/dev/null || need+=(pdns-recursor)
command -v nsd >/dev/null || need+=(nsd)
if (( ${#need[@]} )); then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
# Debian starts these packages as services; they would hold port 53 (NSD on every address) or steal CPU.
systemctl stop nsd unbound pdns-recursor 2>/dev/null || true
busy=$(ss -Hlunp 2>/dev/null | awk '$4 ~ /^(0\.0\.0\.0|\*|\[::\]|127\.0\.5[56]\.[123]):53$/' || true)
if [[ -n "$busy" ]]; then
  echo "port 53 of the lab addresses is taken (stop that service first):" >&2; echo "$busy" >&2; exit 1
fi

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

nsd_pids=()
lab_ticks() { # CPU ticks so far of the NSD processes and their descendants (xfrd forks main, main the servers)
  local p all=("${nsd_pids[@]}") i=0
  while (( i < ${#all[@]} )); do all+=($(pgrep -P "${all[i]}" || true)); i=$((i + 1)); done
  for p in "${all[@]}"; do ticks "$p"; done | awk '{s += $1} END {print s + 0}'
}
ticks() { # utime + stime of one process; the name in /proc/PID/stat may hold spaces ("nsd: server 1")
  sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $12 + $13}' || true
}
# The lab: one NSD per address folder (each serving only its own zones, so referrals really happen).
for dir in "$lab"/127.*; do
  addr=$(basename "$dir")
  {
    cat <<EOF
server:
  ip-address: $addr
  port: 53
  server-count: 1
  do-ip6: no
  username: ""
  chroot: ""
  database: ""
  zonelistfile: "$work/$addr.zonelist"
  xfrdfile: "$work/$addr.xfrd"
  xfrdir: "$work"
  pidfile: "$work/$addr.pid"
  logfile: "$work/$addr.log"
  verbosity: 0
  # Response-rate limiting would throttle the wildcard answers after 200/s.
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
remote-control:
  control-enable: no
EOF
    for z in "$dir"/*.zone; do
      origin=$(basename "$z" .zone); [[ $origin == root ]] && origin=.
      printf 'zone:\n  name: "%s"\n  zonefile: "%s"\n' "$origin" "$z"
    done
  } > "$work/$addr.conf"
  taskset -c $client_cpu nsd -d -c "$work/$addr.conf" >"$work/$addr.out" 2>&1 & pids+=($!); nsd_pids+=($!)
done
root=$(basename "$(dirname "$(ls "$lab"/*/root.zone)")")
wild=$(basename "$(dirname "$(ls "$lab"/*/wild.bench.zone)")")
printf '. 3600000 NS a.root.bench.\na.root.bench. 3600000 A %s\n' "$root" > "$work/hints"
for _ in $(seq 1 50); do dig @"$wild" +norec +time=1 +tries=1 x.wild.bench A 2>/dev/null | grep -q 192.0.2.1 && break; sleep 0.2; done

# The resolvers: one worker each, DNSSEC validation off (no trust anchor for the lab), loopback servers allowed,
# QNAME minimisation at each one's default (on).
start_gate64() {
  # Pinned to one core the JVM sizes itself for one CPU: one Netty event loop (threads=1) that also resolves the
  # misses, with their outgoing queries on it (the launcher picks G1, which the JVM would not on one CPU).
  taskset -c $resolver_cpu ./gate64 recursor -Dlocal-address="[\"127.0.0.1:$gate_port\"]" -Dthreads=$threads \
    -Dwebserver-address="\"127.0.0.1:$gate_web\"" -Dloglevel=warn -Dhint-file="\"$work/hints\"" -Ddont-query='[]' \
    -Ddnssec='"off"' >"$work/gate64.log" 2>&1 &
  pids+=($!); server_pid=$!
}
start_unbound() {
  unbound_conf $unbound_port "$work/hints" iterator | sed "s/num-threads: 1/num-threads: $threads/" > "$work/unbound.conf"
  taskset -c $resolver_cpu unbound -d -c "$work/unbound.conf" >"$work/unbound.log" 2>&1 & pids+=($!); server_pid=$!
}
start_pdns() {
  mkdir -p "$work/pdns"
  taskset -c $resolver_cpu pdns_recursor --daemon=no --config-dir="$work/pdns" --socket-dir="$work/pdns" \
    --local-address=127.0.0.1 --local-port=$pdns_port --threads=$threads --pdns-distributes-queries=no \
    --hint-file="$work/hints" --allow-from=127.0.0.0/8 --dont-query= --dnssec=off --disable-syslog --quiet=yes \
    >"$work/pdns.log" 2>&1 & pids+=($!); server_pid=$!
}

names() { # prefix count -> a query file of unique random names under wild.bench
  awk -v p="$1" -v n="$2" -v seed="$RANDOM$RANDOM" \
    'BEGIN { srand(seed); for (i = 0; i < n; i++) printf "%s%x-%06x.wild.bench A\n", p, i, int(rand() * 16777216) }'
}

measure() { # tag label port -> one table row
  local tag=$1 label=$2 port=$3
  for _ in $(seq 1 120); do dig @127.0.0.1 -p "$port" +time=1 +tries=1 up.wild.bench A 2>/dev/null | grep -q 192.0.2.1 && break; sleep 1; done
  # More names than the fastest resolver can ask in the time given; -n 1 so none is ever asked twice.
  names "w$tag" $(( warm * 60000 )) > "$work/warm"
  names "m$tag" $(( secs * 60000 )) > "$work/measure"
  taskset -c $client_cpu dnsperf -s 127.0.0.1 -p "$port" -d "$work/warm" -l $warm -n 1 -q "$outstanding" >/dev/null 2>&1
  local cpu0; cpu0=$(ticks "$server_pid")
  local lab0; lab0=$(lab_ticks)
  local out0; out0=$(outgoing "$tag")
  taskset -c $client_cpu dnsperf -s 127.0.0.1 -p "$port" -d "$work/measure" -l "$secs" -n 1 -q "$outstanding" "${limit[@]}" -v \
    >"$work/$tag.out" 2>&1
  local cpu1; cpu1=$(ticks "$server_pid")
  local lab1; lab1=$(lab_ticks)
  local out1; out1=$(outgoing "$tag")
  local qps lost
  qps=$(awk '/Queries per second/ {printf "%d", $4}' "$work/$tag.out")
  lost=$(awk '/Queries lost/ {print $3}' "$work/$tag.out")
  local completed; completed=$(awk '/Queries completed/ {print $3}' "$work/$tag.out")
  # Per-query latencies ("> NOERROR name A 0.000123"), sorted, nearest-rank percentiles in milliseconds.
  awk '$1 == ">" {print $NF}' "$work/$tag.out" | sort -g > "$work/$tag.lat"
  local p50 p99 noerror
  noerror=$(awk '$1 == ">" && $2 == "NOERROR"' "$work/$tag.out" | wc -l)
  p50=$(awk '{v[NR] = $1} END {i = int(NR * 0.50 + 0.999999); printf "%.2f", v[i] * 1000}' "$work/$tag.lat")
  p99=$(awk '{v[NR] = $1} END {i = int(NR * 0.99 + 0.999999); printf "%.2f", v[i] * 1000}' "$work/$tag.lat")
  local cpu; cpu=$(awk -v a="$cpu0" -v b="$cpu1" -v s="$secs" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%d", (b - a) / hz / s * 100}')
  # QPS per second of the resolver's CPU time: what one core would do if nothing else ran on it (the machine is shared).
  local per_core; per_core=$(awk -v a="$cpu0" -v b="$cpu1" -v n="$completed" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {printf "%d", n / ((b - a) / hz)}')
  # The lab's own CPU share: it must stay well below a core, or it, not the resolver, is what is measured.
  local labcpu; labcpu=$(awk -v a="$lab0" -v b="$lab1" -v s="$secs" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%d", (b - a) / hz / s * 100}')
  local per_answer=- alloc=-
  if [[ -n "$out0" && -n "$out1" ]]; then
    per_answer=$(awk -v a="${out0% *}" -v b="${out1% *}" -v n="$completed" 'BEGIN {printf "%.3f", (b - a) / n}')
    alloc=$(awk -v a="${out0#* }" -v b="${out1#* }" -v n="$completed" 'BEGIN {if (b > 0) printf "%.1f KB", (b - a) / n / 1024; else print "-"}')
  fi
  local us; us=$(awk -v a="$cpu0" -v b="$cpu1" -v n="$completed" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", (b - a) / hz / n * 1e6}')
  printf '| %s | %s | %s ms | %s ms | %s | %s | %s %% | %s | %s µs | %s | %s | %s %% |\n' "$label" "$qps" "$p50" "$p99" "$noerror" "$lost" "$cpu" "$per_core" "$us" "$per_answer" "$alloc" "$labcpu"
  echo "$qps $per_core" > "$work/$tag.qps"
}

outgoing() { # gate64's "outgoing-queries allocated-bytes" so far, from its metrics; empty for the others
  [[ $1 == g ]] || return 0
  curl -s "http://127.0.0.1:$gate_web/metrics" | awk '/^gate64_outgoing_queries_total/ {s += $2}
    /^gate64_jvm_allocated_bytes_total/ {a = $2} END {printf "%d %d", s, a}'
}

stop() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }

./gate64 recursor --help >/dev/null 2>&1   # builds gate64 now if stale, so no build runs inside the measurement
echo "cache-miss iteration, one worker each on CPU $resolver_cpu, dnsperf -q $outstanding${limit[*]:+ ${limit[*]}} on CPU $client_cpu," \
  "${secs}s after a ${warm}s warm-up, $(date -u '+%F %H:%M') UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "lab: bench/lab/${LAB:-iterate}, $threads worker(s) each"
echo
echo "| resolver | QPS | p50 | p99 | NOERROR answers | lost | resolver CPU | QPS per CPU-second | CPU per answer | outgoing per answer | heap allocated per answer | lab (NSD) CPU |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
[[ " $only " == *" gate64 "* ]] && { start_gate64; measure g gate64 $gate_port; stop; }
[[ " $only " == *" unbound "* ]] && { start_unbound; measure u "unbound $(unbound -V | awk '/Version/ {print $2}')" $unbound_port; stop; }
[[ " $only " == *" pdns "* ]] && { start_pdns; measure p "pdns-recursor $(pdns_recursor --version 2>&1 | grep -o 'Recursor [0-9.]*' | head -1 | cut -d' ' -f2)" $pdns_port; stop; }
if [[ -f "$work/g.qps" && -f "$work/u.qps" ]]; then
  read -r gate gate_core < "$work/g.qps"; read -r unb unb_core < "$work/u.qps"
  echo
  awk -v g="$gate" -v u="$unb" -v gc="$gate_core" -v uc="$unb_core" \
    'BEGIN { printf "gate64 / unbound: %.2f in QPS, %.2f in QPS per CPU-second (target >= 1.20), CPU per answer %.2fx (target <= 0.83)\n", g / u, gc / uc, uc / gc }'
fi
