%% Stress: 1,000,000 processes alive at once (run with +P 2000000), then
%% all told to finish; afterwards no process is left over.
-module(spawn_million).
-export([main/0]).

-define(N, 1000000).

main() ->
    Base = erlang:system_info(process_count),
    phase(baseline),
    Self = self(),
    Pids = spawn_n(?N, Self, []),
    io:format("spawned ~p, alive ~p~n", [length(Pids), erlang:system_info(process_count) - Base]),
    phase(peak),
    [P ! go || P <- Pids],
    Done = count_done(?N, 0),
    wait_count(Base, 400),
    io:format("finished ~p, leftover processes: ~p~n", [Done, erlang:system_info(process_count) - Base]),
    garbage_collect(),  % our own garbage (the pid list) is not the VM's
    phase(done),
    halt().

spawn_n(0, _, Acc) -> Acc;
spawn_n(N, Self, Acc) ->
    P = spawn(fun() -> receive go -> Self ! done end end),
    spawn_n(N - 1, Self, [P | Acc]).

count_done(0, Acc) -> Acc;
count_done(N, Acc) -> receive done -> count_done(N - 1, Acc + 1) end.

wait_count(_, 0) -> timeout;
wait_count(Base, Tries) ->
    case erlang:system_info(process_count) =< Base of
        true -> ok;
        false -> receive after 50 -> wait_count(Base, Tries - 1) end
    end.

phase(Name) ->
    io:format("phase ~p~n", [Name]),
    receive after 1500 -> ok end.
