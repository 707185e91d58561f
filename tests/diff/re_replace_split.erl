%% re:replace/3,4 and re:split/2,3 (Erlang code in re.erl on top of the re
%% BIFs): global and single replacement, group references (\N, \g{N},
%% \g{Name}, &), replacement funs, split with parts, trim, group and return
%% types, Unicode, and bad arguments.
-module(re_replace_split).
-export([main/0]).

main() ->
    replace(),
    replace_refs(),
    replace_return(),
    replace_unicode(),
    replace_misc(),
    split(),
    split_options(),
    split_unicode(),
    bad_arguments(),
    ok.

c(F) -> try F() catch C:E -> {C, E} end.

p(Label, F) -> io:format("~p -> ~p~n", [Label, c(F)]).

replace() ->
    io:format("== replace~n"),
    Cases = [{"abcabc", "b", "X"}, {"abcabc", "x", "X"}, {<<"abcabc">>, "c$", "!"}, {"aaa", "a*", "-"},
             {"abc", "", "-"}, {"", "", "-"}, {"", "x", "-"}, {"hello world", "o", "0"},
             {["ab", <<"cab">>], "ab", <<"AB">>}, {"a.b.c", "\\.", ["[", <<".">>, "]"]},
             {"one  two   three", "\\s+", " "}, {"tab\there", "\\t", "\\\\t"},
             {"abc", "(?=b)", "^"}, {"line1\nline2", "^", "> "}, {"line1\nline2", "(?m)^", "> "}],
    [p({replace, S, R, Rep, O}, fun() -> re:replace(S, R, Rep, O ++ [{return, list}]) end)
     || {S, R, Rep} <- Cases, O <- [[], [global]]],
    [p({replace3, S, R, Rep}, fun() -> iolist_to_binary(re:replace(S, R, Rep)) end) || {S, R, Rep} <- Cases].

replace_refs() ->
    io:format("== group references~n"),
    S = "2024-03-07 and 1999-12-31",
    R = "(?<y>\\d{4})-(?<m>\\d\\d)-(?<d>\\d\\d)",
    Reps = ["\\3/\\2/\\1", "&", "[&]", "\\0", "\\g1-\\g{2}", "\\g{y}.\\g{m}", "\\g{d}\\g3",
            "\\9", "\\g{nope}", "\\\\1", "\\&", "a\\", "\\g{1}0", "\\10", "\\01", "x&&y",
            <<"\\2">>, ["\\", "1"], "\\g{", "\\gx"],
    [p({ref, Rep, O}, fun() -> re:replace(S, R, Rep, [{return, list} | O]) end)
     || Rep <- Reps, O <- [[], [global]]],
    p(unset_group, fun() -> re:replace("ac", "a(b)?c", "[\\1]", [{return, list}]) end),
    p(many_groups, fun() -> re:replace("abcdefghijkl", "(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)",
                                       "\\12\\11\\10\\1", [{return, list}]) end),
    p(many_groups_g, fun() -> re:replace("abcdefghijkl", "(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)",
                                         "\\g{12}\\g11", [{return, list}]) end),
    p(fun_rep, fun() -> re:replace("a1b22c333", "\\d+", fun(Whole, Groups) -> [$<, Whole, $>, io_lib:format("~p", [Groups])] end,
                                   [global, {return, list}]) end),
    p(fun_rep_groups, fun() -> re:replace("k1=v1;k2=v2", "(\\w+)=(\\w+)",
                                          fun(_, [K, V]) -> [V, $=, K] end, [global, {return, binary}]) end).

replace_return() ->
    io:format("== return types~n"),
    [p({return, T, S}, fun() -> re:replace(S, "b", "X", [{return, T}, global]) end)
     || T <- [list, binary], S <- ["abcb", <<"abcb">>, "xyz"]],
    p(return_iodata, fun() -> iolist_to_binary(re:replace("abcb", "b", "X", [{return, iodata}, global])) end),
    p(return_iodata_nomatch, fun() -> iolist_to_binary(re:replace("xyz", "b", "X", [{return, iodata}])) end),
    p(return_iodata_shape, fun() -> is_list(re:replace(<<"abcb">>, "b", "X", [{return, iodata}])) end).

replace_unicode() ->
    io:format("== unicode~n"),
    p(u_list, fun() -> re:replace("h\x{e9}ll\x{f6}", "\x{e9}|\x{f6}", "_", [unicode, global, {return, list}]) end),
    p(u_bin, fun() -> re:replace(<<"h\x{e9}llo"/utf8>>, "l", "\x{20ac}", [unicode, global, {return, binary}]) end),
    p(u_rep, fun() -> re:replace("a-b", "-", "\x{2192}", [unicode, {return, list}]) end),
    p(u_groups, fun() -> re:replace("\x{3b1}\x{3b2}", "(.)(.)", "\\2\\1", [unicode, {return, list}]) end),
    p(u_empty_global, fun() -> re:replace("\x{e9}\x{20ac}", "", "|", [unicode, global, {return, list}]) end),
    p(u_ucp, fun() -> re:replace("\x{e9}t\x{e9} x", "\\w+", "W", [unicode, ucp, global, {return, list}]) end),
    {ok, MP} = re:compile("\x{e9}", [unicode]),
    p(u_compiled, fun() -> re:replace("c\x{e9}c\x{e9}", MP, "e", [global, {return, list}]) end),
    p(latin1_bytes, fun() -> re:replace(<<"caf", 233>>, <<233>>, "e", [{return, binary}]) end).

replace_misc() ->
    io:format("== replace misc~n"),
    {ok, MP} = re:compile("b+"),
    p(compiled, fun() -> re:replace("abbcb", MP, "-", [global, {return, list}]) end),
    p(compiled_copt, fun() -> re:replace("aBBcb", "b+", "-", [global, caseless, {return, list}]) end),
    p(offset, fun() -> re:replace("abab", "b", "X", [{offset, 2}, {return, list}]) end),
    p(anchored, fun() -> re:replace("abab", "b", "X", [anchored, {return, list}]) end),
    p(notempty, fun() -> re:replace("abc", "x*", "-", [notempty, global, {return, list}]) end),
    p(newline, fun() -> re:replace("a\r\nb", "$", "!", [{newline, crlf}, multiline, global, {return, list}]) end),
    p(crlf_empty, fun() -> re:replace("a\r\nb", "", "!", [{newline, crlf}, global, {return, list}]) end),
    p(long, fun() -> byte_size(re:replace(binary:copy(<<"ab">>, 5000), "a", "xyz", [global, {return, binary}])) end),
    p(match_limit, fun() -> re:replace(lists:duplicate(30, $a), "(a+)+[bc]", "x", [{match_limit, 100}, {return, list}]) end).

split() ->
    io:format("== split~n"),
    Cases = [{"a,b,c", ","}, {"a,b,,c,,", ","}, {",a,b", ","}, {"abc", ""}, {"", ","}, {"", ""},
             {"a1b22c333d", "\\d+"}, {"a1b22c333d", "(\\d)\\d*"}, {"a1b22c333d", "(\\d)(x)?"},
             {<<"one two  three">>, "\\s+"}, {"abc", "x"}, {"a b", " *"}, {["a,", <<"b,c">>], ","},
             {"ab", "(?=b)"}, {"ab", "(a)|(b)"}],
    [p({split, S, R}, fun() -> re:split(S, R, [{return, list}]) end) || {S, R} <- Cases],
    [p({split2, S, R}, fun() -> re:split(S, R) end) || {S, R} <- Cases].

split_options() ->
    io:format("== split options~n"),
    S = "a,b,,c,,",
    Opts = [[trim], [{parts, 1}], [{parts, 2}], [{parts, 3}], [{parts, 10}], [{parts, infinity}],
            [{parts, 0}], [trim, {parts, 2}], [group], [group, trim], [group, {parts, 2}],
            [{return, binary}], [{return, iodata}], [{return, list}, trim]],
    [p({split_opts, O}, fun() -> re:split(S, ",", O) end) || O <- Opts],
    [p({split_group, O}, fun() -> re:split("a1b2c", "(\\d)", [group | O]) end)
     || O <- [[], [{return, list}], [trim], [{parts, 2}]]],
    p(trim_all_empty, fun() -> re:split(",,,", ",", [trim]) end),
    p(trim_all_empty_group, fun() -> re:split(",,,", ",", [trim, group]) end),
    p(compiled, fun() -> {ok, MP} = re:compile("[,;]"), re:split("a,b;c", MP, [{return, list}]) end),
    p(caseless, fun() -> re:split("aXbxc", "x", [caseless, {return, list}]) end),
    p(offset, fun() -> re:split("a,b,c", ",", [{offset, 2}, {return, list}]) end),
    p(newline, fun() -> re:split("a\r\nb\nc", "$", [multiline, {newline, anycrlf}, {return, list}]) end).

split_unicode() ->
    io:format("== split unicode~n"),
    p(u_list, fun() -> re:split("\x{e9}:\x{20ac}:x", ":", [unicode, {return, list}]) end),
    p(u_bin, fun() -> re:split(<<"\x{e9}:\x{20ac}"/utf8>>, ":", [unicode, {return, binary}]) end),
    p(u_empty, fun() -> re:split("\x{e9}\x{20ac}", "", [unicode, {return, list}]) end),
    p(u_default, fun() -> re:split("\x{e9}\x{20ac}", "", [unicode]) end),
    p(u_sep, fun() -> re:split("a\x{2192}b", "\x{2192}", [unicode, {return, list}]) end).

bad_arguments() ->
    io:format("== bad arguments~n"),
    Calls = [fun() -> re:replace("a", "(", "x") end,
             fun() -> re:replace("a", "a", "x", [foo]) end,
             fun() -> re:replace("a", "a", "x", [{return, foo}]) end,
             fun() -> re:replace("a", "a", foo) end,
             fun() -> re:replace(foo, "a", "x") end,
             fun() -> re:replace("a", "a", "x", [{capture, all}]) end,
             fun() -> re:replace("a", "a", fun(_) -> x end) end,
             fun() -> re:replace("a", "a", fun(_, _) -> foo end) end,
             fun() -> re:replace("a", "a", "x", notalist) end,
             fun() -> re:split("a", "(") end,
             fun() -> re:split("a", "a", [foo]) end,
             fun() -> re:split("a", "a", [{parts, -1}]) end,
             fun() -> re:split("a", "a", [{parts, x}]) end,
             fun() -> re:split("a", "a", [{return, foo}]) end,
             fun() -> re:split(foo, "a") end,
             fun() -> re:split("a", foo) end,
             fun() -> re:split("a", "a", [global]) end,
             fun() -> re:split("a", "a", [{capture, all}]) end,
             fun() -> re:split([16#110000], "a", [unicode]) end,
             fun() -> re:replace(<<255>>, "a", "x", [unicode]) end],
    [p({bad, I}, F) || {I, F} <- lists:zip(lists:seq(1, length(Calls)), Calls)],
    p(error_info, fun() -> try re:split("a", "a", [foo]) catch error:badarg:St ->
                                [{re, split, A, Info} | _] = St, {A, proplists:get_value(error_info, Info)} end end),
    p(error_info_replace, fun() -> try re:replace("a", "(", "x") catch error:badarg:St ->
                                [{re, replace, A, Info} | _] = St, {A, proplists:get_value(error_info, Info)} end end).
