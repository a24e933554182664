#!/usr/bin/env bash
# DNSSEC verdicts of gate64 and a validating Unbound (Debian's package) on the same signed lab, name by name.
#   bench/dnssec-compare.sh            prints a markdown table: name, type, gate64 (rcode/AD), Unbound (rcode/AD), match
# The lab is `./gate64 lab --signed` (a hierarchy signed with fresh keys on 127.0.56.1-3:53, see docs/dnssec.md); both
# resolvers iterate from its root with its root DS as their only trust anchor. Needs root (port 53 on 127.0.56.x).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
gate_port=5411 unbound_port=5412

. bench/lib.sh
install_missing unbound:unbound dig:bind9-dnsutils
systemctl stop unbound 2>/dev/null || true
make_work
start_signed_lab

./gate64 recursor -Dlocal-address="[\"127.0.0.1:$gate_port\"]" -Dwebserver=false -Dhint-file="\"$work/hints.zone\"" \
  -Ddont-query='[]' -Ddnssec=validate -Dtrust-anchors="{\".\"=[\"$anchor\"]}" >"$work/gate64.log" 2>&1 &
pids+=($!)

unbound_conf $unbound_port "$work/hints.zone" "validator iterator" "$work/anchor.ds" > "$work/unbound.conf"
unbound -d -c "$work/unbound.conf" >"$work/unbound.out" 2>&1 &
pids+=($!)

for port in $gate_port $unbound_port; do
  for _ in $(seq 150); do dig +time=1 +tries=1 -p "$port" @127.0.0.1 . SOA >/dev/null 2>&1 && break; sleep 0.2; done
done

verdict() { # port name type -> "RCODE" or "RCODE AD"
  local out rcode ad=""
  out=$(dig +dnssec +time=5 +tries=1 -p "$1" @127.0.0.1 "$2" "$3" 2>/dev/null || true)
  rcode=$(sed -n 's/.*status: \([A-Z]*\).*/\1/p' <<<"$out" | head -1)
  grep -q '^;; flags:.* ad[ ;]' <<<"$out" && ad=" AD"
  echo "${rcode:-TIMEOUT}$ad"
}

names=(
  "www.secure.test A" "nothing.secure.test A" "www.secure.test TXT" "alias.secure.test A" "x.wild.secure.test A"
  "ent.secure.test A" "www.ed.test A" "www.nsec3.test A" "nothing.nsec3.test A" "x.wild.nsec3.test A"
  "www.optout.test A" "nothing.optout.test A" "www.child.optout.test A" "www.insecure.test A"
  "www.unsupported.test A" "www.iter.test A" "nothing.iter.test A" "www.expired.test A" "www.badds.test A"
  "www.nosig.test A" "v4only.nosig.test AAAA" "nothing.forged.test A" "v4only.forged.test AAAA"
  "www.keytrap.test A" "manyds.test DNSKEY" "www.manyds.test A"
)
echo "| name | type | gate64 | Unbound | same |"
echo "|---|---|---|---|---|"
same=0
for entry in "${names[@]}"; do
  read -r name type <<<"$entry"
  g=$(verdict $gate_port "$name" "$type")
  u=$(verdict $unbound_port "$name" "$type")
  mark=no
  [[ "$g" == "$u" ]] && { mark=yes; same=$((same + 1)); }
  echo "| $name | $type | $g | $u | $mark |"
done
echo
echo "$same of ${#names[@]} verdicts identical (unbound $(unbound -V | head -1 | awk '{print $2}'))"
