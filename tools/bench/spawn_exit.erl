%% Spawn-and-exit rate: 100,000 processes that each tell the parent they
%% ran, then exit.
-module(spawn_exit).
-export([main/0]).
-include("bench.hrl").

run() ->
    Self = self(),
    N = 100000,
    spawn_all(N, Self),
    wait(N).

spawn_all(0, _) -> ok;
spawn_all(N, Self) ->
    spawn(fun() -> Self ! done end),
    spawn_all(N - 1, Self).

wait(0) -> done;
wait(N) -> receive done -> wait(N - 1) end.
