%% unicode:characters_to_binary/1,2,3, characters_to_list/1,2 and bin_is_7bit/1:
%% results, {error, _, Rest} / {incomplete, _, Rest} shapes, and badarg.
-module(unicode_conv).
-export([main/0]).

main() ->
    ordinary(),
    list_errors(),
    binary_bytes(),
    split_sequences(),
    bad_arguments(),
    other_encodings(),
    sizes(),
    seven_bit(),
    ok.

c(F) -> try F() catch C:E -> {C, E} end.

p(Label, F) -> io:format("~w -> ~w~n", [Label, c(F)]).

%% Every conversion of Data with InEncoding.
all(Label, Data, Enc) ->
    p({Label, b, Enc}, fun() -> unicode:characters_to_binary(Data, Enc) end),
    p({Label, l, Enc}, fun() -> unicode:characters_to_list(Data, Enc) end).

all(Label, Data) ->
    [all(Label, Data, E) || E <- [unicode, utf8, latin1]],
    p({Label, b1}, fun() -> unicode:characters_to_binary(Data) end),
    p({Label, l1}, fun() -> unicode:characters_to_list(Data) end).

ordinary() ->
    io:format("== ordinary~n"),
    <<_:5, Unaligned:6/binary, _/bitstring>> = <<"xyz", 16#E2, 16#82, 16#AC, "abcdef">>,
    Long = list_to_binary(lists:duplicate(30, "h\x{e9}llo ")),
    Cases = [[], "abc", [$a, [$b, [[], $c]], "d"], <<"abc">>, [<<"abc">>], [<<"ab">>, $c, <<>>, [<<"d">>]],
             [$a | <<"bc">>], [[$a | <<"b">>], $c], [1024, 16#10FFFF, 16#FFFF, 127, 128, 2047, 2048],
             [<<"\x{20ac}"/utf8>>, 16#20AC], <<200, 201, 255>>, [<<200>>, 255, [<<0>>]],
             Unaligned, [Unaligned, Unaligned], Long, [Long, 16#3B1 | Long],
             lists:seq(0, 300), [[[[[[$x]]]]]]],
    [all({ordinary, I}, D) || {I, D} <- lists:zip(lists:seq(1, length(Cases)), Cases)].

list_errors() ->
    io:format("== list errors~n"),
    Cases = [[-1], [$a, -1, $b], [1, [2, [3, -1, 4], 5], 6], [[1, -1]], [16#D800], [16#DFFF, $a],
             [16#110000], [$a, 1 bsl 64], [1 bsl 64, foo], [$a, [1 bsl 70 | bar]], [$a, -(1 bsl 64)],
             [256, $a], [$a, [255, 256]], [<<"ab">>, [[300]]], [<<"ab">> | [-5 | <<"cd">>]],
             [[[$a], -1], $b], [[], [[]], [-1]], [$a, [[<<"b">>, -2], 3], 4]],
    [all({list_error, I}, D) || {I, D} <- lists:zip(lists:seq(1, length(Cases)), Cases)].

%% Binaries made of interesting bytes: every lead byte class followed by
%% continuation and other bytes, also cut off.
binary_bytes() ->
    io:format("== binary bytes~n"),
    Leads = [16#41, 16#7F, 16#80, 16#BF, 16#C0, 16#C1, 16#C2, 16#DF, 16#E0, 16#E1, 16#ED, 16#EF,
             16#F0, 16#F1, 16#F4, 16#F5, 16#F7, 16#F8, 16#FF],
    Next = [16#80, 16#8F, 16#90, 16#A0, 16#BF, 16#41],
    Seqs = [[L] || L <- Leads] ++ [[L, A] || L <- Leads, A <- Next] ++
           [[L, A, B] || L <- [16#E0, 16#ED, 16#EF, 16#F0, 16#F4, 16#F5], A <- Next, B <- [16#80, 16#41]] ++
           [[L, A, 16#80, B] || L <- [16#F0, 16#F4], A <- [16#80, 16#90, 16#8F], B <- [16#80, 16#41]],
    [begin
         B = list_to_binary([$x, S]),
         p({bin, S}, fun() -> [unicode:characters_to_binary(B), unicode:characters_to_list(B),
                               unicode:characters_to_binary([B]), unicode:characters_to_list([B]),
                               unicode:characters_to_binary([$y, B, $z]),
                               unicode:characters_to_binary([B, <<"tail">>])] end)
     end || S <- Seqs].

%% Valid and invalid sequences cut across binaries, lists and integers.
split_sequences() ->
    io:format("== split sequences~n"),
    Seqs = [<<"\x{20ac}"/utf8>>, <<"\x{10348}"/utf8>>, <<"\x{e9}"/utf8>>, <<16#E2, 16#82>>, <<16#E2, $a, $b>>,
            <<16#F0, 16#90, 16#8D>>, <<16#C0, 16#80>>, <<16#ED, 16#A0, 16#80>>, <<16#F4, 16#90, 16#80, 16#80>>],
    [begin
         Parts = [[binary:part(S, 0, I), binary:part(S, I, byte_size(S) - I)] || I <- lists:seq(0, byte_size(S))],
         [p({split, S, P}, fun() -> [unicode:characters_to_binary(P), unicode:characters_to_list(P),
                                     unicode:characters_to_binary([P, $!]),
                                     unicode:characters_to_binary([hd(P), [tl(P)], <<"!">>])] end)
          || P <- Parts]
     end || S <- Seqs],
    p(leftover_then_int, fun() -> unicode:characters_to_binary([<<16#E2>>, 97]) end),
    p(leftover_then_big, fun() -> unicode:characters_to_binary([<<16#E2>>, 1 bsl 64]) end),
    p(leftover_then_bad, fun() -> unicode:characters_to_binary([<<16#E2>>, <<16#82, 16#FF>>, "x"]) end),
    p(leftover_then_bad2, fun() -> unicode:characters_to_binary([<<"ab", 16#E2>>, [<<16#41, 16#82>>], "x"]) end),
    p(leftover_three, fun() -> unicode:characters_to_binary([<<16#F0>>, <<16#90>>, <<16#8D>>, <<16#88>>]) end),
    p(leftover_list, fun() -> unicode:characters_to_list([<<16#F0>>, <<16#90>>, <<16#8D>>]) end),
    p(leftover_empty_bins, fun() -> unicode:characters_to_binary([<<16#E2>>, <<>>, [], <<16#82>>, [<<>>], <<16#AC>>]) end),
    p(leftover_tail, fun() -> unicode:characters_to_binary([<<16#E2>> | <<16#82, 16#AC>>]) end),
    p(leftover_tail_err, fun() -> unicode:characters_to_binary([<<16#E2>> | <<16#82, 16#2C>>]) end).

bad_arguments() ->
    io:format("== bad arguments~n"),
    Cases = [foo, 1, {1}, [foo], [$a | foo], [$a, {}], [<<1:1>>], <<1:7>>, [$a | <<1:1>>], [[$a | b]],
             [-1, foo], [$a, #{}], [[<<"a">>], [<<"b">> | 3]], [<<"x">>, {a}], [-1 | foo], [1 bsl 64 | foo]],
    [begin
         [p({bad, D, E}, fun() -> unicode:characters_to_binary(D, E) end) || E <- [unicode, latin1]],
         [p({bad_l, D, E}, fun() -> unicode:characters_to_list(D, E) end) || E <- [unicode, latin1]]
     end || D <- Cases],
    [p({bad_enc, E}, fun() -> {unicode:characters_to_binary("abc", E)} end) || E <- [foo, 1, "utf8", {utf16, middle}]],
    [p({bad_enc_l, E}, fun() -> {unicode:characters_to_list("abc", E)} end) || E <- [foo, 1, {utf32, x}]],
    p(bad_1, fun() -> unicode:characters_to_binary(foo) end),
    p(bad_1l, fun() -> unicode:characters_to_list([a]) end).

other_encodings() ->
    io:format("== other encodings~n"),
    Text = [$a, 16#E9, 16#20AC, 16#10348],
    Encs = [utf8, unicode, latin1, utf16, {utf16, little}, {utf16, big}, utf32, {utf32, little}, {utf32, big}],
    [begin
         B = unicode:characters_to_binary(Text, unicode, Out),
         p({encode, Out}, fun() -> B end),
         p({decode, Out}, fun() -> {unicode:characters_to_list(B, Out), unicode:characters_to_binary(B, Out)} end),
         p({decode_list, Out}, fun() -> unicode:characters_to_list([B], Out) end),
         [p({convert, Out, To}, fun() -> unicode:characters_to_binary(B, Out, To) end) || To <- Encs]
     end || Out <- Encs],
    p(utf16_cut, fun() -> unicode:characters_to_list(<<0, $a, 16#D8>>, utf16) end),
    p(utf16_bad, fun() -> unicode:characters_to_list(<<16#DC, 0, 0, $a>>, utf16) end),
    p(utf32_bad, fun() -> unicode:characters_to_binary(<<0, 17, 0, 0>>, utf32) end),
    p(to_latin1_bad, fun() -> unicode:characters_to_binary([$a, 256], unicode, latin1) end),
    p(latin1_to_latin1, fun() -> unicode:characters_to_binary(<<200>>, latin1, latin1) end),
    p(utf8_7bit, fun() -> unicode:characters_to_binary(<<"plain">>, utf8, latin1) end),
    p(bom, fun() -> [unicode:bom_to_encoding(unicode:encoding_to_bom(E)) || E <- Encs] end).

sizes() ->
    io:format("== sizes~n"),
    Big = list_to_binary(lists:duplicate(100, $a)),
    R1 = unicode:characters_to_binary([Big, 1024, -1]),
    p(converted_size, fun() -> {error, C, _} = R1, {byte_size(C), binary:referenced_byte_size(C)} end),
    R2 = unicode:characters_to_binary(<<Big/binary, 255, "xyz">>),
    p(rest_size, fun() -> {error, _, Rest} = R2, {Rest, binary:referenced_byte_size(Rest)} end),
    R3 = unicode:characters_to_list(<<Big/binary, 255, "xyz">>),
    p(rest_size_l, fun() -> {error, _, Rest} = R3, {Rest, binary:referenced_byte_size(Rest)} end),
    <<_:8, Sub:80/binary, _/binary>> = Big,
    p(same_binary, fun() -> binary:referenced_byte_size(unicode:characters_to_binary(Sub)) end),
    p(same_binary_list, fun() -> binary:referenced_byte_size(unicode:characters_to_binary([Sub])) end),
    p(latin1_copy, fun() -> binary:referenced_byte_size(unicode:characters_to_binary([Sub, 200], latin1)) end),
    p(long_list, fun() -> length(unicode:characters_to_list(lists:duplicate(5000, [16#20AC, <<"ab">>]))) end).

seven_bit() ->
    io:format("== bin_is_7bit~n"),
    <<_:1, Unaligned:3/binary, _:7>> = <<"abc", 0:8>>,
    [p({seven_bit, B}, fun() -> unicode:bin_is_7bit(B) end)
     || B <- [<<>>, <<"abc">>, <<"ab", 200>>, <<1:9>>, <<1:7>>, Unaligned, foo, "abc", 1]].
