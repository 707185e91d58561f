%% erlang:suspend_process/1,2 and resume_process/1: suspend levels, options,
%% a suspended process runs nothing, a dying suspender releases its levels.
-module(suspend_process).
-export([main/0]).
loop(N) -> loop(N+1).
main() ->
    P = spawn(fun() -> loop(0) end),
    true = erlang:suspend_process(P),
    {status, suspended} = process_info(P, status),
    {reductions, R1} = process_info(P, reductions),
    timer:sleep(50),
    {reductions, R1} = process_info(P, reductions),
    true = erlang:suspend_process(P, [unless_suspending]) =:= false,
    true = erlang:suspend_process(P),
    true = erlang:resume_process(P),
    {status, suspended} = process_info(P, status),
    {suspending, [{P, 1, 0}]} = process_info(self(), suspending),
    true = erlang:resume_process(P),
    timer:sleep(10),
    {reductions, R2} = process_info(P, reductions),
    true = R2 > R1,
    {'EXIT', {badarg, _}} = (catch erlang:resume_process(P)),
    {'EXIT', {badarg, _}} = (catch erlang:suspend_process(self())),
    {'EXIT', {badarg, _}} = (catch erlang:suspend_process(P, [bad])),
    true = erlang:suspend_process(P, [asynchronous]),
    true = erlang:suspend_process(P, [{asynchronous, tag}]),
    receive {tag, X} -> io:format("async reply ~p~n", [X]) end,
    %% a suspender that dies releases its levels
    S = spawn(fun() -> erlang:suspend_process(P), receive stop -> ok end end),
    timer:sleep(10),
    true = erlang:resume_process(P), true = erlang:resume_process(P),
    {status, suspended} = process_info(P, status),
    S ! stop, timer:sleep(10),
    io:format("~p~n", [process_info(P, status)]),
    exit(P, kill),
    timer:sleep(10),
    {'EXIT', {badarg, _}} = (catch erlang:suspend_process(P)),
    io:format("~p~n", [erlang:suspend_process(P, [asynchronous])]),
    io:format("ok~n").
