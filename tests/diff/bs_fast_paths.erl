%% Bit syntax fast paths: small integers written and read at byte-aligned
%% and unaligned offsets, big and little endian, signed and unsigned; the
%% unit test of a match; iolists of bytes, binaries and nested lists.
-module(bs_fast_paths).
-export([main/0]).

main() ->
    Vals = [0, 1, -1, 5, 63, 64, -64, 255, 256, -129, 1 bsl 40 + 7, -(1 bsl 50), (1 bsl 59) - 1, -(1 bsl 59)],
    Sizes = [1, 3, 6, 7, 8, 9, 13, 16, 24, 31, 33, 57, 63, 64],
    Built = [<<0:Pad, V:S, 1:1>> || Pad <- [0, 1, 5, 8], V <- Vals, S <- Sizes],
    p(erlang:md5(term_to_binary(Built))),
    p([<<1:3, V:S/little>> || V <- Vals, S <- [8, 16, 24, 64]]),
    p([<<V:S/little>> || V <- Vals, S <- [8, 16, 32, 56]]),
    %% matching back what was built
    p([{S, Pad, match(Pad, S, B)} || Pad <- [0, 8, 3], S <- [8, 16, 32, 40],
                                     B <- [<<0:Pad, 16#0102030405:S, 16#A5:8>>]]),
    p([{X, Y} || <<X:16/little, Y:16/little-signed>> <= <<1, 2, 255, 255, 0, 128, 7, 8>>]),
    p([unit(B) || B <- [<<1:3>>, <<1:8>>, <<1:16>>, <<1:12>>, <<>>]]),
    p(base64:decode(base64:encode(binary:copy(<<"some bytes ">>, 20)))),
    p([iolist_size(L) || L <- [[], [1, [2, <<3, 4>>] | <<5>>], [[[[]]]], [<<>>, "abc"]]]),
    p([err(fun() -> iolist_size(L) end) || L <- [[256], [a], [1 | 2], [<<1:3>>]]]),
    p(iolist_to_binary([lists:duplicate(40, [1, [2]]), <<"end">>])),
    ok.

match(Pad, S, B) ->
    <<_:Pad, V:S, T:8>> = B,
    <<_:Pad, L:S/little, _/bits>> = B,
    {V, T, L}.

unit(B) ->
    case B of
        <<_:16/bits, _/binary>> -> sixteen_plus;
        <<_/binary>> -> bytes;
        _ -> bits
    end.

err(F) ->
    try F() catch C:R -> {C, R} end.

p(T) -> io:format("~p~n", [T]).
