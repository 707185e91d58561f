%% erts_internal:cmp_term/2 (exact term order) and erts_internal:term_type/1.
-module(term_cmp).
-export([main/0]).

main() ->
    Ts = samples(),
    %% Every pair: one line per left-hand term.
    [io:format("~w~n", [[erts_internal:cmp_term(A, B) || B <- Ts]]) || A <- Ts],
    %% Sorting by it: integers before floats of equal value.
    Sorted = lists:sort(fun(A, B) -> erts_internal:cmp_term(A, B) =< 0 end, numbers()),
    io:format("~w~n", [[index_of(X, numbers()) || X <- Sorted]]),
    io:format("~w~n", [[erts_internal:term_type(T) || T <- types()]]),
    ok.

samples() ->
    [0, 1, -1, 2, 1 bsl 70, -(1 bsl 70), 1.0, 2.0, -1.0, 0.5, a, b, '', {}, {1}, {1.0}, {1, 2},
     [], [1], [1.0], [1 | 2], "abc", <<>>, <<1>>, <<1:7>>, <<1, 2>>, #{}, #{1 => a}, #{1.0 => a},
     #{1 => b}, #{2 => a}, #{a => 1, b => 2}, fun lists:map/2, fun lists:map/3, fun erlang:abs/1,
     self(), make_ref()].

%% Numbers whose exact order differs from their arithmetic order.
numbers() ->
    [2.0, 1, 1.0, 0, 0.0, -1, -1.0, 1 bsl 70, float(1 bsl 70), 0.5, 3, 2.5].

index_of(X, L) -> index_of(X, L, 1).
index_of(X, [Y | _], I) when X =:= Y -> I;
index_of(X, [_ | T], I) -> index_of(X, T, I + 1).

types() ->
    Big = list_to_binary(lists:duplicate(100, 1)),
    [1, 1 bsl 60, -(1 bsl 60), 1.5, a, [], [1], "s", {}, {a}, #{}, #{a => 1},
     maps:from_list([{I, I} || I <- lists:seq(1, 32)]),
     maps:from_list([{I, I} || I <- lists:seq(1, 33)]),
     <<1, 2, 3>>, Big, <<1:3>>, self(), make_ref(), fun() -> ok end, fun lists:map/2,
     term_to_binary(a), term_to_binary(lists:seq(1, 100)), term_to_binary(lists:seq(1, 300), [compressed]),
     binary_to_term(<<131, 88, 119, 5, "a@b.c", 1:32, 2:32, 3:32>>),
     binary_to_term(<<131, 89, 119, 5, "a@b.c", 1:32, 2:32>>),
     binary_to_term(<<131, 90, 1:16, 119, 5, "a@b.c", 9:32, 42:32>>),
     binary_to_term(<<131, 89, 100, 13:16, "nonode@nohost", 5:32, 0:32>>)].
