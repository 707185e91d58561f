#!/bin/sh
# Runs every test: builds the VM (plain, ASan+UBSan, ThreadSanitizer), runs
# the unit tests, the differential loader check against OTP's beam_disasm,
# the differential tests (also with one and two schedulers, and under the
# sanitizers), the stress tests, and the fuzzers under the sanitizers.
#   tests/run-all.sh            everything
#   FUZZ_ITERATIONS=N           fuzz inputs to run (default 30000)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=${JOBS:-2}
fuzz_iterations=${FUZZ_ITERATIONS:-30000}
failed=0

step() { printf '\n=== %s\n' "$*"; }
run() {
  if "$@"; then :; else echo "FAILED: $*"; failed=1; fi
}

step "build (RelWithDebInfo)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBEAMVM_WERROR=ON > /dev/null
cmake --build build -j"$jobs"

step "unit tests"
run build/bin/unit_tests --gtest_brief=1

step "loader: beamdis vs beam_disasm over every installed module"
run tests/loader/check-disasm.sh build

step "differential tests against erl"
run tests/diff/run.sh -b build

step "command lines against erl"
run tests/diff/cmdline.sh -b build

process_tests="processes signals timers"
for s in 1 2; do
  step "process tests with +S $s"
  DIFF_WORK=tests/out/diff-s$s run tests/diff/run.sh -b build -f "+S $s" $process_tests
done

# OTP's own emulator suites that pass completely on beamvm (tools/otp-suites.sh
# runs all of them on both VMs and writes docs/conformance.md); these must
# keep passing. Only the quick ones, to keep CI's time.
otp_suites="bs_construct bs_match_bin bs_match_int bs_match_misc bs_match_tail bs_utf
 tuple num_bif nested beam_literals small big list_bif guard op exception register
 bs_bincomp bs_bit_binaries counters atomics multi_load unique map ref hibernate"
step "OTP emulator suites that pass on beamvm"
run tools/otp-suites.sh -b build --check $otp_suites

step "stress tests"
run tests/stress/run.sh -b build chains spawn_million
run tests/stress/idle.sh -b build

step "live upgrade under load (+S 2, 100 upgrades)"
mkdir -p tests/out/live_upgrade
erlc -o tests/out/live_upgrade tests/stress/live_upgrade.erl
run timeout 300 build/bin/beamvm +S 2 -noshell -pa tests/out/live_upgrade -run live_upgrade main 100 8

step "build (ASan + UBSan)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DBEAMVM_SANITIZE=ON -DBEAMVM_WERROR=ON > /dev/null
cmake --build build-asan -j"$jobs"

step "unit tests under ASan + UBSan"
run build-asan/bin/unit_tests --gtest_brief=1

step "differential tests under ASan + UBSan"
DIFF_WORK=tests/out/diff-asan run tests/diff/run.sh -b build-asan -t 300

step "loader fuzzing under ASan + UBSan ($fuzz_iterations inputs)"
root=$(erl -noshell -eval 'io:format("~s", [code:root_dir()]), halt().')
seeds=$(ls "$root"/lib/stdlib-*/ebin/lists.beam "$root"/lib/stdlib-*/ebin/maps.beam \
  "$root"/lib/kernel-*/ebin/code.beam "$root"/lib/compiler-*/ebin/beam_ssa_type.beam \
  tests/unit/data/tiny.beam tests/unit/data/tiny_gz.beam)
run timeout 900 build-asan/bin/fuzz_loader_mutate "$fuzz_iterations" 1 $seeds

step "BIF fuzzing under ASan + UBSan"
mkdir -p tests/out/bif_fuzz
erlc -o tests/out/bif_fuzz tests/fuzz/bif_fuzz.erl
run timeout 600 build-asan/bin/beamvm -noshell -pa tests/out/bif_fuzz -run bif_fuzz main "${BIF_FUZZ_ITERATIONS:-100}" 1

step "build (ThreadSanitizer)"
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBEAMVM_TSAN=ON -DBEAMVM_TESTS=OFF \
  -DBEAMVM_WERROR=ON > /dev/null
cmake --build build-tsan -j"$jobs" --target beamvm

step "process tests and live upgrade under ThreadSanitizer (+S 2)"
export TSAN_OPTIONS="halt_on_error=1 exitcode=66"
DIFF_WORK=tests/out/diff-tsan run tests/diff/run.sh -b build-tsan -t 300 -f "+S 2" $process_tests
run timeout 600 build-tsan/bin/beamvm +S 2 -noshell -pa tests/out/live_upgrade -run live_upgrade main 20 4
unset TSAN_OPTIONS

if [ "$failed" -ne 0 ]; then
  step "SOME TESTS FAILED"
  exit 1
fi
step "all tests passed"
