%% erlang's term BIFs: tuples, ++ and --, atoms and their encodings,
%% integers to and from text, type tests with arguments.
-module(terms_bifs).
-export([main/0]).

main() ->
    tuples(),
    lists_ops(),
    atoms(),
    integers(),
    type_tests(),
    ok.

c(F) -> try F() catch C:E -> {C, E} end.

p(Label, F) -> io:format("~w -> ~w~n", [Label, c(F)]).

%% Atoms as their characters: how io prints non-ASCII atoms is not tested here.
pa(Label, F) -> p(Label, fun() -> case F() of A when is_atom(A) -> {atom, atom_to_list(A)}; X -> X end end).

tuples() ->
    io:format("== tuples~n"),
    T = {a, b, c},
    [p({element, I}, fun() -> element(I, T) end) || I <- [0, 1, 3, 4, -1, 1 bsl 64, a]],
    p(element_bad, fun() -> [c(fun() -> element(1, X) end) || X <- [[a], foo]] end),
    [p({setelement, I}, fun() -> setelement(I, T, x) end) || I <- [0, 1, 3, 4, 1 bsl 64, a]],
    p(setelement_bad, fun() -> [c(fun() -> setelement(1, X, x) end) || X <- [[a], foo]] end),
    [p({make_tuple, N}, fun() -> erlang:make_tuple(N, z) end) || N <- [0, 1, 3, -1, a, 1 bsl 64]],
    p(make_tuple_max, fun() -> tuple_size(erlang:make_tuple(1 bsl 24 - 1, z)) end),
    p(make_tuple_over, fun() -> tuple_size(erlang:make_tuple(1 bsl 24, z)) end),
    p(make_tuple_over2, fun() -> erlang:make_tuple(1 bsl 30, z) end),
    Inits = [[], [{1, a}], [{3, c}, {1, a}], [{1, a}, {1, b}], [{4, d}], [{0, x}], [{1, a} | b], [foo], [{1, a, b}],
             [{a, 1}], foo],
    [p({make_tuple3, I}, fun() -> erlang:make_tuple(3, z, I) end) || I <- Inits],
    p(make_tuple3_zero, fun() -> erlang:make_tuple(0, z, [{1, a}]) end),
    p(make_tuple3_zero_empty, fun() -> erlang:make_tuple(0, z, []) end),
    [p({append_element, X}, fun() -> erlang:append_element(X, e) end) || X <- [{}, {a}, foo]],
    [p({insert_element, I}, fun() -> erlang:insert_element(I, T, x) end) || I <- [0, 1, 2, 4, 5, a]],
    [p({delete_element, I}, fun() -> erlang:delete_element(I, T) end) || I <- [0, 1, 3, 4, a]],
    p(delete_only, fun() -> erlang:delete_element(1, {a}) end),
    [p({tuple_to_list, X}, fun() -> tuple_to_list(X) end) || X <- [{}, T, foo]],
    [p({list_to_tuple, X}, fun() -> list_to_tuple(X) end) || X <- [[], [1, 2], [1 | 2], foo]],
    [p({tuple_size, X}, fun() -> tuple_size(X) end) || X <- [{}, T, [a]]],
    [p({size, X}, fun() -> size(X) end) || X <- [{}, T, <<1, 2, 3>>, <<1:9>>, [a], foo]].

lists_ops() ->
    io:format("== ++ and --~n"),
    Appends = [{[], []}, {[1], [2]}, {[], foo}, {[1], foo}, {[1 | 2], [3]}, {foo, []}, {[1, 2], [3 | 4]}],
    [p({'++', A, B}, fun() -> A ++ B end) || {A, B} <- Appends],
    [p({append, A, B}, fun() -> erlang:append(A, B) end) || {A, B} <- Appends],
    Subs = [{[1, 2, 3, 2, 1], [2]}, {[1, 2, 3, 2, 1], [2, 2, 2]}, {[1, 2, 3], []}, {[], [1]},
            {[1, 1.0, 1], [1.0]}, {[a, b, {c}], [{c}, a]}, {[1 | 2], [1]}, {[1], [1 | 2]}, {foo, []}, {[], foo},
            {lists:seq(1, 40), lists:seq(2, 40, 3)}, {lists:duplicate(20, x) ++ [y], lists:duplicate(30, x)},
            {[<<"a">>, "a", a], [a, <<"a">>]}],
    [p({'--', I}, fun() -> A -- B end) || {I, {A, B}} <- lists:zip(lists:seq(1, length(Subs)), Subs)],
    [p({subtract, I}, fun() -> erlang:subtract(A, B) end) || {I, {A, B}} <- lists:zip(lists:seq(1, length(Subs)), Subs)],
    [p({length, X}, fun() -> length(X) end) || X <- [[], [1, 2], [1 | 2], foo]],
    [p({hd_tl, X}, fun() -> {hd(X), tl(X)} end) || X <- [[1], [1 | 2], []]].

atoms() ->
    io:format("== atoms~n"),
    Long = lists:duplicate(255, $a),
    TooLong = lists:duplicate(256, $a),
    LongU = lists:duplicate(255, 16#3B1),
    Lists = ["abc", "", [16#E9], [16#3B1, 16#3B2], [16#10FFFF], Long, TooLong, LongU, [16#3B1 | LongU],
             [-1], [16#110000], [16#D800], [a], "ab" ++ foo, foo, [1 bsl 64], [0]],
    [pa({list_to_atom, I}, fun() -> list_to_atom(L) end) || {I, L} <- lists:zip(lists:seq(1, length(Lists)), Lists)],
    [pa({list_to_existing_atom, I}, fun() -> list_to_existing_atom(L) end)
     || {I, L} <- lists:zip(lists:seq(1, length(Lists)), Lists)],
    p(existing_no, fun() -> list_to_existing_atom("no_such_atom_hopefully_xyz") end),
    Atoms = [abc, '', 'é', 'α', 'a b', list_to_atom(Long), list_to_atom(LongU)],
    [p({atom_to_binary, I, E}, fun() -> atom_to_binary(A, E) end)
     || {I, A} <- lists:zip(lists:seq(1, length(Atoms)), Atoms), E <- [utf8, unicode, latin1]],
    p(atom_to_binary_1, fun() -> [atom_to_binary(A) || A <- Atoms] end),
    p(atom_to_binary_bad, fun() -> [c(fun() -> atom_to_binary(A, E) end) || {A, E} <- [{"a", utf8}, {a, utf16}, {a, foo}, {1, latin1}]] end),
    [p({atom_to_list, I}, fun() -> atom_to_list(A) end) || {I, A} <- lists:zip(lists:seq(1, length(Atoms)), Atoms)],
    Bins = [<<"abc">>, <<>>, <<233>>, <<195, 169>>, <<206, 177>>, <<255, 254>>, <<16#ED, 16#A0, 16#80>>,
            <<0:255/unit:8>>, <<0:256/unit:8>>, list_to_binary(lists:duplicate(255, <<206, 177>>)),
            list_to_binary(lists:duplicate(256, <<206, 177>>)), <<"abc", 1:1>>, foo, "abc"],
    [pa({binary_to_atom, I, E}, fun() -> binary_to_atom(B, E) end)
     || {I, B} <- lists:zip(lists:seq(1, length(Bins)), Bins), E <- [utf8, latin1, unicode, foo]],
    [pa({binary_to_existing_atom, I, E}, fun() -> binary_to_existing_atom(B, E) end)
     || {I, B} <- lists:zip(lists:seq(1, length(Bins)), Bins), E <- [utf8, latin1]],
    p(binary_to_atom_1, fun() -> [binary_to_atom(<<"x1">>), binary_to_existing_atom(<<"abc">>)] end),
    p(existing_bin_no, fun() -> binary_to_existing_atom(<<"no_such_atom_hopefully_xyz">>, utf8) end).

integers() ->
    io:format("== integers~n"),
    Ints = [0, 1, -1, 255, -255, 1 bsl 59, -(1 bsl 59), 1 bsl 64, -(1 bsl 64) + 1, 1 bsl 200, 123456789012345678901234567890],
    [p({integer_to_list, I, B}, fun() -> integer_to_list(I, B) end) || I <- Ints, B <- [2, 10, 16, 36]],
    [p({integer_to_binary, I, B}, fun() -> integer_to_binary(I, B) end) || I <- Ints, B <- [8, 36]],
    p(integer_to_list_1, fun() -> [integer_to_list(I) || I <- Ints] end),
    p(integer_to_binary_1, fun() -> [integer_to_binary(I) || I <- Ints] end),
    p(integer_to_bad, fun() -> [c(fun() -> integer_to_list(I, B) end) || {I, B} <- [{1, 1}, {1, 37}, {1, a}, {a, 10}, {1, 1 bsl 64}]]
                              ++ [c(fun() -> integer_to_binary(I) end) || I <- [a, "1"]] end),
    Texts = ["0", "1", "-1", "+1", "007", "-0", "+-1", "--1", "", "-", "+", " 1", "1 ", "1a", "a1",
             "12345678901234567890", "-99999999999999999999999999999", "1_000", "ff", "FF", "zz", "1.0",
             [$1, 0], [16#661], [305], [-207], [$-, 256 + $5], [256 + $-, $5], [$1 | $2], [$1, 1 bsl 64]],
    [p({list_to_integer, T, B}, fun() -> list_to_integer(T, B) end) || T <- Texts, B <- [10, 16, 36]],
    p(list_to_integer_1, fun() -> [c(fun() -> list_to_integer(T) end) || T <- Texts] end),
    [p({binary_to_integer, T, B}, fun() -> binary_to_integer(list_to_binary(T), B) end)
     || T <- Texts, bytes(T), B <- [2, 10, 36]],
    p(binary_to_integer_1, fun() -> [c(fun() -> binary_to_integer(B) end) || B <- [<<"12">>, <<"-3">>, <<"x">>, <<1:1>>, foo]] end),
    p(to_integer_bad, fun() -> [c(fun() -> list_to_integer(T, B) end) || {T, B} <- [{"1", 1}, {"1", 37}, {"1", a}, {foo, 10}, {"1" ++ foo, 10}, {[1 bsl 64], 10}]] end),
    p(long_number, fun() -> length(integer_to_list(list_to_integer(lists:duplicate(1000, $7)))) end).

bytes(T) -> try lists:all(fun(C) -> is_integer(C) andalso C >= 0 andalso C < 256 end, T) catch _:_ -> false end.

type_tests() ->
    io:format("== type tests~n"),
    F = fun(A, B) -> {A, B} end,
    [p({is_function, A}, fun() -> is_function(F, A) end) || A <- [0, 2, 3, -1, 1 bsl 64, -(1 bsl 64), a]],
    p(is_function_nonfun, fun() -> [is_function(foo, 2), is_function(fun lists:map/2, 2)] end),
    [p({is_record, R, T, S}, fun() -> is_record(R, T, S) end)
     || R <- [{a, 1}, {a}, {b, 1}, foo, {}], T <- [a, "a"], S <- [1, 2, 0, -1, x]],
    [p({is_record2, R, T}, fun() -> is_record(R, T) end) || R <- [{a, 1}, {a}, foo, {}], T <- [a, 1]].
