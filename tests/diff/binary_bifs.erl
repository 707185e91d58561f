%% erlang's binary and iolist BIFs: list_to_binary, iolist_to_binary,
%% iolist_size, list_to_bitstring, bitstring_to_list, binary_to_list/1,3,
%% split_binary, binary_part, byte_size, bit_size.
-module(binary_bifs).
-export([main/0]).

main() ->
    Big = list_to_binary(lists:seq(0, 199)),
    <<_:3, Unaligned:10/binary, _/bitstring>> = Big,
    <<_:16, Sub:100/binary, _/binary>> = Big,
    Bits = <<1, 2, 3:4>>,
    iolists(Big, Unaligned, Sub, Bits),
    bitstrings(Unaligned, Bits),
    to_list(Big, Unaligned, Sub, Bits),
    splitting(Big, Unaligned, Bits),
    sizes(Unaligned, Bits),
    ok.

c(F) -> try F() catch C:E -> {C, E} end.

p(Label, F) -> io:format("~w -> ~w~n", [Label, c(F)]).

iolists(Big, Unaligned, Sub, Bits) ->
    io:format("== iolists~n"),
    Cases = [[], [1, 2, 3], [[]], [[], [[]]], [1, [2, [3, <<4>>]], <<>>], [<<"ab">> | <<"cd">>],
             [1 | <<2>>], [[1 | <<2>>] | <<3>>], [Unaligned, Sub], [Big, Big], [<<>>, [], <<>>],
             [256], [-1], [1 | 2], [a], [1.0e0], [Bits], [<<1:1>>, 2], [1, Bits], [[1 | 2]], [<<"a">> | 3],
             <<"bin">>, Unaligned, Bits, foo, 1, lists:duplicate(100, [<<"abc">>, $d]),
             [lists:seq(1, 255) | <<0>>], [[[[[[[[[[[[1]]]]]]]]]]]]],
    [begin
         p({list_to_binary, I}, fun() -> list_to_binary(D) end),
         p({iolist_to_binary, I}, fun() -> iolist_to_binary(D) end),
         p({iolist_size, I}, fun() -> iolist_size(D) end),
         p({list_to_bitstring, I}, fun() -> list_to_bitstring(D) end),
         p({list_to_bin, I}, fun() -> binary:list_to_bin(D) end)
     end || {I, D} <- lists:zip(lists:seq(1, length(Cases)), Cases)],
    p(same_binary, fun() -> B = <<"xyz">>, erts_debug:same(iolist_to_binary(B), B) end),
    p(iolist_to_binary_sub, fun() -> binary:referenced_byte_size(iolist_to_binary(Sub)) end),
    p(list_to_binary_size, fun() -> [binary:referenced_byte_size(list_to_binary(X)) || X <- [[Sub], [Sub, 1], [1, 2]]] end).

bitstrings(Unaligned, Bits) ->
    io:format("== bitstrings~n"),
    Cases = [[<<1:1>>], [<<1:1>>, <<1:1>>], [<<1:3>>, 255, <<7:5>>], [Bits, Bits], [1, [<<5:3>>, [<<1:2>>]], 2],
             [<<>>, <<1:7>>, <<>>, <<1:1>>], [Unaligned, <<1:1>>, Unaligned], [<<1:1>> | <<1:1>>],
             [<<2:2>> | <<"ab">>], [[<<1:4>>], [<<15:4>>]], [<<1:1>>, -1], [<<1:1>> | 3]],
    [p({list_to_bitstring, I}, fun() -> list_to_bitstring(D) end) || {I, D} <- lists:zip(lists:seq(1, length(Cases)), Cases)],
    [p({list_to_binary_bits, I}, fun() -> list_to_binary(D) end) || {I, D} <- lists:zip(lists:seq(1, length(Cases)), Cases)],
    [p({bitstring_to_list, B}, fun() -> bitstring_to_list(B) end)
     || B <- [<<>>, <<1>>, <<1:1>>, <<1, 2:3>>, Bits, Unaligned, foo, "ab"]].

to_list(Big, Unaligned, Sub, Bits) ->
    io:format("== binary_to_list~n"),
    [p({binary_to_list, B}, fun() -> binary_to_list(B) end) || B <- [<<>>, <<"abc">>, Unaligned, Bits, foo, [1]]],
    p(binary_to_list_sub, fun() -> length(binary_to_list(Sub)) end),
    Ranges = [{1, 1}, {1, 3}, {2, 3}, {3, 3}, {0, 1}, {1, 0}, {3, 2}, {1, 4}, {4, 4}, {-1, 2}, {1, 1 bsl 64},
              {a, 1}, {1, "1"}, {2, 10}],
    [p({binary_to_list3, B, R}, fun() -> binary_to_list(B, element(1, R), element(2, R)) end)
     || B <- [<<"abc">>, Unaligned, Bits, <<>>], R <- Ranges],
    p(binary_to_list3_big, fun() -> length(binary_to_list(Big, 5, 150)) end).

splitting(Big, Unaligned, Bits) ->
    io:format("== split_binary, binary_part~n"),
    [p({split_binary, B, N}, fun() -> split_binary(B, N) end)
     || B <- [<<>>, <<"abc">>, Unaligned, Bits, <<1:3>>], N <- [0, 1, 3, 4, 10, -1, 1 bsl 64, a]],
    p(split_binary_bad, fun() -> [c(fun() -> split_binary(X, 0) end) || X <- [foo, "abc"]] end),
    p(split_big, fun() -> {A, B} = split_binary(Big, 100), {byte_size(A), byte_size(B),
                                                           binary:referenced_byte_size(A)} end),
    Parts = [{0, 0}, {0, 3}, {1, 1}, {3, 0}, {3, -3}, {2, -1}, {1, -2}, {0, 4}, {4, 0}, {-1, 1}, {1, 1 bsl 64},
             {a, 1}, {1, b}],
    [p({binary_part, B, P}, fun() -> binary_part(B, P) end) || B <- [<<"abc">>, Unaligned, Bits], P <- Parts],
    [p({binary_part3, P}, fun() -> binary_part(<<"abcdef">>, element(1, P), element(2, P)) end) || P <- Parts],
    p(binary_part_bad, fun() -> [c(fun() -> binary_part(X, Y) end) || {X, Y} <- [{foo, {0, 0}}, {<<"a">>, {0}}, {<<"a">>, [0, 0]}]] end),
    p(binary_part_guard, fun() -> [guard_part(X) || X <- [<<"abc">>, <<"a">>, Bits, foo]] end).

guard_part(B) when binary_part(B, 1, 2) =:= <<"bc">> -> bc;
guard_part(B) when byte_size(B) > 2 -> long;
guard_part(_) -> other.

sizes(Unaligned, Bits) ->
    io:format("== sizes~n"),
    [p({sizes, B}, fun() -> {byte_size(B), bit_size(B), size(B)} end) || B <- [<<>>, <<1:1>>, <<1:9>>, Unaligned, Bits]],
    p(sizes_bad, fun() -> [c(fun() -> byte_size(X) end) || X <- [foo, "a", {a}]] ++ [c(fun() -> bit_size(X) end) || X <- [foo]] end).
