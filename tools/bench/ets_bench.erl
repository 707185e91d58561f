%% ETS: inserts, lookups, counters, select and match on a set, an ordered
%% set and a bag, deletes.
-module(ets_bench).
-export([main/0]).
-include("bench.hrl").
-define(N, 50000).
run() ->
    [one(Type) || Type <- [set, ordered_set, bag]].

one(Type) ->
    T = ets:new(bench, [Type, public]),
    [ets:insert(T, {I, I rem 10, <<"value">>, [I]}) || I <- lists:seq(1, ?N)],
    Found = lists:foldl(fun(I, Acc) -> Acc + length(ets:lookup(T, I)) end, 0, lists:seq(1, 2 * ?N)),
    C = ets:new(counters, [set, public]),
    ets:insert(C, [{K, 0} || K <- lists:seq(0, 99)]),
    [ets:update_counter(C, I rem 100, {2, I}) || I <- lists:seq(1, ?N)],
    Counted = lists:sum([V || {_, V} <- ets:tab2list(C)]),
    Sel = [length(ets:select(T, [{{'$1', R, '_', '_'}, [{'>', '$1', ?N div 2}], ['$1']}])) || R <- [0, 3, 7]],
    Cnt = ets:select_count(T, [{{'_', '$1', '_', '_'}, [{'<', '$1', 5}], [true]}]),
    Match = length(ets:match(T, {'$1', 1, '_', '_'})),
    Keyed = lists:sum([length(ets:select(T, [{{I, '_', '_', '$1'}, [], ['$1']}])) || I <- lists:seq(1, 5000)]),
    Del = ets:select_delete(T, [{{'_', 9, '_', '_'}, [], [true]}]),
    [ets:delete(T, I) || I <- lists:seq(1, ?N, 3)],
    Size = ets:info(T, size),
    ets:delete(C),
    ets:delete(T),
    {Found, Counted, Sel, Cnt, Match, Keyed, Del, Size}.
