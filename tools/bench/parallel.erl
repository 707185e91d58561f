%% A CPU-bound job split over 4 processes (for +S 1 vs +S 2).
-module(parallel).
-export([main/0]).
-include("bench.hrl").

run() ->
    Self = self(),
    Pids = [spawn(fun() -> Self ! {self(), fib(26)} end) || _ <- lists:seq(1, 4)],
    [receive {P, R} -> R end || P <- Pids].

fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).
