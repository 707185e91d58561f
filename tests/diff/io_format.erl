%% io:format / io_lib:format with every control sequence of OTP 25.
-module(io_format).
-export([main/0]).

main() ->
    T = {tuple, [list, "string", <<"binary">>], #{key => value}, 42, -7, 3.14159},
    f("~p~n", [T]),
    f("~w~n", [T]),
    f("~s|~10s|~-10s|~.3s|~ts~n", ["abc", "right", "left", "truncated", "héllo"]),
    f("~c~c~4c~n", [$a, $b, $z]),
    f("~e ~f ~g~n", [1234.5678, 1234.5678, 1234.5678]),
    f("~.2e ~.2f ~.2g ~10.3f|~-10.3f|~n", [0.001234, 2.5, 123456.0, 3.14159, 2.71828]),
    f("~b ~8b ~.16b ~.16B ~.36B ~x ~.16X ~.16#~n", [42, 42, 255, 255, 123456, 255, "pre", 255, "P", 255]),
    f("~i~p~n", [ignored, shown]),
    f("~P ~W~n", [lists:seq(1, 20), 5, {a, {b, {c, {d}}}}, 3]),
    f("~p~n", [lists:seq(1, 40)]),
    f("~p~n", [[{key, "value"}, {other, [1, 2, 3]}, {nested, {deep, {deeper, [a, b, c, d, e, f, g]}}}]]),
    f("~tp ~tw~n", ["unicode: αβγ", 'atom ünïcødé']),
    f("~lp~n", [[65, 66, 67]]),
    f("~10.4.*w|~n", [$*, 42]),
    f("~-6.2.0w|~6.2.0w|~n", [5, 5]),
    f("~p ~p ~p ~p~n", [1.0, 0.1, 1.0e10, 1.0e-10]),
    f("~p ~p ~p~n", [123456789012345678901234567890, -1, 16#FFFFFFFFFFFFFFFF]),
    f("~w ~w~n", [<<1, 2, 3:4>>, [1 | 2]]),
    f("~s~n", [[<<"bin">>, " and ", ["deep", [" list"]]]]),
    f("~p~n", [<<"a longer binary that might need to be wrapped when pretty printed by io_lib">>]),
    f("~p~n", [#{a => 1, b => [x, y], c => #{d => e}}]),
    f("~.3p~n", [{very, long, tuple, that, is, truncated, by, line, length}]),
    io:format("no args~n"),
    io:format("~s~n", [io_lib:format("nested ~p", [format])]),
    io:put_chars(["put_chars ", <<"works">>, $\n]),
    io:write({write, "term"}), io:nl(),
    ok.

f(Fmt, Args) -> io:format(Fmt, Args).
