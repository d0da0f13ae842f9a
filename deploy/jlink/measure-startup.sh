#!/usr/bin/env bash
# Start-up of the agent as a robot sees it: the time from launching `sparrow demo` until its first place event
# (the "frame 0" line on stdout), for a jlink image built by build-image.sh. Prints one time in milliseconds
# per run, then the median. Extra JVM options (e.g. -XX:AOTCache=...) come from SPARROW_JAVA_OPTS as usual.
#
#   deploy/jlink/measure-startup.sh IMAGE_DIR RUNS MODEL.snn ROUTE_DIR
set -euo pipefail
if [ $# -ne 4 ]; then
  echo "usage: measure-startup.sh IMAGE_DIR RUNS MODEL.snn ROUTE_DIR" >&2
  exit 2
fi
image="$1" runs="$2" model="$3" route="$4"
[ -x "$image/bin/sparrow" ] || { echo "measure-startup: no $image/bin/sparrow; build the image first" >&2; exit 2; }
times=()
for ((run = 1; run <= runs; run++)); do
  start=$(date +%s%N)
  coproc DEMO { exec "$image/bin/sparrow" demo --model "$model" --data "$route" --duration 30s 2>/dev/null; }
  first_frame=""
  while IFS= read -r line <&"${DEMO[0]}"; do
    if [[ $line =~ ^frame\ +0\  ]]; then
      first_frame=$(date +%s%N)
      break
    fi
  done
  demo_pid=$DEMO_PID
  kill -TERM "$demo_pid" 2>/dev/null || true
  wait "$demo_pid" 2>/dev/null || true
  [ -n "$first_frame" ] || { echo "measure-startup: run $run ended without a frame 0 line" >&2; exit 1; }
  times+=($(( (first_frame - start) / 1000000 )))
  echo "run $run: ${times[-1]} ms"
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "median ${sorted[$(( runs / 2 ))]} ms (min ${sorted[0]}, max ${sorted[-1]}) over $runs runs"
