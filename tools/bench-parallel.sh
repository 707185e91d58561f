#!/bin/sh
# Parallel speed-up: tools/bench/parallel.erl (4 processes, CPU-bound) with
# one and with two schedulers, on erl and on beamvm in the same run.
# usage: tools/bench-parallel.sh [-b BUILD_DIR] [-r RUNS]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
args=""
while [ $# -gt 0 ]; do args="$args $1"; shift; done
s1=$("$top/tools/bench.sh" $args -f "+S 1" parallel | awk '$1 == "parallel" {print $2, $3}')
s2=$("$top/tools/bench.sh" $args -f "+S 2" parallel | awk '$1 == "parallel" {print $2, $3}')
set -- $s1 $s2
printf '%-8s %10s %10s %8s\n' "" "+S 1 us" "+S 2 us" speedup
printf '%-8s %10s %10s %8s\n' erl "$1" "$3" "$(awk -v a="$1" -v b="$3" 'BEGIN {printf "%.2f", a / b}')"
printf '%-8s %10s %10s %8s\n' beamvm "$2" "$4" "$(awk -v a="$2" -v b="$4" 'BEGIN {printf "%.2f", a / b}')"
