%% binary_to_term/1,2: round trips, options, and malformed input (every
%% prefix and many one-byte mutations of valid encodings).
-module(etf_decode).
-export([main/0]).

main() ->
    round_trips(),
    options(),
    handmade(),
    prefixes(),
    mutations(),
    ok.

%% Terms are shown through phash2 (floats cannot be printed yet).
show(R) -> io:format("~w~n", [R]).

result(F) ->
    try F() of
        T -> {ok, erlang:phash2(T)}
    catch
        C:E -> {C, E}
    end.

%% ---- round trips

samples() ->
    Big = list_to_binary([I rem 256 || I <- lists:seq(1, 300)]),
    <<_:3, Odd:100/binary, _/bitstring>> = Big,
    Y = 7,
    [0, 255, 256, -1, 1 bsl 31, -(1 bsl 31) - 1, 1 bsl 59, -(1 bsl 59) - 1, 1 bsl 64, 1 bsl 3000,
     -(1 bsl 3000), 1.5, -0.0 * 1, 1.0e300, 5.0e-324, a, '', 'caf\x{e9}', list_to_atom([2000, 3000]),
     {}, {a, {b, {c}}}, erlang:make_tuple(300, z), [], "abc", [1, 2, 300], [a | b], lists:seq(1, 70000),
     <<>>, <<1, 2, 3>>, Big, Odd, <<1:1>>, <<255, 7:3>>, #{}, #{a => 1, 1 => a, 1.0 => b},
     maps:from_list([{I, [I]} || I <- lists:seq(1, 100)]),
     maps:from_list([{list_to_atom([$a | integer_to_list(I)]), I} || I <- lists:seq(1, 40)]),
     fun lists:map/2, fun() -> Y end, fun(X) -> {X, Y, Big} end, self(), make_ref(),
     {[#{k => {<<1:5>>, 2.5}}], "x" ++ y},
     lists:foldl(fun(_, A) -> [A | A] end, [], lists:seq(1, 20))].

round_trips() ->
    Opts = [[], [compressed], [{minor_version, 0}], [{minor_version, 2}], [deterministic],
            [{compressed, 1}, {minor_version, 0}]],
    [show([binary_to_term(term_to_binary(T, O)) =:= T || O <- Opts]) || T <- samples()],
    [show([binary_to_term(iolist_to_binary(term_to_iovec(T, O))) =:= T || O <- Opts])
     || T <- samples()],
    %% From a sub-binary that does not start on a byte boundary.
    B = term_to_binary({a, [1.5, <<"xyz">>]}),
    <<_:5, Unaligned:(byte_size(B))/binary, _:3>> = <<0:5, B/binary, 0:3>>,
    show(binary_to_term(Unaligned) =:= {a, [1.5, <<"xyz">>]}),
    ok.

%% ---- options and argument errors

options() ->
    B = term_to_binary({hello, "world"}),
    Trail = <<B/binary, 1, 2, 3>>,
    C = term_to_binary(lists:seq(1, 300), [compressed]),
    show([result(fun() -> binary_to_term(B, O) end) || O <- [[], [safe], [used], [used, safe]]]),
    show(binary_to_term(B, [used])),
    show(binary_to_term(Trail, [used])),
    show(binary_to_term(<<C/binary, "garbage">>, [used]) =:= {lists:seq(1, 300), byte_size(C)}),
    show(binary_to_term(Trail) =:= {hello, "world"}),
    Bad = [[foo], [safe | used], x, [{used, true}], [used, 1]],
    show([result(fun() -> binary_to_term(B, O) end) || O <- Bad]),
    show([result(fun() -> binary_to_term(A) end)
          || A <- [a, 1, <<>>, <<131>>, <<1:1>>, <<131, 97, 1, 0:1>>, [131, 97, 1], <<130, 97, 1>>]]),
    %% safe: no new atoms; existing ones are fine.
    New = <<131, 100, 0, 30, "etf_decode_no_such_atom_q7x9z3">>,
    show(result(fun() -> binary_to_term(New, [safe]) end)),
    show(result(fun() -> binary_to_term(<<131, 100, 0, 2, "ok">>, [safe]) end)),
    show(result(fun() -> binary_to_term(<<131, 119, 4, "true">>, [safe]) end)),
    show(result(fun() -> binary_to_term(term_to_binary(fun lists:map/2), [safe]) end)),
    ok.

%% ---- hand-made encodings, valid and not

handmade() ->
    Node = <<100, 13:16, "nonode@nohost">>,
    Cases =
        [<<131, 110, 0, 0>>, <<131, 110, 0, 1>>, <<131, 110, 2, 0, 5, 0>>, <<131, 110, 3, 1, 0, 0, 0>>,
         <<131, 110, 8, 0, 0, 0, 0, 0, 0, 0, 0, 8>>, <<131, 110, 8, 1, 0, 0, 0, 0, 0, 0, 0, 8>>,
         <<131, 110, 9, 1, 1, 0, 0, 0, 0, 0, 0, 8, 0>>, <<131, 111, 0, 0, 0, 1, 0, 42>>,
         <<131, 111, 0, 0, 0, 0, 1>>, <<131, 110, 1, 2, 5>>,
         <<131, 70, 16#7F, 16#F0, 0, 0, 0, 0, 0, 0>>, <<131, 70, 16#FF, 16#F0, 0, 0, 0, 0, 0, 0>>,
         <<131, 70, 16#7F, 16#F8, 0, 0, 0, 0, 0, 1>>, <<131, 70, 16#80, 0, 0, 0, 0, 0, 0, 0>>,
         <<131, 99, "1.5", 0:(28 * 8)>>, <<131, 99, "  2.5e3", 0:(24 * 8)>>, <<131, 99, "abc", 0:(28 * 8)>>,
         <<131, 99, "1e400", 0:(26 * 8)>>, <<131, 99, 0:(31 * 8)>>, <<131, 99, "-0.0", 0:(27 * 8)>>,
         <<131, 99, "1.0 x", 0:(26 * 8)>>, <<131, 99, "inf", 0:(28 * 8)>>, <<131, 99, "nan", 0:(28 * 8)>>,
         <<131, 99, "0x10", 0:(27 * 8)>>, <<131, 99, "1,5", 0:(28 * 8)>>, <<131, 99, "7", 0:(30 * 8)>>,
         <<131, 100, 1:16, 200>>, <<131, 118, 2:16, 195, 169>>, <<131, 118, 1:16, 195>>,
         <<131, 119, 2, 192, 128>>, <<131, 119, 3, 237, 160, 128>>, <<131, 119, 4, 244, 144, 128, 128>>,
         <<131, 100, 256:16, 0:(256 * 8)>>, <<131, 115, 3, "abc">>, <<131, 118, 0:16>>,
         <<131, 119, 255, (list_to_binary(lists:duplicate(85, <<226, 130, 172>>)))/binary>>,
         <<131, 118, 256:16, (list_to_binary(lists:duplicate(128, <<195, 169>>)))/binary>>,
         <<131, 118, 384:16, (list_to_binary(lists:duplicate(128, <<226, 130, 172>>)))/binary>>,
         <<131, 108, 0:32, 106>>, <<131, 108, 0:32, 97, 1>>, <<131, 108, 1:32, 97, 1, 97, 2>>,
         <<131, 108, 2:32, 97, 1, 106>>, <<131, 107, 0:16>>, <<131, 107, 3:16, 1, 2>>,
         <<131, 104, 0>>, <<131, 105, 0:32>>, <<131, 105, 1:32, 106>>, <<131, 104, 2, 106>>,
         <<131, 109, 0:32>>, <<131, 77, 0:32, 0>>, <<131, 77, 1:32, 0, 255>>, <<131, 77, 1:32, 8, 255>>,
         <<131, 77, 1:32, 9, 255>>, <<131, 77, 1:32, 3, 255>>, <<131, 77, 0:32, 3>>, <<131, 77, 2:32, 1, 1, 255>>,
         <<131, 116, 0:32>>, <<131, 116, 1:32, 97, 1, 97, 2>>, <<131, 116, 2:32, 97, 1, 97, 2, 97, 1, 97, 3>>,
         <<131, 116, 2:32, 97, 1, 97, 2, 70, 16#3F, 16#F0, 0:48, 97, 3>>,
         <<131, 116, 33:32, (<< <<97, I, 106>> || I <- lists:seq(1, 32)>>)/binary, 97, 5, 106>>,
         <<131, 116, 1:32, 97, 1>>, <<131, 116, 2:32, 97, 1, 97, 1>>,
         <<131, 113, 100, 1:16, "m", 100, 1:16, "f", 97, 3>>, <<131, 113, 100, 1:16, "m", 100, 1:16, "f", 98, 3:32>>,
         <<131, 113, 100, 1:16, "m", 100, 1:16, "f", 98, -1:32>>, <<131, 113, 100, 1:16, "m", 97, 1, 97, 3>>,
         <<131, 113, 100, 1:16, "m", 100, 1:16, "f", 98, 1000:32>>,
         <<131, 88, Node/binary, 1:32, 0:32, 0:32>>, <<131, 88, Node/binary, 32768:32, 0:32, 0:32>>,
         <<131, 88, Node/binary, 1:32, 8192:32, 0:32>>, <<131, 88, Node/binary, 1:32, 0:32, 1:32>>,
         <<131, 103, Node/binary, 1:32, 0:32, 0>>, <<131, 103, Node/binary, 1:32, 0:32, 4>>,
         <<131, 88, 97, 1, 1:32, 0:32, 0:32>>,
         <<131, 89, Node/binary, (1 bsl 28 - 1):32, 0:32>>, <<131, 89, Node/binary, (1 bsl 28):32, 0:32>>,
         <<131, 120, Node/binary, (1 bsl 28):64, 0:32>>, <<131, 102, Node/binary, 1:32, 4>>,
         <<131, 90, 0:16, Node/binary, 0:32>>, <<131, 90, 6:16, Node/binary, 0:32, 0:192>>,
         <<131, 90, 3:16, Node/binary, 0:32, (1 bsl 18):32, 0:64>>, <<131, 90, 4:16, Node/binary, 0:32, 0:128>>,
         <<131, 90, 2:16, Node/binary, 0:32, 5:32, 6:32>>, <<131, 90, 1:16, Node/binary, 0:32, 5:32>>,
         <<131, 114, 1:16, Node/binary, 0, 5:32>>, <<131, 114, 1:16, Node/binary, 4, 5:32>>,
         <<131, 101, Node/binary, 5:32, 0>>, <<131, 101, Node/binary, (1 bsl 18):32, 0>>,
         <<131, 117, 0:32>>, <<131, 82, 0>>, <<131, 68, 0>>, <<131, 0>>, <<131, 255>>, <<131, 80, 0:32>>,
         <<131, 80, 3:32, 1, 2>>, <<131, 80>>, <<131, 80, 0, 0>>,
         <<131, 80, 2:32, (zlib_stored(<<97, 1>>))/binary>>, <<131, 80, 3:32, (zlib_stored(<<97, 1>>))/binary>>,
         <<131, 80, 1:32, (zlib_stored(<<97, 1>>))/binary>>, <<131, 80, 3:32, (zlib_stored(<<97, 1, 0>>))/binary>>],
    Numbered = lists:zip(lists:seq(1, length(Cases)), Cases),
    [show({N, result(fun() -> binary_to_term(B) end)}) || {N, B} <- Numbered],
    [show({N, result(fun() -> binary_to_term(B, [used]) end)}) || {N, B} <- Numbered],
    ok.

%% A zlib stream holding Data in one stored (uncompressed) block.
zlib_stored(Data) ->
    N = byte_size(Data),
    <<16#78, 16#01, 1, N:16/little, (bnot N):16/little, Data/binary, (adler32(Data)):32>>.

adler32(Data) ->
    {A, B} = lists:foldl(fun(X, {A, B}) ->
                                 A1 = (A + X) rem 65521,
                                 {A1, (B + A1) rem 65521}
                         end, {1, 0}, binary_to_list(Data)),
    B bsl 16 + A.

%% ---- every proper prefix of valid encodings is badarg

valid() ->
    Y = 3,
    [1, 300, 1 bsl 70, 2.5, abc, {a, "bc"}, [1, a | b], <<1, 2, 3>>, <<1, 2:3>>, #{a => [1], b => 2.0},
     fun lists:map/2, fun(X) -> X + Y end, make_ref(), self(), lists:seq(1, 100),
     maps:from_list([{I, I} || I <- lists:seq(1, 40)])].

prefixes() ->
    [begin
         B = term_to_binary(T),
         Rs = [element(1, result(fun() -> binary_to_term(binary_part(B, 0, N)) end))
               || N <- lists:seq(0, byte_size(B) - 1)],
         show(lists:usort(Rs))
     end || T <- valid()],
    B = term_to_binary(lists:seq(1, 300), [compressed]),
    show(lists:usort([element(1, result(fun() -> binary_to_term(binary_part(B, 0, N)) end))
                      || N <- lists:seq(0, byte_size(B) - 1)])),
    ok.

%% ---- one-byte mutations of valid encodings (deterministic terms only)

mutations() ->
    Node = <<100, 13:16, "nonode@nohost">>,
    Pid = binary_to_term(<<131, 88, Node/binary, 1234:32, 0:32, 0:32>>),
    Ref = binary_to_term(<<131, 90, 3:16, 119, 5, "a@b.c", 9:32, 1:32, 2:32, 3:32>>),
    Port = binary_to_term(<<131, 89, Node/binary, 5:32, 0:32>>),
    Encs = [term_to_binary(T) || T <- [{a, 1, "bc"}, [1, 2.5, <<1, 2:3>>], #{k => v, 1 => [x]},
                                       {1 bsl 70, -5, []}, fun lists:map/2, [{<<"ab">>, 'caf\x{e9}'}],
                                       {Pid, Ref, Port}, maps:from_list([{I, I} || I <- lists:seq(1, 33)])]]
        ++ [term_to_binary([1.5, -2.0e-10], [{minor_version, 0}]),
            term_to_binary(lists:duplicate(40, $a), [compressed])],
    [begin
         show([[result(fun() -> binary_to_term(set_byte(B, I, V)) end)
                || V <- [0, 1, 2, 97, 106, 127, 255, (byte_at(B, I) + 1) band 255]]
               || I <- lists:seq(1, byte_size(B) - 1)])
     end || B <- Encs],
    ok.

byte_at(B, I) ->
    <<_:I/binary, X, _/binary>> = B,
    X.

set_byte(B, I, V) ->
    <<Pre:I/binary, _, Post/binary>> = B,
    <<Pre/binary, V, Post/binary>>.
