%% atomics and counters: values, wrapping, signedness, info/1, errors, and
%% concurrent adds to a write_concurrency counter.
-module(atomics_counters).
-export([main/0]).
main() ->
    A = atomics:new(10, []),
    io:format("~p~n", [atomics:info(A)]),
    io:format("~p~n", [atomics:info(atomics:new(1, [{signed, false}]))]),
    ok = atomics:put(A, 1, 5), ok = atomics:add(A, 1, 7),
    io:format("~p~n", [[atomics:get(A, 1), atomics:add_get(A, 2, -3), atomics:exchange(A, 3, 99), atomics:compare_exchange(A, 3, 99, 1), atomics:compare_exchange(A, 3, 5, 2), atomics:get(A,3)]]),
    E = fun(F) -> try F() catch C:R -> {C, R} end end,
    U = atomics:new(2, [{signed, false}]),
    atomics:put(U, 1, 16#FFFFFFFFFFFFFFFF), atomics:add(U, 1, 2),
    io:format("~p~n", [[atomics:get(U, 1), atomics:sub_get(U, 2, 1), E(fun() -> atomics:put(U, 1, -1) end)]]),
    atomics:put(A, 4, 16#7FFFFFFFFFFFFFFF), atomics:add(A, 4, 1),
    io:format("~p~n", [atomics:get(A, 4)]),
    io:format("~p~n", [[E(fun() -> atomics:new(0, []) end), E(fun() -> atomics:new(1, [bad]) end), E(fun() -> atomics:get(A, 11) end),
                        E(fun() -> atomics:get(A, 0) end), E(fun() -> atomics:get(make_ref(), 1) end), E(fun() -> atomics:put(A, 1, 1 bsl 64) end),
                        E(fun() -> atomics:new(1 bsl 64, []) end), E(fun() -> atomics:new(a, []) end)]]),
    C = counters:new(10, [write_concurrency]), C2 = counters:new(3, []),
    io:format("~p ~p~n", [counters:info(C), counters:info(C2)]),
    counters:add(C, 1, 5), counters:sub(C, 2, 7), counters:put(C, 3, 100), counters:add(C, 3, 1),
    Self = self(),
    [spawn(fun() -> [counters:add(C, 4, 1) || _ <- lists:seq(1, 1000)], Self ! done end) || _ <- lists:seq(1, 8)],
    [receive done -> ok end || _ <- lists:seq(1, 8)],
    counters:add(C2, 1, 3), counters:sub(C2, 1, 1),
    io:format("~p~n", [[counters:get(C, I) || I <- lists:seq(1, 5)] ++ [counters:get(C2, 1)]]),
    io:format("~p~n", [[E(fun() -> counters:new(1, [bad]) end), E(fun() -> counters:get(C, 11) end), E(fun() -> counters:add(C, 1, 1 bsl 64) end), E(fun() -> counters:get(foo, 1) end)]]),
    io:format("~p~n", [is_reference(A)]).
