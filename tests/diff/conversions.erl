%% Pids, ports, references and funs to and from text; fun_info/2,
%% fun_info_mfa/1, make_fun/3, is_builtin/3; erts_debug:flat_size/1,
%% same/2 and size/1.
-module(conversions).
-export([main/0, exported/2]).

main() ->
    pids(),
    ports(),
    refs(),
    funs(),
    builtins(),
    debug_sizes(),
    ok.

c(F) -> try F() catch C:E -> {C, E} end.

p(Label, F) -> io:format("~w -> ~w~n", [Label, c(F)]).

exported(A, B) -> {A, B}.

closure(A, B) -> fun(C) -> {A, B, C} end.

pids() ->
    io:format("== pids~n"),
    Self = self(),
    p(self_roundtrip, fun() -> list_to_pid(pid_to_list(Self)) =:= Self end),
    p(self_text, fun() -> [hd(pid_to_list(Self)), lists:last(pid_to_list(Self))] end),
    Texts = ["<0.5.6>", "<0.0.0>", "<0.32767.8191>", "<0.32768.0>", "<0.0.8192>", "<00.007.0010>", "<1.2.3>",
             "<0.1.2> ", " <0.1.2>", "<0.1>", "<0.1.2.3>", "<a.1.2>", "<0..2>", "<0.1.2", "0.1.2>", "",
             "<0.18446744073709551617.1>", "<" ++ lists:duplicate(70, $0) ++ ".1.2>"],
    [p({list_to_pid, T}, fun() -> pid_to_list(list_to_pid(T)) end) || T <- Texts],
    p(list_to_pid_bad, fun() -> [c(fun() -> list_to_pid(X) end) || X <- [<<"<0.1.2>">>, foo, [$<, 256], [$< | $0]]] end),
    p(pid_to_list_bad, fun() -> [c(fun() -> pid_to_list(X) end) || X <- [foo, "<0.1.2>", make_ref()]] end),
    p(pid_format, fun() -> lists:flatten(io_lib:format("~p ~w", [list_to_pid("<0.42.7>"), list_to_pid("<0.1.0>")])) end),
    p(pid_compare, fun() -> lists:sort([list_to_pid("<0.9.1>"), list_to_pid("<0.3.2>"), list_to_pid("<0.5.0>")]) end).

ports() ->
    io:format("== ports~n"),
    Texts = ["#Port<0.5>", "#Port<0.0>", "#Port<0.268435455>", "#Port<0.268435456>", "#Port<1.5>", "#Port<0.5",
             "#port<0.5>", "#Port<0.5>x", "#Port<0>", "#Port<0.>", "#Port<.5>", "#Port<4294967296.5>",
             "#Port<0." ++ lists:duplicate(40, $1) ++ ">"],
    [p({list_to_port, T}, fun() -> port_to_list(list_to_port(T)) end) || T <- Texts],
    p(port_roundtrip, fun() -> P = list_to_port("#Port<0.77>"), {is_port(P), list_to_port(port_to_list(P)) =:= P} end),
    p(port_bad, fun() -> [c(fun() -> port_to_list(X) end) || X <- [foo, "#Port<0.1>", self()]] end),
    p(port_format, fun() -> lists:flatten(io_lib:format("~p", [list_to_port("#Port<0.12>")])) end).

refs() ->
    io:format("== refs~n"),
    Texts = ["#Ref<0.1.2.3>", "#Ref<0.1.2.262143>", "#Ref<0.1.2.262144>", "#Ref<0.1.2>", "#Ref<0.1.2.3.4>",
             "#Ref<0.4294967295.2.3>", "#Ref<0.4294967296.2.3>", "#Ref<0.1>", "#Ref<0>", "#Ref<1.1.2.3>",
             "#Ref<0.1.0.3>", "#Ref<0.1.65536.3>", "#Ref<0.1.131072.3>", "#Ref<0.1.65538.3>", "#Ref<0.1.2.3>>",
             "#Ref<0.1.2.3", "#Ref0.1.2.3>", "#Ref<0.1.2.3.4.5.6>", "#Ref<0.01.002.3>"],
    [p({list_to_ref, T}, fun() -> ref_to_list(list_to_ref(T)) end) || T <- Texts],
    R = make_ref(),
    p(make_ref_roundtrip, fun() -> list_to_ref(ref_to_list(R)) =:= R end),
    p(ref_text, fun() -> lists:prefix("#Ref<0.", ref_to_list(R)) end),
    p(ref_bad, fun() -> [c(fun() -> ref_to_list(X) end) || X <- [foo, "#Ref<0.1.2.3>", self()]] ++
                         [c(fun() -> list_to_ref(X) end) || X <- [foo, <<"#Ref<0.1.2.3>">>]] end),
    p(ref_format, fun() -> lists:flatten(io_lib:format("~p", [list_to_ref("#Ref<0.11.22.33>")])) end),
    p(ref_equal, fun() -> list_to_ref("#Ref<0.1.2.3>") =:= list_to_ref("#Ref<0.1.2.3>") end).

funs() ->
    io:format("== funs~n"),
    X = 42,
    Y = {some, term},
    Local0 = fun() -> ok end,
    Local2 = fun(A, B) -> {A, B, X, Y} end,
    Ext = fun lists:map/2,
    Own = fun ?MODULE:exported/2,
    Made = erlang:make_fun(nomodule, nofun, 3),
    Closure = closure(X, [x, {y}]),
    Weird = [erlang:make_fun(M, F, 1) || {M, F} <- [{'A', b}, {a, 'B'}, {'if', 'receive'}, {'a b', 'x@y'},
                                                     {'\x{e9}', '\x{fc}'}, {'', ''}, {'a\nb', 'it\'s'}, {'\x{3b1}', f}]],
    Items = [arity, env, index, module, name, new_index, new_uniq, pid, type, uniq],
    Self = self(),
    [p({fun_info, Name, I}, fun() ->
           case erlang:fun_info(F, I) of
               {pid, P} when P =:= Self -> {pid, self};
               {new_uniq, U} -> {new_uniq, U =:= ?MODULE:module_info(md5)};
               Other -> Other
           end
       end) || {Name, F} <- [{local0, Local0}, {local2, Local2}, {ext, Ext}, {own, Own}, {made, Made}, {closure, Closure}], I <- Items],
    p(new_uniq_size, fun() -> {new_uniq, U} = erlang:fun_info(Local0, new_uniq), byte_size(U) end),
    p(fun_info_1, fun() -> [I || {I, _} <- erlang:fun_info(Local2)] end),
    p(fun_info_1_ext, fun() -> erlang:fun_info(Ext) end),
    p(fun_info_bad, fun() -> [c(fun() -> erlang:fun_info(A, B) end) || {A, B} <- [{foo, arity}, {Ext, foo}, {Local0, refcx}, {Local0, 1}]] end),
    p(fun_info_mfa, fun() -> [erlang:fun_info_mfa(F) || F <- [Local0, Local2, Ext, Own, Made, Closure]] end),
    p(fun_info_mfa_bad, fun() -> erlang:fun_info_mfa({a, b}) end),
    p(fun_to_list, fun() -> [erlang:fun_to_list(F) || F <- [Local0, Local2, Ext, Own, Made | Weird]] end),
    p(fun_to_list_bad, fun() -> [c(fun() -> erlang:fun_to_list(A) end) || A <- [foo, {fun() -> ok end}]] end),
    p(fun_format, fun() -> lists:flatten(io_lib:format("~w ~p", [Ext, Made])) end),
    p(make_fun, fun() -> [c(fun() -> erlang:make_fun(M, F, A) end) ||
                            {M, F, A} <- [{lists, reverse, 1}, {a, b, 0}, {a, b, 255}, {a, b, 256}, {a, b, -1},
                                          {"a", b, 1}, {a, "b", 1}, {a, b, c}, {a, b, 1 bsl 64}]] end),
    p(make_fun_call, fun() -> F = erlang:make_fun(lists, reverse, 1), {F([1, 2, 3]), F =:= fun lists:reverse/1} end),
    p(make_fun_undef, fun() -> (erlang:make_fun(nomodule, nofun, 0))() end),
    p(make_fun_arity, fun() -> {is_function(Made, 3), is_function(Made, 2), erlang:fun_info(Made, arity)} end).

builtins() ->
    io:format("== is_builtin~n"),
    Cases = [{erlang, abs, 1}, {erlang, apply, 2}, {erlang, apply, 3}, {erlang, yield, 0}, {erlang, '+', 2},
             {erlang, element, 2}, {erlang, length, 1}, {erlang, list_to_binary, 1}, {lists, reverse, 2},
             {lists, keyfind, 3}, {lists, map, 2}, {binary, match, 2}, {binary, replace, 3}, {unicode, characters_to_binary, 2},
             {unicode, characters_to_binary, 1}, {erlang, abs, 2}, {foo, bar, 0}, {erlang, apply, 4},
             {erlang, fun_info, 2}, {erlang, make_fun, 3}, {erlang, is_builtin, 3}, {erlang, pid_to_list, 1},
             {erlang, abs, -1}, {erlang, abs, 1 bsl 40}],
    [p({is_builtin, M, F, A}, fun() -> erlang:is_builtin(M, F, A) end) || {M, F, A} <- Cases],
    p(is_builtin_bad, fun() -> [c(fun() -> erlang:is_builtin(M, F, A) end) ||
                                  {M, F, A} <- [{"erlang", abs, 1}, {erlang, "abs", 1}, {erlang, abs, a}, {erlang, abs, 1 bsl 64}]] end).

debug_sizes() ->
    io:format("== erts_debug~n"),
    X = 7,
    L = [1, 2, 3],
    Big = list_to_binary(lists:duplicate(100, $x)),
    <<_:8, Sub:80/binary, _/binary>> = Big,
    Terms = [a, 1, {}, {a}, [a], "abc", {a, [1, 2], <<1, 2, 3>>}, 1 bsl 64, 1 bsl 200, -(1 bsl 64), <<>>,
             <<1, 2, 3>>, <<0:64/unit:8>>, Big, Sub, #{}, #{a => 1}, #{a => 1, b => [x]}, {L, L}, [L | L],
             fun lists:map/2, fun() -> ok end, fun() -> X end, fun(A) -> {A, X, L} end, closure(L, Big), closure({L, L}, <<1, 2>>), self(), make_ref(),
             list_to_ref("#Ref<0.1.0.3>"), {{}, {}}, [{}], <<1:1>>],
    [p({flat_size, I}, fun() -> erts_debug:flat_size(T) end) || {I, T} <- lists:zip(lists:seq(1, length(Terms)), Terms)],
    [p({size, I}, fun() -> erts_debug:size(T) end) || {I, T} <- lists:zip(lists:seq(1, length(Terms)), Terms)],
    p(same, fun() -> [erts_debug:same(a, a), erts_debug:same(1, 1), erts_debug:same(L, L),
                      erts_debug:same([1], [1 | tl([0])]), erts_debug:same(L, lists:reverse(lists:reverse(L))),
                      erts_debug:same(Big, Big), erts_debug:same({}, {})] end),
    p(term_type, fun() -> [erts_internal:term_type(T) || T <- [a, 1, 1 bsl 64, -(1 bsl 64), {}, [], [1], <<1, 2>>,
                                                               Big, Sub, <<1:1>>, self(), make_ref(),
                                                               fun() -> ok end, fun lists:map/2, #{}]] end),
    p(map_keys, fun() -> [c(fun() -> erts_internal:map_to_tuple_keys(M) end) || M <- [#{}, #{b => 1, a => 2}, foo]] end).
