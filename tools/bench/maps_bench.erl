%% Maps: small record-like maps updated in a loop, and a larger map.
-module(maps_bench).
-export([main/0]).
-include("bench.hrl").
run() ->
    S = loop(200000, #{a => 0, b => 0, c => 0, d => 0}),
    Big = lists:foldl(fun(I, M) -> M#{I => I * I} end, #{}, lists:seq(1, 20000)),
    Sum = lists:foldl(fun(I, Acc) -> Acc + maps:get(I, Big) end, 0, lists:seq(1, 20000)),
    {S, map_size(Big), Sum}.
loop(0, M) -> M;
loop(N, #{a := A, b := B} = M) -> loop(N - 1, M#{a := A + 1, b := B + N}).
