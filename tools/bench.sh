#!/bin/sh
# CPU benchmarks: each program in tools/bench/ runs on erl and on beamvm in
# the same session; each VM reports its fastest of three timed rounds (after
# a warm-up) and we take the median of RUNS such runs. Prints per-program
# times, the beamvm/erl ratio (below 1 = faster than erl) and the geometric
# mean of the ratios. Both VMs must agree on each program's check value.
# usage: tools/bench.sh [-b BUILD_DIR] [-r RUNS] [-f "VM FLAGS"] [PROGRAM...]
#   -f  emulator flags for both VMs, e.g. "+S 1"
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
runs=5
flags=""
while [ $# -gt 0 ]; do
  case $1 in
    -b) build=$(cd "$2" && pwd); shift 2 ;;
    -f) flags=$2; shift 2 ;;
    -r) runs=$2; shift 2 ;;
    *) break ;;
  esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ $# -gt 0 ] || set -- $(cd "$top/tools/bench" && grep -l 'bench.hrl' *.erl | sed 's/\.erl$//')
erlc -o "$work" -I "$top/tools/bench" $(for p in "$@"; do echo "$top/tools/bench/$p.erl"; done)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-12s %10s %10s %8s\n' program "erl us" "beamvm us" ratio
logsum=0
n=0
for p in "$@"; do
  : > "$work/erl.$p"
  : > "$work/vm.$p"
  for i in $(seq "$runs"); do
    erl $flags -noshell -pa "$work" -run "$p" main >> "$work/erl.$p"
    "$build/bin/beamvm" $flags -noshell -pa "$work" -run "$p" main >> "$work/vm.$p"
  done
  ce=$(awk '{print $2}' "$work/erl.$p" | sort -u)
  cv=$(awk '{print $2}' "$work/vm.$p" | sort -u)
  if [ "$ce" != "$cv" ]; then
    echo "$p: results differ (erl $ce, beamvm $cv)"
    exit 1
  fi
  te=$(awk '{print $1}' "$work/erl.$p" | median)
  tv=$(awk '{print $1}' "$work/vm.$p" | median)
  ratio=$(awk -v a="$tv" -v b="$te" 'BEGIN {printf "%.2f", a / b}')
  printf '%-12s %10s %10s %8s\n' "$p" "$te" "$tv" "$ratio"
  logsum=$(awk -v s="$logsum" -v a="$tv" -v b="$te" 'BEGIN {printf "%.6f", s + log(a / b)}')
  n=$((n + 1))
done
awk -v s="$logsum" -v n="$n" 'BEGIN {printf "geometric mean ratio: %.2f (over %d programs)\n", exp(s / n), n}'
