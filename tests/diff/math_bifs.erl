%% The math module's BIFs: ordinary values, domain and range errors
%% (badarith), non-numbers (badarg), integers and bignums as arguments.
-module(math_bifs).
-export([main/0]).

t(F) ->
    try F() catch C:R -> {C, R} end.

unary() ->
    [cos, cosh, sin, sinh, tan, tanh, acos, acosh, asin, asinh, atan, atanh, erf, erfc,
     exp, log, log2, log10, sqrt, floor, ceil].

binary() -> [atan2, pow, fmod].

args1() ->
    [0, 1, -1, 2, 10, 0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 0.9999999, 1.0000001, 3.0, 100.0,
     -100.0, 710.0, 711.0, -745.0, -746.0, 1.0e-300, 5.0e-324, 1.0e300, -1.0e300,
     1.7976931348623157e308, 3.141592653589793, 1.5707963267948966, 2.5, -2.5, 7.75,
     1 bsl 62, -(1 bsl 62), 1 bsl 100, 1 bsl 1023, -(1 bsl 1023), 1 bsl 1024, -(1 bsl 1024),
     (1 bsl 1024) - (1 bsl 970), 1 bsl 2000, a, "1", [], {1}, <<1>>].

args2() ->
    [0, 1, -1, 2, 3, 0.0, -0.0, 0.5, -0.5, 2.0, -2.0, 10.0, 400, 1024, -1075, 1.0e308,
     -1.0e308, 1 bsl 64, 1 bsl 1024, x].

main() ->
    [io:format("~p(~p) = ~p~n", [F, A, t(fun() -> math:F(A) end)]) || F <- unary(), A <- args1()],
    [io:format("~p(~p, ~p) = ~p~n", [F, A, B, t(fun() -> math:F(A, B) end)])
     || F <- binary(), A <- args2(), B <- args2()],
    io:format("pi ~p ~p~n", [math:pi(), math:cos(math:pi())]),
    io:format("~p~n", [[t(fun() -> math:log(0) end), t(fun() -> math:sqrt(-1) end),
                        t(fun() -> math:pow(10.0, 400) end), t(fun() -> math:log(-1.0) end),
                        t(fun() -> math:acos(2) end), t(fun() -> math:pow(-8, 1/3) end),
                        t(fun() -> math:fmod(1, 0) end), t(fun() -> math:atanh(1) end),
                        t(fun() -> math:exp(1000) end), t(fun() -> math:exp(-1000) end),
                        t(fun() -> math:pow(0, -1) end), t(fun() -> math:pow(1 bsl 1024, x) end),
                        t(fun() -> math:pow(x, 1 bsl 1024) end),
                        t(fun() -> math:atan2(1 bsl 1024, 1) end)]]),
    %% Through apply and as a fun, with the error reported the same way.
    io:format("~p~n", [[t(fun() -> apply(math, sqrt, [16]) end),
                        t(fun() -> apply(math, sqrt, [-16]) end),
                        t(fun() -> (fun math:log10/1)(1000) end),
                        t(fun() -> lists:map(fun math:floor/1, [1.5, -1.5, 3]) end)]]),
    ok.
