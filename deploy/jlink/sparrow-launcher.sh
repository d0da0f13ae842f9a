#!/bin/sh
# bin/sparrow of the jlink image (copied there by deploy/jlink/build-image.sh): runs the Sparrow CLI on the
# image's own runtime. SPARROW_JAVA_OPTS adds JVM options (e.g. -Xmx256m).
set -eu
# resolve symbolic links, so that /usr/local/bin/sparrow -> /opt/sparrow/bin/sparrow finds the image
image="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
# The jars in Maven's order, which decides between duplicate classes; an AOT cache also requires the class
# path it was trained with, and a wildcard (app/*) expands in directory order, which may change.
class_path=""
while IFS= read -r jar; do
  class_path="${class_path:+$class_path:}$image/app/$jar"
done < "$image/app/classpath"
# The AOT cache made by deploy/jlink/train-aot-cache.sh, when there is one: classes already loaded and
# linked, about half a second less from start to the first place event (BENCHMARKS.md). The JVM reports and
# ignores a cache that no longer matches (another JDK, other jars).
aot_cache=""
if [ -f "$image/lib/sparrow.aot" ]; then
  aot_cache="-XX:AOTCache=$image/lib/sparrow.aot"
fi
# Transparent huge pages for the heap, where the kernel offers them (a Raspberry Pi kernel may not): on 4 KB
# pages the physical placement of a model's arena and weights differs from launch to launch, and with it the
# speed of the convolutions (BENCHMARKS.md, "Every launch the same speed?").
huge_pages=""
if grep -qs '\[\(always\|madvise\)\]' /sys/kernel/mm/transparent_hugepage/enabled; then
  huge_pages="-XX:+UseTransparentHugePages"
fi
# shellcheck disable=SC2086 # these are lists of options, split on purpose
exec "$image/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  $aot_cache $huge_pages ${SPARROW_JAVA_OPTS:-} -cp "$class_path" dev.sparrow.agent.cli.SparrowCli "$@"
