#!/bin/sh
# An idle VM (one process blocked in receive) must use under 1% of a core
# over 10 seconds. usage: tests/stress/idle.sh [-b BUILD_DIR]
set -u
build=$(cd "$(dirname "$0")/../../build" && pwd)
[ "${1:-}" = "-b" ] && build=$(cd "$2" && pwd)
"$build/bin/beamvm" -noshell -eval 'receive after infinity -> ok end.' &
pid=$!
sleep 1
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
a=$(ticks)
sleep 10
b=$(ticks)
kill "$pid"
hz=$(getconf CLK_TCK)
used=$((b - a))
# 1% of a core over 10 s is hz/10 ticks.
if [ "$used" -lt $((hz / 10)) ]; then
  echo "ok   idle ($used of $((hz * 10)) ticks of one core in 10 s)"
else
  echo "FAIL idle: $used ticks of CPU in 10 s (limit $((hz / 10)))"
  exit 1
fi
