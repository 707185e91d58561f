%% Bit syntax: construction and matching of binaries and bitstrings.
-module(bitsyntax).
-export([main/0]).

main() ->
    X = 16#1234, Y = <<"rest">>,
    p(<<X:16, Y/binary>>),
    p(<<X:16/little, -1:8/signed, 255:8>>),
    p(<<1:1, 0:2, 7:5, 3:4>>),
    p(<<X:12/little>>),
    p(<<(1 bsl 70):80, -5:72/signed-little>>),
    p(<<"abc", $d, "é"/utf8, 16#1F600/utf8, 16#1F600/utf16, 16#1F600/utf32-little>>),
    p(<<<<"x">>/binary, <<1:3>>/bits, <<1:5>>/bitstring>>),
    p([B || <<B:3>> <= <<2#10110011, 2#1>>]),
    p(<< <<(C + 1)>> || <<C>> <= <<"HAL">> >>),
    p(parse(<<3:8, "abc", 2:8, "de", 0:8>>)),
    p(match_int(<<16#FF, 16#FE, 16#01, 16#02, 16#03>>)),
    p(match_utf(<<"héllo"/utf8>>)),
    p(match_utf16(<<16#1F600/utf16, $a/utf16-little>>)),
    p(match_rest(<<1, 2, 3, 4, 5>>)),
    p(c(fun() -> <<(a()):8>> end)),
    p(c(fun() -> <<(b())/binary>> end)),
    p(c(fun() -> <<(c()):(d())>> end)),
    p(c(fun() -> <<1:(neg())>> end)),
    p(size_match(<<3, 1, 2, 3, 9>>)),
    p(bits(<<1:1, 1:1, 0:1>>)),
    p(bigbin()),
    p(append_loop(<<>>, 0)),
    p(byte_size(append_loop2(<<>>, 300))),
    p(<<X:16/unit:1, 0:0>>),
    ok.

p(T) -> erlang:display(T).

a() -> a.
b() -> 1.
c() -> 5.
d() -> foo.
neg() -> -1.

parse(<<0:8>>) -> [];
parse(<<N:8, Str:N/binary, Rest/binary>>) -> [Str | parse(Rest)].

match_int(<<A:8, B:8/signed, C:16/little, D:8>>) -> {A, B, C, D}.

match_utf(<<C/utf8, Rest/binary>>) -> [C | match_utf(Rest)];
match_utf(<<>>) -> [].

match_utf16(<<A/utf16, B/utf16-little>>) -> {A, B}.

match_rest(<<A, Rest/bits>>) -> {A, Rest, bit_size(Rest)}.

size_match(<<N, Data:N/binary, Tail/binary>>) -> {Data, Tail}.

bits(<<A:1, B:2>>) -> {A, B}.

bigbin() ->
    B = list_to_binary(lists:seq(0, 199)),
    <<First:64/binary, _:100/binary, Last/binary>> = B,
    {byte_size(First), Last, binary_part(B, 190, 10)}.

append_loop(Acc, 10) -> Acc;
append_loop(Acc, N) -> append_loop(<<Acc/binary, N:8>>, N + 1).

append_loop2(Acc, 0) -> Acc;
append_loop2(Acc, N) -> append_loop2(<<Acc/binary, N:16>>, N - 1).

%% Runs F; an exception is shown with this module's stack frames only
%% (frames below it belong to the runner, which differs between VMs).
c(F) ->
    try F() catch Class:Reason:Stack -> {Class, Reason, [Fr || {M, _, _, _} = Fr <- Stack, M =:= ?MODULE]} end.
