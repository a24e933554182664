#!/usr/bin/env bash
# Memory per cached name: gate64, PowerDNS Recursor and Unbound each forward a wildcard zone served by NSD and are
# filled, one after the other, with the same N distinct names (one A query each, dnsperf -n 1). After each fill the
# script prints the entries each cache holds, the process's RSS, and for gate64 the live heap by class (jcmd
# GC.class_histogram, which runs a full collection first) with the packet cache's own byte count, so that bytes per
# entry can be told apart for the packet cache and the record cache; pdns-recursor's own estimates (cache-bytes,
# packetcache-bytes) and Unbound's (mem.cache.*) are printed beside.
#   bench/memory.sh [names]        (default 1000000)
#   GATE64_MEMORY=1g / GATE64_HEAP=... / GATE64_JAVA_OPTS=...   passed on to the gate64 launcher, which sizes the heap
#                           from them as from a cgroup limit (docs/deploy.md); without them, the JVM's default
#   ONLY=gate64|pdns|unbound  measure one server only
# Caches are sized so that N names fit everywhere: gate64 and pdns-recursor max-cache-entries = 2N and
# max-packetcache-entries = N; Unbound 4 GiB of rrset and message cache. Run it under `flock /work/bench.lock`.
# Everything listens on loopback only; NSD on 127.0.77.1:53 (needs root), the resolvers on 127.0.0.1:5394-5396.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/lib.sh
names=${1:-1000000}
nsd_addr=127.0.77.1 gate_port=5394 pdns_port=5395 unbound_port=5396 web_port=5397
install_missing dnsperf:dnsperf pdns_recursor:pdns-recursor unbound:unbound nsd:nsd dig:bind9-dnsutils
systemctl stop pdns-recursor unbound nsd 2>/dev/null || true
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
make_work
./gate64 recursor --help >/dev/null 2>&1 || true # builds first, if sources changed

serve_wildcard_zone "$nsd_addr"
awk -v n="$names" 'BEGIN { for (i = 0; i < n; i++) printf "host-%d.mem.test A\n", i }' > "$work/queries"

rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
fill() { # port: every name once
  taskset -c 1 dnsperf -s 127.0.0.1 -p "$1" -d "$work/queries" -n 1 -T 1 -c 4 -q 500 -t 10 2>&1 |
    awk '/Queries completed:|Queries lost:|Queries per second:/ {printf "%s ", $0} END {print ""}' | tr -s ' '
}
up() { for _ in $(seq 120); do dig @127.0.0.1 -p "$1" +time=1 +tries=1 up.mem.test A >/dev/null 2>&1 && return 0; sleep 1; done; echo "nothing on $1" >&2; exit 1; }
echo "memory after $names distinct names, $(date -u '+%F %H:%M') UTC, load $(cut -d' ' -f1-3 /proc/loadavg) (shared machine)"

want() { [[ -z "${ONLY:-}" || "$ONLY" == "$1" ]]; }

# --- gate64 ---
if want gate64; then
echo "gate64 launcher sizing: GATE64_MEMORY=${GATE64_MEMORY:-} GATE64_HEAP=${GATE64_HEAP:-} GATE64_JAVA_OPTS=${GATE64_JAVA_OPTS:-}"
taskset -c 0 ./gate64 recursor -Dlocal-address="[\"127.0.0.1:$gate_port\"]" -Dthreads=1 -Dloglevel=warn -Ddnssec=off \
  -Dwebserver-address="\"127.0.0.1:$web_port\"" -Dmax-cache-entries=$((2 * names)) -Dmax-packetcache-entries=$names \
  -Dforward-zones="{\"mem.test\"=[\"$nsd_addr\"]}" >"$work/gate64.log" 2>&1 & gpid=$!; pids+=($gpid)
up $gate_port
echo "gate64: idle RSS $(rss $gpid) MB"
echo "gate64 fill: $(fill $gate_port)"
metric() { curl -s "http://127.0.0.1:$web_port/metrics" | awk -v m="$1" 'index($0, m) == 1 {print $2}'; }
echo "gate64: RSS after fill $(rss $gpid) MB; entries packet $(metric 'gate64_cache_entries{cache="packet"}')" \
  "record $(metric 'gate64_cache_entries{cache="record"}') negative $(metric 'gate64_cache_entries{cache="negative"}');" \
  "packet cache bytes $(metric 'gate64_cache_bytes{cache="packet"}')"
"$JAVA_HOME/bin/jcmd" $gpid GC.class_histogram > "$work/histo.txt"
echo "gate64: live heap after a full GC $(awk '/^Total/ {printf "%.0f MB (%d objects)", $3 / 1048576, $2}' "$work/histo.txt"); top classes:"
awk 'NR > 2 && NR <= 22 {printf "    %12d objects %10.1f MB  %s\n", $2, $3 / 1048576, $4}' "$work/histo.txt"
echo "gate64: RSS after the full GC $(rss $gpid) MB; heap: $("$JAVA_HOME/bin/jcmd" $gpid GC.heap_info | grep -m1 -E 'total|committed' | tr -s ' ')"
echo "gate64: max heap $("$JAVA_HOME/bin/jcmd" $gpid VM.flags | grep -o -- '-XX:MaxHeapSize=[0-9]*' | awk -F= '{printf "%.0f MB", $2 / 1048576}')"
kill $gpid; wait $gpid 2>/dev/null || true
fi

# --- pdns-recursor ---
if want pdns; then
mkdir -p "$work/pdns"
taskset -c 0 pdns_recursor --daemon=no --config-dir="$work/pdns" --socket-dir="$work/pdns" --local-address=127.0.0.1 \
  --local-port=$pdns_port --threads=1 --pdns-distributes-queries=no --forward-zones="mem.test=$nsd_addr" \
  --allow-from=127.0.0.0/8 --dont-query= --disable-syslog --quiet=yes --dnssec=off \
  --max-cache-entries=$((2 * names)) --max-packetcache-entries=$names >"$work/pdns.log" 2>&1 & ppid=$!; pids+=($ppid)
up $pdns_port
echo "pdns-recursor: idle RSS $(rss $ppid) MB"
echo "pdns-recursor fill: $(fill $pdns_port)"
echo "pdns-recursor: RSS after fill $(rss $ppid) MB;" \
  "$(rec_control --socket-dir="$work/pdns" get cache-entries packetcache-entries cache-bytes packetcache-bytes 2>/dev/null | tr '\n' ' ')" \
  "(cache-entries packetcache-entries cache-bytes packetcache-bytes)"
kill $ppid; wait $ppid 2>/dev/null || true
fi

# --- Unbound ---
if want unbound; then
cat > "$work/unbound.conf" <<CONF
server:
  interface: 127.0.0.1@$unbound_port
  num-threads: 1
  do-ip6: no
  do-not-query-localhost: no
  access-control: 127.0.0.0/8 allow
  local-zone: "test." nodefault
  rrset-cache-size: 4g
  msg-cache-size: 4g
  username: ""
  chroot: ""
  directory: "$work"
  pidfile: "$work/unbound.pid"
  use-syslog: no
  verbosity: 0
remote-control:
  control-enable: yes
  control-interface: "$work/unbound.ctl"
  control-use-cert: no
forward-zone:
  name: "mem.test"
  forward-addr: $nsd_addr
CONF
taskset -c 0 unbound -d -c "$work/unbound.conf" >"$work/unbound.log" 2>&1 & upid=$!; pids+=($upid)
up $unbound_port
echo "unbound: idle RSS $(rss $upid) MB"
echo "unbound fill: $(fill $unbound_port)"
echo "unbound: RSS after fill $(rss $upid) MB;" \
  "$(unbound-control -c "$work/unbound.conf" stats_noreset 2>/dev/null | grep -E '^(mem\.cache\.|msg\.cache\.count|rrset\.cache\.count)' | tr '\n' ' ')"
kill $upid; wait $upid 2>/dev/null || true
fi
