#!/bin/sh
# Boot benchmark: starts the VM and erl with the same command line (boot
# OTP to {progress, started}, then halt), N times each, alternating; prints
# the median wall time and the median peak resident memory of each and the
# ratios beamvm/erl.
# usage: tools/bench-boot.sh [-r N] [-b BUILD_DIR] [-- EXTRA_ARGS...]
set -eu
runs=9
build=build
while [ $# -gt 0 ]; do
  case $1 in
    -r) runs=$2; shift 2 ;;
    -b) build=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "usage: $0 [-r N] [-b BUILD_DIR] [-- EXTRA_ARGS...]" >&2; exit 2 ;;
  esac
done
args="-noshell $* -eval halt()."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
measure() {  # NAME COMMAND...
  name=$1; shift
  /usr/bin/time -f "%e %M" -o "$tmp/one" "$@" > /dev/null 2>&1 || { echo "$name failed: $*" >&2; exit 1; }
  cat "$tmp/one" >> "$tmp/$name"
}
i=0
while [ $i -lt "$runs" ]; do
  # shellcheck disable=SC2086
  measure erl erl $args
  # shellcheck disable=SC2086
  measure beamvm "$build/bin/beamvm" $args
  i=$((i + 1))
done
median() {  # FILE COLUMN
  awk -v c="$2" '{print $c}' "$1" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
et=$(median "$tmp/erl" 1); em=$(median "$tmp/erl" 2)
bt=$(median "$tmp/beamvm" 1); bm=$(median "$tmp/beamvm" 2)
echo "boot and halt, median of $runs: $args"
awk -v et="$et" -v em="$em" -v bt="$bt" -v bm="$bm" 'BEGIN {
  printf "  erl:    %6.0f ms  %6.1f MiB peak RSS\n", et * 1000, em / 1024
  printf "  beamvm: %6.0f ms  %6.1f MiB peak RSS\n", bt * 1000, bm / 1024
  printf "  ratio beamvm/erl: time %.2f, memory %.2f\n", bt / et, bm / em
}'
