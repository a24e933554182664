# JVM options for gate64, sourced (POSIX sh) by every launcher: ./gate64 in a checkout, /usr/bin/gate64 from the
# Debian package and the container image's entrypoint. docs/deploy.md explains the sizing; the figures below come
# from the measurements recorded there.
#
#   gate64_jvm_options      sets GATE64_JVM_FLAGS (space-separated; no option contains a space)
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

gate64_jvm_options() {
  # Native access for Netty's epoll and the TUN device (FFM); no hsperfdata file in /tmp (read-only root file
  # systems, PrivateTmp); a process out of heap exits so that systemd or Kubernetes restarts it instead of leaving
  # a resolver that half works.
  GATE64_JVM_FLAGS="--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError"
  _limit=$(gate64_memory_limit)
  if [ -z "$_limit" ] && [ -n "${GATE64_MEMORY:-}" ]; then
    _limit=$(gate64_bytes "$GATE64_MEMORY")
  fi
  if [ -n "${GATE64_HEAP:-}" ]; then
    GATE64_JVM_FLAGS="$GATE64_JVM_FLAGS -Xmx$GATE64_HEAP"
  elif [ -n "$_limit" ]; then
    # Heap = limit - (96 MiB + limit/8). The 96 MiB are what the recursor needs outside the heap when idle
    # (metaspace ~45 MiB, code cache, thread stacks, GC structures, the AOT cache mapping); the eighth grows with
    # the heap (G1's remembered sets and marking bitmaps, Netty's direct buffers, more compiled code). A 256 MiB
    # pod gets a 128 MiB heap, 512 MiB a 352 MiB heap, 2 GiB a 1696 MiB heap.
    _mib=$((_limit / 1048576))
    _heap=$((_mib - 96 - _mib / 8))
    if [ "$_heap" -lt 32 ]; then
      _heap=$((_mib / 2)) # below ~150 MiB nothing fits well; the JVM's own rule for small machines
    fi
    _direct=$((_mib / 8))
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
