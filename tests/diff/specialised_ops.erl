%% The interpreter's operand-specialised instructions and superinstructions
%% (vm/instrs.def): arithmetic fast paths at the small-integer boundary
%% (2^59 - 1 / -2^59), with register, y-register and constant operands,
%% comparisons between small integers, bignums and floats, exact equality
%% against immediates and literals, type tests, and fused forms.
-module(specialised_ops).
-export([main/0]).

-define(MAXS, 576460752303423487).   % 2^59 - 1, the largest small
-define(MINS, -576460752303423488).  % -2^59, the smallest small

main() ->
    Edge = [0, 1, -1, 2, -2, 7, -7, 59, 60, 64, ?MAXS, ?MAXS - 1, ?MAXS + 1, ?MINS, ?MINS + 1, ?MINS - 1,
            1 bsl 64, -(1 bsl 64), 1 bsl 59, -(1 bsl 59) - 1, 1.5, -0.0, 2.0],
    Bad = [a, [], {1}, <<1>>],
    Ops = ['+', '-', '*', 'div', 'rem', 'band', 'bor', 'bxor', 'bsl', 'bsr'],
    [p({Op, A, B, binop(Op, A, B)}) || Op <- Ops, A <- Edge, B <- Edge, small_shift(Op, B)],
    [p({Op, A, B, binop(Op, A, B)}) || Op <- Ops, A <- Edge ++ Bad, B <- Bad ++ [0, 1]],
    [p({y_forms, A, B, y_forms(A, B)}) || A <- Edge, B <- [1, -1, ?MAXS, ?MINS, 1 bsl 64, 0.5]],
    [p({consts, A, consts(A)}) || A <- Edge],
    [p({consts_error, A, catch_all(fun() -> consts(A) end)}) || A <- Bad],
    [p({incr, A, incr(A)}) || A <- Edge],
    [p({incr_error, A, catch_all(fun() -> incr(A) end)}) || A <- Bad],
    [p({guard_arith, A, guard_arith(A)}) || A <- Edge ++ Bad],
    Cmp = [0, 1, -1, ?MAXS, ?MINS, ?MAXS + 1, ?MINS - 1, 1.0, 0.5, -1.0e30, 1.0e30, a, [], {}, "s", <<>>],
    [p({cmp, A, B, cmp(A, B)}) || A <- Cmp, B <- Cmp],
    [p({cmp_consts, A, cmp_consts(A)}) || A <- Cmp],
    [p({guard_cmp, A, B, guard_cmp(A, B)}) || A <- Cmp, B <- Cmp],
    [p({y_guard_cmp, A, B, y_guard_cmp(A, B)}) || A <- Cmp, B <- [1, ?MAXS + 1, 1.0, a]],
    [p({exact, A, exact(A)}) || A <- Cmp ++ [2, 1 bsl 64, "abc", {x, 1}, [1 | 2], 2.5]],
    [p({types, N, types(A)}) || {N, A} <- lists:enumerate(Cmp ++ [self(), make_ref(), fun() -> ok end, #{}, <<1:3>>, true])],
    [p({y_types, A, y_types(A)}) || A <- [[1], [], {t, 1}, a, 1]],
    p(lists_and_tuples()),
    p([{hd_only(L), tl_only(L)} || L <- [[1, 2], [3], [], x]]),
    p([{y_hd_tl(L)} || L <- [[1, 2], [3]]]),
    p(moves(1, 2, 3, 4)),
    p(fused_calls(10)),
    ok.

p(T) -> io:format("~w~n", [T]).

id(X) -> X.

small_shift('bsl', B) -> is_integer(B) andalso B < 100;
small_shift(_, _) -> true.

catch_all(F) ->
    try F() catch Class:Reason:Stack -> {Class, Reason, [Fr || {M, _, _, _} = Fr <- Stack, M =:= erlang]} end.

%% Both operands in x registers.
binop(Op, A, B) -> catch_all(fun() -> binop2(Op, A, B) end).
binop2('+', A, B) -> A + B;
binop2('-', A, B) -> A - B;
binop2('*', A, B) -> A * B;
binop2('div', A, B) -> A div B;
binop2('rem', A, B) -> A rem B;
binop2('band', A, B) -> A band B;
binop2('bor', A, B) -> A bor B;
binop2('bxor', A, B) -> A bxor B;
binop2('bsl', A, B) -> A bsl B;
binop2('bsr', A, B) -> A bsr B.

%% One operand kept in a y register across a call.
y_forms(A, B0) ->
    B = id(B0),
    S = A + B,
    D = id(A) - B,
    T = if is_integer(A), is_integer(B) -> {A * B, A band B, A bor B}; true -> none end,
    {S, D, B + A, T, id(A) - id(B)}.

%% A variable and a constant.
consts(A) when is_integer(A) ->
    {A * 3, A * -1, A * ?MAXS, A div 10, A div -1, A rem 10, A rem -7, A band 255, A band -1,
     A bsr 3, A bsr 70, A bsl 3, A bor 1, A bxor 5, 10 - A, 3 * A};
consts(A) ->
    {A * 3, A / 2}.

%% S + constant and S - constant (increment), at and beyond the boundary.
incr(A) ->
    B = id(A),
    {A + 1, A - 1, 1 + A, A + ?MAXS, A - ?MAXS, A + ?MINS, A - ?MINS, B + 1, B - 1}.

%% Arithmetic in guards fails the clause instead of raising.
guard_arith(A) when A + 1 > 10 -> big;
guard_arith(A) when A * 2 < -10 -> very_negative;
guard_arith(A) when A rem 2 =:= 0 -> even;
guard_arith(A) when A band 1 =:= 1 -> odd_int;
guard_arith(_) -> other.

cmp(A, B) ->
    {A < B, A >= B, A == B, A /= B, A =:= B, A =/= B, A > B, A =< B}.

cmp_consts(A) ->
    {A < 10, A >= 10, 10 < A, 10 >= A, A < ?MAXS, A >= ?MINS, A < 1.5, A >= -1.0, A < a, A >= []}.

lt(A, B) when A < B -> yes;
lt(_, _) -> no.
ge(A, B) when A >= B -> yes;
ge(_, _) -> no.
eq(A, B) when A == B -> yes;
eq(_, _) -> no.
ne(A, B) when A /= B -> yes;
ne(_, _) -> no.
eqx(A, B) when A =:= B -> yes;
eqx(_, _) -> no.
nex(A, B) when A =/= B -> yes;
nex(_, _) -> no.

guard_cmp(A, B) ->
    {lt(A, B), ge(A, B), eq(A, B), ne(A, B), eqx(A, B), nex(A, B), lt(B, A), ge(B, A)}.

%% Comparisons with one operand in a y register.
y_guard_cmp(A0, B) ->
    A = id(A0),
    C = id(B),
    R1 = if A < C -> lt; A >= C -> ge end,
    R2 = if A == C -> eq; A /= C -> ne end,
    R3 = if A =:= C -> eqx; A =/= C -> nex end,
    R4 = if C < A -> lt; true -> ge end,
    {R1, R2, R3, R4, id(A)}.

hd_only([H | _]) -> H;
hd_only(_) -> none.
tl_only([_ | T]) -> T;
tl_only(_) -> none.

y_hd_tl(L0) ->
    L = id(L0),
    _ = id(x),
    [H | _] = L,
    _ = id(H),
    [_ | T] = L,
    {H, T, L}.

exact(A) when A =:= a -> atom_a;
exact(A) when A =:= [] -> nil;
exact(A) when A =:= 1 -> one;
exact(A) when A =:= 1.0 -> one_float;
exact(A) when A =:= ?MAXS + 1 -> big;
exact(A) when A =:= "abc" -> string;
exact(A) when A =:= {x, 1} -> tuple;
exact(A) when A =/= 2, A =/= 2.5 -> {not_two, A == 2};
exact(A) -> {other, A}.

types(A) ->
    [is_integer(A), is_float(A), is_number(A), is_atom(A), is_pid(A), is_reference(A), is_port(A),
     A =:= [], is_binary(A), is_bitstring(A), is_list(A), is_tuple(A), is_map(A), is_boolean(A),
     is_function(A), is_function(A, 0)].

%% Type tests on a value in a y register.
y_types(A0) ->
    A = id(A0),
    _ = id(x),
    R1 = case A of [] -> nil; [_ | _] -> cons; {t, _} -> tagged; _ -> other end,
    _ = id(y),
    {R1, is_list(A), A =:= a, A =/= a}.

lists_and_tuples() ->
    T = id({a, b, c, d}),
    {A, B} = {element(1, T), element(2, T)},
    L = id([1, 2, 3]),
    [H | Tl] = L,
    {x, X1, X2} = id({x, 5, 6}),
    {A, B, H, Tl, hd(L), tl(L), [H], [A | L], X1 + X2, walk(L, []), two(id({p, q, r}))}.

walk([H | T], Acc) -> walk(T, [H | Acc]);
walk([], Acc) -> Acc.

%% The first element overwrites the tuple's register: the second read
%% must still see the tuple.
two(T) ->
    {element(2, T), element(3, T)}.

moves(A, B, C, D) ->
    X = id(D),
    Y = id(C),
    {X, Y, A, B, id(A), id(B)}.

fused_calls(0) -> [];
fused_calls(N) ->
    M = N - 1,
    [id(M) | fused_calls(M)].
