#!/bin/sh
# The command line as erl users use it: each case runs on erl and on
# beamvm with the same arguments; standard output and the exit status must
# be identical. Standard error is not compared (crash dumps and timings).
# usage: tests/diff/cmdline.sh [-b BUILD_DIR]
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$here/../../build
[ "${1:-}" = "-b" ] && build=$(cd "$2" && pwd)
beamvm=$build/bin/beamvm
work=${DIFF_WORK:-$here/../out/cmdline}
mkdir -p "$work"
work=$(cd "$work" && pwd)
cat > "$work/cl.erl" <<'EOF'
-module(cl).
-export([start/0, hello/1, args/0, crash/0, status/1]).
start() -> io:format("start~n").
hello(Args) -> io:format("hello ~p~n", [Args]).
args() ->
    io:format("plain ~p~n", [init:get_plain_arguments()]),
    io:format("myflag ~p~n", [init:get_argument(myflag)]),
    io:format("missing ~p~n", [init:get_argument(nosuchflag)]).
crash() -> error(on_purpose).
status([S]) -> halt(list_to_integer(atom_to_list(S))).
EOF
erlc -o "$work" "$work/cl.erl" || exit 1

pass=0
fail=0
check() {  # NAME ARGS...
  name=$1; shift
  (cd "$work" && timeout 30 erl "$@" > "$work/$name.erl.out" 2> "$work/$name.erl.err"; echo $? > "$work/$name.erl.status")
  (cd "$work" && timeout 30 "$beamvm" "$@" > "$work/$name.vm.out" 2> "$work/$name.vm.err"; echo $? > "$work/$name.vm.status")
  if cmp -s "$work/$name.erl.out" "$work/$name.vm.out" && cmp -s "$work/$name.erl.status" "$work/$name.vm.status"; then
    pass=$((pass + 1)); echo "ok   $name"
  else
    fail=$((fail + 1))
    echo "FAIL $name (exit erl $(cat "$work/$name.erl.status"), beamvm $(cat "$work/$name.vm.status")): $*"
    diff "$work/$name.erl.out" "$work/$name.vm.out" | head -10
  fi
}

check eval_halt -noshell -eval 'io:format("~p~n", [lists:seq(1, 3)]), halt().'
check eval_status -noshell -eval 'halt(7).'
check eval_crash -noshell -eval 'erlang:error(boom).'
check eval_syntax -noshell -eval 'this is not erlang'
check s_plain -noshell -s cl -s init stop
check s_args -noshell -s cl hello a b -s init stop
check run_args -noshell -run cl hello x y -s init stop
check extra -noshell -myflag v1 v2 -run cl args -s init stop -extra p1 -p2 +p3
check s_crash -noshell -s cl crash
check run_status -noshell -s cl status 3
check init_stop_status -noshell -eval 'init:stop(4).'
check eval_order -noshell -eval 'io:format("1~n").' -s cl start -eval 'io:format("3~n"), halt().'
check pa -noshell -pa /nonexistent/dir -eval 'io:format("~p~n", [hd(code:get_path())]), halt().'
check env_flag -noshell -env BEAMVM_CL_TEST yes -eval 'io:format("~p~n", [os:getenv("BEAMVM_CL_TEST")]), halt().'
check kernel_param -noshell -kernel foo bar -eval 'io:format("~p~n", [application:get_env(kernel, foo)]), halt().'
check boot_missing -noshell -boot no_such_boot_file
check config_missing -noshell -config /nonexistent/x -eval 'halt().'
check boot_clean -noshell -boot start_clean -eval 'io:format("~p~n", [lists:sort([A || {A, _, _} <- application:which_applications()])]), halt().'

echo "$pass of $((pass + fail)) command lines behave as erl's"
[ "$fail" -eq 0 ]
