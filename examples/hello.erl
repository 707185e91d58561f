-module(hello).
-export([main/0, fact/1]).

main() -> io:format("~p~n", [fact(20)]).

fact(0) -> 1;
fact(N) when N > 0 -> N * fact(N - 1).
