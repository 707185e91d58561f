%% List building, sorting and garbage collection.
-module(lists_gc).
-export([main/0]).
-include("bench.hrl").
run() ->
    L = [(X * 7919) rem 100003 || X <- lists:seq(1, 100000)],
    S = lists:sort(L),
    M = lists:map(fun(X) -> {X, X + 1} end, S),
    F = lists:filter(fun({A, _}) -> A rem 3 =:= 0 end, M),
    R = nrev(lists:seq(1, 300)),
    {length(F), lists:sum([A || {A, _} <- F]), hd(R), lists:foldl(fun(X, Acc) -> X + Acc end, 0, L)}.
nrev([]) -> [];
nrev([H | T]) -> nrev(T) ++ [H].
