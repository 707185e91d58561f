#!/bin/sh
# Memory per fresh process, beamvm against erl in the same run: resident
# memory with 100,000 processes blocked in receive, minus before, divided
# by 100,000 (median of RUNS runs). The target is the reference's 330
# words (2,640 bytes) or less.
# usage: tools/bench-procmem.sh [-b BUILD_DIR] [-r RUNS]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
runs=3
while [ $# -gt 0 ]; do
  case $1 in
    -b) build=$(cd "$2" && pwd); shift 2 ;;
    -r) runs=$2; shift 2 ;;
    *) break ;;
  esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
erlc -o "$work" "$top/tools/bench/procmem.erl"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
per_process() {  # bytes per process from an .rsskb file
  tr ' ' '\n' < "$1" | awk -F= '$1=="baseline" {b=$2} $1=="spawned" {s=$2} END {printf "%d\n", (s - b) * 1024 / 100000}'
}
: > "$work/erl"; : > "$work/vm"
for i in $(seq "$runs"); do
  "$top/tools/rss-phases.sh" "$work/out" erl +P 1000000 -noshell -pa "$work" -run procmem main > /dev/null
  per_process "$work/out.rsskb" >> "$work/erl"
  "$top/tools/rss-phases.sh" "$work/out" "$build/bin/beamvm" +P 1000000 -noshell -pa "$work" -run procmem main > /dev/null
  per_process "$work/out.rsskb" >> "$work/vm"
done
e=$(median < "$work/erl"); v=$(median < "$work/vm")
printf '%-12s %10s %10s %8s\n' "" "erl" "beamvm" ratio
printf '%-12s %10s %10s %8s\n' "bytes/proc" "$e" "$v" "$(awk -v a="$v" -v b="$e" 'BEGIN {printf "%.2f", a / b}')"
