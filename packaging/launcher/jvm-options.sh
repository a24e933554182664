# JVM options for gate64, sourced (POSIX sh) by every launcher: ./gate64 in a checkout, /usr/bin/gate64 from the
# Debian package and the container image's entrypoint. docs/deploy.md explains the sizing; the figures below come
# from the measurements recorded there.
#
#   gate64_jvm_options [recursor ARGS...]   sets GATE64_JVM_FLAGS (space-separated; no option contains a space);
#                           for the recursor, the cache sizes in its --config file and -D overrides size the heap too
#
# Environment (all optional):
#   GATE64_HEAP=SIZE        fixed maximum heap (-Xmx, e.g. 300m or 2g); no sizing from the memory limit
#   GATE64_MEMORY=BYTES     memory budget to size for when the process has no cgroup limit (suffix k, m or g)
#   GATE64_JAVA_OPTS=...    extra JVM options, appended last (so they win); a -XX:+Use...GC there replaces G1

# Prints the tightest memory limit of this process's cgroup and its ancestors, in bytes (cgroup v2 memory.max or
# v1 memory.limit_in_bytes), or nothing when there is none. Shell built-ins only: the container image has no
# other tools.
gate64_memory_limit() {
  _best=""
  _v2=""
  _v1=""
  if [ -r /proc/self/cgroup ]; then
    while IFS= read -r _line; do
      case "$_line" in
        0::*) _v2=${_line#0::} ;;
        *:memory:*|*:*,memory:*|*:memory,*:*) _v1=${_line#*:*:} ;;
      esac
    done < /proc/self/cgroup
  fi
  for _spec in "/sys/fs/cgroup|${_v2:-/}|memory.max" "/sys/fs/cgroup/memory|${_v1:-/}|memory.limit_in_bytes"; do
    _root=${_spec%%|*}
    _rest=${_spec#*|}
    _path=${_rest%%|*}
    _file=${_rest#*|}
    # Walk from the process's own cgroup up to the root: a parent's limit binds too. In a container the path in
    # /proc/self/cgroup may not exist under the container's mount; its ancestors (finally the root) then do.
    while :; do
      _f="$_root${_path%/}/$_file"
      if [ -r "$_f" ] && IFS= read -r _v < "$_f"; then
        case "$_v" in
          ''|max|*[!0-9]*) ;;
          *) if [ ${#_v} -lt 19 ] && { [ -z "$_best" ] || [ "$_v" -lt "$_best" ]; }; then
               _best=$_v
             fi ;;
        esac
      fi
      if [ -z "$_path" ] || [ "$_path" = / ]; then
        break
      fi
      _path=${_path%/*}
    done
  done
  # A "limit" at or above the machine's memory is no limit (cgroup v1 reports a huge number, or the host's size).
  if [ -n "$_best" ] && [ -r /proc/meminfo ]; then
    while read -r _key _kb _unit; do
      if [ "$_key" = MemTotal: ]; then
        if [ "$_best" -ge $((_kb * 1024)) ]; then
          _best=""
        fi
        break
      fi
    done < /proc/meminfo
  fi
  echo "$_best"
}

# "512m" -> bytes
gate64_bytes() {
  case "$1" in
    *[kK]) echo $(( ${1%?} * 1024 )) ;;
    *[mM]) echo $(( ${1%?} * 1048576 )) ;;
    *[gG]) echo $(( ${1%?} * 1073741824 )) ;;
    *) echo "$1" ;;
  esac
}

# The recursor's cache bounds, from the arguments it will get: the --config file (FILE or =FILE), then -Dkey=value
# overrides, the last one winning, as the recursor reads them. Only plain numbers are understood ("key = 100000",
# "key: 100000", also inside a recursor { } section); a key written otherwise (a substitution, an include) keeps
# its default, which is conf/recursor.conf's. Sets _cache_entries, _cache_bytes, _pc_entries, _pc_bytes.
gate64_cache_settings() {
  _cache_entries=1000000 _cache_bytes=0 _pc_entries=500000 _pc_bytes=0
  _cfg=""
  _next=""
  for _a in "$@"; do
    if [ "$_next" = config ]; then
      _cfg=$_a
      _next=""
      continue
    fi
    case "$_a" in
      --config) _next=config ;;
      --config=*) _cfg=${_a#--config=} ;;
    esac
  done
  if [ -n "$_cfg" ] && [ -r "$_cfg" ]; then
    while IFS= read -r _line || [ -n "$_line" ]; do
      gate64_cache_setting "$_line"
    done < "$_cfg"
  fi
  for _a in "$@"; do
    case "$_a" in
      -Dmax-*) gate64_cache_setting "${_a#-D}" ;;
    esac
  done
}

# One "key = number" line (leading blanks, trailing comment allowed) for gate64_cache_settings.
gate64_cache_setting() {
  _l=$1
  _l=${_l#"${_l%%[! 	]*}"}
  for _k in max-cache-entries max-cache-bytes max-packetcache-entries max-packetcache-bytes; do
    case "$_l" in
      "$_k"[\ \	=:]*) ;;
      *) continue ;;
    esac
    _v=${_l#"$_k"}
    _v=${_v#"${_v%%[!	 =:]*}"}
    _v=${_v%%[!0-9]*}
    # digits only, and below 10^15 (the shell's arithmetic is 64-bit)
    if [ -n "$_v" ] && [ ${#_v} -lt 16 ]; then
      case $_k in
        max-cache-entries) _cache_entries=$_v ;;
        max-cache-bytes) _cache_bytes=$_v ;;
        max-packetcache-entries) _pc_entries=$_v ;;
        max-packetcache-bytes) _pc_bytes=$_v ;;
      esac
    fi
  done
}

# The heap, in MiB, that the recursor's full caches need: 64 MiB for everything else (the resolver's own objects,
# queries in flight, G1's minimum young generation) plus 1.5 times the caches' estimated bytes, so that a full,
# evicting cache is at most two thirds of the heap. Estimates per entry, from heap histograms (docs/benchmarks.md):
# 400 bytes a record-cache entry (an RRset with its owner name, ~350, plus its share of the negative cache, which
# holds up to max-cache-entries / 8), 160 bytes a packet-cache entry (~150 for a forwarded answer); a byte bound
# (max-cache-bytes, max-packetcache-bytes) caps its cache's estimate. Sets _need (and what gate64_cache_settings sets).
gate64_cache_heap() {
  gate64_cache_settings "$@"
  _rb=$((_cache_entries * 400))
  if [ "$_cache_bytes" -gt 0 ] && [ "$_cache_bytes" -lt "$_rb" ]; then
    _rb=$_cache_bytes
  fi
  _pb=$((_pc_entries * 160))
  if [ "$_pc_bytes" -gt 0 ] && [ "$_pc_bytes" -lt "$_pb" ]; then
    _pb=$_pc_bytes
  fi
  _need=$((64 + (_rb + _pb) * 3 / 2 / 1048576))
}

# The machine's memory in MiB (/proc/meminfo), or nothing.
gate64_machine_mib() {
  if [ -r /proc/meminfo ]; then
    while read -r _key _kb _unit; do
      if [ "$_key" = MemTotal: ]; then
        echo $((_kb / 1024))
        return
      fi
    done < /proc/meminfo
  fi
}

gate64_jvm_options() {
  # Native access for Netty's epoll and the TUN device (FFM); no hsperfdata file in /tmp (read-only root file
  # systems, PrivateTmp); a process out of heap exits so that systemd or Kubernetes restarts it instead of leaving
  # a resolver that half works.
  GATE64_JVM_FLAGS="--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError"
  _limit=$(gate64_memory_limit)
  if [ -z "$_limit" ] && [ -n "${GATE64_MEMORY:-}" ]; then
    _limit=$(gate64_bytes "$GATE64_MEMORY")
  fi
  _need=""
  if [ "${1:-}" = recursor ]; then
    gate64_cache_heap "$@"
  fi
  _heap=""
  if [ -n "${GATE64_HEAP:-}" ]; then
    GATE64_JVM_FLAGS="$GATE64_JVM_FLAGS -Xmx$GATE64_HEAP"
  elif [ -n "$_limit" ]; then
    # Heap = limit - (96 MiB + limit/8). The 96 MiB are what the recursor needs outside the heap when idle
    # (metaspace ~45 MiB, code cache, thread stacks, GC structures, the AOT cache mapping); the eighth grows with
    # the heap (G1's remembered sets and marking bitmaps, Netty's direct buffers, more compiled code). A 256 MiB
    # pod gets a 128 MiB heap, 512 MiB a 352 MiB heap, 2 GiB a 1696 MiB heap. The memory is the process's anyway
    # (a pod's request is its limit): a heap larger than the caches need means fewer collections, and G1 gives
    # back what it does not use when idle (below). When the limit leaves less than the caches need, it says so.
    _mib=$((_limit / 1048576))
    _heap=$((_mib - 96 - _mib / 8))
    if [ "$_heap" -lt 32 ]; then
      _heap=$((_mib / 2)) # below ~150 MiB nothing fits well; the JVM's own rule for small machines
    fi
    if [ -n "$_need" ] && [ "$_need" -gt "$_heap" ]; then
      echo "gate64: the caches (max-cache-entries $_cache_entries, max-packetcache-entries $_pc_entries) need about" \
        "$_need MiB of heap; the memory limit of $_mib MiB leaves $_heap MiB: lower them or raise the limit" \
        "(docs/deploy.md, Memory)" >&2
    fi
    _direct=$((_mib / 8))
  elif [ -n "$_need" ]; then
    # No memory limit: the heap the caches need, not the JVM's quarter of the machine (6 GiB on 24 GiB), at most
    # half the machine.
    _heap=$_need
    _machine=$(gate64_machine_mib)
    if [ -n "$_machine" ] && [ "$_heap" -gt $((_machine / 2)) ]; then
      echo "gate64: the caches (max-cache-entries $_cache_entries, max-packetcache-entries $_pc_entries) need about" \
        "$_need MiB of heap; this machine has $_machine MiB: the heap is capped at half of it (docs/deploy.md, Memory)" >&2
      _heap=$((_machine / 2))
    fi
    _mib=$((_heap + 96 + _heap / 7))
    _direct=$((_heap / 8))
  fi
  if [ -n "$_heap" ]; then
    [ "$_direct" -ge 32 ] || _direct=32
    GATE64_JVM_FLAGS="$GATE64_JVM_FLAGS -Xmx${_heap}m -XX:MaxDirectMemorySize=${_direct}m"
    if [ "$_mib" -lt 1024 ]; then
      GATE64_JVM_FLAGS="$GATE64_JVM_FLAGS -XX:ReservedCodeCacheSize=48m"
    fi
  fi
  # Start small and give memory back when idle: G1 runs a collection after a minute without one and uncommits
  # what it does not need, so a quiet resolver does not sit on the heap it grew during a burst.
  GATE64_JVM_FLAGS="$GATE64_JVM_FLAGS -Xms16m -XX:G1PeriodicGCInterval=60000 -XX:MaxHeapFreeRatio=40 -XX:MinHeapFreeRatio=10"
  # The recursor always runs G1: with one CPU (a container limit, or taskset) the JVM would pick the serial
  # collector, whose pauses while caches fill set the p99 latency (cache-miss benchmark on one core: p99 55-97 ms
  # serial, ~20 ms G1, same CPU per query). The gateway allocates nothing per packet; it gets G1 too, for the
  # idle uncommit above. A collector named in GATE64_JAVA_OPTS wins.
  case "${GATE64_JAVA_OPTS:-}" in
    *-XX:+Use*GC*) ;;
    *) GATE64_JVM_FLAGS="$GATE64_JVM_FLAGS -XX:+UseG1GC" ;;
  esac
  if [ -n "${GATE64_JAVA_OPTS:-}" ]; then
    GATE64_JVM_FLAGS="$GATE64_JVM_FLAGS $GATE64_JAVA_OPTS"
  fi
}
