%% More of stdlib running on the VM: the compiler front end (erl_scan,
%% erl_parse, erl_eval, erl_pp, compile:forms), rand with fixed seeds,
%% string and unicode, base64, calendar, queues, trees, digraphs, re-less
%% text handling, io_lib formatting of every control sequence.
-module(stdlib_more).
-export([main/0]).

p(T) -> io:format("~p~n", [T]).

main() ->
    scanning_and_eval(),
    compiling(),
    random_numbers(),
    strings(),
    encodings(),
    dates(),
    collections(),
    formatting(),
    ok.

eval(S) ->
    {ok, Toks, _} = erl_scan:string(S),
    {ok, Exprs} = erl_parse:parse_exprs(Toks),
    {value, V, _} = erl_eval:exprs(Exprs, erl_eval:new_bindings()),
    V.

scanning_and_eval() ->
    p(erl_scan:string("foo(X) -> X + 1.")),
    p(eval("lists:map(fun(X) -> X * X end, [1,2,3]).")),
    p(eval("[{X, Y} || X <- [1,2,3], Y <- [a,b], X rem 2 =:= 1].")),
    p(eval("<< <<(B+1)>> || <<B>> <= <<1,2,3>> >>.")),
    p(eval("#{a => 1, b => [x]}.")),
    p(eval("case {1, 2} of {A, B} when A < B -> lt; _ -> ge end.")),
    p(eval("try throw(x) catch throw:X -> {caught, X} end.")),
    p(eval("F = fun Fact(0) -> 1; Fact(N) -> N * Fact(N - 1) end, F(20).")),
    p(eval("receive after 0 -> timeout end.")),
    p(eval("begin X = 2#1010, Y = 16#ff, {X, Y, $a, 1.5e3} end.")),
    {ok, Toks, _} = erl_scan:string("f(X, Y) -> case X of {a, Z} -> Z + Y; _ -> [X | Y] end."),
    {ok, Form} = erl_parse:parse_form(Toks),
    p(lists:flatten(erl_pp:form(Form))),
    p(erl_parse:normalise({cons, 1, {integer, 1, 1}, {nil, 1}})).

compiling() ->
    Src = "-module(dyn). -export([f/1, g/0]). f(X) -> {X, dyn}. g() -> [erlang:abs(-3), lists:seq(1, 3)].",
    {ok, Toks, _} = erl_scan:string(Src),
    Forms = split(Toks, [], []),
    {ok, dyn, Bin} = compile:forms(Forms, []),
    p(byte_size(Bin) > 100),
    {module, dyn} = erlang:load_module(dyn, Bin),
    p(dyn:f(1)),
    p(dyn:g()),
    p(dyn:module_info(exports)).

split([], [], Acc) -> lists:reverse(Acc);
split([{dot, _} = D | T], Cur, Acc) ->
    {ok, F} = erl_parse:parse_form(lists:reverse([D | Cur])),
    split(T, [], [F | Acc]);
split([H | T], Cur, Acc) -> split(T, [H | Cur], Acc).

random_numbers() ->
    [begin
         S = rand:seed_s(Alg, {1, 2, 3}),
         {L, _} = lists:mapfoldl(fun(_, S0) -> rand:uniform_s(1000, S0) end, S, lists:seq(1, 5)),
         {F, _} = rand:uniform_s(S),
         {N, _} = rand:normal_s(S),
         p({Alg, L, F, N})
     end || Alg <- [exsss, exro928ss, exrop, exs1024s, exsp]],
    S1 = rand:seed_s(exsss, 42),
    {B, _} = rand:bytes_s(16, S1),
    p(B),
    p(rand:uniform_real_s(rand:seed_s(exsss, 7))),
    rand:seed(exsss, {4, 5, 6}),
    p([rand:uniform(100) || _ <- lists:seq(1, 10)]).

strings() ->
    p(string:split("a,b,,c", ",", all)),
    p(string:lexemes("  hello   world  ", " ")),
    p(string:trim("  xx  ")),
    p(string:uppercase("straße")),
    p(string:lowercase("ÅÄÖ")),
    p(string:titlecase("hello")),
    p(string:length("日本語")),
    p(string:reverse("abc")),
    p(string:find("hello world", "o w")),
    p(string:replace("a-b-c", "-", "+", all)),
    p(string:pad("x", 5, both, $*)),
    p(string:to_integer("42abc")),
    p(string:to_float("3.5e2x")),
    p(string:tokens("a b\tc", " \t")),
    p(string:join(["a", "b", "c"], ", ")),
    p(string:equal("abc", "ABC", true)),
    p(string:slice("hello", 1, 3)),
    p(string:next_grapheme("éa")),
    p(unicode:characters_to_nfd_list("é")),
    p(unicode:characters_to_nfc_binary([$e, 16#301])),
    p(io_lib:write_string("tab\there")),
    p(lists:flatten(io_lib:format("~ts", [<<"日本"/utf8>>]))).

encodings() ->
    p(base64:encode(<<"hello world">>)),
    p(base64:decode("aGVsbG8gd29ybGQ=")),
    p(base64:encode_to_string(<<0, 255, 128>>)),
    p(base64:mime_decode("aGVs\nbG8=")),
    p(binary:encode_hex(<<1, 171, 255>>)),
    p(binary:decode_hex(<<"01abFF">>)),
    p(uri_string:parse("https://user@host:8080/path?q=1#frag")),
    p(uri_string:normalize("HTTP://Host/%7Efoo")),
    p(erlang:crc32("abc")),
    p(zlib_free_checksums()).

zlib_free_checksums() ->
    {erlang:adler32(<<"xyz">>), erlang:md5(<<"xyz">>)}.

dates() ->
    p(calendar:gregorian_days_to_date(738000)),
    p(calendar:date_to_gregorian_days(2026, 11, 26)),
    p(calendar:day_of_the_week(2026, 11, 26)),
    p(calendar:is_leap_year(2024)),
    p(calendar:last_day_of_the_month(2024, 2)),
    p(calendar:seconds_to_daystime(100000)),
    p(calendar:datetime_to_gregorian_seconds({{2000, 1, 1}, {12, 0, 0}})),
    p(calendar:iso_week_number({2026, 1, 1})),
    p(calendar:rfc3339_to_system_time("2026-11-26T12:00:00Z")),
    p(calendar:system_time_to_rfc3339(1000000000, [{offset, "Z"}])).

collections() ->
    Q = lists:foldl(fun queue:in/2, queue:new(), [1, 2, 3]),
    p(queue:to_list(queue:reverse(Q))),
    {{value, H}, Q2} = queue:out(Q),
    p({H, queue:len(Q2)}),
    T = lists:foldl(fun(K, Acc) -> gb_trees:insert(K, K * K, Acc) end, gb_trees:empty(), [5, 3, 8, 1]),
    p(gb_trees:to_list(T)),
    p(gb_trees:lookup(3, T)),
    p(gb_trees:largest(T)),
    S = gb_sets:from_list([c, a, b, a]),
    p(gb_sets:to_list(S)),
    D = lists:foldl(fun({K, V}, Acc) -> dict:append(K, V, Acc) end, dict:new(), [{a, 1}, {b, 2}, {a, 3}]),
    p(lists:sort(dict:to_list(D))),
    O = orddict:from_list([{b, 2}, {a, 1}]),
    p(orddict:store(c, 3, O)),
    A = array:from_list([a, b, c]),
    p(array:to_list(array:set(5, z, A))),
    p(array:size(A)),
    p(sofs:to_external(sofs:relation([{a, 1}, {b, 2}]))),
    p(lists:sort(sets:to_list(sets:union(sets:from_list([1, 2]), sets:from_list([2, 3]))))).

formatting() ->
    Terms = [atom, 'quoted atom', 42, -7, 3.14159, 1.0e-10, 123456789012345678901234567890,
             "string", [1, 2, 3], {tuple, [nested, {deep}]}, <<1, 2, 3>>, <<"bin">>, #{k => v},
             [$a | b], [], {}, self() =:= self()],
    [p(lists:flatten(io_lib:format(F, [T]))) || F <- ["~p", "~w", "~P", "~W"] -- ["~P", "~W"], T <- Terms],
    p(lists:flatten(io_lib:format("~P", [lists:seq(1, 30), 5]))),
    p(lists:flatten(io_lib:format("~W", [{a, [b, [c, [d]]]}, 3]))),
    p(lists:flatten(io_lib:format("~10.3f|~-8s|~8s|~c~c|~.2e|~g", [3.14159, "left", "right", $x, $y, 1234.5, 0.5]))),
    p(lists:flatten(io_lib:format("~b ~.16B ~.8b ~.36B", [10, 255, 8, 123456]))),
    p(lists:flatten(io_lib:format("~i~s~n~~", [ignored, "x"]))),
    p(lists:flatten(io_lib:format("~*.*f", [10, 2, 2.5]))),
    p(lists:flatten(io_lib:format("~ts ~tp", ["ÅÄÖ", "ÅÄÖ"]))),
    p(lists:flatten(io_lib:format("~x ~X", [255, "0x", 255, "#"]))),
    p(io_lib:fread("~d ~a", "12 abc")),
    p(lists:flatten(io_lib:format("~p", [lists:seq(1, 40)]))),
    p(lists:flatten(io_lib:format("~p", [{a_long_atom_name_here, [lots, and_more, atoms, to, make, the, line, wrap, around], "and a string"}]))).
