#!/usr/bin/env bash
# NAT64 throughput: the same three-namespace bed (IPv6-only client | gateway | IPv4-only server) with
#   1. plain kernel IPv6 forwarding (the ceiling: the server also gets IPv6 for this run only),
#   2. Tayga (Debian package, stateless NAT64, one thread),
#   3. gate64 nat64 (stateful, one worker per core),
# measured with iperf3: TCP throughput (one stream) and 64-byte UDP packet rate (-u -l 64 -b 0), in one run.
#   bench/nat64.sh [seconds] [rounds]   (default 10 s per measurement, 2 rounds, best of each kept; needs root)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs=${1:-10}
rounds=${2:-2}
[[ $(id -u) == 0 ]] || { echo "bench/nat64.sh needs root (network namespaces, TUN)" >&2; exit 1; }
need=()
command -v tayga >/dev/null || need+=(tayga)
command -v iperf3 >/dev/null || need+=(iperf3)
if (( ${#need[@]} )); then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
./gate64 nat64 --help >/dev/null   # builds the module when needed

. bench/nat64-bed.sh
nat64_bed_up
ip netns exec $S iperf3 -s -D -I "$work/iperf3.pid" >/dev/null
sleep 0.5; pids+=("$(cat "$work/iperf3.pid")")

# iperf3 -J output → one figure; prints "error" (and the reason on stderr) when the run failed.
tcp_mbit() { python3 -c 'import json,sys
j = json.load(sys.stdin)
if "error" in j: sys.stderr.write("iperf3: %s\n" % j["error"]); print("error")
else: print("%.0f" % (j["end"]["sum_received"]["bits_per_second"] / 1e6))'; }
udp_pps() { python3 -c 'import json,sys
j = json.load(sys.stdin)
if "error" in j: sys.stderr.write("iperf3: %s\n" % j["error"]); print("error")
else: s = j["end"]["sum"]; print("%.0f" % ((s["packets"] - s["lost_packets"]) / s["seconds"]))'; }

# measure DEST: prints "tcp_mbit udp_pps"
measure() {
  local dst=$1 tcp udp
  ip netns exec $C iperf3 -c "$dst" -t 2 >/dev/null 2>&1 || true   # warm-up (JIT, sessions)
  sleep 1
  tcp=$(ip netns exec $C iperf3 -c "$dst" -t "$secs" -J | tcp_mbit)
  sleep 1
  udp=$(ip netns exec $C iperf3 -c "$dst" -u -l 64 -b 0 -t "$secs" -J | udp_pps)
  sleep 1
  echo "$tcp $udp"
}

max() { python3 -c 'import sys; v = [float(x) for x in sys.argv[1:] if x != "error"]; print("%.0f" % max(v) if v else "error")' "$@"; }

run_tayga() {
  start_tayga
  measure 2001:db8:64::c633:6402
  stop_tayga
}

run_gate64() {
  start_gate64
  measure 2001:db8:64::c633:6402
  stop_gate64
}

# The machine is shared: run the three in turn, $rounds times, and keep each one's best figure.
echo "load before: $(uptime)" >&2
k_t=() k_u=() t_t=() t_u=() g_t=() g_u=()
for round in $(seq 1 "$rounds"); do
  read -r a b <<<"$(measure 2001:db8:2::2)"; k_t+=("$a"); k_u+=("$b")
  read -r a b <<<"$(run_tayga)"; t_t+=("$a"); t_u+=("$b")
  read -r a b <<<"$(run_gate64)"; g_t+=("$a"); g_u+=("$b")
  echo "round $round: kernel ${k_t[-1]}/${k_u[-1]} tayga ${t_t[-1]}/${t_u[-1]} gate64 ${g_t[-1]}/${g_u[-1]}" >&2
done
echo "load after: $(uptime)" >&2
kernel="$(max "${k_t[@]}") $(max "${k_u[@]}")"
tayga="$(max "${t_t[@]}") $(max "${t_u[@]}")"
gate="$(max "${g_t[@]}") $(max "${g_u[@]}")"

read -r kt ku <<<"$kernel"; read -r tt tu <<<"$tayga"; read -r gt gu <<<"$gate"
echo "iperf3, ${secs}s each, best of $rounds rounds, one TCP stream; UDP 64-byte payloads at -b 0 (received packets/s); $(nproc) cores"
printf '%-28s %12s %14s\n' "" "TCP Mbit/s" "UDP 64B pkt/s"
printf '%-28s %12s %14s\n' "kernel IPv6 forwarding" "$kt" "$ku"
printf '%-28s %12s %14s\n' "tayga $(dpkg-query -W -f='${Version}' tayga 2>/dev/null)" "$tt" "$tu"
printf '%-28s %12s %14s\n' "gate64 nat64" "$gt" "$gu"
awk -v gt="$gt" -v tt="$tt" -v gu="$gu" -v tu="$tu" \
  'BEGIN { printf "gate64/tayga: TCP %.2fx, UDP packet rate %.2fx\n", gt / tt, gu / tu }'
