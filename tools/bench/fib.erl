%% Call-heavy recursion.
-module(fib).
-export([main/0]).
-include("bench.hrl").
run() -> {fib(27), tak(18, 12, 6)}.
fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).
tak(X, Y, Z) when Y < X -> tak(tak(X - 1, Y, Z), tak(Y - 1, Z, X), tak(Z - 1, X, Y));
tak(_, _, Z) -> Z.
