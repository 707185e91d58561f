%% erlang:spawn_request/2,4 on the local node: replies, tags, monitors,
%% bad options answered by an error reply; process_flag(scheduler, _).
-module(spawn_request).
-export([main/0]).

main() ->
    R1 = spawn_request(fun() -> ok end, [monitor]),
    receive {spawn_reply, R1, ok, P1} -> receive {'DOWN', R1, process, P1, normal} -> io:format("ok1~n") end end,
    R2 = spawn_request(fun() -> ok end, [{reply_tag, t}, {reply, success_only}]),
    receive {t, R2, ok, _} -> io:format("ok2~n") end,
    R3 = spawn_request(fun() -> ok end, [bad]),
    receive {spawn_reply, R3, error, E3} -> io:format("~p~n", [E3]) end,
    R4 = spawn_request(fun() -> ok end, [{reply, x}]),
    receive {spawn_reply, R4, error, E4} -> io:format("~p~n", [E4]) end,
    R5 = spawn_request(fun() -> ok end, [{reply, no}]),
    _ = spawn_request(fun() -> ok end, [{reply, success_only}, bad]),
    R6 = spawn_request(lists, seq, [1, 3], [{reply_tag, six}]),
    receive {six, R6, ok, P6} when is_pid(P6) -> io:format("ok6~n") end,
    receive M -> io:format("unexpected ~p~n", [M]) after 100 -> ok end,
    io:format("~p~n", [is_reference(R5)]),
    io:format("~p~n", [process_flag(scheduler, 1)]),
    io:format("~p~n", [spawn_request_abandon(make_ref())]).
