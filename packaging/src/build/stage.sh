#!/usr/bin/env bash
# Lays out the installed gate64 tree that the container image and the Debian package both carry, under
# target/stage (run by Maven in prepare-package; arguments: JAVA_HOME of the build JDK, the target directory, the
# modification time the image and the package give every file):
#
#   usr/lib/gate64/jre/          Java 25 runtime cut down by jlink to the modules gate64 uses
#   usr/lib/gate64/lib/*.jar     gate64's jars and their runtime dependencies (copied by Maven)
#   usr/lib/gate64/lib/classpath the class path in a fixed order (the AOT cache needs the same one at every start)
#   usr/lib/gate64/gate64.aot    AOT cache (JDK 25, JEP 483/514) from a training run of the recursor: start-up to the
#                                first answer in about half the time (docs/deploy.md)
#   usr/lib/gate64/native/       Netty's epoll library
#   usr/lib/gate64/bin/gate64    the installed launcher (POSIX sh) and jvm-options.sh
#   etc/gate64/*.conf            the documented configuration files
#
# and, for the image only, target/rootfs-libs: the C libraries the runtime and the launcher need (from this build
# machine's Debian packages), /bin/sh (dash), ip (iproute2, for the gateway's configure-interface) and a passwd entry
# for the non-root user.
set -euo pipefail
jdk=$1
target=$2
files_time=$3
module=$(cd "$target/.." && pwd)
repo=$(cd "$module/.." && pwd)
stage=$target/stage
mkdir -p "$target/classes" # Jib expects the module's (empty) class output
app=$stage/usr/lib/gate64

# --- runtime ------------------------------------------------------------------------------------------------------
# Modules (jdeps over the jars, checked by the image test): java.net.http and jdk.httpserver (the web endpoints and
# control), jdk.unsupported (Netty, sun.misc.Signal), java.scripting (LuaJ), java.management and jdk.management
# (Truffle), java.naming (dnsjava's resolver configuration), jdk.net (socket options), jdk.zipfs.
modules=java.base,java.logging,java.management,java.naming,java.net.http,java.scripting,java.xml,jdk.httpserver,jdk.unsupported,jdk.management,jdk.net,jdk.zipfs
if [[ ! -x "$app/jre/bin/java" || "$app/jre/release" -ot "$jdk/release" ]]; then
  rm -rf "$app/jre"
  mkdir -p "$app"
  # jlink's CDS plugin prints "Created CDS archive successfully": kept in a log, shown only when jlink fails
  if ! "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
      --compress=zip-6 --generate-cds-archive --output "$app/jre" >"$target/jlink.log" 2>&1; then
    echo "stage.sh: jlink failed:" >&2
    cat "$target/jlink.log" >&2
    exit 1
  fi
  rm -f "$app/jre/lib/server/classes_nocoops.jsa" # only for heaps above 32 GiB; 14 MiB
fi

# --- class path in a fixed order ----------------------------------------------------------------------------------
(cd "$app/lib" && ls -1 ./*.jar | sed 's#^\./#/usr/lib/gate64/lib/#' | sort) > "$app/lib/classpath.new"
mv "$app/lib/classpath.new" "$app/lib/classpath"

# --- Netty's epoll library, unpacked once here: loaded from java.library.path, Netty does not write it to /tmp at
# every start (a read-only or noexec /tmp would silently drop it to the slower NIO transport).
mkdir -p "$app/native"
for jar in "$app"/lib/netty-transport-native-epoll-*-linux-x86_64.jar; do
  (cd "$target" && rm -rf native-x && mkdir native-x && cd native-x && "$jdk/bin/jar" xf "$jar" META-INF/native)
  cp "$target"/native-x/META-INF/native/*.so "$app/native/"
  rm -rf "$target/native-x"
done

# --- launcher and configuration -----------------------------------------------------------------------------------
mkdir -p "$app/bin" "$stage/etc/gate64"
install -m 0755 "$module/launcher/gate64" "$app/bin/gate64"
install -m 0644 "$module/launcher/jvm-options.sh" "$app/bin/jvm-options.sh"
install -m 0644 "$repo/conf/recursor.conf" "$repo/conf/nat64.conf" "$stage/etc/gate64/"

# --- AOT cache: one training run of the recursor ------------------------------------------------------------------
# The cache must come from the same runtime and the same class path as the runs that use it; paths may differ (the
# JVM relocates a class path whose jars kept their relative layout), so the staged tree trains for both artifacts.
# The cache also records the size and modification time of every jar on the class path and of the runtime's
# modules file, and is refused (the JVM then starts without it, printing "[aot] ... timestamp has changed") when
# one differs. The image (Jib) and the .deb (jdeb) store every file with one fixed time (files.time in
# packaging/pom.xml), so those files get that time here, before the training run: the artifacts then carry the
# times the cache was made with. Training reruns when their contents or that time change (their times alone no
# longer tell).
touch -d "$files_time" "$app"/lib/*.jar "$app/jre/lib/modules"
inputs="$files_time $(cd "$app" && sha256sum lib/*.jar lib/classpath jre/lib/modules jre/release)"
stamp=$app/gate64.aot
if [[ ! -f "$stamp" || "$(cat "$target/aot-inputs.sha256" 2>/dev/null)" != "$inputs" ]]; then
  cp=$(sed "s#^/usr/lib/gate64#$app#" "$app/lib/classpath" | paste -sd:)
  log=$target/aot-training.log
  "$app/jre/bin/java" -XX:AOTCacheOutput="$app/gate64.aot" --enable-native-access=ALL-UNNAMED \
    --sun-misc-unsafe-memory-access=allow -XX:-UsePerfData -XX:+UseG1GC -cp "$cp" net.gate64.resolver.cli.Main \
    recursor --config "$repo/conf/recursor.conf" -Dlocal-address='["127.0.0.1:0"]' -Dwebserver=false \
    -Ddnssec=off -Ddns64-prefix='"64:ff9b::/96"' >"$log" 2>&1 &
  pid=$!
  # Questions answered locally (RFC 7050's ipv4only.arpa), so training never sends a packet off this machine:
  # A, then AAAA (DNS64 synthesis); one UDP query each through bash's /dev/udp, until the recursor answers.
  query_a='\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x08ipv4only\x04arpa\x00\x00\x01\x00\x01'
  query_aaaa='\x12\x35\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x08ipv4only\x04arpa\x00\x00\x1c\x00\x01'
  # The port comes from the OS (no collision with anything else on this machine) and is read from the log; the
  # questions are repeated until one is answered, the recursor exits, or 60 s pass (a loaded build machine).
  answered=no
  for _ in $(seq 1 600); do
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$log" | head -1)
    if [[ -n "$port" ]]; then
      for q in "$query_a" "$query_aaaa" "$query_a" "$query_aaaa"; do
        exec 7<>/dev/udp/127.0.0.1/$port
        printf "$q" >&7
        timeout 2 head -c 12 <&7 >/dev/null 2>&1 && answered=yes
        exec 7>&-
      done
      [[ $answered == yes ]] && break
    fi
    sleep 0.1
  done
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || true
  if [[ $answered != yes || ! -f "$app/gate64.aot" ]]; then
    echo "stage.sh: AOT training run failed (log $log):" >&2
    tail -20 "$log" >&2
    exit 1
  fi
  echo "$inputs" > "$target/aot-inputs.sha256"
fi

# --- image-only files: C libraries, /bin/sh, ip, passwd -----------------------------------------------------------
libs=$target/rootfs-libs
rm -rf "$libs"
mkdir -p "$libs/bin" "$libs/sbin" "$libs/etc" "$libs/tmp" "$libs/proc" "$libs/dev" "$libs/sys" # mount points, for chroot
for tool in /bin/dash /sbin/ip; do
  real=$(readlink -f "$tool")
  [[ -x "$real" ]] || { echo "stage.sh: $tool is needed for the image (apt-get install dash iproute2)" >&2; exit 1; }
done
install -m 0755 "$(readlink -f /bin/dash)" "$libs/bin/sh"
install -m 0755 "$(readlink -f /sbin/ip)" "$libs/sbin/ip"
# Every shared library the runtime, the launcher's shell and ip load, with the paths the loader looks in.
{
  find "$app/jre" -type f \( -name '*.so' -o -path '*/bin/*' \)
  echo /bin/dash; echo /sbin/ip
} | while read -r f; do ldd "$f" 2>/dev/null || true; done \
  | sed -n 's#.*=> \(/[^ ]*\) .*#\1#p; s#^[[:space:]]*\(/[^ ]*ld-linux[^ ]*\) .*#\1#p' | sort -u \
  | while read -r lib; do
      [[ $lib == "$target"/* ]] && continue # the runtime's own libraries, already in the tree
      mkdir -p "$libs$(dirname "$lib")"
      cp -L "$lib" "$libs$lib"
    done
# The loader's own path for x86-64 (the runtime's binaries ask for /lib64/ld-linux-x86-64.so.2).
if [[ -f "$libs/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" && ! -e "$libs/lib64/ld-linux-x86-64.so.2" ]]; then
  mkdir -p "$libs/lib64"
  cp "$libs/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" "$libs/lib64/"
fi
cat > "$libs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
gate64:x:64064:64064:gate64:/nonexistent:/sbin/nologin
EOF
cat > "$libs/etc/group" <<'EOF'
root:x:0:
gate64:x:64064:
EOF
printf 'hosts: files dns\n' > "$libs/etc/nsswitch.conf"
chmod 1777 "$libs/tmp"
