#!/usr/bin/env bash
# The same hook script on gate64 and on PowerDNS Recursor (Debian's package), both forwarding the demo lab, asked the
# same questions from two client addresses: prints a table of the answer sections and whether they agree.
#   bench/scripting-compare.sh [SCRIPT ...]   (default: contrib/dns64.lua and the PowerDNS-documented DNS64 example)
# Everything on loopback; no root needed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
lab_port=5441 gate_port=5442 pdns_port=5443
scripts=("$@")
(( ${#scripts[@]} )) || scripts=(contrib/dns64.lua tests/src/test/resources/scripting/powerdns-dns64.lua)

. bench/lib.sh
install_missing pdns_recursor:pdns-recursor dig:bind9-dnsutils
make_work
printf ". 3600000 NS a.root.none.\na.root.none. 3600000 A 127.0.0.99\n" > "$work/dead.hints" # nothing outside the lab is asked

./gate64 lab --help >/dev/null 2>&1 # builds first, if sources changed
./gate64 lab --zones=contrib/lab/demo --listen=127.0.0.1:$lab_port >"$work/lab.log" 2>&1 & pids+=($!)

ask() { # port source name type -> the answer section, one sorted line per record, TTLs dropped
  { dig +time=3 +tries=1 -b "$2" -p "$1" @127.0.0.1 "$3" "$4" +noall +answer 2>/dev/null || true; } \
    | { grep -v '^;' || true; } | awk 'NF { $2 = ""; print }' | tr -s ' ' | sort | paste -sd ';' -
}
status() { { dig +time=3 +tries=1 -b "$2" -p "$1" @127.0.0.1 "$3" "$4" 2>/dev/null || true; } | sed -n 's/.*status: \([A-Z]*\).*/\1/p'; }

questions=("v4only.demo.test AAAA" "dual.demo.test AAAA" "chain.demo.test AAAA" "away.demo.test AAAA"
  "txtonly.demo.test AAAA" "nonexistent.demo.test AAAA" "v4only.demo.test A"
  "a.0.2.0.0.0.0.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.b.9.f.f.4.6.0.0.ip6.arpa PTR"
  "a.0.2.0.0.0.0.c.0.0.0.0.0.0.0.0.0.0.0.0.4.6.0.0.8.b.d.0.1.0.0.2.ip6.arpa PTR")
total=0 same=0
for script in "${scripts[@]}"; do
  ./gate64 recursor -Dlocal-address="[\"127.0.0.1:$gate_port\"]" -Dwebserver=false -Dloglevel=warn -Ddnssec=off \
    -Dforward-zones="{\"test\"=[\"127.0.0.1:$lab_port\"], \"2.0.192.in-addr.arpa\"=[\"127.0.0.1:$lab_port\"]}" \
    -Dhint-file="\"$work/dead.hints\"" -Ddont-query='[]' \
    -Dlua-dns-script="\"$PWD/$script\"" >"$work/gate64.log" 2>&1 &
  gate_pid=$!; pids+=($gate_pid)
  mkdir -p "$work/pdns"
  pdns_recursor --daemon=no --config-dir="$work/pdns" --socket-dir="$work/pdns" --local-address=127.0.0.1 \
    --local-port=$pdns_port --threads=1 --forward-zones="test=127.0.0.1:$lab_port, 2.0.192.in-addr.arpa=127.0.0.1:$lab_port" \
    --hint-file="$work/dead.hints" \
    --allow-from=127.0.0.0/8 --dont-query= --disable-syslog --quiet=yes --dnssec=off \
    --lua-dns-script="$PWD/$script" >"$work/pdns.log" 2>&1 &
  pdns_pid=$!; pids+=($pdns_pid)
  for port in $gate_port $pdns_port; do
    for _ in $(seq 1 120); do dig +time=1 +tries=1 -p $port @127.0.0.1 v4only.demo.test A >/dev/null 2>&1 && break; sleep 0.5; done
  done
  echo "### $script"
  echo
  echo "| client | question | gate64 | pdns-recursor | same |"
  echo "|---|---|---|---|---|"
  for client in 127.0.0.1 127.0.0.2; do
    for q in "${questions[@]}"; do
      read -r name type <<<"$q"
      g="$(status $gate_port $client "$name" "$type") $(ask $gate_port $client "$name" "$type")"
      p="$(status $pdns_port $client "$name" "$type") $(ask $pdns_port $client "$name" "$type")"
      mark=no; total=$((total + 1))
      [[ "$g" == "$p" ]] && { mark=yes; same=$((same + 1)); }
      short=$name; (( ${#short} > 40 )) && short="${short:0:12}…${short: -24}"
      echo "| $client | $short $type | ${g:-none} | ${p:-none} | $mark |"
    done
  done
  echo
  kill $gate_pid $pdns_pid 2>/dev/null || true; wait $gate_pid $pdns_pid 2>/dev/null || true
done
echo "$same of $total answers identical ($(pdns_recursor --version 2>&1 | grep -o 'Recursor [0-9.]*' | head -1))"
