%% The shape of large maps' hash tries, as erlang:display/1 shows them
%% (#<bitmap>{...} heads, <bitmap>{...} nodes, [K|V] leaves): built at once,
%% one put at a time, after removals, decoded, merged and with keys whose
%% 32-bit hashes collide. Only erlang:display/1 writes here: its output and
%% io:format's are not ordered with respect to each other.
-module(large_maps_display).
-export([main/0]).

d(T) -> erlang:display(T).

ints(N) -> maps:from_list([{I, I} || I <- lists:seq(1, N)]).

main() ->
    d(ints(33)),
    d(ints(34)),
    Grown = lists:foldl(fun(I, M) -> M#{I => I} end, #{}, lists:seq(1, 60)),
    d(Grown),
    d(Grown =:= ints(60)),
    %% Removals: nodes shrink, collapse and leaves move up.
    d(lists:foldl(fun(I, M) -> maps:remove(I, M) end, ints(200), lists:seq(1, 160))),
    d(lists:foldl(fun(I, M) -> maps:remove(I, M) end, ints(60), lists:seq(60, 27, -1))),
    d(maps:remove(7, ints(33))),
    %% A full head (bitmap ffff), then one slot emptied.
    Full = ints(100),
    d(Full),
    Keys = [K || K <- lists:seq(1, 100)],
    d(lists:foldl(fun(K, M) -> maps:remove(K, M) end, Full, lists:sublist(Keys, 60))),
    d(maps:from_list([{I / 4, <<I>>} || I <- lists:seq(1, 40)])),
    d(maps:from_list([{<<I:16>>, {I}} || I <- lists:seq(1, 40)])),
    d(maps:from_list([{[I, I], I} || I <- lists:seq(1, 40)])),
    d(binary_to_term(term_to_binary(ints(45)))),
    d(maps:merge(ints(40), maps:from_list([{I, m} || I <- lists:seq(30, 70)]))),
    d(maps:merge(maps:from_list([{I, m} || I <- lists:seq(30, 35)]), ints(40))),
    d(lit()),
    Coll = [40660, 59671, 22575, 119693, 121236, 167527],
    C = maps:from_list([{K, c} || K <- Coll] ++ [{I, i} || I <- lists:seq(1, 30)]),
    d(C),
    d(maps:remove(40660, C)),
    d(lists:foldl(fun(K, M) -> M#{K => p} end, ints(30), Coll)),
    d(maps:update(59671, u, C)),
    d(#{big => ints(33)}),
    ok.

lit() ->
    #{1 => a, 2 => b, 3 => c, 4 => d, 5 => e, 6 => f, 7 => g, 8 => h, 9 => i, 10 => j,
      11 => k, 12 => l, 13 => m, 14 => n, 15 => o, 16 => p, 17 => q, 18 => r, 19 => s,
      20 => t, 21 => u, 22 => v, 23 => w, 24 => x, 25 => y, 26 => z, 27 => aa, 28 => bb,
      29 => cc, 30 => dd, 31 => ee, 32 => ff, 33 => gg, 34 => hh}.
