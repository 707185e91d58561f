#!/bin/sh
# Differential tests against the reference.
#
# Each tests/diff/<name>.erl exports main/0. It is compiled with erlc, then
# run as `-noshell -run <name> main -s erlang halt` on erl and on beamvm;
# standard output and the exit status must be identical. Outputs are kept in
# the work directory for inspection when a test fails.
#
# Both run with `-kernel logger_level none`: crash and error reports are
# printed by the logger process whenever it gets to them, so they may come
# before or after a test's own output (or not at all before halt). A test
# about reports turns the level back up and waits for them itself.
#
# usage: tests/diff/run.sh [-b BUILD_DIR] [-t SECONDS] [-f "VM FLAGS"] [NAME...]
#   -f  emulator flags for both VMs, e.g. "+S 1" (default: none)
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$here/../../build
timeout_s=60
flags=""
while [ $# -gt 0 ]; do
  case $1 in
    -b) build=$(cd "$2" && pwd); shift 2 ;;
    -t) timeout_s=$2; shift 2 ;;
    -f) flags=$2; shift 2 ;;
    *) break ;;
  esac
done
beamvm=$build/bin/beamvm
work=${DIFF_WORK:-$here/../out/diff}
mkdir -p "$work/ebin"
work=$(cd "$work" && pwd)  # the VMs run from inside it
if [ $# -eq 0 ]; then
  set -- $(cd "$here" && ls *.erl | sed 's/\.erl$//')
fi
pass=0
total=0
failed=""
for name in "$@"; do
  total=$((total + 1))
  if ! erlc -o "$work/ebin" "$here/$name.erl" 2> "$work/$name.erlc"; then
    echo "FAIL $name (erlc)"; cat "$work/$name.erlc"
    failed="$failed $name"
    continue
  fi
  (cd "$work" && timeout "$timeout_s" erl $flags -noshell -kernel logger_level none -pa "$work/ebin" -run "$name" main -s erlang halt \
      > "$work/$name.erl.out" 2> "$work/$name.erl.err"; echo $? > "$work/$name.erl.status")
  (cd "$work" && timeout "$timeout_s" "$beamvm" $flags -noshell -kernel logger_level none -pa "$work/ebin" -run "$name" main -s erlang halt \
      > "$work/$name.vm.out" 2> "$work/$name.vm.err"; echo $? > "$work/$name.vm.status")
  if cmp -s "$work/$name.erl.out" "$work/$name.vm.out" && cmp -s "$work/$name.erl.status" "$work/$name.vm.status"; then
    pass=$((pass + 1))
    echo "ok   $name"
  else
    failed="$failed $name"
    echo "FAIL $name (exit erl $(cat "$work/$name.erl.status"), beamvm $(cat "$work/$name.vm.status"))"
    diff "$work/$name.erl.out" "$work/$name.vm.out" | head -20
    head -c 1500 "$work/$name.vm.err"
  fi
done
echo "$pass of $total differential tests match erl"
[ -z "$failed" ] || { echo "failing:$failed"; exit 1; }
