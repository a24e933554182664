#!/usr/bin/env bash
# Native LuaJIT via luajava, for comparison with LuaJ and GraalJS (bench/scripting-hooks.sh). Fetches
# party.iroiro.luajava 4.0.2 (luajava, luajit, natives) with Maven when missing; gate64 itself does not depend on it.
#   bench/luajava.sh [seconds-per-round]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs=${1:-3}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
m2=${HOME}/.m2/repository
for a in party.iroiro.luajava:luajava:4.0.2 party.iroiro.luajava:luajit:4.0.2 \
         party.iroiro.luajava:luajit-platform:4.0.2:jar:natives-desktop com.badlogicgames.gdx:gdx-jnigen-loader:2.5.2; do
  ./mvnw -q dependency:get -Dartifact=$a >/dev/null
done
./mvnw -q -o -pl scripting -am install -DskipTests
cp=$(./mvnw -q -o -pl scripting dependency:build-classpath -Dmdep.outputFile=/dev/stdout)
lj="$m2/party/iroiro/luajava/luajava/4.0.2/luajava-4.0.2.jar:$m2/party/iroiro/luajava/luajit/4.0.2/luajit-4.0.2.jar"
lj="$lj:$m2/party/iroiro/luajava/luajit-platform/4.0.2/luajit-platform-4.0.2-natives-desktop.jar"
lj="$lj:$m2/com/badlogicgames/gdx/gdx-jnigen-loader/2.5.2/gdx-jnigen-loader-2.5.2.jar"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "scripting/target/classes:$cp:$lj" \
  bench/luajava/LuajavaBench.java "$secs"
