%% erlang:system_flag(multi_scheduling, ...) and system_flag(schedulers_online, N):
%% states, blockers, where processes run meanwhile.
-module(multi_scheduling).
-export([main/0]).
spin(0) -> ok; spin(N) -> spin(N-1).
main() ->
    io:format("~p~n",[[erlang:system_flag(multi_scheduling, block_normal), erlang:system_info(multi_scheduling), erlang:system_info(normal_multi_scheduling_blockers) == [self()] orelse erlang:system_info(schedulers) == 1, erlang:system_info(multi_scheduling_blockers), erlang:system_flag(multi_scheduling, block), erlang:system_info(multi_scheduling), erlang:system_info(multi_scheduling_blockers) == [self()] orelse erlang:system_info(schedulers) == 1, erlang:system_flag(multi_scheduling, unblock_normal), erlang:system_flag(multi_scheduling, unblock_normal),erlang:system_flag(multi_scheduling, unblock), erlang:system_info(multi_scheduling)]]),
    %% while blocked, everything runs on scheduler 1
    blocked = erlang:system_flag(multi_scheduling, block),
    Me = self(),
    Ps = [spawn(fun() -> spin(100000), Me ! {self(), erlang:system_info(scheduler_id)} end) || _ <- lists:seq(1, 20)],
    Ids = lists:usort([receive {P, Id} -> Id end || P <- Ps]),
    io:format("ids while blocked: ~p~n", [Ids]),
    io:format("~p~n", [erlang:system_flag(multi_scheduling, unblock)]),
    %% a blocker that exits releases its blocks
    {B, M} = spawn_monitor(fun() -> erlang:system_flag(multi_scheduling, block), erlang:system_flag(multi_scheduling, block) end),
    receive {'DOWN', M, _, B, _} -> ok end,
    io:format("~p~n", [erlang:system_info(multi_scheduling)]),
    N = erlang:system_info(schedulers_online),
    N = erlang:system_flag(schedulers_online, 1),
    1 = erlang:system_info(schedulers_online),
    Ps2 = [spawn(fun() -> spin(100000), Me ! {self(), erlang:system_info(scheduler_id)} end) || _ <- lists:seq(1, 20)],
    io:format("ids with one online: ~p~n", [lists:usort([receive {P, Id} -> Id end || P <- Ps2])]),
    {'EXIT', {badarg, _}} = (catch erlang:system_flag(schedulers_online, 0)),
    {'EXIT', {badarg, _}} = (catch erlang:system_flag(schedulers_online, N + 1)),
    {'EXIT', {badarg, _}} = (catch erlang:system_flag(multi_scheduling, foo)),
    1 = erlang:system_flag(schedulers_online, N),
    N = erlang:system_info(schedulers_online),
    erlang:send_after(20, self(), tick),
    receive tick -> io:format("timer ok~n") end,
    io:format("done~n").
