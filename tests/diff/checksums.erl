%% MD5, CRC-32 and Adler-32 of iodata: results, contexts, combining, and
%% bad arguments.
-module(checksums).
-export([main/0]).

t(F) ->
    try F() catch C:R -> {C, R} end.

show(Label, V) -> io:format("~s: ~p~n", [Label, V]).

data() ->
    Long = list_to_binary([X rem 256 || X <- lists:seq(1, 1000)]),
    <<First40:40/binary, _/binary>> = Long,
    <<_:3, Unaligned:40/binary, _:5>> = <<0:3, First40/binary, 0:5>>,
    <<_:8, Sub:30/binary, _/binary>> = Long,
    [<<>>, [], "abc", <<"abc">>, "message digest", lists:seq(0, 255), Long, Unaligned, Sub,
     [<<"a">>, $b, [$c, [<<"de">>, []], <<>>] | <<"f">>], [[[[]]]], [[], <<>>, [[], []]],
     [1, 2 | <<3, 4>>], [Long, [Long | Long], lists:seq(1, 150)],
     lists:duplicate(300, [$x, <<"yz">>]), list_to_binary(lists:duplicate(500, <<"0123456789">>)),
     [lists:seq(1, 99), <<"abc">>, lists:seq(1, 120), [[1, 2], 3], <<"tail">>]].

bad() ->
    [x, 1, 1.5, {<<"a">>}, [256], [-1], [1 | 2], [<<"a">> | x], [a], [1.0],
     <<1:1>>, [<<"ab">>, <<1:7>>], [<<"ab">> | <<1:4>>], [[1, 2, x]], "abc" ++ [300]].

main() ->
    Data = data(),
    [io:format("~p ~p ~p~n", [erlang:md5(D), erlang:crc32(D), erlang:adler32(D)]) || D <- Data],
    show("md5 vectors", [hex(erlang:md5(S)) || S <- ["", "a", "abc", "message digest",
                                                     "abcdefghijklmnopqrstuvwxyz",
                                                     lists:duplicate(8, "1234567890")]]),
    contexts(Data),
    chained(Data),
    combine(),
    [io:format("bad ~p: ~p~n", [B, [t(fun() -> erlang:md5(B) end), t(fun() -> erlang:crc32(B) end),
                                    t(fun() -> erlang:adler32(B) end),
                                    t(fun() -> erlang:crc32(0, B) end),
                                    t(fun() -> erlang:adler32(1, B) end),
                                    t(fun() -> erlang:md5_update(erlang:md5_init(), B) end)]])
     || B <- bad()],
    ok.

hex(Bin) -> lists:flatten([io_lib:format("~2.16.0b", [X]) || <<X>> <= Bin]).

%% The meaningful part of an MD5 context: state, bit count and the buffered
%% bytes (the rest of the buffer is stale, in the reference even
%% uninitialised memory after md5_init/0).
ctx_state(<<State:16/binary, Count:64/little, Buffer:64/binary>>) ->
    Used = (Count div 8) rem 64,
    <<Buffered:Used/binary, _/binary>> = Buffer,
    {State, Count, Buffered}.

%% md5_init/update/final: contexts hold the reference's values, and the
%% digest equals md5/1 of the whole data.
contexts(Data) ->
    C0 = erlang:md5_init(),
    io:format("init: ~w~n", [{byte_size(C0), ctx_state(C0)}]),
    Final = lists:foldl(fun(D, C) ->
                                C2 = erlang:md5_update(C, D),
                                io:format("ctx ~w~n", [ctx_state(C2)]),
                                C2
                        end, C0, Data),
    show("final", erlang:md5_final(Final) =:= erlang:md5(Data)),
    show("final twice", erlang:md5_final(Final) =:= erlang:md5_final(Final)),
    show("empty", erlang:md5_final(C0) =:= erlang:md5(<<>>)),
    <<_:4, UnalignedCtx:88/binary, _:4>> = <<0:4, C0/binary, 0:4>>,
    show("unaligned context", erlang:md5_final(erlang:md5_update(UnalignedCtx, "abc")) =:= erlang:md5("abc")),
    BadCtx = [x, <<>>, <<0:87/unit:8>>, <<0:89/unit:8>>, <<0:703>>, [C0], binary_to_list(C0)],
    show("bad contexts", [{t(fun() -> erlang:md5_update(C, "a") end), t(fun() -> erlang:md5_final(C) end)}
                          || C <- BadCtx]),
    %% Any 88-byte binary is accepted as a context.
    show("made-up context", erlang:md5_final(<<7:704>>)).

chained(Data) ->
    Crc = lists:foldl(fun(D, A) -> erlang:crc32(A, D) end, 0, Data),
    Adler = lists:foldl(fun(D, A) -> erlang:adler32(A, D) end, 1, Data),
    show("chained", {Crc =:= erlang:crc32(Data), Adler =:= erlang:adler32(Data), Crc, Adler}),
    show("start values", [{erlang:crc32(S, "abc"), erlang:adler32(S, "abc")}
                          || S <- [0, 1, 16#FFFFFFFF, 123456789]]),
    show("bad start", [{t(fun() -> erlang:crc32(S, "abc") end), t(fun() -> erlang:adler32(S, "abc") end)}
                       || S <- [-1, 1 bsl 32, 1 bsl 64, 1.0, x]]).

combine() ->
    A = <<"hello ">>, B = <<"world, and more bytes">>,
    show("combine", {erlang:crc32_combine(erlang:crc32(A), erlang:crc32(B), byte_size(B)) =:= erlang:crc32([A, B]),
                     erlang:adler32_combine(erlang:adler32(A), erlang:adler32(B), byte_size(B))
                         =:= erlang:adler32([A, B])}),
    show("combine values", [{erlang:crc32_combine(X, Y, L), erlang:adler32_combine(X, Y, L)}
                            || X <- [0, 1, 16#FFFFFFFF], Y <- [0, 16#12345678], L <- [0, 1, 100, 16#FFFFFFFF]]),
    show("combine bad", [{t(fun() -> erlang:crc32_combine(X, Y, L) end),
                          t(fun() -> erlang:adler32_combine(X, Y, L) end)}
                         || {X, Y, L} <- [{-1, 0, 0}, {0, 1 bsl 32, 0}, {0, 0, 1 bsl 32}, {0, 0, -1},
                                          {a, 0, 0}, {0, 0, 1.0}]]).
