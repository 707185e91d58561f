%% erlang:raise/3 with a changed class or an empty trace, rethrown by
%% try ... after: the class sticks.
-module(raise_class).
-export([main/0]).

main() ->
    io:format("~p~n", [try try erlang:raise(throw, kalle, []) after pelle end catch C:R -> {C, R} end]),
    io:format("~p~n", [try change_1(fun() -> throw(arne) end) catch C2:R2 -> {C2, R2} end]),
    io:format("~p~n", [try change_1(fun() -> exit(bertil) end) catch C3:R3 -> {C3, R3} end]),
    io:format("~p~n", [catch erlang:raise(exit, x, [{m, f, 1, []}])]),
    io:format("~p~n", [try erlang:raise(error, y, [{m, f, 2, []}]) catch error:y:S -> S end]).

change_1(F) ->
    try change_2(F) after ok end.

change_2(F) ->
    try F()
    catch
        throw:Reason:Stack -> erlang:raise(error, Reason, Stack);
        exit:Reason:Stack -> erlang:raise(throw, Reason, Stack)
    end.
