#!/usr/bin/env bash
# Builds a self-contained runtime image of the Sparrow agent: a JDK cut down by jlink to the modules the agent's
# jars use, the jars in app/, and bin/sparrow to run them. Copy the folder to /opt/sparrow on a robot; nothing
# else (no JDK, no Maven) is needed there.
#
#   deploy/jlink/build-image.sh [OUTPUT_DIR]          default: target/sparrow-image (replaced if it exists)
#
# The image runs on the operating system and CPU architecture of the JDK it is cut from: build it on the robot
# (or another machine of the same architecture), or point JAVA_HOME at an aarch64 JDK to cut an image for a
# Raspberry Pi or Jetson on an x86 machine (its jlink runs there only under emulation; see deploy/README.md).
# Builds with `mvn package`, never `install`: the shared ~/.m2 repository stays untouched.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
image="${1:-$repo/target/sparrow-image}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
for tool in java jdeps jlink; do
  if [ ! -x "$JAVA_HOME/bin/$tool" ]; then
    echo "build-image: no $tool in $JAVA_HOME/bin; set JAVA_HOME to a Java 25 JDK" >&2
    exit 2
  fi
done
command -v mvn >/dev/null || { echo "build-image: needs Maven (mvn) on the PATH" >&2; exit 2; }

# 1. The agent's jar and its runtime class path: the agent module and the modules it depends on, never the
#    tests module (which adds TensorFlow Lite for conformance checks).
echo "build-image: building the agent's jars..." >&2
(cd "$repo" && mvn -B -q -pl agent -am -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/runtime.classpath -DincludeScope=runtime >&2)
agent_jar="$(find "$repo/agent/target" -maxdepth 1 -name 'sparrow-agent-*.jar' ! -name '*-sources.jar' | head -1)"
[ -n "$agent_jar" ] || { echo "build-image: no sparrow-agent jar in $repo/agent/target after the build" >&2; exit 1; }
# (a here-string, since the plugin writes no final newline and read would fail at the end of the file)
IFS=: read -r -a dependency_jars <<< "$(cat "$repo/agent/target/runtime.classpath")"
jars=("$agent_jar" "${dependency_jars[@]}")
for jar in "${jars[@]}"; do
  case "$jar" in
    *.jar) ;;
    *) echo "build-image: $jar on the class path is not a jar (was the reactor built without package?)" >&2; exit 1 ;;
  esac
done
# 2. The JDK modules those jars use. The agent runs every jar on the class path, so jdeps analyses them as
#    class path too: it would resolve a modular jar's `requires` instead, and Pi4J's linuxfs plugin requires
#    jsch (an SSH library for a feature the agent never uses, not shipped), so copies without module-info are
#    analysed. --ignore-missing-deps: libraries' optional dependencies (e.g. Netty's of Log4j) are absent on
#    purpose. jdk.incubator.vector is named on the command line rather than required by a jar; jdk.unsupported
#    carries sun.misc.Signal (SIGTERM handling), which jdeps may report as a JDK internal, not a module.
command -v zip >/dev/null || { echo "build-image: needs zip (apt install zip) to analyse modular jars" >&2; exit 2; }
analysis="$(mktemp -d)"
trap 'rm -rf "$analysis"' EXIT
analysed=()
for jar in "${jars[@]}"; do
  copy="$analysis/$(basename "$jar")"
  cp "$jar" "$copy"
  zip -q -d "$copy" module-info.class 'META-INF/versions/*/module-info.class' >/dev/null 2>&1 || true
  analysed+=("$copy")
done
if ! modules="$("$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 \
    --class-path "$(IFS=:; echo "${analysed[*]}")" "${analysed[@]}" 2>&1)"; then
  echo "build-image: jdeps failed: $modules" >&2
  exit 1
fi
modules="$(printf '%s,jdk.incubator.vector,jdk.unsupported' "$modules" | tr ',' '\n' | sort -u | paste -sd, -)"
echo "build-image: modules $modules" >&2

# 3. The image: the runtime, the jars, the launcher.
rm -rf "$image"
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --compress=zip-6 --output "$image"
mkdir -p "$image/app"
cp "${jars[@]}" "$image/app/"
for jar in "${jars[@]}"; do
  basename "$jar"
done > "$image/app/classpath"
printf '%s\n' "$modules" | tr ',' '\n' > "$image/modules.txt"
cp "$repo/deploy/jlink/sparrow-launcher.sh" "$image/bin/sparrow"
chmod 755 "$image/bin/sparrow"
echo "build-image: $(du -sh "$image" | cut -f1) in $image; try $image/bin/sparrow --help" >&2
