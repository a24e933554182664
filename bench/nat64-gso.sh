#!/usr/bin/env bash
# NAT64 with a UDP GSO sender (UDP_SEGMENT, as QUIC stacks send): throughput through plain kernel IPv6 forwarding,
# Tayga, gate64 with its TUN offloads (UDP segmentation offload, TUN_F_USO4/6) and gate64 with offload = false,
# in the bed of bench/nat64.sh. The sender (client namespace, CPU 1) writes 1200-byte datagrams 40 at a time
# (48 KB per send) as fast as it can for SECS seconds; the receiver (server namespace, CPU 1) counts what arrives.
# The gateway runs on CPU 0 with one worker; its CPU time per received datagram is printed too.
#   bench/nat64-gso.sh [seconds] [rounds]   (default 10 s, 2 rounds, best of each kept; needs root)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs=${1:-10}
rounds=${2:-2}
[[ $(id -u) == 0 ]] || { echo "bench/nat64-gso.sh needs root (network namespaces, TUN)" >&2; exit 1; }
. bench/lib.sh
install_missing tayga:tayga
./gate64 nat64 --help >/dev/null   # builds the module when needed
. bench/nat64-bed.sh
nat64_bed_up
hz=$(getconf CLK_TCK)
cat > "$work/recv.py" <<'PY'
import socket, sys, time
family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(family, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 24)
s.bind((sys.argv[1], 7020))
open(sys.argv[2], "w").close()
s.settimeout(30)
n = b = 0
first = last = None
while True:
    try:
        k = len(s.recv(65535))
    except socket.timeout:
        break
    now = time.monotonic()
    first = first or now
    last = now
    n += 1; b += k
    s.settimeout(2)
secs = (last - first) if first and last and last > first else float("nan")
print(n, b, secs)
PY
cat > "$work/send.py" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_UDP, 103, 1200)  # UDP_SEGMENT
s.connect((sys.argv[1], 7020))
burst = bytes(1200 * 40)
end = time.monotonic() + float(sys.argv[2])
sent = 0
while time.monotonic() < end:
    try:
        s.send(burst); sent += 40
    except (BlockingIOError, ConnectionRefusedError, OSError):
        pass
print(sent)
PY

# run DEST BIND: "datagrams_received Mbit/s gateway_cpu_us_per_datagram" (cpu "-" for kernel forwarding)
run() {
  local dst=$1 bind=$2 t0 t1 out sent
  rm -f "$work/ready"
  ip netns exec $S taskset -c 1 python3 "$work/recv.py" "$bind" "$work/ready" >"$work/recv.out" &
  local rp=$!
  for _ in $(seq 100); do [[ -e "$work/ready" ]] && break; sleep 0.1; done
  [[ -n "${gw_pid:-}" ]] && t0=$(cpu_ticks "$gw_pid")
  sent=$(ip netns exec $C taskset -c 1 python3 "$work/send.py" "$dst" "$secs")
  [[ -n "${gw_pid:-}" ]] && t1=$(cpu_ticks "$gw_pid")
  wait $rp || true
  python3 - "$hz" "${t0:-}" "${t1:-}" "$sent" "$(cat "$work/recv.out")" <<'PY'
import sys
hz = int(sys.argv[1]); n, b, secs = sys.argv[5].split(); n = int(n); b = int(b); secs = float(secs)
cpu = "-"
if sys.argv[2] and n:
    u0, s0 = map(int, sys.argv[2].split()); u1, s1 = map(int, sys.argv[3].split())
    cpu = "%.3f" % (((u1 + s1) - (u0 + s0)) * 1e6 / hz / n)
print(n, "%.0f" % (b * 8 / secs / 1e6) if secs == secs and secs > 0 else "error", cpu, sys.argv[4])
PY
}

echo "load before: $(uptime)" >&2
declare -A res
for round in $(seq 1 "$rounds"); do
  gw_pid=
  ip -n $S -6 addr show dev s0 | grep -q 2001:db8:2::2 || true
  r=$(run 2001:db8:2::2 2001:db8:2::2); res[kernel]+="$r;"; echo "round $round kernel: $r" >&2
  start_tayga 0; r=$(run 2001:db8:64::c633:6402 198.51.100.2); stop_tayga; res[tayga]+="$r;"; echo "round $round tayga: $r" >&2
  start_gate64 0 -Dthreads=1; r=$(run 2001:db8:64::c633:6402 198.51.100.2); stop_gate64; res[uso]+="$r;"; echo "round $round gate64 offload: $r" >&2
  start_gate64 0 -Dthreads=1 -Doffload=false; r=$(run 2001:db8:64::c633:6402 198.51.100.2); stop_gate64; res[plain]+="$r;"; echo "round $round gate64 no offload: $r" >&2
  gw_pid=
done
echo "load after: $(uptime)" >&2
echo "UDP GSO sender (1200-byte datagrams, 48 KB per send), ${secs}s per run, best of $rounds rounds; $(nproc) cores"
printf '%-34s %12s %10s %14s\n' "" "datagrams" "Mbit/s" "gw CPU us/dgram"
for k in kernel tayga uso plain; do
  python3 - "$k" "${res[$k]}" <<'PY'
import sys
names = {"kernel": "kernel IPv6 forwarding", "tayga": "tayga", "uso": "gate64 (offload: USO)", "plain": "gate64 offload = false"}
runs = [r.split() for r in sys.argv[2].split(";") if r and "error" not in r]
if not runs: print("%-34s all runs failed" % names[sys.argv[1]]); sys.exit()
r = max(runs, key=lambda r: float(r[1]))
print("%-34s %12s %10s %14s" % (names[sys.argv[1]], r[0], r[1], r[2]))
PY
done
