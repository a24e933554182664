# The NAT64 bench bed, sourced by bench/nat64.sh and bench/nat64-cpu.sh: three network namespaces (IPv6-only
# client | gateway | IPv4-only server) joined by veth pairs, Tayga and gate64 configurations, start/stop helpers.
# Needs root. Sets $C $G $S (namespace names), $work, pids[] (killed on exit).

nat64_bed_up() {
  local sfx
  sfx=$(printf '%06x' $((RANDOM * 32768 + RANDOM)))
  C=g64c-$sfx G=g64g-$sfx S=g64s-$sfx
  work=$(mktemp -d)
  pids=()
  trap nat64_bed_down EXIT
  for ns in $C $G $S; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
  ip link add c0 netns $C type veth peer name g0 netns $G
  ip link add s0 netns $S type veth peer name g1 netns $G
  ip -n $C addr add 2001:db8:1::2/64 dev c0 nodad
  ip -n $G addr add 2001:db8:1::1/64 dev g0 nodad
  ip -n $G addr add 198.51.100.1/24 dev g1
  ip -n $G addr add 2001:db8:2::1/64 dev g1 nodad
  ip -n $S addr add 198.51.100.2/24 dev s0
  ip -n $S addr add 2001:db8:2::2/64 dev s0 nodad
  for l in "$C c0" "$G g0" "$G g1" "$S s0"; do set -- $l; ip -n "$1" link set "$2" up; done
  ip -n $C -6 route add default via 2001:db8:1::1
  ip -n $S route add default via 198.51.100.1
  ip -n $S -6 route add default via 2001:db8:2::1
  ip netns exec $G sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
  cat > "$work/tayga.conf" <<CONF
tun-device nat64
ipv4-addr 203.0.113.1
prefix 2001:db8:64::/96
dynamic-pool 203.0.113.0/28
data-dir $work/tayga
CONF
  mkdir -p "$work/tayga"
  cat > "$work/nat64.conf" <<CONF
tun-name = "nat64"
pool6 = "2001:db8:64::/96"
pool4 = "203.0.113.0/28"
configure-interface = true
http-address = ""
CONF
}

nat64_bed_down() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for ns in $C $G $S; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}

# start_tayga [taskset-cpus]: Tayga in the gateway namespace; sets $gw_pid
start_tayga() {
  ip netns exec $G tayga -c "$work/tayga.conf" --mktun >/dev/null
  ip -n $G link set nat64 up
  ip -n $G -6 route add 2001:db8:64::/96 dev nat64
  ip -n $G -4 route add 203.0.113.0/28 dev nat64
  if [[ -n "${1:-}" ]]; then
    ip netns exec $G taskset -c "$1" tayga -c "$work/tayga.conf" --nodetach >>"$work/tayga.log" 2>&1 &
  else
    ip netns exec $G tayga -c "$work/tayga.conf" --nodetach >>"$work/tayga.log" 2>&1 &
  fi
  gw_pid=$!
  sleep 1
}

stop_tayga() {
  kill $gw_pid; wait $gw_pid 2>/dev/null || true
  ip netns exec $G tayga -c "$work/tayga.conf" --rmtun >/dev/null 2>&1 || ip -n $G link del nat64 2>/dev/null || true
}

# start_gate64 [taskset-cpus] [-Dkey=value ...]: ./gate64 nat64 in the gateway namespace; sets $gw_pid (the JVM)
start_gate64() {
  local cpus=${1:-}
  shift || true
  if [[ -n "$cpus" ]]; then
    ip netns exec $G taskset -c "$cpus" ./gate64 nat64 --config "$work/nat64.conf" "$@" >>"$work/gate64.log" 2>&1 &
  else
    ip netns exec $G ./gate64 nat64 --config "$work/nat64.conf" "$@" >>"$work/gate64.log" 2>&1 &
  fi
  gw_pid=$!
  for _ in $(seq 1 100); do ip -n $G route show 203.0.113.0/28 2>/dev/null | grep -q nat64 && break; sleep 0.2; done
  sleep 1
}

stop_gate64() {
  kill $gw_pid; wait $gw_pid 2>/dev/null || true
  for _ in $(seq 1 50); do ip -n $G link show nat64 >/dev/null 2>&1 || break; sleep 0.1; done
}

# sched_ns PID: CPU time in nanoseconds, all threads of the process (/proc/PID/task/*/schedstat, first field: exact
# run time, where utime/stime are sampled at the clock tick)
sched_ns() {
  cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f\n", s }'
}

# worker_ns PID: the same for the threads named nat64-worker-* alone (gate64's packet path without the JVM's
# compiler, GC and housekeeping threads); for a process without such threads (Tayga), all of it
worker_ns() {
  local t s=0 any=0
  for t in /proc/"$1"/task/*; do
    [[ $(cat "$t/comm" 2>/dev/null) == nat64-worker-* ]] || continue
    any=1; s=$(( s + $(cut -d' ' -f1 "$t/schedstat") ))
  done
  if (( any )); then echo "$s"; else sched_ns "$1"; fi
}

# cpu_ticks PID: "utime stime" in clock ticks, all threads of the process (/proc/PID/stat fields 14 and 15)
cpu_ticks() {
  awk '{ sub(/^.*\) /, ""); print $12, $13 }' "/proc/$1/stat"
}
