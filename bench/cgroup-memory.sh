#!/usr/bin/env bash
# The recursor as the Kubernetes base deploys it, under load in a memory cgroup of the pod's size: the installed tree
# (packaging/target/stage: the bundled runtime, its AOT cache and the launcher, whose jvm-options.sh sizes the heap
# from the cgroup limit), contrib/kubernetes/base/recursor.conf (its record-cache and packet-cache sizes; extra
# -Dkey=value arguments after the limit override them), forwarding a wildcard zone served by NSD, driven by dnsperf with far more distinct names than the caches
# hold (A and AAAA alternating, so half the answers are DNS64 syntheses), so that the caches stay full and evict.
# Every 10 s it prints the process's RSS, the cgroup's charge (rss + page cache) and its peak; after the load it
# stays idle for 3 minutes (G1 collects after 60 s without a collection and uncommits). At the end: the cgroup's
# failcnt and OOM kills, whether the recursor is still alive, its heap and the cache sizes.
#   bench/cgroup-memory.sh [seconds of load] [limit] [-Dkey=value ...]      (defaults 300 and 256M)
# Needs root (a memory cgroup of its own, NSD on 127.0.78.1:53). Run it under `flock /work/bench.lock`. Everything
# listens on loopback only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/lib.sh
seconds=${1:-300}
limit=${2:-256M}
shift $(( $# < 2 ? $# : 2 ))
nsd_addr=127.0.78.1 dns_port=5398 web_port=5399
install_missing dnsperf:dnsperf nsd:nsd dig:bind9-dnsutils curl:curl
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
launcher=packaging/target/stage/usr/lib/gate64/bin/gate64
if [[ ! -x $launcher ]]; then
  ./mvnw -B -q -DskipTests -pl packaging -am package
fi
make_work

# --- a memory cgroup of its own (v2 when the host has it, else v1), under this shell's own -------------------------
if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
  own=$(sed -n 's/^0:://p' /proc/self/cgroup)
  cg=/sys/fs/cgroup${own%/}/g64-mem-$$
  mkdir "$cg"
  echo "$limit" > "$cg/memory.max"
  echo 0 > "$cg/memory.swap.max" 2>/dev/null || true
  usage() { cat "$cg/memory.current"; }
  peak() { cat "$cg/memory.peak" 2>/dev/null || echo 0; }
  failures() { echo "max events $(awk '$1 == "max" {print $2}' "$cg/memory.events"), oom_kill $(awk '$1 == "oom_kill" {print $2}' "$cg/memory.events")"; }
  anon() { awk '$1 == "anon" {print $2}' "$cg/memory.stat"; }
else
  own=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
  cg=/sys/fs/cgroup/memory${own%/}/g64-mem-$$
  mkdir "$cg"
  echo "$limit" > "$cg/memory.limit_in_bytes"
  usage() { cat "$cg/memory.usage_in_bytes"; }
  peak() { cat "$cg/memory.max_usage_in_bytes"; }
  failures() { echo "failcnt $(cat "$cg/memory.failcnt"), oom_kill $(awk '$1 == "oom_kill" {print $2}' "$cg/memory.oom_control")"; }
  anon() { awk '$1 == "total_rss" {print $2}' "$cg/memory.stat"; }
fi
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rmdir "$cg" 2>/dev/null || true; rm -rf "$work"' EXIT

# --- the authoritative side: NSD with a wildcard zone, outside the cgroup ------------------------------------------
serve_wildcard_zone "$nsd_addr"
awk 'BEGIN { for (i = 0; i < 2000000; i++) printf "host-%d.mem.test %s\n", i, (i % 2 ? "AAAA" : "A") }' > "$work/queries"

# --- the recursor: the installed launcher started inside the cgroup ------------------------------------------------
# What differs from the base ConfigMap's recursor.conf: loopback addresses, the forwarder, no DNSSEC (the wildcard
# zone is unsigned and nothing may be asked outside this machine), IPv4 queries (the base asks over IPv6 only).
# The JVM's GC log (appended by GATE64_JAVA_OPTS; it changes no sizing) gives the heap after each collection.
GATE64_JAVA_OPTS="${GATE64_JAVA_OPTS:-} -Xlog:gc:file=$work/gc.log" \
sh -c 'echo $$ > "$1/cgroup.procs"; shift; exec taskset -c 0 "$@"' sh "$cg" "$launcher" recursor \
  --config contrib/kubernetes/base/recursor.conf -Dlocal-address="[\"127.0.0.1:$dns_port\"]" \
  -Dwebserver-address="\"127.0.0.1:$web_port\"" -Dquery-local-address='["0.0.0.0"]' -Ddnssec=off -Dloglevel=warn \
  -Dforward-zones="{\"mem.test\"=[\"$nsd_addr\"]}" "$@" >"$work/gate64.log" 2>&1 & gpid=$!; pids+=($gpid)
for _ in $(seq 120); do dig @127.0.0.1 -p $dns_port +time=1 +tries=1 up.mem.test A >/dev/null 2>&1 && break; sleep 0.5; done
mib() { echo $(( $1 / 1048576 )); }
rss() { if [[ -r /proc/$gpid/status ]]; then awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$gpid/status"; else echo gone; fi; }
metric() { curl -s "http://127.0.0.1:$web_port/metrics" | awk -v m="$1" 'index($0, m) == 1 {print $2}'; }
# heap after the last evacuating collection (young, mixed or full; Remark and Cleanup free nothing themselves), and
# the most after any of them since the previous sample (MB, from the GC log)
evacuations() { grep -E 'Pause (Young|Full)' "$work/gc.log" 2>/dev/null | grep -o -- '->[0-9]*M' | tr -d '>M-'; }
after_gc() { evacuations | tail -n +"$((${seen:-0} + 1))" |
  awk 'BEGIN {last = "-"; max = "-"} {last = $1; if (max == "-" || $1 > max) max = $1} END {print last "/" max}'; }
sample() {
  printf '%6s %7s %7s %8s %8s %10s %14s  %s\n' "$1" "$(rss)" "$(mib "$(usage)")" "$(mib "$(anon)")" "$(mib "$(peak)")" \
    "$(after_gc)" "$(metric 'gate64_cache_entries{cache="record"}')/$(metric 'gate64_cache_entries{cache="packet"}')" "$2"
  seen=$(evacuations | wc -l)
}
heap_flags=$(tr '\0' ' ' < /proc/$gpid/cmdline | grep -o -- '-Xmx[^ ]*\|-XX:MaxDirectMemorySize=[^ ]*\|-XX:ReservedCodeCacheSize=[^ ]*\|-XX:AOTCache=[^ ]*' | tr '\n' ' ')
echo "recursor in a $limit memory cgroup ($cg); launcher flags: $heap_flags"
echo "$(date -u '+%F %H:%M') UTC, load $(cut -d' ' -f1-3 /proc/loadavg) (shared machine: other builds may be running)"
echo "     t  RSS MB   cg MB  anon MB  peak MB  heap after GC  record/packet  (MB: RSS of the JVM; the cgroup's charge,"
echo "                                          last/max MB     entries         its anonymous part and its peak)"
sample 0 idle
taskset -c 1 dnsperf -s 127.0.0.1 -p $dns_port -d "$work/queries" -l "$seconds" -c 8 -q 200 -S 10 -t 5 \
  >"$work/dnsperf.txt" 2>&1 & dpid=$!; pids+=($dpid)
t=0
while kill -0 $dpid 2>/dev/null; do
  sleep 10; t=$((t + 10))
  sample $t load
done
wait $dpid || true
echo "dnsperf: $(awk '/Queries sent:|Queries completed:|Queries lost:|Queries per second:/ {printf "%s ", $0} END {print ""}' "$work/dnsperf.txt" | tr -s ' ')"
for idle in 30 60 90 120 150 180; do sleep 30; sample "+$idle" "idle"; done
echo "cgroup: $(failures); recursor $(kill -0 $gpid 2>/dev/null && echo alive || echo 'NOT running')"
echo "GC: $(grep -c 'Pause Young' "$work/gc.log") young/mixed ($(grep -c 'Evacuation Failure' "$work/gc.log") with an evacuation failure), $(grep -c 'Pause Full' "$work/gc.log") full; the last: $(grep 'Pause' "$work/gc.log" | tail -1 | sed 's/^\[[^]]*\]\[[^]]*\]\[[^]]*\] //')"
grep -i 'outofmemory\|error\|^gate64:' "$work/gate64.log" | head -5 || true
