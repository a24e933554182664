# Starts the NAT64 gateway with this node's IPv4 pool from /etc/gate64/pools ($NODE_NAME, from the downward API;
# the "*" line when the node has none). POSIX sh built-ins only: the image has no other tools.
pool=""
while read -r node prefix _; do
  case "$node" in
    ''|'#'*) continue ;;
  esac
  if [ "$node" = "${NODE_NAME:-}" ]; then
    pool=$prefix
    break
  fi
  if [ "$node" = "*" ] && [ -z "$pool" ]; then
    pool=$prefix
  fi
done < /etc/gate64/pools
if [ -z "$pool" ]; then
  echo "start-nat64.sh: no pool for node '${NODE_NAME:-}' in /etc/gate64/pools" >&2
  exit 1
fi
exec /usr/lib/gate64/bin/gate64 nat64 --config /etc/gate64/nat64.conf -Dpool4="\"$pool\""
