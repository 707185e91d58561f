%% Maps of more than 32 keys (hash tries in the reference): iteration and
%% printing order, growing and shrinking across 32 keys, every operation,
%% comparison, hashing and the external format. Keys are numbers, binaries,
%% strings, tuples and maps (whose order is the reference's); atoms, pids
%% and references hash by the reference's internal table indexes, so for
%% them only order-independent results are printed.
-module(large_maps).
-export([main/0]).
-large_attr(#{1 => a, 2 => b, 3 => c, 4 => d, 5 => e, 6 => f, 7 => g, 8 => h, 9 => i, 10 => j,
              11 => k, 12 => l, 13 => m, 14 => n, 15 => o, 16 => p, 17 => q, 18 => r, 19 => s,
              20 => t, 21 => u, 22 => v, 23 => w, 24 => x, 25 => y, 26 => z, 27 => aa, 28 => bb,
              29 => cc, 30 => dd, 31 => ee, 32 => ff, 33 => gg, 34 => hh}).

main() ->
    orders(),
    key_types(),
    printing(),
    iteration(),
    grow_and_shrink(),
    operations(),
    errors(),
    merges(),
    from_lists(),
    matching(),
    comparisons(),
    sizes(),
    hashing(),
    external_format(),
    literals(),
    messages(),
    collisions(),
    big_maps(),
    ok.

p(T) -> io:format("~w~n", [T]).
pp(T) -> io:format("~p~n", [T]).

ints(N) -> maps:from_list([{I, I * 3} || I <- lists:seq(1, N)]).

%% A digest of a long list that depends on its order.
digest(L) -> {length(L), erlang:phash2(L), erlang:md5(term_to_binary(L))}.

orders() ->
    [begin
         M = ints(N),
         p({N, maps:size(M)}),
         p(maps:keys(M)),
         p(maps:values(M))
     end || N <- [31, 32, 33, 34, 40, 64, 100]],
    M1000 = ints(1000),
    p(digest(maps:keys(M1000))),
    p(lists:sublist(maps:to_list(M1000), 40)),
    M10k = ints(10000),
    p(digest(maps:to_list(M10k))),
    p(lists:sublist(maps:keys(M10k), 25)),
    p(digest(maps:values(M10k))),
    Neg = maps:from_list([{-I, I} || I <- lists:seq(1, 50)]),
    p(maps:keys(Neg)).

key_types() ->
    Bigs = maps:from_list([{(1 bsl (60 + I)) + I, I} || I <- lists:seq(1, 40)]
                          ++ [{-(1 bsl (70 + I)), I} || I <- lists:seq(1, 10)]),
    p(maps:keys(Bigs)),
    Floats = maps:from_list([{I / 7, I} || I <- lists:seq(1, 45)] ++ [{-1.5e300, x}, {0.0, zero}]),
    p(maps:to_list(Floats)),
    Mixed = maps:from_list([{I, int} || I <- lists:seq(1, 10)] ++
                           [{float(I), float} || I <- lists:seq(1, 10)] ++
                           [{<<I:16>>, bin} || I <- lists:seq(1, 10)] ++
                           [{integer_to_list(I), string} || I <- lists:seq(1, 10)] ++
                           [{{I, [I], <<"t">>}, tuple} || I <- lists:seq(1, 10)] ++
                           [{<<I:3>>, bits} || I <- lists:seq(0, 7)] ++
                           [{[], nil}, {{}, empty_tuple}, {<<>>, empty_bin}, {#{}, empty_map}]),
    p(maps:size(Mixed)),
    p(maps:to_list(Mixed)),
    p([maps:get(K, Mixed) || K <- [1, 1.0, <<0, 1>>, "1", {1, [1], <<"t">>}, <<2:3>>, [], {}, <<>>, #{}]]),
    Nested = maps:from_list([{#{0 => I}, I} || I <- lists:seq(1, 20)] ++
                            [{ints(I), I} || I <- [31, 33, 40]] ++
                            [{{"map", #{I => [I]}}, I} || I <- lists:seq(1, 15)]),
    p([case K of #{} -> maps:size(K); _ -> K end || K <- maps:keys(Nested)]),
    p(maps:get(ints(33), Nested)),
    p(maps:get(#{0 => 7}, Nested)),
    Strings = maps:from_list([{lists:duplicate(I, $a + I rem 26), I} || I <- lists:seq(1, 40)]),
    p(maps:values(Strings)),
    %% Atoms, pids and references: lookups only.
    Atoms = maps:from_list([{list_to_atom("atom" ++ integer_to_list(I)), I} || I <- lists:seq(1, 50)]),
    p({maps:size(Atoms), maps:get(atom17, Atoms), maps:is_key(atom51, Atoms), lists:sort(maps:keys(Atoms)) =:= lists:sort([list_to_atom("atom" ++ integer_to_list(I)) || I <- lists:seq(1, 50)])}),
    p(lists:sort(maps:to_list(Atoms)) =:= [{K, V} || {K, V} <- lists:sort([{list_to_atom("atom" ++ integer_to_list(I)), I} || I <- lists:seq(1, 50)])]),
    Refs = [make_ref() || _ <- lists:seq(1, 40)],
    RM = maps:from_list([{R, N} || {R, N} <- lists:zip(Refs, lists:seq(1, 40))]),
    p({maps:size(RM), [maps:get(R, RM) || R <- lists:sublist(Refs, 5)], maps:is_key(make_ref(), RM)}),
    Pids = [spawn(fun() -> ok end) || _ <- lists:seq(1, 35)],
    PM = maps:from_list([{P, x} || P <- [self() | Pids]]),
    p({maps:size(PM), maps:get(self(), PM), lists:sort(maps:keys(PM)) =:= lists:sort([self() | Pids])}),
    Funs = maps:from_list([{fun erlang:abs/1, abs}, {fun lists:reverse/1, rev}] ++ [{I, I} || I <- lists:seq(1, 40)]),
    p({maps:get(fun erlang:abs/1, Funs), maps:get(fun lists:reverse/1, Funs), maps:size(Funs)}).

printing() ->
    M = ints(40),
    pp(M),
    io:format("~w~n", [M]),
    io:format("~P~n", [M, 8]),
    io:format("~W~n", [M, 5]),
    pp(#{nested => ints(35), list => [ints(33)], small => #{a => 1}}),
    pp(maps:from_list([{{I, "text"}, <<"value", I>>} || I <- lists:seq(1, 34)])),
    io:format("~s~n", [io_lib:format("~p", [ints(36)])]),
    p(lists:flatten(io_lib:write(ints(33)))),
    p(lists:flatten(io_lib:format("~tp", [maps:from_list([{I, [I]} || I <- lists:seq(1, 33)])]))).

iteration() ->
    M = ints(100),
    p(maps:fold(fun(K, V, Acc) -> [{K, V} | Acc] end, [], M)),
    p(iterate(maps:iterator(M), [])),
    p(iterate(maps:iterator(ints(5000)), []) =:= lists:reverse(maps:to_list(ints(5000)))),
    {K1, V1, I1} = maps:next(maps:iterator(M)),
    p({K1, V1}),
    {K2, V2, _} = maps:next(I1),
    p({K2, V2}),
    p(maps:next(maps:iterator(ints(33)))),
    p(maps:map(fun(K, V) -> K + V end, M)),
    p(maps:filter(fun(K, _) -> K rem 3 =:= 0 end, M)),
    p(maps:filter(fun(K, _) -> K > 10 end, M)),
    p(maps:filtermap(fun(K, V) when K rem 2 =:= 0 -> {true, V * 2}; (K, _) -> K > 90 end, M)),
    Self = self(),
    maps:foreach(fun(K, V) -> Self ! {K, V} end, ints(40)),
    p(drain([])),
    p(maps:with(lists:seq(1, 100, 2), M)),
    p(maps:without(lists:seq(1, 80), M)),
    p(maps:without(lists:seq(1, 50), M)),
    p(maps:fold(fun(_, V, A) -> V + A end, 0, ints(10000))),
    p(maps:update_with(50, fun(V) -> {old, V} end, M)),
    p(maps:update_with(500, fun(V) -> V end, new, M)),
    p(maps:intersect(M, ints(40))),
    p(maps:intersect_with(fun(K, A, B) -> {K, A, B} end, ints(50), maps:from_list([{I, b} || I <- lists:seq(20, 60)]))),
    p(maps:groups_from_list(fun(X) -> X rem 40 end, lists:seq(1, 200))),
    p(maps:fold(fun(K, V, Acc) -> Acc#{V => K} end, #{}, M)),
    %% Comprehension-style rebuilds.
    p(maps:from_list([{V, K} || {K, V} <- maps:to_list(M), K > 20])),
    p([K || K <- maps:keys(M), K rem 7 =:= 0]).

iterate(I, Acc) ->
    case maps:next(I) of
        {K, V, Next} -> iterate(Next, [{K, V} | Acc]);
        none -> lists:reverse(Acc)
    end.

drain(Acc) ->
    receive {K, V} -> drain([{K, V} | Acc]) after 0 -> lists:reverse(Acc) end.

grow_and_shrink() ->
    Grown = lists:foldl(fun(I, M) ->
                                M1 = M#{I => I},
                                case I >= 30 andalso I =< 35 of
                                    true -> p({grow, I, maps:keys(M1)});
                                    false -> ok
                                end,
                                M1
                        end, #{}, lists:seq(1, 40)),
    Shrunk = lists:foldl(fun(I, M) ->
                                 M1 = maps:remove(I, M),
                                 case maps:size(M1) >= 30 andalso maps:size(M1) =< 34 of
                                     true -> p({shrink, I, maps:keys(M1)});
                                     false -> ok
                                 end,
                                 M1
                         end, Grown, lists:seq(40, 1, -1)),
    p(Shrunk),
    %% maps:put one at a time, and with the BIF, in both directions.
    G2 = lists:foldl(fun(I, M) -> maps:put({"k", I}, I, M) end, #{}, lists:seq(1, 40)),
    p(maps:keys(G2)),
    {S2, Taken} = lists:foldl(fun(I, {M, T}) -> {V, M1} = maps:take({"k", I}, M), {M1, [V | T]} end,
                              {G2, []}, lists:seq(1, 20)),
    p({maps:keys(S2), Taken}),
    %% Removing absent keys keeps the map as it is.
    p(maps:remove(nope, ints(33)) =:= ints(33)),
    p(maps:keys(maps:remove(33, ints(33)))),
    p(maps:keys(maps:remove(1, ints(34)))),
    %% Updating several keys at once past 32.
    F = ints(30),
    p(F#{100 => a, 101 => b, 102 => c}),
    p(F#{1 => one, 100 => a, 101 => b}),
    H = ints(33),
    p(H#{1 := uno, 33 := tres}),
    p(H#{1 => uno, 200 => new, 201 => newer}).

operations() ->
    M = ints(200),
    p([maps:get(K, M) || K <- [1, 2, 100, 200]]),
    p([maps:find(K, M) || K <- [1, 201, 1.0]]),
    p([maps:get(K, M, default) || K <- [50, 500]]),
    p([maps:is_key(K, M) || K <- [1, 1.0, 200, 201]]),
    p([is_map_key(K, M) || K <- [7, x]]),
    p(map_get(150, M)),
    p([map_size(M), maps:size(M), erlang:map_size(ints(33))]),
    M2 = maps:put(1, changed, M),
    p({maps:get(1, M2), maps:get(1, M), maps:size(M2)}),
    p(maps:put(1, 3, M) =:= M),
    M3 = maps:update(2, upd, M),
    p({maps:get(2, M3), maps:size(M3)}),
    p(maps:take(3, M) =:= {9, maps:remove(3, M)}),
    p(maps:take(999, M)),
    p(maps:keys(maps:remove(100, M))),
    p(M#{5 := five} =:= maps:update(5, five, M)),
    p(M#{5 => five, 300 => new} =:= maps:put(300, new, maps:put(5, five, M))),
    %% 0.0 and -0.0 are one key.
    Z = maps:from_list([{I, I} || I <- lists:seq(1, 40)] ++ [{0.0, pos}]),
    p({maps:get(-0.0, Z), maps:size(Z#{-0.0 => neg}), maps:size(maps:remove(-0.0, Z))}),
    p(maps:from_list([{0.0, a}, {-0.0, b}] ++ [{I, I} || I <- lists:seq(1, 40)])),
    p(maps:from_list([{0.0, a}, {-0.0, b}])),
    p(maps:from_list([{I, x} || I <- lists:seq(1, 40)] ++ [{0.0, a}, {-0.0, b}, {-0.0, c}] ++ [{I, y} || I <- lists:seq(1, 10)])).

errors() ->
    M = ints(40),
    p(catch_error(fun() -> maps:get(nokey, M) end)),
    p(catch_error(fun() -> maps:update(nokey, 1, M) end)),
    p(catch_error(fun() -> M#{nokey := 1} end)),
    p(catch_error(fun() -> M#{1 := a, nokey := 1} end)),
    p(catch_error(fun() -> map_get(nokey, M) end)),
    p(catch_error(fun() -> maps:get(1, not_a_map) end)),
    p(catch_error(fun() -> maps:merge(M, [not_a_map]) end)),
    p(catch_error(fun() -> maps:merge({x}, M) end)),
    p(catch_error(fun() -> maps:from_list([{1, 2} | improper]) end)),
    p(catch_error(fun() -> maps:from_list([{I, I} || I <- lists:seq(1, 40)] ++ [{1, 2, 3}]) end)),
    p(catch_error(fun() -> maps:from_keys(lists:seq(1, 40) ++ bad, v) end)),
    p(catch_error(fun() -> maps:next([16#ffffff | M]) end)),
    p(catch_error(fun() -> maps:next([-1 | M]) end)),
    p(catch_error(fun() -> maps:next([1 bsl 70 | M]) end)),
    p(catch_error(fun() -> erts_internal:map_next(0, M, bad) end)),
    p(catch_error(fun() -> erts_internal:map_next(0, not_a_map, []) end)),
    p(catch_error(fun() -> #{1 := X} = maps:remove(1, M), X end)),
    p(catch_error(fun() -> erts_internal:map_to_tuple_keys(M) end)).

catch_error(F) ->
    try F() of V -> {ok, V} catch C:R -> {C, R} end.

merges() ->
    Big = ints(100),
    Small = #{1 => small, 500 => small, "a" => small},
    p(maps:merge(Big, Small)),
    p(maps:merge(Small, Big)),
    p(maps:merge(Big, Big) =:= Big),
    Other = maps:from_list([{I, other} || I <- lists:seq(50, 150)]),
    p(maps:merge(Big, Other)),
    p(maps:merge(Other, Big)),
    p(maps:merge(ints(20), maps:from_list([{I, b} || I <- lists:seq(15, 40)]))),
    p(maps:merge(ints(20), #{})),
    p(maps:merge(#{}, ints(40)) =:= ints(40)),
    p(maps:merge(ints(10000), #{1 => x}) =:= maps:put(1, x, ints(10000))),
    p(digest(maps:to_list(maps:merge(ints(3000), maps:from_list([{I, y} || I <- lists:seq(2000, 6000)]))))),
    p(maps:merge(#{0.0 => a}, #{-0.0 => b})),
    p(maps:get(-0.0, maps:merge(maps:put(0.0, a, ints(40)), maps:put(-0.0, b, ints(35))))).

from_lists() ->
    %% Duplicate keys: the last one wins; 40 entries of 20 keys are flat.
    p(maps:from_list([{I rem 20, I} || I <- lists:seq(1, 40)])),
    p(maps:from_list([{I rem 35, I} || I <- lists:seq(1, 70)])),
    p(maps:from_list([{x, I} || I <- lists:seq(1, 100)])),
    p(maps:from_list(lists:reverse([{I, I} || I <- lists:seq(1, 50)])) =:= ints(50) orelse different),
    p(maps:from_keys(lists:seq(1, 40), v)),
    p(maps:from_keys(lists:seq(1, 40) ++ lists:seq(1, 40), v) =:= maps:from_keys(lists:seq(1, 40), v)),
    p(maps:from_keys([a, b, a], v)),
    p(maps:from_list([])).

matching() ->
    M = ints(100),
    #{1 := A, 50 := B, 100 := C} = M,
    p({A, B, C}),
    p(case M of #{101 := _} -> has_101; #{99 := X} -> {has_99, X} end),
    p(match_head(M)),
    p(match_head(ints(10))),
    p(match_head(#{})),
    p([K || #{key := K} <- [#{key => I, other => x} || I <- lists:seq(1, 3)] ++ [ints(50)]]),
    p(is_map(M) andalso map_size(M) > 32),
    p(if is_map_key(42, M) -> yes; true -> no end),
    p(catch_error(fun() -> #{1 := _, 1000 := _} = M end)).

match_head(#{100 := V, 1 := W}) -> {big, V, W};
match_head(#{1 := V}) -> {small, V};
match_head(#{}) -> empty.

comparisons() ->
    A = ints(40),
    B = A#{40 := 0},
    C = maps:put(41, 0, maps:remove(40, A)),
    D = maps:from_list([{float(I), I * 3} || I <- lists:seq(1, 40)]),
    E = maps:from_list([{I, float(I * 3)} || I <- lists:seq(1, 40)]),
    p([A < B, A > B, A == B, B < C, C < B, A < C, A == E, A =:= E, A == D, A < D, D < A]),
    p([A < ints(41), ints(41) > A, ints(32) < ints(33), ints(33) > ints(32)]),
    p(lists:sort([B, C, A, D, E, ints(41), ints(10), #{}])),
    p(lists:usort([A, E, A])),
    p(lists:sort([maps:from_list([{I, J} || I <- lists:seq(1, 35)]) || J <- [3, 1, 2]])),
    p(lists:sort([maps:from_list([{I + J, 0} || I <- lists:seq(1, 35)]) || J <- [3, 1, 2]])),
    p(lists:sort([#{a => 1}, ints(33), [], {}, 1, <<>>, atom])),
    p([A =:= ints(40), A =:= maps:from_list(lists:reverse(maps:to_list(A))), A =/= B]),
    p(erts_internal:cmp_term(A, C)),
    %% Keys 1 and 1.0 are different keys; values compare arithmetically with ==.
    K1 = maps:from_list([{I, x} || I <- lists:seq(1, 35)]),
    K2 = maps:from_list([{I, x} || I <- lists:seq(2, 35)] ++ [{1.0, x}]),
    p([K1 == K2, K1 =:= K2, K1 < K2, K2 < K1, maps:is_key(1, K2), maps:is_key(1.0, K2)]),
    p(lists:sort([K2, K1])),
    p(maps:keys(K2)),
    %% Same keys: the smallest key whose values differ decides.
    H = ints(100),
    Hs = [H#{50 := 0, 10 := 1000}, H#{50 := 0, 90 := 1000}, H#{99 := -1}, H#{1 := 3.0}, H#{1 := 4.0},
          H#{2 := {x}, 3 := 0}, H#{100 := [a]}, H],
    p([[erts_internal:cmp_term(X, Y) || Y <- Hs] || X <- Hs]),
    p([[X == Y || Y <- Hs] || X <- Hs]),
    p([[X < Y || Y <- Hs] || X <- Hs]),
    p([maps:get(100, X, none) || X <- lists:sort(Hs)]),
    %% Different keys: the smallest key in only one map decides.
    Ks = [maps:put(1000, x, maps:remove(1, H)), maps:put(0, x, maps:remove(100, H)),
          maps:put(-5, x, maps:remove(50, H)), maps:put(50.0, x, maps:remove(50, H)),
          maps:put({1}, x, maps:remove(2, H)), maps:put(1.0e10, 1, maps:remove(99, H)), H],
    p([[erts_internal:cmp_term(X, Y) || Y <- Ks] || X <- Ks]),
    p([[X == Y || Y <- Ks] || X <- Ks]),
    p(lists:sort(fun(X, Y) -> X >= Y end, Ks) =:= lists:reverse(lists:sort(Ks))),
    %% Nested: large maps as values of large maps.
    N1 = maps:from_list([{I, ints(40)} || I <- lists:seq(1, 40)]),
    N2 = maps:update(20, (ints(40))#{7 := 7.0}, N1),
    p([N1 == N2, N1 =:= N2, N1 < N2, erts_internal:cmp_term(N1, N2), erts_internal:cmp_term(N2, N1)]).

%% The reference's heap words: trie nodes sized as the reference's.
sizes() ->
    p([erts_debug:flat_size(ints(N)) || N <- [0, 1, 32, 33, 40, 100, 1000, 10000]]),
    p(erts_debug:flat_size(#{a => maps:from_list([{{I}, <<I>>} || I <- lists:seq(1, 50)])})),
    p(erts_debug:flat_size(lists:foldl(fun(I, M) -> maps:remove(I, M) end, ints(3000), lists:seq(1, 2000)))),
    p(erts_debug:flat_size(maps:from_list([{I / 3, [I]} || I <- lists:seq(1, 500)]))).

hashing() ->
    Ms = [ints(33), ints(100), ints(1000), maps:from_list([{{I}, <<I>>} || I <- lists:seq(1, 50)]),
          #{outer => ints(40)}, maps:from_list([{ints(I), I} || I <- lists:seq(30, 40)])],
    p([erlang:phash2(M) || M <- Ms]),
    p([erlang:phash2(M, 1000) || M <- Ms]),
    p([erlang:phash(M, 1 bsl 32) || M <- Ms]),
    p(erlang:phash2(ints(33)) =:= erlang:phash2(maps:from_list(lists:reverse(maps:to_list(ints(33)))))),
    %% Sets of large maps go through phash2.
    S = sets:from_list([ints(I) || I <- lists:seq(30, 40)]),
    p(lists:sort([maps:size(M) || M <- sets:to_list(S)])).

external_format() ->
    Ms = [ints(33), ints(100), maps:from_list([{I / 2, {I}} || I <- lists:seq(1, 40)]),
          maps:from_list([{<<I:32>>, ints(I)} || I <- lists:seq(30, 36)]),
          #{a => ints(40), b => [ints(34)]}],
    [begin
         Bin = term_to_binary(M),
         p({byte_size(Bin), erlang:md5(Bin)}),
         p(binary_to_term(Bin) =:= M),
         p(maps:keys(binary_to_term(Bin)) =:= maps:keys(M)),
         Det = term_to_binary(M, [deterministic]),
         p(erlang:md5(Det)),
         p(binary_to_term(Det) =:= M),
         p(erlang:md5(term_to_binary(M, [compressed])))
     end || M <- Ms],
    p(term_to_binary(ints(33))),
    p(erlang:external_size(ints(1000))),
    %% MAP_EXT with pairs in any order decodes to the same map.
    Pairs = [{I, I * 3} || I <- lists:seq(1, 40)],
    Raw = iolist_to_binary([131, 116, <<40:32>>,
                            [[strip(term_to_binary(K)), strip(term_to_binary(V))] || {K, V} <- Pairs]]),
    p(binary_to_term(Raw) =:= ints(40)),
    p(maps:keys(binary_to_term(Raw))),
    RawRev = iolist_to_binary([131, 116, <<40:32>>,
                               [[strip(term_to_binary(K)), strip(term_to_binary(V))] || {K, V} <- lists:reverse(Pairs)]]),
    p(binary_to_term(RawRev) =:= ints(40)),
    %% A duplicate key is an error, in any size.
    Dup = iolist_to_binary([131, 116, <<41:32>>,
                            [[strip(term_to_binary(K)), strip(term_to_binary(V))] || {K, V} <- Pairs ++ [{7, x}]]]),
    p(catch_error(fun() -> binary_to_term(Dup) end)),
    p(binary_to_term(term_to_binary({ints(50), [ints(35)], #{k => ints(33)}})) =:= {ints(50), [ints(35)], #{k => ints(33)}}),
    p(binary_part(term_to_binary(#{nested => ints(33)}), 0, 60)).

strip(<<131, Rest/binary>>) -> Rest.

literals() ->
    L = lit(),
    p(L),
    p(maps:size(L)),
    p(maps:keys(lit2())),
    p(L =:= maps:from_list([{I, I * 3} || I <- lists:seq(1, 40)])),
    p(built(1, 2)),
    p(maps:keys(built(x, y))),
    p((lit())#{1 := changed, 41 => added}),
    p(proplists:get_value(large_attr, module_info(attributes))).

lit() ->
    #{1 => 3, 2 => 6, 3 => 9, 4 => 12, 5 => 15, 6 => 18, 7 => 21, 8 => 24, 9 => 27, 10 => 30,
      11 => 33, 12 => 36, 13 => 39, 14 => 42, 15 => 45, 16 => 48, 17 => 51, 18 => 54, 19 => 57,
      20 => 60, 21 => 63, 22 => 66, 23 => 69, 24 => 72, 25 => 75, 26 => 78, 27 => 81, 28 => 84,
      29 => 87, 30 => 90, 31 => 93, 32 => 96, 33 => 99, 34 => 102, 35 => 105, 36 => 108,
      37 => 111, 38 => 114, 39 => 117, 40 => 120}.

lit2() ->
    #{{1} => a, {2} => b, {3} => c, {4} => d, {5} => e, {6} => f, {7} => g, {8} => h, {9} => i,
      {10} => j, {11} => k, {12} => l, {13} => m, {14} => n, {15} => o, {16} => p, {17} => q,
      {18} => r, {19} => s, {20} => t, {21} => u, {22} => v, {23} => w, {24} => x, {25} => y,
      {26} => z, <<"a">> => 1, <<"b">> => 2, <<"c">> => 3, <<"d">> => 4, <<"e">> => 5,
      <<"f">> => 6, <<"g">> => 7, 1.5 => float, "str" => string, [1, 2] => list}.

built(A, B) ->
    #{1 => A, 2 => B, 3 => A, 4 => B, 5 => A, 6 => B, 7 => A, 8 => B, 9 => A, 10 => B,
      11 => A, 12 => B, 13 => A, 14 => B, 15 => A, 16 => B, 17 => A, 18 => B, 19 => A,
      20 => B, 21 => A, 22 => B, 23 => A, 24 => B, 25 => A, 26 => B, 27 => A, 28 => B,
      29 => A, 30 => B, 31 => A, 32 => B, 33 => A, 34 => B, 35 => {A, B}}.

messages() ->
    M = #{big => ints(500), list => [ints(40), ints(33)]},
    Self = self(),
    Pid = spawn(fun() -> receive {From, T} -> From ! {self(), T, maps:keys(maps:get(big, T))} end end),
    Pid ! {Self, M},
    receive
        {Pid, T, Keys} ->
            p(T =:= M),
            p(Keys =:= maps:keys(maps:get(big, M))),
            p(lists:sublist(Keys, 10))
    end,
    put(dict_map, ints(60)),
    _ = [ints(200) || _ <- lists:seq(1, 20)],
    p(maps:keys(get(dict_map))).

%% Keys whose level-0 hashes (32 bits) are equal: the trie goes down to the
%% second hash for them.
collisions() ->
    Pairs = [{40660, 59671}, {22575, 119693}, {121236, 167527}, {169647, 178740}, {29879, 217607},
             {204923, 232672}, {198773, 280384}, {229095, 281280}],
    Ks = lists:append([[A, B] || {A, B} <- Pairs]),
    M = maps:from_list([{K, K} || K <- Ks] ++ [{I, I} || I <- lists:seq(1, 20)]),
    p(maps:keys(M)),
    M2 = lists:foldl(fun(K, Acc) -> Acc#{K => K} end, ints(20), Ks),
    p(maps:keys(M2)),
    p([maps:get(K, M2) || K <- Ks]),
    M3 = lists:foldl(fun(K, Acc) -> maps:remove(K, Acc) end, M2, [A || {A, _} <- Pairs]),
    p(maps:keys(M3)),
    p(maps:keys(maps:put(40660, back, M3))),
    p([M =:= M2, erlang:phash2(M) =:= erlang:phash2(M2)]),
    p(binary_to_term(term_to_binary(M)) =:= M),
    p(maps:keys(binary_to_term(term_to_binary(M)))),
    Big = maps:from_list([{I, I} || I <- lists:seq(1, 300000, 7)] ++ [{K, K} || K <- Ks]),
    p(maps:size(Big)),
    p(digest(maps:keys(Big))),
    p(lists:all(fun(K) -> maps:get(K, Big) =:= K end, Ks)).

%% 100000 keys one put at a time, lookups, then removals.
big_maps() ->
    N = 100000,
    M = put_loop(1, N, #{}),
    p(maps:size(M)),
    p(digest(maps:keys(M))),
    p(lookup_loop(1, N, M, 0)),
    p(M =:= maps:from_list([{I, I * I} || I <- lists:seq(1, N)])),
    Half = remove_loop(1, N, M),
    p(maps:size(Half)),
    p(digest(maps:to_list(Half))),
    Strings = maps:from_list([{integer_to_binary(I), I} || I <- lists:seq(1, 20000)]),
    p(digest(maps:keys(Strings))),
    p(maps:get(<<"12345">>, Strings)),
    Tuples = maps:from_keys([{I, I rem 10} || I <- lists:seq(1, 20000)], t),
    p(digest(maps:keys(Tuples))),
    Shrink = lists:foldl(fun(I, A) -> maps:remove(I, A) end, ints(2000), lists:seq(1, 1980)),
    p(Shrink).

put_loop(I, N, M) when I > N -> M;
put_loop(I, N, M) -> put_loop(I + 1, N, M#{I => I * I}).

lookup_loop(I, N, _M, Acc) when I > N -> Acc;
lookup_loop(I, N, M, Acc) ->
    #{I := V} = M,
    lookup_loop(I + 1, N, M, (Acc + V) rem 1000000007).

remove_loop(I, N, M) when I > N -> M;
remove_loop(I, N, M) -> remove_loop(I + 2, N, maps:remove(I, M)).
