%% Stress: 100 chains of 1,000 linked processes (100,000 in all), each
%% chain killed at its head; the exit propagates along every link. Three
%% rounds; afterwards no process is left over.
-module(chains).
-export([main/0]).

-define(CHAINS, 100).
-define(LENGTH, 1000).

main() ->
    Base = erlang:system_info(process_count),
    phase(baseline),
    [one_round(R) || R <- [1, 2, 3]],
    wait_count(Base, 200),
    io:format("leftover processes: ~p~n", [erlang:system_info(process_count) - Base]),
    garbage_collect(),  % our own garbage (the pid list) is not the VM's
    phase(done),
    halt().

one_round(R) ->
    Self = self(),
    Heads = [spawn(fun() -> link_chain(?LENGTH - 1, Self) end) || _ <- lists:seq(1, ?CHAINS)],
    Tails = [receive {tail, T} -> T end || _ <- Heads],
    Refs = [monitor(process, T) || T <- Tails],
    [exit(H, {crash, R}) || H <- Heads],
    Reasons = [receive {'DOWN', Ref, process, _, Why} -> Why end || Ref <- Refs],
    io:format("round ~p: ~p chains of ~p, tails died of ~p~n",
              [R, length(Tails), ?LENGTH, lists:usort(Reasons)]).

link_chain(0, Parent) ->
    Parent ! {tail, self()},
    receive never -> ok end;
link_chain(N, Parent) ->
    spawn_link(fun() -> link_chain(N - 1, Parent) end),
    receive never -> ok end.

wait_count(_, 0) -> timeout;
wait_count(Base, Tries) ->
    case erlang:system_info(process_count) =< Base of
        true -> ok;
        false -> receive after 50 -> wait_count(Base, Tries - 1) end
    end.

%% The runner samples the VM's memory while we pause at each phase.
phase(Name) ->
    io:format("phase ~p~n", [Name]),
    receive after 1500 -> ok end.
