#!/bin/sh
# Runs OTP 25's own emulator test suites (erts/emulator/test/*_SUITE.erl) on
# erl and on beamvm, side by side, through the stand-in runner
# tests/conformance/ct_lite.erl, and regenerates docs/conformance.md.
#
# usage: tools/otp-suites.sh [-b BUILD_DIR] [-t CASE_SECONDS] [-T SUITE_SECONDS]
#                            [--check] [--no-doc] [SUITE...]
#   SUITE       names without _SUITE (default: the list below)
#   -t          longest time a case may take (caps the suites' timetraps; 60)
#   -T          longest time a whole suite may take on one VM (900)
#   --check     run on beamvm only; fail unless every case passes or is
#               skipped and the suite runs to its end (for tests/run-all.sh)
#   --no-doc    don't rewrite docs/conformance.md
#   --only VM   run on one VM only (erl or beamvm), keeping the other's
#               earlier results; --report only rewrites the page
#
# The OTP source: $OTP_SRC if set, else /work/otpsrc/otp-OTP-25.2.3 if there,
# else Debian's source package fetched once into tests/out/otp-src.
# Results: tests/out/otp-suites/results/SUITE.{erl,beamvm}.txt (+ .log).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
case_s=60
suite_s=900
check=0
doc=1
only=""
while [ $# -gt 0 ]; do
  case $1 in
    -b) build=$(cd "$2" && pwd); shift 2 ;;
    -t) case_s=$2; shift 2 ;;
    -T) suite_s=$2; shift 2 ;;
    --check) check=1; doc=0; shift ;;
    --no-doc) doc=0; shift ;;
    --only) only=$2; shift 2 ;;
    --report) only=none; shift ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
all_suites="bs_construct bs_match_bin bs_match_int bs_match_misc bs_match_tail
 bs_bincomp bs_bit_binaries bs_utf binary big float fun guard exception map op
 tuple list_bif num_bif bif nested receive after hash unique beam_literals small
 process erl_link monitor signal register ref timer_bif time hibernate code
 multi_load counters atomics persistent_term estone"
[ $# -gt 0 ] || set -- $all_suites
beamvm=$build/bin/beamvm
out=$top/tests/out/otp-suites
conf=$top/tests/conformance

# --- the OTP source
find_src() {
  if [ -n "${OTP_SRC:-}" ]; then echo "$OTP_SRC"; return; fi
  if [ -d /work/otpsrc/otp-OTP-25.2.3/erts/emulator/test ]; then
    echo /work/otpsrc/otp-OTP-25.2.3; return
  fi
  cache=$top/tests/out/otp-src
  if ! ls -d "$cache"/otp-OTP-* > /dev/null 2>&1; then
    mkdir -p "$cache/lists/partial"
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      > "$cache/src.sources"
    set -- -o Dir::Etc::SourceParts=/dev/null -o "Dir::Etc::sourcelist=$cache/src.sources" \
      -o "Dir::State::Lists=$cache/lists"
    apt-get "$@" update > /dev/null 2>&1
    (cd "$cache" && apt-get "$@" source --download-only erlang > /dev/null 2>&1)
    tar xJf "$cache"/erlang_*.orig.tar.xz -C "$cache"
  fi
  ls -d "$cache"/otp-OTP-* | head -n 1
}
src=$(find_src)
tdir=$src/erts/emulator/test
[ -d "$tdir" ] || { echo "no OTP test sources in $src" >&2; exit 1; }

# --- compile the runner, the stand-ins, the suites and their helpers
mkdir -p "$out/ebin" "$out/results" "$out/data" "$out/priv"
incl=""
if ! erl -noshell -eval 'case code:lib_dir(common_test) of {error,_} -> halt(1); _ -> halt(0) end.'; then
  incl="-I $conf/include"  # our minimal ct.hrl, found by -include_lib
fi
erlc -o "$out/ebin" $incl "$conf"/ct_lite.erl "$conf"/ct.erl "$conf"/test_server.erl "$conf"/ct_event.erl
helpers="erts_test_utils literal_area_collector_test"
for h in $helpers; do
  [ -f "$out/ebin/$h.beam" ] && [ "$out/ebin/$h.beam" -nt "$tdir/$h.erl" ] || \
    (cd "$tdir" && erlc -o "$out/ebin" $incl "$h.erl") > /dev/null
done
for s in "$@"; do
  f=$tdir/${s}_SUITE.erl
  [ -f "$f" ] || { echo "no suite $f" >&2; exit 1; }
  b=$out/ebin/${s}_SUITE.beam
  # compiled from the test directory, so that the modules' file names are
  # relative, as under common_test (some cases check stack trace locations)
  [ -f "$b" ] && [ "$b" -nt "$f" ] || (cd "$tdir" && erlc -o "$out/ebin" $incl "${s}_SUITE.erl") \
    > "$out/results/$s.erlc" 2>&1 || { cat "$out/results/$s.erlc"; exit 1; }
done

# a fresh copy of a suite's data dir, its Erlang sources compiled in place
prepare_data() {  # SUITE VM
  d=$out/data/$2/$1_SUITE_data
  rm -rf "$d"
  mkdir -p "$(dirname "$d")"
  if [ -d "$tdir/$1_SUITE_data" ]; then
    cp -r "$tdir/$1_SUITE_data" "$d"
    for e in "$d"/*.erl; do
      [ -f "$e" ] && (cd "$d" && erlc $incl "$(basename "$e")" > /dev/null 2>&1) || true
    done
  else
    mkdir -p "$d"
  fi
  echo "$d"
}

run_suite() {  # VM_NAME VM_COMMAND SUITE
  name=$1 vm=$2 s=$3
  data=$(prepare_data "$s" "$name")
  priv=$out/priv/$s.$name
  rm -rf "$priv"; mkdir -p "$priv"
  res=$out/results/$s.$name.txt
  rm -f "$res"
  start=$(date +%s)
  (cd "$priv" && timeout -k 10 "$suite_s" "$vm" -noshell -pa "$out/ebin" \
     -run ct_lite main "${s}_SUITE" "$data" "$priv" "$res" "$((case_s * 1000))" -s erlang halt \
     > "$out/results/$s.$name.out" 2>&1) || true
  took=$(($(date +%s) - start))
  touch "$res"
  p=$(grep -c '^passed' "$res" || true)
  f=$(grep -c '^failed' "$res" || true)
  k=$(grep -c '^skipped' "$res" || true)
  state=""
  grep -q '^done' "$res" || state=" (DID NOT FINISH: $(grep '^start' "$res" | tail -n 1 | cut -f2))"
  printf '%-16s %-7s passed %3d failed %3d skipped %3d  %4ds%s\n' "$s" "$name" "$p" "$f" "$k" "$took" "$state"
}

status=0
for s in "$@"; do
  [ "$only" = none ] && break
  if [ $check -eq 0 ] && [ "$only" != beamvm ]; then run_suite erl erl "$s"; fi
  [ "$only" = erl ] || run_suite beamvm "$beamvm" "$s"
  if [ $check -eq 1 ]; then
    res=$out/results/$s.beamvm.txt
    if grep -q '^failed' "$res" || ! grep -q '^done' "$res"; then
      grep '^failed' "$res" | head -n 20
      status=1
    fi
  fi
done

if [ $doc -eq 1 ]; then
  erl -noshell -pa "$out/ebin" -run ct_lite report "$top/docs/conformance.md" \
    "$out/results" "$conf/why.txt" $all_suites -s erlang halt
fi
exit $status
