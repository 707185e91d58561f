%% Stand-in for common_test's test_server module (what the emulator suites
%% call), for tests/conformance/ct_lite.erl.
-module(test_server).
-export([lookup_config/2, timetrap/1, timetrap_cancel/1, timetrap_cancel/0,
         timetrap_scale_factor/0, seconds/1, minutes/1, hours/1,
         sleep/1, do_times/2, do_times/4, is_valgrind/0, is_debug/0,
         is_asan/0, is_cover/0, is_native/1, fail/0, fail/1, comment/1,
         timecall/3, format/1, format/2, format/3, start_peer/3,
         start_peer/5, peer_name/2, temp_name/1, break/1,
         os_type/0, memory_checker/0]).

lookup_config(Key, Config) ->
    case lists:keyfind(Key, 1, Config) of
        {Key, V} -> V;
        false -> undefined
    end.

timetrap(T) -> ct_lite:set_timetrap(T), {ct_lite_timetrap, T}.
timetrap_cancel(_) -> ct_lite:set_timetrap(infinity), ok.
timetrap_cancel() -> timetrap_cancel(x).
timetrap_scale_factor() -> 1.

seconds(N) -> round(N * 1000).
minutes(N) -> round(N * 60000).
hours(N) -> round(N * 3600000).
sleep(T) -> ct:sleep(T).

do_times(N, Fun) when N > 0 -> Fun(), do_times(N - 1, Fun);
do_times(_, _) -> ok.
do_times(N, M, F, A) when N > 0 -> apply(M, F, A), do_times(N - 1, M, F, A);
do_times(_, _, _, _) -> ok.

is_valgrind() -> false.
is_debug() ->
    case catch erlang:system_info(debug_compiled) of true -> true; _ -> false end.
is_asan() -> false.
is_cover() -> false.
is_native(_) -> false.
memory_checker() -> none.
os_type() -> os:type().

fail() -> exit(test_case_failed).
fail(Reason) -> exit({test_case_failed, Reason}).
comment(C) -> ct:comment(C).
break(_) -> ok.

timecall(M, F, A) ->
    T0 = erlang:monotonic_time(microsecond),
    V = apply(M, F, A),
    T1 = erlang:monotonic_time(microsecond),
    {(T1 - T0) / 1000000, V}.

format(F) -> ct_lite:log(F, []).
format(F, A) when is_list(A) -> ct_lite:log(F, A);
format(_, F) -> ct_lite:log(F, []).
format(_, F, A) -> ct_lite:log(F, A).

%% The runner runs both VMs without distribution, so no peer nodes.
start_peer(_Opts, _M, _F) -> exit({skip, "needs a peer node (runner has no distribution)"}).
start_peer(_Opts, _M, _F, _Rel, _Priv) -> start_peer(x, x, x).

peer_name(Module, Case) ->
    list_to_atom(lists:flatten(io_lib:format("~s-~s-~b", [Module, Case, erlang:unique_integer([positive])]))).

temp_name(Stem) ->
    Stem ++ integer_to_list(erlang:unique_integer([positive])).
