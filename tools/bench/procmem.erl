%% Memory per fresh process: 100,000 processes blocked in receive. Run by
%% tools/bench-procmem.sh, which samples resident memory at each phase.
-module(procmem).
-export([main/0]).

main() ->
    phase(baseline),
    Pids = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, 100000)],
    phase(spawned),
    [P ! stop || P <- Pids],
    halt().

phase(Name) ->
    io:format("phase ~p~n", [Name]),
    receive after 1000 -> ok end.
