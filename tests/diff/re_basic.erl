%% re: compile/1,2, run/2,3, internal_run/4, inspect/2 and version/0:
%% compile and run options, capture specifications and types, compiled
%% patterns, Unicode subjects, match limits, errors. The compiled
%% pattern's binary is never printed (ours differs from PCRE's).
-module(re_basic).
-export([main/0]).

main() ->
    version(),
    compile(),
    compile_errors(),
    run_basic(),
    compile_options(),
    run_options(),
    newlines(),
    captures(),
    named(),
    compiled_patterns(),
    unicode(),
    latin1_classes(),
    limits(),
    deep(),
    global(),
    library_fixes(),
    bad_arguments(),
    ok.

c(F) -> try F() catch C:E -> {C, E} end.

p(Label, F) -> io:format("~p -> ~p~n", [Label, c(F)]).

%% Printed with ~w (raw bytes as numbers).
pw(Label, F) -> io:format("~w -> ~w~n", [Label, c(F)]).

%% A compiled pattern without its binary.
shape({ok, {re_pattern, G, U, C, B}}) when is_binary(B) -> {ok, {re_pattern, G, U, C}};
shape(Other) -> Other.

version() ->
    io:format("== version~n"),
    V = re:version(),
    p(version, fun() -> is_binary(V) andalso byte_size(V) > 0 end).

compile() ->
    io:format("== compile~n"),
    Cases = [{"abc", []}, {<<"a(b)(c)">>, []}, {["a", [$(, <<"b)">>]], []}, {"", []},
             {"(?<x>a)(?<y>b)?", []}, {"(a)(?:b)(c)", [no_auto_capture]}, {"(?<n>a)(b)", [no_auto_capture]},
             {"a", [{newline, crlf}]}, {"a", [{newline, any}]}, {"a", [{newline, anycrlf}]},
             {"a", [{newline, cr}]}, {"a", [{newline, lf}]}, {"(*CRLF)a", []}, {"(*ANY)a", []},
             {"(*CR)a", []}, {"(*LF)(a)", [{newline, crlf}]}, {"x", [unicode]}, {<<"\x{e9}"/utf8>>, [unicode]},
             {"\x{e9}\x{20ac}", [unicode]}, {"a", [caseless, multiline, dotall, extended, ungreedy]},
             {"a", [anchored, dollar_endonly, firstline, no_start_optimize, ucp, dupnames]},
             {"a", [bsr_anycrlf]}, {"a", [bsr_unicode]}, {"a", [never_utf]},
             {"((((((((((a))))))))))", []}, {<<"a", 0, "(b">>, []}],
    [p({compile, P, O}, fun() -> shape(re:compile(P, O)) end) || {P, O} <- Cases],
    p(compile1, fun() -> shape(re:compile("(a)|(b)")) end),
    p(same_twice, fun() -> re:compile("x(y)") =:= re:compile("x(y)") end).

compile_errors() ->
    io:format("== compile errors~n"),
    Bad = ["a(b", "a)", "[a", "*a", "a{2,1}", "(?<n>a)(?<n>b)", "\\", "(?P<1>a)", "a\\k<zz>",
           "(?z)", "[z-a]", "x**", "(?<=a+)b", "\\c", "(*FOO)a", lists:duplicate(200, $() ++ "a",
           "(?(1)a|b|c)", "[[:foo:]]", "\\g{", "(?#"],
    [p({compile_error, B}, fun() -> re:compile(B) end) || B <- Bad],
    p(bad_utf8, fun() -> re:compile(<<255, $a>>, [unicode]) end),
    p(never_utf, fun() -> re:compile("(*UTF8)a", [never_utf]) end),
    p(utf8_in_pattern, fun() -> shape(re:compile("(*UTF8)a")) end),
    p(report_errors, fun() -> re:run("abc", "a(", [report_errors]) end),
    p(report_errors_bin, fun() -> re:run(<<"abc">>, <<"[">>, [report_errors, {capture, all, binary}]) end),
    p(run_bad_re, fun() -> re:run("abc", "a(") end).

run_basic() ->
    io:format("== run~n"),
    Cases = [{"abcabc", "b"}, {"abcabc", "x"}, {<<"abcabc">>, "c$"}, {["ab", <<"ca">>, $b], "cab"},
             {"", ""}, {"", "a*"}, {"abc", ""}, {"aaa", "a*?"}, {"hello world", "(\\w+) (\\w+)"},
             {"a", "(a)|(b)"}, {"b", "(a)|(b)"}, {"ab", "(a)(x)?(b)"}, {"ab", "(a)(x)?"},
             {"2023-01-15", "(\\d+)-(\\d+)-(\\d+)"}, {<<"x\ny">>, "^y"}, {"a.b", "a\\.b"},
             {"aaa", "^(a)+$"}, {"abcd", "(?=c)"}, {"abcd", "(?<=b)c"}, {"abab", "(ab)\\1"},
             {"ABC", "(?i)abc"}, {lists:duplicate(100, $x) ++ "y", "x+y"},
             {list_to_binary(lists:duplicate(200, "ab")), "(ab)+$"}, {"a\x{ff}b", "\x{ff}"},
             {<<0, 1, 2, 255>>, "\\x{ff}"}, {"a\0b", "\\0b"}],
    [p({run, S, R}, fun() -> re:run(S, R) end) || {S, R} <- Cases],
    [p({run_types, S, R, T}, fun() -> re:run(S, R, [{capture, all, T}]) end)
     || {S, R} <- Cases, T <- [index, list, binary]].

compile_options() ->
    io:format("== compile options~n"),
    Cases = [{"ABC", "abc", [caseless]}, {"a\nb", "^b", [multiline]}, {"a\nb", "^b", []},
             {"a\nb", "a.b", [dotall]}, {"a\nb", "a.b", []}, {"ab", "a b # comment", [extended]},
             {"aaa", "a+", [ungreedy]}, {"aaa", "a+?", [ungreedy]}, {"xab", "ab", [anchored]},
             {"abc\n", "c$", [dollar_endonly]}, {"abc\n", "c$", []}, {"x\nab", "ab", [firstline]},
             {"ab\nx", "ab", [firstline]}, {"ab", "(a)(b)", [no_auto_capture]},
             {"ab", "(?<x>a)(b)", [no_auto_capture]}, {"ab", "(?<n>a)|(?<n>b)", [dupnames]},
             {"a\r\nb", "a\\Rb", [bsr_anycrlf]}, {"a\x{85}b", "a\\Rb", [bsr_anycrlf]},
             {"a\x{85}b", "a\\Rb", [bsr_unicode]}, {"ab", "ab", [no_start_optimize]},
             {"\x{e9}", "\\w", [ucp, unicode]}, {"\x{e9}", "\\w", [unicode]},
             {"\x{3b1}", "\\w", [ucp, unicode]}, {"AB", "a(?-i)b", [caseless]}],
    [p({copt, S, R, O}, fun() -> re:run(S, R, O) end) || {S, R, O} <- Cases],
    [p({copt_compiled, S, R, O}, fun() -> {ok, MP} = re:compile(R, O), re:run(S, MP) end)
     || {S, R, O} <- Cases].

run_options() ->
    io:format("== run options~n"),
    Cases = [{"abc", "^b", [{offset, 1}]}, {"abc", "b", [{offset, 2}]}, {"abc", "", [{offset, 3}]},
             {"abc", "\\Gb", [{offset, 1}]}, {"abc", "^a", [notbol]}, {"abc", "c$", [noteol]},
             {"abc", "x*", [notempty]}, {"abc", "x*|b", [notempty]}, {"abc", "x*", [notempty_atstart]},
             {"xab", "ab", [anchored]}, {"xab", "ab", [{offset, 1}, anchored]},
             {"abc", "(b)", [{capture, none}]}, {"abc", "(x)", [{capture, none}]},
             {"abc", "(b)", [{capture, []}]}, {"abc", "(b)", [report_errors]},
             {"aaa", "a", [{match_limit, 100}]}, {"aaa", "a", [{match_limit_recursion, 100}]},
             {"abc", "b", [{offset, 0}, {offset, 2}]},
             {"abc", "(b)", [{capture, first}, {capture, all_but_first}]}],
    [p({eopt, S, R, O}, fun() -> re:run(S, R, O) end) || {S, R, O} <- Cases],
    [p({eopt_compiled, S, R, O}, fun() -> {ok, MP} = re:compile(R), re:run(S, MP, O) end)
     || {S, R, O} <- Cases],
    [p({internal_run, F}, fun() -> re:internal_run("abcb", "b", [], F) end) || F <- [true, false]],
    [p({internal_run_off, F}, fun() -> re:internal_run(<<"abcb">>, "b", [{offset, 2}], F) end)
     || F <- [true, false]].

newlines() ->
    io:format("== newlines~n"),
    S = <<"a\rb\nc\r\nd\x{85}e">>,
    NLs = [cr, lf, crlf, anycrlf, any],
    [p({newline, NL, R}, fun() -> re:run(S, R, [{newline, NL}, multiline, global]) end)
     || NL <- NLs, R <- ["^.", ".$", "$"]],
    [p({newline_compiled, NL}, fun() -> {ok, MP} = re:compile("^.", [multiline, {newline, NL}]),
                                        re:run(S, MP, [global]) end) || NL <- NLs],
    [p({newline_run, NL}, fun() -> {ok, MP} = re:compile("^.", [multiline]),
                                   re:run(S, MP, [global, {newline, NL}]) end) || NL <- NLs],
    p(verb_crlf, fun() -> re:run(S, "(*CRLF)(?m)^.", [global]) end),
    p(empty_crlf, fun() -> re:run(<<"\r\n\r\n">>, "", [global, {newline, crlf}]) end),
    p(empty_crlf_verb, fun() -> re:run(<<"\r\n\r\n">>, "(*CRLF)", [global]) end),
    p(empty_any, fun() -> re:run(<<"a\r\nb">>, "(?m)$", [global, {newline, any}]) end).

captures() ->
    io:format("== captures~n"),
    R = "(?<first>a)(?<second>x)?(c)(?<third>d)?",
    Specs = [all, all_but_first, first, none, all_names, [], [0], [1, 2, 3], [3, 1], [4], [5], [100],
             [first], [second], [third], [nope], ["first"], [<<"third">>], [first, 0, "second", 3],
             [["fi", <<"rst">>]], [second, third]],
    [p({capture, S, Spec, T}, fun() -> re:run(Subj, R, [{capture, Spec, T}]) end)
     || {S, Subj} <- [{list, "zacz"}, {bin, <<"zacdz">>}, {nomatch, "zz"}],
        Spec <- Specs, T <- [index, list, binary]],
    p(capture_2tuple, fun() -> re:run("zacz", R, [{capture, [1, 3]}]) end),
    p(capture_no_names, fun() -> re:run("abc", "(b)", [{capture, all_names}]) end),
    p(capture_no_names_bin, fun() -> re:run("abc", "(b)", [{capture, all_names, binary}]) end),
    Long = list_to_binary([lists:duplicate(100, $-), "key=value", lists:duplicate(100, $-)]),
    p(long_bin, fun() -> re:run(Long, "(\\w+)=(\\w+)(x)?", [{capture, all, binary}]) end),
    p(long_bin_spec, fun() -> re:run(Long, "(\\w+)=(\\w+)(x)?", [{capture, [2, 3, 1, 9], binary}]) end),
    Size = byte_size(Long),
    <<_:3, Unaligned:Size/binary, _:5>> = <<0:3, Long/binary, 0:5>>,
    p(unaligned, fun() -> re:run(Unaligned, "(\\w+)=", [{capture, all, binary}]) end),
    Sub = binary:part(Long, 90, 30),
    p(sub_binary, fun() -> re:run(Sub, "=(\\w+)", [{capture, all, binary}]) end),
    p(long_list, fun() -> re:run(binary_to_list(Long), "(\\w+)=(\\w+)", [{capture, all, list}]) end).

named() ->
    io:format("== named groups~n"),
    R = "(?<y>\\d{4})-(?<m>\\d\\d)(-(?<d>\\d\\d))?",
    p(names, fun() -> {ok, MP} = re:compile(R), re:inspect(MP, namelist) end),
    p(no_names, fun() -> {ok, MP} = re:compile("(a)"), re:inspect(MP, namelist) end),
    p(all_names, fun() -> re:run("on 2024-03", R, [{capture, all_names, list}]) end),
    p(all_names2, fun() -> re:run("on 2024-03-07", R, [{capture, all_names, binary}]) end),
    Dup = "(?<n>a)|(?<n>b)|(?<o>c)",
    p(dup_names, fun() -> {ok, MP} = re:compile(Dup, [dupnames]), re:inspect(MP, namelist) end),
    [p({dup, S, Spec}, fun() -> re:run(S, Dup, [dupnames, {capture, Spec, list}]) end)
     || S <- ["a", "b", "c"], Spec <- [all_names, [n], [o, n], [n, 0]]],
    p(dup_inline, fun() -> re:run("b", "(?J)(?<n>a)|(?<n>b)", [{capture, [n], index}]) end),
    p(dup_all_names_inline, fun() -> re:run("b", "(?J)(?<n>a)|(?<n>b)", [{capture, all_names, index}]) end),
    p(utf8_name, fun() -> {ok, MP} = re:compile("(?<abc_1>x)"), re:inspect(MP, namelist) end),
    p(atom_name, fun() -> re:run("x", "(?<abc_1>x)", [{capture, ['abc_1'], list}]) end).

compiled_patterns() ->
    io:format("== compiled patterns~n"),
    {ok, MP} = re:compile("(a)(b)?"),
    p(run_mp, fun() -> re:run("xab", MP) end),
    p(run_mp_opts, fun() -> re:run("xab", MP, [{capture, all, list}, {offset, 1}]) end),
    p(run_mp_compile_opt, fun() -> re:run("xab", MP, [caseless]) end),
    p(run_mp_unicode_opt, fun() -> re:run("xab", MP, [unicode]) end),
    p(run_mp_anchored, fun() -> re:run("xab", MP, [anchored]) end),
    {re_pattern, G, U, C, B} = MP,
    p(fewer_groups, fun() -> re:run("ab", {re_pattern, 0, U, C, B}) end),
    p(fewer_groups_a, fun() -> re:run("a", {re_pattern, 0, U, C, B}) end),
    p(more_groups, fun() -> re:run("ab", {re_pattern, 5, U, C, B}) end),
    p(same, fun() -> re:run("ab", {re_pattern, G, U, C, B}) end),
    p(fake_binary, fun() -> re:run("ab", {re_pattern, G, U, C, <<"not a pattern">>}) end),
    p(short_binary, fun() -> re:run("ab", {re_pattern, G, U, C, <<1, 2>>}) end),
    p(not_binary, fun() -> re:run("ab", {re_pattern, G, U, C, "x"}) end),
    p(bad_tag, fun() -> re:run("ab", {re_patter, G, U, C, B}) end),
    p(big_count, fun() -> re:run("ab", {re_pattern, 1 bsl 70, U, C, B}) end),
    p(tuple4, fun() -> re:run("ab", {re_pattern, G, U, C}) end),
    p(inspect_bad, fun() -> re:inspect({re_pattern, G, U, C, <<"xyzw">>}, namelist) end),
    p(inspect_short, fun() -> re:inspect({re_pattern, G, U, C, <<"xyz">>}, namelist) end),
    p(inspect_item, fun() -> re:inspect(MP, names) end),
    p(inspect_notmp, fun() -> re:inspect("(a)", namelist) end),
    {ok, UMP} = re:compile("\x{e9}(.)", [unicode]),
    p(umpl, fun() -> re:run("\x{e9}\x{20ac}x", UMP, [{capture, all, list}]) end),
    p(umpb, fun() -> re:run(<<"\x{e9}\x{20ac}x"/utf8>>, UMP, [{capture, all, binary}]) end),
    p(umpi, fun() -> re:run("a\x{e9}\x{20ac}x", UMP) end),
    {ok, CRLF} = re:compile("^$", [{newline, crlf}, multiline]),
    p(crlf_global, fun() -> re:run(<<"a\r\n\r\nb">>, CRLF, [global]) end).

unicode() ->
    io:format("== unicode~n"),
    Cases = [{"h\x{e9}llo", "\x{e9}l"}, {<<"h\x{e9}llo"/utf8>>, "l+"}, {"\x{20ac}100", "(\\d+)"},
             {"a\x{1f600}b", "(.)b"}, {"\x{e9}t\x{e9}", "(?<x>\x{e9})$"}, {[<<"\x{e9}"/utf8>>, "x"], "x"},
             {"abc", "(b)"}, {"\x{3b1}\x{3b2}", "\\x{3b2}"}, {"ÅÄÖ", "(?i)åäö"}],
    [p({unicode, S, R, T}, fun() -> re:run(S, R, [unicode, {capture, all, T}]) end)
     || {S, R} <- Cases, T <- [index, list, binary]],
    p(global_list, fun() -> re:run("\x{e9}a\x{e9}b", "\x{e9}(.)", [unicode, global, {capture, all, list}]) end),
    p(global_empty, fun() -> re:run("\x{e9}\x{20ac}", "", [unicode, global]) end),
    p(global_empty_bin, fun() -> re:run(<<"\x{e9}\x{20ac}"/utf8>>, "x*", [unicode, global]) end),
    p(bad_subject, fun() -> re:run(<<255, $a>>, "a", [unicode]) end),
    p(bad_subject_list, fun() -> re:run([16#110000], "a", [unicode]) end),
    p(bad_subject_mp, fun() -> {ok, MP} = re:compile("a", [unicode]), re:run(<<255, $a>>, MP) end),
    p(offset_mid_char, fun() -> re:run(<<"\x{e9}a"/utf8>>, "a", [unicode, {offset, 1}]) end),
    p(latin1_list, fun() -> re:run("h\x{e9}llo", "\x{e9}") end),
    p(big_char_nounicode, fun() -> re:run("\x{20ac}", "a") end),
    p(internal_false, fun() -> re:internal_run(<<"\x{e9}a"/utf8>>, "a", [unicode], false) end),
    p(utf8_verb, fun() -> re:run(<<"\x{e9}"/utf8>>, "(*UTF8)^.$") end),
    p(ucp_digit, fun() -> re:run("\x{663}", "\\d", [unicode, ucp]) end),
    p(ucp_prop, fun() -> re:run("a\x{3b1}", "\\p{Greek}", [unicode]) end).

latin1_classes() ->
    io:format("== latin-1 character classes~n"),
    Classes = ["\\w", "\\d", "\\s", "[[:alpha:]]", "[[:upper:]]", "[[:lower:]]", "[[:punct:]]",
               "[[:graph:]]", "[[:print:]]", "[[:cntrl:]]", "[[:space:]]", "[[:xdigit:]]", "\\b"],
    [pw({class, C}, fun() -> [B || B <- lists:seq(0, 255), re:run(<<B>>, C) =/= nomatch] end)
     || C <- Classes],
    Esc = fun(B) -> io_lib:format("\\x{~.16b}", [B]) end,
    pw(caseless_bytes, fun() -> [{B, X} || B <- lists:seq(0, 255), X <- lists:seq(0, 255), B < X,
                                           re:run(<<X>>, Esc(B), [caseless, {capture, none}]) =:= match] end),
    pw(caseless_class, fun() -> [B || B <- lists:seq(0, 255),
                                      re:run(<<B>>, "[\\x{c0}-\\x{cf}]", [caseless, {capture, none}]) =:= match] end).

limits() ->
    io:format("== limits~n"),
    S = lists:duplicate(30, $a),
    R = "(a+)+[bc]",
    p(ml_small, fun() -> re:run(S, R, [{match_limit, 1000}, report_errors]) end),
    p(ml_small_noreport, fun() -> re:run(S, R, [{match_limit, 1000}]) end),
    p(mlr_small, fun() -> re:run(S, "(a|b)*c|a+", [{match_limit_recursion, 5}, report_errors]) end),
    p(mlr_ok, fun() -> re:run("aaa", "(a)+", [{match_limit_recursion, 100}, report_errors]) end),
    p(ml_ok, fun() -> re:run("aaa", "a", [{match_limit, 10}, report_errors]) end),
    p(ml_zero, fun() -> re:run("aaa", "a", [{match_limit, 0}, report_errors]) end),
    p(ml_global, fun() -> re:run(S, R, [{match_limit, 1000}, report_errors, global]) end),
    p(catastrophic, fun() -> re:run(lists:duplicate(28, $a), "(a|aa)+[bc]", [report_errors]) end).

deep() ->
    io:format("== deep recursion~n"),
    S = lists:duplicate(100000, $a),
    p(deep_alt, fun() -> re:run(S, "^(a|b)*$", [{capture, none}]) end),
    p(deep_alt_bin, fun() -> re:run(list_to_binary(S ++ "c"), "^(?:a|b)*c", [{capture, none}]) end),
    p(deep_limited, fun() -> re:run(S, "^(a|b)*$", [{capture, none}, {match_limit_recursion, 1000},
                                                      report_errors]) end),
    Self = self(),
    Pids = [spawn(fun() -> Self ! {self(), re:run(S, "^(a|b)*$", [{capture, first}])} end)
            || _ <- lists:seq(1, 4)],
    p(deep_parallel, fun() -> [receive {P, R} -> R end || P <- Pids] end).

global() ->
    io:format("== global~n"),
    Cases = [{"abcabc", "b"}, {"abcabc", "(a)(b)?"}, {"aaa", "a*"}, {"abc", ""}, {"", ""},
             {"abc", "x"}, {<<"one two  three">>, "\\s*"}, {"a1b22c333", "\\d+"},
             {"a\r\nb", "(?m)$"}],
    [p({global, S, R, T}, fun() -> re:run(S, R, [global, {capture, all, T}]) end)
     || {S, R} <- Cases, T <- [index, list, binary]],
    p(global_none, fun() -> re:run("abab", "b", [global, {capture, none}]) end),
    p(global_offset, fun() -> re:run("abab", "b", [global, {offset, 2}]) end),
    p(global_notempty, fun() -> re:run("abab", "x*", [global, notempty]) end),
    p(global_mp, fun() -> {ok, MP} = re:compile("b"), re:run("abab", MP, [global]) end),
    p(global_mp_copt, fun() -> {ok, MP} = re:compile("b"), re:run("abab", MP, [global, caseless]) end),
    p(global_copts, fun() -> re:run("aBab", "b", [global, caseless]) end),
    p(global_bad_re, fun() -> re:run("abab", "(", [global]) end),
    p(global_bad_re_report, fun() -> re:run("abab", "(", [global, report_errors]) end),
    p(global_bad_subject, fun() -> re:run(foo, "b", [global]) end).

%% Cases where PCRE 8.39 (the system library) and 8.44 (the reference's)
%% differ unless worked around.
library_fixes() ->
    io:format("== PCRE 8.40-8.44 fixes~n"),
    Cases = [{"  Fred:099", "(?=.*[A-Z])(?=.*[a-z])(?=.*[0-9])(?=.*[,;:])(?=.{8,16})(?!.*[\\s])", []},
             {"  X", "(?=.*X)X$", []}, {"  Fred", "(?i)(?=.*F)(?!.* )", []}, {"  Fred", "(*CRLF)((?=.*F))(?!.* )", []},
             {"aaab", "(?<=(a))\\1?b", []}, {"11bb", "(?(?=.*b)(?=.*b)\\pL|.*c)", []},
             {"pokus.", "(?(DEFINE) (?<word> \\w+ ) ) (?&word)*   \\.", [extended]},
             {"pokus.hokus", "(?&word)*  \\. (?<word> \\w+ )", [extended]},
             {">XXX<", "X+(?#comment)?", []}, {">XXX<", "X{1,2}(?#c)+", []}, {">XXX<", "[+](?#c)?", []},
             {"a(?#c)?", "\\Q(?#c)?\\E", []}, {"x", "x*(?#c", []},
             {<<"[A", 16#1ffb/utf8, "B", 16#140/utf8, "C]">>, "\\C[^\\v]+\\x80", [unicode]},
             {<<"[A", 16#1ffb/utf8, "B", 16#140/utf8, "C]">>, "\\C[^\\d]+\\x80", [unicode]},
             {<<"aXb">>, "\\C[^b]+", [unicode]}, {<<"\x{e9}"/utf8>>, "\\C\\C", [unicode]}],
    [p({fix, S, R, O}, fun() -> [re:run(S, R, O ++ X) || X <- [[], [global], [no_start_optimize]]] end)
     || {S, R, O} <- Cases],
    [p({fix_error, R}, fun() -> re:compile(R) end) || R <- ["X+(?#comment)?(", "X+(?#c)?(?#d)a*(?#e)+)", "X+(?#c)+(?#d)["]],
    p(fix_replace, fun() -> re:replace(">XXX<", "X+(?#comment)?", "MHFv", [global, {return, list}]) end).

bad_arguments() ->
    io:format("== bad arguments~n"),
    Calls = [fun() -> re:run("a", "a", [foo]) end,
             fun() -> re:run("a", "a", foo) end,
             fun() -> re:run("a", "a", [{offset, -1}]) end,
             fun() -> re:run("a", "a", [{offset, 1 bsl 40}]) end,
             fun() -> re:run("a", "a", [{offset, x}]) end,
             fun() -> re:run("a", "a", [{match_limit, -1}]) end,
             fun() -> re:run("a", "a", [{newline, foo}]) end,
             fun() -> re:run("a", "a", [{newline, "lf"}]) end,
             fun() -> re:run("a", "a", [{capture, all, foo}]) end,
             fun() -> re:run("a", "a", [{capture, foo}]) end,
             fun() -> re:run("a", "a", [{capture, [-1]}]) end,
             fun() -> re:run("a", "a", [{capture, [[]]}]) end,
             fun() -> re:run("a", "a", [{capture, [1.0]}]) end,
             fun() -> re:run("a", "a", [{capture, [0 | 1]}]) end,
             fun() -> re:run("a", "a", [{capture, all, list, x}]) end,
             fun() -> re:run("a", "a", [{foo, 1}]) end,
             fun() -> re:run("a", "a", [{}]) end,
             fun() -> re:run("a", "a", [{1, 2}]) end,
             fun() -> re:run("a", "a", [global | x]) end,
             fun() -> re:run(foo, "a") end,
             fun() -> re:run([256], "a") end,
             fun() -> re:run(<<1:3>>, "a") end,
             fun() -> re:run("a", foo) end,
             fun() -> re:run("a", <<1:3>>) end,
             fun() -> re:run("a", [300]) end,
             fun() -> re:run("a", {a, b, c, d, e}) end,
             fun() -> re:compile(foo) end,
             fun() -> re:compile("a", [global]) end,
             fun() -> re:compile("a", [{capture, all}]) end,
             fun() -> re:compile("a", [{offset, 1}]) end,
             fun() -> re:compile("a", [report_errors]) end,
             fun() -> re:compile("a", [notempty]) end,
             fun() -> re:compile("a", [bar]) end,
             fun() -> re:compile("a", bar) end,
             fun() -> re:compile([$a | b]) end,
             fun() -> shape(re:compile(["\x{20ac}"], [unicode])) end,
             fun() -> re:compile([16#110000], [unicode]) end,
             fun() -> re:internal_run("a", "a", [], maybe) end,
             fun() -> re:inspect(foo, namelist) end],
    [p({bad, I}, F) || {I, F} <- lists:zip(lists:seq(1, length(Calls)), Calls)],
    %% The error_info cause the reference gives bad options.
    p(badopt_info, fun() -> try re:run("a", "a", [foo]) catch error:badarg:St ->
                                 [{re, run, _, Info} | _] = St, proplists:get_value(error_info, Info) end end),
    p(badopt_info_compile, fun() -> try re:compile("a", [foo]) catch error:badarg:St ->
                                 [{re, compile, _, Info} | _] = St, proplists:get_value(error_info, Info) end end),
    p(badarg_info, fun() -> try re:run(foo, "a") catch error:badarg:St ->
                                 [{re, run, A, Info} | _] = St, {A, proplists:get_value(error_info, Info)} end end),
    p(unicode_trap_stack, fun() -> try re:run([16#110000], "a", [unicode]) catch error:badarg:St ->
                                 [{M, F, A, _} | _] = St, {M, F, A} end end).
