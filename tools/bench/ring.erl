%% A ring of 1,000 processes passing a token around 1,000 times.
-module(ring).
-export([main/0]).
-include("bench.hrl").

run() ->
    Size = 1000,
    Rounds = 1000,
    First = self(),
    Last = lists:foldl(fun(_, Next) -> spawn(fun() -> relay(Next) end) end, First, lists:seq(2, Size)),
    Last ! {token, Size * Rounds},
    loop(Last).

% The process after the head: passes the token on, counting down.
relay(Next) ->
    receive
        {token, 0} -> Next ! {token, 0};
        {token, N} -> Next ! {token, N - 1}, relay(Next)
    end.

loop(Last) ->
    receive
        {token, N} when N =< 0 -> done;
        {token, N} -> Last ! {token, N - 1}, loop(Last)
    end.
