%% Bignum arithmetic.
-module(bignum).
-export([main/0]).
-include("bench.hrl").
run() ->
    F = fact(1500),
    P = pow(3, 3000),
    {F rem 1000000007, (P div (F rem (1 bsl 200) + 1)) rem 1000000007, digits(F, 0), fibs(2000)}.
fact(0) -> 1;
fact(N) -> N * fact(N - 1).
pow(_, 0) -> 1;
pow(B, E) -> B * pow(B, E - 1).
digits(0, Acc) -> Acc;
digits(N, Acc) -> digits(N div 10, Acc + 1).
fibs(N) -> fibs(N, 0, 1).
fibs(0, A, _) -> A rem 1000000007;
fibs(N, A, B) -> fibs(N - 1, B, A + B).
