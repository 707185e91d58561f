%% Calls, recursion, pattern matching, guards, tuples and lists.
-module(basics).
-export([main/0]).

main() ->
    erlang:display(fact(25)),
    erlang:display(fib(20)),
    erlang:display(lists:reverse(lists:seq(1, 10))),
    erlang:display(len([a, b, c, d])),
    erlang:display(classify([1, a, "s", {t}, 2.5, <<1>>, [], self() =:= self()])),
    erlang:display(lists:map(fun(X) -> X * X end, [1, 2, 3])),
    erlang:display(lists:foldl(fun(X, Acc) -> X + Acc end, 0, lists:seq(1, 1000))),
    erlang:display(tuple_to_list(setelement(2, {a, b, c}, x))),
    erlang:display({element(1, {q}), tuple_size({1, 2, 3}), length([1, 2])}),
    erlang:display([X || X <- lists:seq(1, 20), X rem 3 =:= 0]),
    erlang:display([{X, Y} || X <- [1, 2], Y <- [a, b]]),
    erlang:display(lists:sort([5, 3, 9, 1, 7])),
    erlang:display(lists:keyfind(b, 1, [{a, 1}, {b, 2}])),
    erlang:display(case {1, 2} of {A, B} when A < B -> lt; _ -> ge end),
    erlang:display(if_test(1, 2)),
    erlang:display(atom_to_list(hello)),
    erlang:display(list_to_atom("wor" ++ "ld")),
    erlang:display(integer_to_list(-255, 16)),
    erlang:display(list_to_integer("7fffffffffffffffffff", 16)),
    ok.

fact(0) -> 1;
fact(N) when N > 0 -> N * fact(N - 1).

fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).

len([]) -> 0;
len([_ | T]) -> 1 + len(T).

classify(L) -> [kind(X) || X <- L].
kind(X) when is_integer(X) -> int;
kind(X) when is_atom(X) -> atom;
kind(X) when is_list(X) -> list;
kind(X) when is_tuple(X) -> tuple;
kind(X) when is_float(X) -> float;
kind(X) when is_binary(X) -> binary.

if_test(A, B) -> if A > B -> one; true -> two end.
