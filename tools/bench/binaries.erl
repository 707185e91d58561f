%% Binaries: building with the bit syntax, parsing, base64.
-module(binaries).
-export([main/0]).
-include("bench.hrl").
run() ->
    Records = [{I, I * 3, <<"name", (integer_to_binary(I))/binary>>} || I <- lists:seq(1, 20000)],
    Bin = encode(Records, <<>>),
    Decoded = decode(Bin, []),
    B64 = base64:encode(binary:copy(<<"some bytes ">>, 2000)),
    {byte_size(Bin), length(Decoded), lists:sum([A + B || {A, B, _} <- Decoded]), byte_size(base64:decode(B64))}.
encode([], Acc) -> Acc;
encode([{A, B, Name} | T], Acc) ->
    encode(T, <<Acc/binary, A:32, B:32/little, (byte_size(Name)):8, Name/binary>>).
decode(<<>>, Acc) -> lists:reverse(Acc);
decode(<<A:32, B:32/little, N:8, Name:N/binary, Rest/binary>>, Acc) -> decode(Rest, [{A, B, Name} | Acc]).
