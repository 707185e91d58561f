%% The process limit: spawning beyond it raises system_limit; after the
%% processes exit, spawning works again.
-module(proc_limit).
-export([main/0]).

main() ->
    %% erl logs "Too many processes" with a time stamp: keep it quiet.
    _ = (catch logger:set_primary_config(level, none)),
    Limit = erlang:system_info(process_limit),
    erlang:display(Limit),
    {Pids, Error} = fill([]),
    erlang:display(Error),
    %% erl has a few dozen system processes of its own: compare loosely.
    erlang:display(length(Pids) > Limit - 100),
    erlang:display(erlang:system_info(process_count) =< Limit),
    erlang:display(c(fun() -> spawn_link(fun() -> ok end) end)),
    erlang:display(c(fun() -> spawn_monitor(fun() -> ok end) end)),
    Ref = monitor(process, hd(Pids)),
    [P ! stop || P <- Pids],
    receive {'DOWN', Ref, _, _, _} -> ok end,
    wait_room(100),
    P2 = spawn(fun() -> ok end),
    erlang:display(is_pid(P2)),
    ok.

fill(Acc) ->
    try spawn(fun() -> receive stop -> ok end end) of
        P -> fill([P | Acc])
    catch
        Class:Reason -> {Acc, {Class, Reason}}
    end.

wait_room(0) -> timeout;
wait_room(N) ->
    case erlang:system_info(process_count) < erlang:system_info(process_limit) - 1000 of
        true -> ok;
        false -> receive after 50 -> wait_room(N - 1) end
    end.

c(F) ->
    try F() catch Class:Reason:Stack -> {Class, Reason, [{M, Fn, A} || {M, Fn, A, _} <- Stack, M =/= init, M =/= lists, M =/= beamvm_direct]} end.
