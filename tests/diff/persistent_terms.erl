%% persistent_term: put, get with and without default, replace, erase,
%% get/0 (sorted: its order is the table's), info count, keys of every type.
-module(persistent_terms).
-export([main/0]).

p(Tag, X) -> io:format("~p: ~p~n", [Tag, X]).

x(F) -> try F() catch C:R -> {C, R} end.

main() ->
    p(start, ok),  % whatever io:format keeps in persistent_term is there now
    #{count := C0} = persistent_term:info(),
    Keys = [a, {pt, 1}, "str", <<"bin">>, 1, 1.0, [1 | 2], #{k => v}, {pt, make_ref_free}],
    [ok = persistent_term:put(K, {value, K}) || K <- Keys],
    p(get_all, [persistent_term:get(K) || K <- Keys]),
    p(int_vs_float, {persistent_term:get(1), persistent_term:get(1.0)}),
    p(missing, x(fun() -> persistent_term:get(no_such_key) end)),
    p(default, persistent_term:get(no_such_key, dflt)),
    p(present_default, persistent_term:get(a, dflt)),
    ok = persistent_term:put(a, replaced),
    p(replaced, persistent_term:get(a)),
    ok = persistent_term:put(a, replaced),
    p(same_again, persistent_term:get(a)),
    Big = lists:seq(1, 1000),
    ok = persistent_term:put(big, Big),
    p(big, persistent_term:get(big) =:= Big),
    #{count := C1} = persistent_term:info(),
    p(count_added, C1 - C0),
    %% Sorted by external form: 1 and 1.0 are different keys but equal in
    %% term order, so a plain sort would keep the table's order.
    Mine = lists:sort([{term_to_binary(K), K, V} || {K, V} <- persistent_term:get(), lists:member(K, [big | Keys])]),
    p(get0, [{K, V} || {_, K, V} <- Mine, K =/= big]),
    p(erase, persistent_term:erase(a)),
    p(erase_again, persistent_term:erase(a)),
    p(after_erase, persistent_term:get(a, gone)),
    [persistent_term:erase(K) || K <- [big | Keys]],
    #{count := C2} = persistent_term:info(),
    p(count_after, C2 - C0),
    Self = self(),
    spawn(fun() -> persistent_term:put({from, other}, self()), Self ! done end),
    receive done -> ok end,
    p(from_other_process, is_pid(persistent_term:get({from, other}))),
    persistent_term:erase({from, other}),
    ok.
