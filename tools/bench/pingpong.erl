%% Ping-pong: 300,000 round trips between two processes.
-module(pingpong).
-export([main/0]).
-include("bench.hrl").

run() ->
    Pong = spawn(fun pong/0),
    R = ping(Pong, 300000, 0),
    Pong ! stop,
    R.

ping(_, 0, Acc) -> Acc;
ping(Pong, N, Acc) ->
    Pong ! {self(), N},
    receive {pong, M} -> ping(Pong, N - 1, Acc + M) end.

pong() ->
    receive
        {From, N} -> From ! {pong, N}, pong();
        stop -> ok
    end.
