# Shared by the bench scripts: sourced, not run.  . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# install_missing command:package ...   installs (as root, from Debian) the packages whose command is missing
install_missing() {
  local need=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null || need+=("${pair#*:}")
  done
  if (( ${#need[@]} )); then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

# make_work: a scratch folder in $work, and background processes in pids[] killed on exit
make_work() {
  work=$(mktemp -d)
  pids=()
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT
}

# start_signed_lab [cpu]: ./gate64 lab --signed in the background; sets $anchor to the lab root's DS rdata
start_signed_lab() {
  ./gate64 lab --help >/dev/null 2>&1 # builds first, if sources changed, so no build runs inside a measurement
  if [[ -n "${1:-}" ]]; then
    taskset -c "$1" ./gate64 lab --signed --out="$work" >"$work/lab.log" 2>&1 &
  else
    ./gate64 lab --signed --out="$work" >"$work/lab.log" 2>&1 &
  fi
  pids+=($!)
  for _ in $(seq 150); do [[ -s "$work/anchor.ds" ]] && break; sleep 0.2; done
  [[ -s "$work/anchor.ds" ]] || { echo "the signed lab did not start:" >&2; cat "$work/lab.log" >&2; exit 1; }
  anchor=$(awk '{print $5, $6, $7, $8}' "$work/anchor.ds")
}

# percentiles FILE: "p50 p99" in milliseconds from dnsperf -v output ("> NOERROR name A 0.000123" per query)
percentiles() {
  awk '$1 == ">" {print $NF}' "$1" | sort -g | awk '{v[NR] = $1} END {
    if (NR == 0) { print "- -"; exit }
    printf "%.2f %.2f\n", v[int(NR * 0.50 + 0.999999)] * 1000, v[int(NR * 0.99 + 0.999999)] * 1000 }'
}

# serve_with_nsd DIR [cpu]: one NSD per DIR/<address>/ folder on port 53, each serving that folder's *.zone files
# (root.zone is the root). NSD answers presigned zones with their NSEC/NSEC3 proofs, faster than the Java lab.
serve_with_nsd() {
  local dir=$1 cpu=${2:-} folder addr z origin
  for folder in "$dir"/*/; do
    addr=$(basename "$folder")
    {
      printf 'server:\n  ip-address: %s\n  port: 53\n  server-count: 1\n  do-ip6: no\n  username: ""\n  chroot: ""\n' "$addr"
      printf '  database: ""\n  zonelistfile: "%s"\n  xfrdfile: "%s"\n  xfrdir: "%s"\n' "$work/$addr.zl" "$work/$addr.xfrd" "$work"
      printf '  pidfile: "%s"\n  logfile: "%s"\n  verbosity: 0\n  rrl-ratelimit: 0\n  rrl-whitelist-ratelimit: 0\n' "$work/$addr.pid" "$work/$addr.log"
      printf 'remote-control:\n  control-enable: no\n'
      for z in "$folder"*.zone; do
        origin=$(basename "$z" .zone); [[ $origin == root ]] && origin=.
        printf 'zone:\n  name: "%s"\n  zonefile: "%s"\n' "$origin" "$z"
      done
    } > "$work/$addr.nsd.conf"
    if [[ -n "$cpu" ]]; then
      taskset -c "$cpu" nsd -d -c "$work/$addr.nsd.conf" >"$work/$addr.nsd.out" 2>&1 &
    else
      nsd -d -c "$work/$addr.nsd.conf" >"$work/$addr.nsd.out" 2>&1 &
    fi
    pids+=($!)
  done
}

# serve_wildcard_zone ADDR: NSD on ADDR:53 serving mem.test. with a wildcard A record (every host-N.mem.test. a
# distinct name that resolves), for the memory benchmarks; returns once it answers.
serve_wildcard_zone() {
  local addr=$1
  mkdir -p "$work/nsd/$addr"
  cat > "$work/nsd/$addr/mem.test.zone" <<ZONE
\$ORIGIN mem.test.
\$TTL 86400
@   IN SOA ns.mem.test. hostmaster.mem.test. 1 3600 600 86400 3600
@   IN NS  ns.mem.test.
ns  IN A   $addr
*   IN A   192.0.2.1
ZONE
  serve_with_nsd "$work/nsd" 1
  for _ in $(seq 100); do dig @"$addr" +time=1 +tries=1 x.mem.test A >/dev/null 2>&1 && break; sleep 0.2; done
}

# unbound_conf PORT HINTS MODULES [ANCHOR]: prints an Unbound configuration for a one-thread resolver on 127.0.0.1:PORT
# iterating from the root hint file HINTS with module-config MODULES ("iterator" or "validator iterator"), ANCHOR
# its trust-anchor file; loopback servers allowed, test. (special-use, RFC 6761) resolved rather than refused.
unbound_conf() {
  cat <<CONF
server:
  interface: 127.0.0.1@$1
  num-threads: 1
  do-ip6: no
  do-not-query-localhost: no
  root-hints: "$2"
  module-config: "$3"
${4:+  trust-anchor-file: \"$4\"
}  local-zone: "test." nodefault
  access-control: 127.0.0.0/8 allow
  username: ""
  chroot: ""
  directory: "$work"
  pidfile: "$work/unbound.pid"
  use-syslog: no
  verbosity: 0
remote-control:
  control-enable: no
CONF
}
