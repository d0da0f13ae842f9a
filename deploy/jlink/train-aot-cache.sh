#!/usr/bin/env bash
# Makes the image's AOT cache (JDK 25, JEP 483/514): runs one sparrow command line as a training run, during
# which the JVM records the classes the agent loads and links, and stores them in IMAGE/lib/sparrow.aot, which
# bin/sparrow then uses at every start. Run it where the image will run, from where it will run (e.g.
# /opt/sparrow): the cache holds only for the same JDK, CPU features and jar paths. The command must end by
# itself (a demo with --duration, or `run` stopped with SIGTERM) so that the JVM exits normally and writes it.
#
#   deploy/jlink/train-aot-cache.sh IMAGE_DIR sparrow-arguments...
#   e.g. deploy/jlink/train-aot-cache.sh /opt/sparrow demo --data /path/to/corridor --duration 20s
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: train-aot-cache.sh IMAGE_DIR sparrow-arguments..." >&2
  exit 2
fi
image="$(cd "$1" && pwd)"
shift
[ -x "$image/bin/sparrow" ] || { echo "train-aot-cache: no $image/bin/sparrow; build the image first" >&2; exit 2; }
# without the old cache: bin/sparrow would otherwise load it during the training run
rm -f "$image/lib/sparrow.aot"
SPARROW_JAVA_OPTS="-XX:AOTCacheOutput=$image/lib/sparrow.aot.new ${SPARROW_JAVA_OPTS:-}" "$image/bin/sparrow" "$@" >/dev/null
[ -f "$image/lib/sparrow.aot.new" ] || { echo "train-aot-cache: the JVM wrote no cache (did the command fail?)" >&2; exit 1; }
mv "$image/lib/sparrow.aot.new" "$image/lib/sparrow.aot"
echo "train-aot-cache: $(du -h "$image/lib/sparrow.aot" | cut -f1) in $image/lib/sparrow.aot" >&2
