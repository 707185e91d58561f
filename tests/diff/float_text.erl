%% Floats as text and back: float_to_list/1,2, float_to_binary/1,2,
%% list_to_float/1, binary_to_float/1, string:list_to_float/1,
%% string:list_to_integer/1, and io:format of floats.
-module(float_text).
-export([main/0]).

t(F) ->
    try F() catch C:R -> {C, R} end.

show(Label, V) -> io:format("~s: ~p~n", [Label, V]).

values() ->
    [0.0, -0.0, 1.0, -1.0, 1.5, -2.5, 0.1, 0.2, 0.3, 1/3, 2/3, 0.5, 0.125, 0.05, 0.005,
     100.0, 1000.0, 1234.0, 12340.0, 123400.0, 1.0e10, 1.0e15, 1.0e16, 1.0e22, 1.0e23,
     0.001, 0.0001, 0.00001, 0.001234, 0.0001234, 1.0e-10, 123456789.0, 1234567890.0,
     12345678901.0, 3.141592653589793, 2.718281828459045, 9007199254740991.0,
     9007199254740992.0, 9007199254740993.0, 18014398509481984.0, 4503599627370496.0,
     36028797018963970.0, 123456789012345680.0, 1.0e100, -1.0e-100, 1.7976931348623157e308,
     -1.7976931348623157e308, 2.2250738585072014e-308, 2.225073858507201e-308, 5.0e-324,
     -5.0e-324, 4.9406564584124654e-324, 1.0e-323, 0.1e-310, 99.99, 0.995, 0.9999999, 999999.5,
     2.5e-5, 7.0e-7, 1.0e21, 1.0e-7, 5.0e-5, 12.5, 1.0e9, 1.0e8, 4.35, 1.005].

options() ->
    [[], [short], [compact], [{decimals, 0}], [{decimals, 1}], [{decimals, 2}],
     [{decimals, 2}, compact], [{decimals, 4}], [{decimals, 10}, compact], [{decimals, 17}],
     [{decimals, 18}], [{decimals, 19}], [{decimals, 20}, compact], [{decimals, 30}],
     [{scientific, 0}], [{scientific, 3}], [{scientific, 10}], [{scientific, 25}],
     [{decimals, 3}, {scientific, 2}], [{scientific, 2}, short], [short, {decimals, 2}],
     [compact, {decimals, 0}]].

main() ->
    [io:format("~p ~p -> ~p~n", [V, O, t(fun() -> float_to_list(V, O) end)])
     || V <- values(), O <- options()],
    [io:format("bin ~p ~p -> ~p~n", [V, O, t(fun() -> float_to_binary(V, O) end)])
     || V <- [0.0, -1.5, 1.0e300, 3.25e-7], O <- options()],
    edge_options(),
    io_format(),
    round_trip(),
    parse(),
    scan_float(),
    scan_integer(),
    ok.

edge_options() ->
    Cases = [{1.5, [{scientific, -1}]}, {1.5, [{scientific, -100}]}, {1.5, [{decimals, -1}]},
             {1.5, [{decimals, 253}]}, {-1.5, [{decimals, 253}]}, {1.5, [{decimals, 254}]},
             {1.5, [{scientific, 249}]}, {-1.5, [{scientific, 249}]}, {1.5, [{scientific, 250}]},
             {1.0e100, [{scientific, 248}]}, {1.0e100, [{scientific, 249}]},
             {1.5, [{decimals, 1000}]}, {1.5, [{scientific, 1000}]},
             {1.0e300, [{decimals, 2}]}, {1.0e200, [{decimals, 2}]},
             {1.0e20, [{decimals, 0}, compact]}, {1.0e20, [{decimals, 0}]},
             {-0.001, [{decimals, 2}]}, {-0.001, [{decimals, 0}]}, {-0.0, [{decimals, 3}]},
             {0.5, [{decimals, 0}]}, {1.5, [{decimals, 0}]}, {2.5, [{decimals, 0}]},
             {0.49999999999999994, [{decimals, 0}]}, {0.125, [{decimals, 2}]},
             {0.999, [{decimals, 2}]}, {9.9999, [{decimals, 3}, compact]},
             {1.0, [{decimals, 1 bsl 32}]}, {1.0, [{decimals, (1 bsl 32) + 2}]},
             {1.0, [{scientific, 1 bsl 40}]}, {1.0, [{decimals, 1 bsl 59}]},
             {1.0, [{decimals, 1 bsl 60}]}, {1.0, [{decimals, 2.0}]}, {1.0, [foo]},
             {1.0, [short | x]}, {1.0, x}, {1.0, [{decimals}]}, {1.0, [{decimals, 1, 2}]},
             {1.0, [{foo, 1}]}, {1, []}, {1, [short]}, {a, []}, {<<"1.0">>, []}],
    [io:format("~p ~p -> ~p ~p~n",
               [V, O, t(fun() -> float_to_list(V, O) end), t(fun() -> float_to_binary(V, O) end)])
     || {V, O} <- Cases],
    show("1-arity", [t(fun() -> float_to_list(X) end) || X <- [1, a, [], 2.0]]),
    show("1-arity bin", [t(fun() -> float_to_binary(X) end) || X <- [1, a, [], 2.0]]).

io_format() ->
    Fs = [0.0, -0.0, 1.5, -2.25, 1.0e10, 1.0e-10, 123.456, 1/3, 1.0e100, 5.0e-324, 100.0],
    [io:format("~p ~w ~f ~e ~g ~.2f ~.3e ~.10g ~12.4f|~-12.3e|~s~n",
               [F, F, F, F, F, F, F, F, F, F, io_lib:format("~p", [F])])
     || F <- Fs],
    io:format("~p~n", [[{a, 1.5}, #{k => 2.5e-3}, [0.1, 0.2]]]).

%% Pseudo-random doubles from bit patterns: short, default and fixed forms,
%% and that the short form reads back as the same float.
round_trip() ->
    Bits = lcg(16#2545F4914F6CDD1D, 400),
    Fs = [F || B <- Bits, <<F/float>> <- [<<B:64>>]],
    io:format("round trip over ~p floats~n", [length(Fs)]),
    lists:foreach(
      fun(F) ->
              S = float_to_list(F, [short]),
              true = list_to_float(S) =:= F orelse F == 0.0,
              io:format("~s ~s ~s~n", [S, float_to_list(F), float_to_list(F, [{scientific, 15}])])
      end, Fs),
    Small = [X / 7 || X <- lists:seq(-50, 50)] ++ [X * 1.1 || X <- lists:seq(1, 40)],
    [io:format("~s ~s ~s~n", [float_to_list(F, [{decimals, 3}]), float_to_list(F, [{decimals, 6}, compact]),
                              float_to_list(F, [short])]) || F <- Small].

lcg(_, 0) -> [];
lcg(X, N) ->
    Next = (X * 6364136223846793005 + 1442695040888963407) band 16#FFFFFFFFFFFFFFFF,
    %% Skip NaN and infinity (all exponent bits set).
    case (Next bsr 52) band 16#7FF of
        16#7FF -> lcg(Next, N);
        _ -> [Next | lcg(Next, N - 1)]
    end.

parse() ->
    Strings = ["1.5", "-1.5", "+1.5", "1,5", "0.0", "-0.0", "1.0e10", "1.0E10", "1.0e+10",
               "1.0e-10", "1.5e", "1.e5", "1e5", ".5", "1.", "1", "", " 1.5", "1.5 ", "1.5x",
               "1.0e400", "-1.0e400", "1.0e-400", "-1.0e-320", "2.2250738585072014e-308",
               "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
               "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308",
               "0.1000000000000000055511151231257827021181583404541015625",
               "123456789012345678901234567890.0", "00001.50000", "1.5e0001", "1.5e-0",
               "1..5", "1.5.", "--1.5", "1.5e--1", "inf", "nan", "0x1.0p3", "1_000.0",
               [$1, $., $5, 0, $a], [$1, 0, $., $5], "1.0e2147483648", "1.0e-2147483649"],
    [io:format("~p -> ~p ~p~n", [S, t(fun() -> list_to_float(S) end),
                                 t(fun() -> binary_to_float(list_to_binary(S)) end)])
     || S <- Strings],
    Bad = [<<>>, <<"1.5", 1:1>>, x, 1.5, [$1, $., 256], [$1, $. | $5], [$1, $., -1],
           "1.5" ++ [300], <<"1.5">>],
    [io:format("bad ~p -> ~p ~p~n", [B, t(fun() -> list_to_float(B) end),
                                     t(fun() -> binary_to_float(B) end)]) || B <- Bad],
    <<_:3, Unaligned:3/binary, _:5>> = <<0:3, "2.5", 0:5>>,
    show("unaligned", t(fun() -> binary_to_float(Unaligned) end)),
    <<_:8, Sub/binary>> = <<"x9.75">>,
    show("sub", t(fun() -> binary_to_float(Sub) end)),
    Big = list_to_binary(lists:duplicate(100, $1) ++ ".5"),
    show("big", t(fun() -> binary_to_float(Big) end)).

scan_float() ->
    Cases = ["1.5", "1.5e", "1.5e+", "1.5e+x", "1,5e3x", "+1.5e3x", "-1..5e3x", "1", "1.",
             "1.e", "1.5e1.", "1.5e1.5", "1.5e-3-", "1.5e-3e", "1.5-3", "1.5e--", "1.5e++",
             "1.5e.", "1.5e+.", "1.5ee", "1.5e+e", "-.5", "+-1.5", "+", "-", "+.5", "12-",
             "123-", "1.-", "12e5", "0.5 rest", "1.0e999", "1.0e999x", "-1.0e-999x", "1.5E2x",
             [$1, $., $5 | x], [$1, $., $5, a], [$1, $., $5, $e, a], [$1, $., $5, $e | a],
             [$1, $., $5, $e, $+ | a], [a, $1], x, [], <<"1.5">>, [1.5], [$1, $. | x],
             "1.5" ++ [256 + $5], [$-, $1, $., $5, $e, $-, $3, $., $4], "0.0001e-1000",
             lists:duplicate(40, $9) ++ ".9e-30x"],
    [io:format("~p -> ~p~n", [S, t(fun() -> string:list_to_float(S) end)]) || S <- Cases].

scan_integer() ->
    Cases = ["12abc", "-12abc", "+12", "+", "-", "", "--1", "0012", "-0", "1e3", "1.5",
             "123456789012345678901234567890x", "-123456789012345678901234567890",
             "576460752303423487", "576460752303423488", "-576460752303423488",
             "-576460752303423489", "99999999999999999", "999999999999999999",
             [$1 | x], [$1, $2, a], [$- | x], [$+ | x], [$-, a], x, <<"1">>, [1.0],
             [256 + $5, $a], [-208], [$1, $2 | <<"3">>], "  1", "7 ", [$1, [$2]]],
    [io:format("~p -> ~p~n", [S, t(fun() -> string:list_to_integer(S) end)]) || S <- Cases].
