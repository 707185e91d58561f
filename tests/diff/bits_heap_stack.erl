%% Bit syntax matching that allocates bignums in a function with a stack
%% frame: the allocation must not take words of the stack (a stale stack
%% pointer once corrupted the heap here).
-module(bits_heap_stack).
-export([main/0]).

id(X) -> X.

main() ->
    <<Lpad:128>> = erlang:md5([0]),
    <<Rpad:128>> = erlang:md5([1]),
    <<Int0:128>> = erlang:md5([2]),
    L = [{Bef, N, I} || Bef <- lists:seq(0, 128), N <- lists:seq(0, 128 - Bef),
                        I1 <- [Int0 band ((1 bsl (N + 3)) - 1), Int0 band 16#FFFFFF],
                        I <- [I1, -I1]],
    Bad = [B || {Bef, N, I} = B <- L, (catch t(Bef, N, I, Lpad, Rpad)) =/= ok],
    io:format("~p ~p~n", [length(L), Bad]).

t(Bef, N, Int, Lpad, Rpad) ->
    NumBin = id(<<Int:N>>),
    MaskedInt = Int band ((1 bsl N) - 1),
    <<MaskedInt:N>> = NumBin,
    Bin = id(<<Lpad:Bef, NumBin/bitstring, Rpad:(128 - Bef - N)>>),
    Bin = <<Lpad:Bef, Int:N, Rpad:(128 - Bef - N)>>,
    LpadMasked = Lpad band ((1 bsl Bef) - 1),
    RpadMasked = Rpad band ((1 bsl (128 - Bef - N)) - 1),
    Rbits = 128 - Bef - N,
    <<LpadMasked:Bef, MaskedInt:N, RpadMasked:Rbits>> = id(Bin),
    ok.
