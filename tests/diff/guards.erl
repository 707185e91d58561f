%% Guards and guard BIFs, in guards (failure = clause not taken) and in
%% bodies (failure = exception naming the BIF).
-module(guards).
-export([main/0]).

main() ->
    Vals = [[1, 2], [], {a, b}, {}, #{k => v}, #{}, <<1, 2, 3>>, <<1:3>>, 7, -3, 2.5, atom, "str"],
    [p({g(V), catch_body(V)}) || V <- Vals],
    p([t(X, Y) || X <- [1, 1.0, 2, a], Y <- [1, 1.0, 2]]),
    p([range(N) || N <- [-5, 0, 5, 50, 500]]),
    p([bool(A, B) || A <- [true, false, x], B <- [true, false]]),
    p(orelse_andalso(3)),
    p(orelse_andalso(-3)),
    ok.

p(T) -> erlang:display(T).

g(V) when hd(V) =:= 1 -> hd1;
g(V) when tl(V) =:= [] -> tl_nil;
g(V) when element(1, V) =:= a -> elem_a;
g(V) when tuple_size(V) =:= 0 -> empty_tuple;
g(V) when map_get(k, V) =:= v -> map_k;
g(V) when is_map_key(k, V) -> never;
g(V) when map_size(V) =:= 0 -> empty_map;
g(V) when byte_size(V) =:= 3 -> three_bytes;
g(V) when bit_size(V) =:= 3 -> three_bits;
g(V) when length(V) =:= 3 -> length3;
g(V) when abs(V) =:= 3 -> abs3;
g(V) when is_float(V), trunc(V) =:= 2 -> trunc2;
g(V) when V > 5, V < 10 -> between;
g(_) -> other.

catch_body(V) ->
    [c(fun() -> hd(V) end), c(fun() -> tl(V) end), c(fun() -> element(2, V) end),
     c(fun() -> tuple_size(V) end), c(fun() -> map_get(k, V) end), c(fun() -> is_map_key(k, V) end),
     c(fun() -> map_size(V) end), c(fun() -> byte_size(V) end), c(fun() -> length(V) end),
     c(fun() -> V + 1 end), c(fun() -> V - 1 end), c(fun() -> -V end)].

t(X, Y) when X == Y -> eq;
t(X, Y) when X < Y -> lt;
t(_, _) -> gt.

range(N) when N < 0 -> neg;
range(N) when N =:= 0 -> zero;
range(N) when N >= 1, N =< 10 -> small;
range(N) when N > 10, N < 100 -> medium;
range(_) -> large.

bool(A, B) when A and B -> both;
bool(A, B) when A or B -> one;
bool(A, B) when not A, not B -> none;
bool(_, _) -> nonbool.

orelse_andalso(X) when X > 0 andalso X < 5 orelse X =:= -3 -> yes;
orelse_andalso(_) -> no.

%% Exceptions show the frames of BIFs and of this module; frames below
%% main/0 belong to the runner, which differs between VMs.
c(F) ->
    try F() catch Class:Reason:Stack -> {Class, Reason, [Fr || {M, _, _, _} = Fr <- Stack, not runner(M)]} end.

runner(M) -> lists:member(M, [init, lists, beamvm_direct, erl_eval]).
