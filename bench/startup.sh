#!/usr/bin/env bash
# Start-up to first answer: from exec of the launcher to the first answered query (ipv4only.arpa AAAA, answered
# locally, so nothing leaves the machine), for the installed tree the image and the package carry
# (packaging/target/stage, with and without its AOT cache), for the files of the Debian package itself (unpacked
# with dpkg-deb -x: the file times dpkg gives them, which the AOT cache checks) and for ./gate64 from the checkout.
# Median of N runs.
#   ./mvnw -B -q -DskipTests -pl packaging -am package && bench/startup.sh [N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-5}
stage=packaging/target/stage/usr/lib/gate64
[[ -x $stage/bin/gate64 ]] || { echo "build packaging first (see header)" >&2; exit 1; }

first_answer_ms() { # command... ; prints ms from start to the first answer
  local port=$(( 20000 + RANDOM % 20000 )) start end pid
  start=$(date +%s%N)
  "$@" recursor --config conf/recursor.conf -Dlocal-address="[\"127.0.0.1:$port\"]" -Dwebserver=false \
    -Ddnssec=off -Ddns64-prefix='"64:ff9b::/96"' >/dev/null 2>&1 &
  pid=$!
  until dig +short +time=1 +tries=1 @127.0.0.1 -p "$port" ipv4only.arpa AAAA 2>/dev/null | grep -q 64:ff9b; do
    kill -0 "$pid" 2>/dev/null || { echo "exited" >&2; return 1; }
  done
  end=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo $(( (end - start) / 1000000 ))
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

noaot=$(mktemp -d)
cp -a "$stage/." "$noaot/"
rm -f "$noaot/gate64.aot"
variants=("installed tree with AOT cache:$stage/bin/gate64" "installed tree without AOT cache:$noaot/bin/gate64")
deb=$(ls packaging/target/gate64_*_amd64.deb 2>/dev/null | head -1 || true)
unpacked=$(mktemp -d)
if [[ -n "$deb" ]] && command -v dpkg-deb >/dev/null; then
  dpkg-deb -x "$deb" "$unpacked"
  variants+=("the Debian package's files:$unpacked/usr/lib/gate64/bin/gate64")
fi
variants+=("checkout launcher ./gate64:./gate64")
for variant in "${variants[@]}"; do
  name=${variant%%:*}; cmd=${variant#*:}
  times=()
  for _ in $(seq "$runs"); do times+=("$(first_answer_ms "$cmd")"); done
  echo "$name: median $(printf '%s\n' "${times[@]}" | median) ms (runs: ${times[*]})"
done
rm -rf "$noaot" "$unpacked"
