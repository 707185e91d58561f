#!/bin/sh
# Stress tests: each tests/stress/<name>.erl runs on beamvm (and, with -e,
# on erl for comparison). The program prints "phase <name>" lines and
# pauses after each; we sample the VM's resident memory (VmRSS) there.
# A test passes when the program's own lines match erl's expectations
# (see EXPECT below), the VM exits 0, and memory at "done" is within
# SLACK_MB of "baseline".
# usage: tests/stress/run.sh [-b BUILD_DIR] [-e] [NAME...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$here/../../build
with_erl=0
while [ $# -gt 0 ]; do
  case $1 in
    -b) build=$(cd "$2" && pwd); shift 2 ;;
    -e) with_erl=1; shift ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || set -- chains spawn_million
work=${STRESS_WORK:-$here/../out/stress}
mkdir -p "$work/ebin"
SLACK_MB=${SLACK_MB:-64}
flags="+P 2000000"

phases=$here/../../tools/rss-phases.sh

fail=0
for name in "$@"; do
  erlc -o "$work/ebin" "$here/$name.erl" || { fail=1; continue; }
  cmd="$build/bin/beamvm $flags -noshell -pa $work/ebin -run $name main"
  start=$(date +%s)
  if ! "$phases" "$work/$name.vm.out" $cmd > /dev/null; then
    echo "FAIL $name: beamvm exited with an error"; cat "$work/$name.vm.out.err" | head -20; fail=1; continue
  fi
  secs=$(( $(date +%s) - start ))
  rss=$(cat "$work/$name.vm.out.rss")
  base=$(echo "$rss" | tr ' ' '\n' | awk -F= '$1=="baseline" {print $2}')
  done_mb=$(echo "$rss" | tr ' ' '\n' | awk -F= '$1=="done" {print $2}')
  if grep -q "leftover processes: 0" "$work/$name.vm.out" && [ -n "$base" ] && [ -n "$done_mb" ] &&
     [ "$done_mb" -le $((base + SLACK_MB)) ]; then
    echo "ok   $name (${secs}s; MB:$rss)"
  else
    echo "FAIL $name (MB:$rss)"; cat "$work/$name.vm.out"; fail=1
  fi
  grep -v "^phase" "$work/$name.vm.out" | sed 's/^/     /'
  if [ $with_erl = 1 ]; then
    start=$(date +%s)
    "$phases" "$work/$name.erl.out" erl $flags -noshell -pa "$work/ebin" -run "$name" main > /dev/null
    echo "     erl: $(( $(date +%s) - start ))s; MB:$(cat "$work/$name.erl.out.rss")"
  fi
done
exit $fail
