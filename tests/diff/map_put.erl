%% Map construction and update with constant keys (the loader sorts them,
%% builds maps from #{} with a shared keys tuple, and merges sorted keys).
-module(map_put).
-export([main/0]).

main() ->
    M0 = id(#{}),
    M1 = #{c => 1, a => 2, b => id(3), 1 => x, 1.0 => y, "s" => z, {t} => 0, <<"b">> => 1},
    p(M1),
    p(M1#{d => 4, a => 5, 0 => w}),
    p((id(M1))#{a := 6, b := 7}),
    p((id(M0))#{a => 1, 2 => b}),
    p(#{x => id(1)}),
    p(M1#{c => 1, a => 2}),
    %% exact updates: the first missing key in term order is reported
    p(err(fun() -> (id(M1))#{zz := 1, aa := 2, a := 3} end)),
    p(err(fun() -> (id(M0))#{zz := 1, 3 := 2} end)),
    p(err(fun() -> (id(x))#{zz := 1, aa := 2} end)),
    p(err(fun() -> (id(x))#{zz => 1, aa => 2} end)),
    %% growing past 32 keys, and updates of large maps
    Big = maps:from_list([{I, I} || I <- lists:seq(1, 30)]),
    B2 = Big#{a => 1, b => 2, c => 3},
    p({map_size(B2), lists:sort(maps:to_list(B2))}),
    p(lists:sort(maps:to_list(B2#{a := 10, 5 := five}))),
    p(err(fun() -> (id(B2))#{a := 10, q := 1, p := 2} end)),
    Wide = maps:from_list([{I, I} || I <- lists:seq(1, 31)]),
    p(lists:sort(maps:to_list(Wide#{0 => 0, 32 => 32}))),
    %% a key variable with constants (not sorted at load time)
    K = id(k),
    p(M1#{K => 1, a => 9}),
    p(maps:keys(#{z => 1, y => 2, x => 3, w => 4, v => 5})),
    ok.

err(F) ->
    try F() of V -> {value, V} catch C:R -> {C, R} end.
p(T) -> io:format("~p~n", [T]).
id(X) -> X.
