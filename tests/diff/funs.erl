%% Funs, closures, higher-order functions, apply.
-module(funs).
-export([main/0, twice/1, mul/2, step/2]).

main() ->
    Add = fun(A) -> fun(B) -> A + B end end,
    Add5 = Add(5),
    p(Add5(10)),
    p(lists:map(Add(1), [1, 2, 3])),
    p((fun twice/1)(21)),
    p(apply(fun mul/2, [6, 7])),
    p(apply(funs, mul, [3, 4])),
    p(erlang:apply(lists, reverse, [[1, 2, 3]])),
    F = fun ?MODULE:twice/1,
    p(F(4)),
    p(is_function(F, 1)),
    p(is_function(Add5, 2)),
    Fact = fun Fact(0) -> 1; Fact(N) -> N * Fact(N - 1) end,
    p(Fact(20)),
    Counter = make_counter(0),
    p(Counter(Counter(Counter(1)))),
    p(lists:foldr(fun(X, Acc) -> [X * 2 | Acc] end, [], [1, 2, 3])),
    p(lists:filter(fun(X) -> X rem 2 =:= 0 end, lists:seq(1, 10))),
    p(lists:zipwith(fun(A, B) -> {A, B} end, [1, 2], [x, y])),
    p(c(fun() -> (fun(X) -> X end)(1, 2) end)),
    p(c(fun() -> apply(nomod, nofun, []) end)),
    p(c(fun() -> (list_to_atom("funs")):nothing() end)),
    Env = 7,
    G = fun() -> Env * 6 end,
    p(G()),
    p(erlang:fun_info(G, arity)),
    p([H(2) || H <- [fun twice/1, fun(X) -> X - 1 end]]),
    %% A fun called in tail position is a tail call: a loop of 3,000,000
    %% fun calls runs in constant stack.
    Loop = fun(Self, N) -> step(Self, N) end,
    p(Loop(Loop, 3000000)),
    {memory, Mem} = process_info(self(), memory),
    p(Mem < 1000000),
    ok.

step(_F, 0) -> done;
step(F, N) -> Y = erlang:phash2(N), F(F, N - 1 + Y * 0).

p(T) -> erlang:display(T).
twice(X) -> 2 * X.
mul(A, B) -> A * B.
make_counter(Start) -> fun(N) -> Start + N + 1 end.

%% Runs F; an exception is shown with this module's stack frames only
%% (frames below it belong to the runner, which differs between VMs).
c(F) ->
    try F() catch Class:Reason:Stack -> {Class, Reason, [Fr || {M, _, _, _} = Fr <- Stack, M =:= ?MODULE]} end.
