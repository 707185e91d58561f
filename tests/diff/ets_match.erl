%% ETS match specifications: heads, guards, bodies; select, match and
%% match_object with and without continuations; counting, deleting and
%% replacing; compiled specs; invalid specs.
-module(ets_match).
-export([main/0]).
-include_lib("stdlib/include/ms_transform.hrl").

p(T) -> io:format("~p~n", [T]).

err(F) ->
    try F() of
        V -> {ok, V}
    catch
        C:R:St ->
            case St of
                [{M, Fn, A, I} | _] when is_list(A) ->
                    {C, R, {M, Fn, length(A)}, proplists:get_value(error_info, I)};
                _ -> {C, R}
            end
    end.

sorted({L, C}) when is_list(L) -> {lists:sort(L), C};
sorted(L) when is_list(L) -> lists:sort(L);
sorted(X) -> X.

main() ->
    Types = [set, ordered_set, bag, duplicate_bag],
    [begin p(Type), heads(Type), guards(Type), bodies(Type), chunks(Type), counting(Type) end || Type <- Types],
    replacing(),
    bag_order(),
    compiled(),
    invalid(),
    partial_keys(),
    ok.

fill(Type) ->
    T = ets:new(m, [Type]),
    ets:insert(T, [{I, I rem 3, {sub, I}, [I, I + 1]} || I <- lists:seq(1, 20)]),
    ets:insert(T, [{a, atom, "str", #{k => v}}, {1.5, float, <<"bin">>, []}, {{t, 1}, tuple, self(), x}]),
    case Type of
        bag -> ets:insert(T, [{1, extra, x, y}, {1, extra, x, y}]);
        duplicate_bag -> ets:insert(T, [{1, extra, x, y}, {1, extra, x, y}]);
        _ -> ok
    end,
    T.

sel(T, MS) -> sorted(ets:select(T, MS)).

heads(Type) ->
    T = fill(Type),
    p(sel(T, [{{'$1', 0, '_', '_'}, [], ['$1']}])),
    p(sel(T, [{{'$1', '$2', {sub, '$1'}, ['$1' | '_']}, [], [{{'$1', '$2'}}]}])),
    p(sel(T, [{{'$1', '$1', '_', '_'}, [], ['$_']}])),
    p(sel(T, [{{5, '_', '_', '_'}, [], ['$_']}])),
    p(sel(T, [{{1, '$1', '$2', '$3'}, [], ['$$']}])),
    p(sel(T, [{{a, '_', '_', #{k => '$1'}}, [], ['$1']}])),
    p(sel(T, [{{'_', '_', <<"bin">>, '_'}, [], ['$_']}])),
    p(sel(T, [{{'_', '_', '_'}, [], ['$_']}])),
    p(sel(T, [{'_', [], [ok]}]) =:= lists:duplicate(ets:info(T, size), ok)),
    p(sel(T, [{'$1', [{'==', {element, 2, '$1'}, tuple}], ['$1']}]) =/= []),
    p(sel(T, [{{1.5, '_', '_', '_'}, [], [found]}, {{1, '_', '_', '_'}, [], [found1]}])),
    p(sel(T, [{{{t, '_'}, '$1', '_', '_'}, [], ['$1']}])),
    p(sel(T, [{{'$1', '_', '_', '_'}, [{is_atom, '$1'}], ['$1']}, {{'$1', '_', '_', '_'}, [{is_float, '$1'}], ['$1']}])),
    p(sorted(ets:match(T, {'$1', 2, '_', ['_', '$2']}))),
    p(sorted(ets:match(T, {'_', '$1', '_', '_'})) =/= []),
    p(sorted(ets:match_object(T, {'_', 1, '_', '_'}))),
    p(sorted(ets:match_object(T, {a, '_', '_', '_'}))),
    p(ets:match(T, {nomatch, '$1'})),
    p(length(ets:match_object(T, '_')) =:= ets:info(T, size)),
    p(length(ets:tab2list(T))),
    ets:delete(T).

guards(Type) ->
    T = fill(Type),
    G = fun(Guards) -> sel(T, [{{'$1', '$2', '$3', '$4'}, Guards, ['$1']}]) end,
    p(G([{'>', '$1', 15}, {is_integer, '$1'}])),
    p(G([{'andalso', {is_integer, '$1'}, {'=:=', {'rem', '$1', 7}, 0}}])),
    p(G([{'orelse', {'==', '$1', 1}, {'==', '$1', a}}])),
    p(G([{'or', {'==', '$1', 2}, {'==', '$1', 3}}])),
    p(G([{'and', {is_integer, '$1'}, {'<', '$1', 3}}])),
    p(G([{'xor', {is_integer, '$1'}, {is_atom, '$1'}}])),
    p(G([{'not', {is_number, '$1'}}])),
    p(G([{is_tuple, '$1'}])),
    p(G([{is_map, '$4'}])),
    p(G([{is_binary, '$3'}])),
    p(G([{is_list, '$4'}, {'>', {length, '$4'}, 1}, {'>', {hd, '$4'}, 18}])),
    p(G([{'=:=', {tl, '$4'}, [6]}])),
    p(G([{'==', {element, 1, '$3'}, sub}, {'>', {element, 2, '$3'}, 18}])),
    p(G([{'==', {size, '$3'}, 3}])),
    p(G([{is_map, '$4'}, {'==', {map_get, k, '$4'}, v}])),
    p(G([{is_map, '$4'}, {is_map_key, k, '$4'}])),
    p(G([{'==', {map_size, '$4'}, 1}])),
    p(G([{'==', {byte_size, '$3'}, 3}])),
    p(G([{'==', {bit_size, '$3'}, 24}])),
    p(G([{'=:=', {binary_part, '$3', 0, 1}, <<"b">>}])),
    p(G([{'==', {abs, {'-', '$1'}}, 4}])),
    p(G([{'==', {'*', '$1', 2}, 16}])),
    p(G([{'==', {'+', '$1', 0.5}, 2.0}])),
    p(G([{'==', {'div', '$1', 5}, 3}])),
    p(G([{'==', {'/', '$1', 4}, 2.5}])),
    p(G([{'==', {'band', '$1', 3}, 3}, {'<', '$1', 10}])),
    p(G([{'==', {'bor', '$1', 16}, 17}])),
    p(G([{'==', {'bxor', '$1', 1}, 5}])),
    p(G([{'==', {'bsl', '$1', 2}, 8}])),
    p(G([{'==', {'bsr', '$1', 1}, 9}, {is_integer, '$1'}])),
    p(G([{'==', {'bnot', '$1'}, -4}])),
    p(G([{'==', {round, '$1'}, 2}])),
    p(G([{'==', {trunc, '$1'}, 1}])),
    p(G([{'==', {float, '$1'}, 3.0}])),
    p(G([{'==', {'-', '$1', 1}, 0}])),
    p(G([{'==', {'+', '$1'}, 7}])),
    p(G([{'=/=', '$2', {const, 0}}, {'/=', '$2', 1}, {'=<', '$1', 8}])),
    p(G([{'>=', '$1', 19}, {'<', '$1', 100}])),
    p(G([{'==', '$3', {const, {sub, 4}}}])),
    p(G([{'==', '$3', {{sub, 5}}}])),
    p(G([{'==', '$3', {{sub, {'+', '$1', 0}}}}, {'<', '$1', 3}])),
    p(G([{'==', {node}, node()}, {'==', '$1', 2}])),
    p(G([{'==', {node, '$3'}, node()}])),
    p(G([{is_pid, '$3'}, {'==', '$3', {self}}])),
    p(G([{is_record, '$3', sub, 2}, {'<', '$1', 3}])),
    p(G([{is_function, '$3'}])),
    p(G([{is_port, '$3'}])),
    p(G([{is_reference, '$3'}])),
    %% guards that raise fail the clause only
    p(G([{'>', {'+', '$1', 1}, 0}])),
    p(G([{'==', {hd, '$1'}, x}])),
    p(G([{'==', {element, 5, '$3'}, x}])),
    p(G([{'andalso', {is_integer, '$1'}, {'>', {'div', 10, '$2'}, 4}}])),
    p(G([true])),
    p(G([false])),
    p(G([{'==', '$1', 1}, notbool])),
    p(G([{'and', true, notbool}])),
    ets:delete(T).

bodies(Type) ->
    T = fill(Type),
    B = fun(Body) -> sel(T, [{{'$1', '$2', '$3', '$4'}, [{'<', '$1', 3}, {is_integer, '$1'}], Body}]) end,
    p(B(['$1'])),
    p(B(['$$'])),
    p(B(['$_'])),
    p(B([first, '$2'])),
    p(B([{{'$1', {{'$2', x}}, [a, '$3']}}])),
    p(B([['$1' | '$2']])),
    p(B([#{key => '$1', '$2' => val}])),
    p(B([{'+', '$1', 100}])),
    p(B([{element, 9, '$3'}])),
    p(B([{{'$1', {element, 9, '$3'}}}])),
    p(B([{hd, '$1'}])),
    p(B([{'andalso', '$1', true}])),
    p(B([{const, '$1'}])),
    p(B([{self}]) =:= lists:duplicate(length(B(['$1'])), self())),
    p(B([{'div', '$1', 0}])),
    p(B([{'orelse', false, '$2'}])),
    p(B([{{'$1', '$1'}}])),
    p(B([[]])),
    p(B([{{}}])),
    p(B([{float, '$1'}, {abs, '$2'}])),
    ets:delete(T).

chunks(Type) ->
    T = fill(Type),
    MS = [{{'$1', '_', '_', '_'}, [{is_integer, '$1'}], ['$1']}],
    All = lists:sort(ets:select(T, MS)),
    [begin
         Got = collect(ets:select(T, MS, N)),
         p({N, lists:sort(Got) =:= All, length(Got)})
     end || N <- [1, 3, 7, 20, 100]],
    RGot = collect(ets:select_reverse(T, MS, 4)),
    p(lists:sort(RGot) =:= All),
    case Type of
        ordered_set ->
            {_, C} = ets:select(T, MS, 5),
            p(element(1, ets:select(T, MS, 5))),
            p(element(1, ets:select(C))),
            p(element(1, ets:select_reverse(T, MS, 5))),
            p(ets:select_reverse(T, MS)),
            {M1, MC} = ets:match(T, {'$1', 0, '_', '_'}, 3),
            p(M1),
            p(element(1, ets:match(MC))),
            {_, OC} = ets:match_object(T, {'$1', 1, '_', '_'}, 2),
            p(element(1, ets:match_object(OC)));
        _ ->
            p(sorted(ets:select_reverse(T, MS))),
            {M1, MC} = ets:match(T, {'$1', 0, '_', '_'}, 3),
            p(length(M1)),
            p(length(collect(ets:match(MC)))),
            {O1, OC} = ets:match_object(T, {'$1', 1, '_', '_'}, 2),
            p(length(O1) + length(collect(ets:match_object(OC))))
    end,
    p(ets:select(T, [{{nomatch, '_', '_', '_'}, [], ['$_']}], 10)),
    p(ets:select(T, [{{'$1', '_', '_', '_'}, [{'==', '$1', a}], ['$_']}], 10)),
    p(ets:select(T, [{{1.5, '_', '_', '_'}, [], ['$_']}], 10)),
    p(ets:select('$end_of_table')),
    p(ets:match('$end_of_table')),
    p(ets:match_object('$end_of_table')),
    p(err(fun() -> ets:select(T, MS, 0) end)),
    p(err(fun() -> ets:select(T, MS, a) end)),
    p(err(fun() -> ets:select(bogus) end)),
    p(err(fun() -> ets:select({a, b, c, d, e, f}) end)),
    %% a continuation of a deleted table
    {_, Cont} = ets:select(T, MS, 2),
    ets:delete(T),
    p(err(fun() -> ets:select(Cont) end)).

collect('$end_of_table') -> [];
collect({L, C}) -> L ++ collect(ets:select(C)).

counting(Type) ->
    T = fill(Type),
    p(ets:select_count(T, [{{'$1', '_', '_', '_'}, [{is_integer, '$1'}], [true]}])),
    p(ets:select_count(T, [{{'$1', 0, '_', '_'}, [], [true]}, {{'$1', 1, '_', '_'}, [], [false]}])),
    p(ets:select_count(T, [{'_', [], [notrue]}])),
    p(ets:select_count(T, [{{1, '_', '_', '_'}, [], [true]}])),
    p(ets:select_delete(T, [{{'$1', 0, '_', '_'}, [], [true]}])),
    p(ets:select_delete(T, [{{'$1', '_', '_', '_'}, [{'>', '$1', 18}, {is_integer, '$1'}], [true]}])),
    p(ets:select_delete(T, [{{'_', '_', '_', '_'}, [], [false]}])),
    p(ets:select_delete(T, [{{1, extra, '_', '_'}, [], [true]}])),
    p(ets:info(T, size)),
    p(ets:match_delete(T, {'_', 1, '_', '_'})),
    p(sorted(ets:select(T, [{{'$1', '_', '_', '_'}, [], ['$1']}]))),
    p(ets:select_delete(T, [{'_', [], [true]}])),
    p(ets:info(T, size)),
    ets:delete(T).

replacing() ->
    T = ets:new(r, [set]),
    ets:insert(T, [{I, I, v} || I <- lists:seq(1, 10)]),
    p(ets:select_replace(T, [{{'$1', '$2', '_'}, [{'>', '$1', 5}], [{{'$1', {'*', '$2', 10}, new}}]}])),
    p(lists:sort(ets:tab2list(T))),
    p(ets:select_replace(T, [{{'$1', '$2', '$3'}, [{'==', '$1', 1}], [{{'$1', '$2', {{'$3', '$3'}}}}]}])),
    p(ets:lookup(T, 1)),
    p(ets:select_replace(T, [{{2, '_', '_'}, [], [{const, {2, const, obj}}]}])),
    p(ets:lookup(T, 2)),
    p(err(fun() -> ets:select_replace(T, [{'$1', [{'==', {element, 1, '$1'}, 3}], ['$1']}]) end)),
    p(ets:select_replace(T, [{{'$1', '_', '_'}, [{'==', '$1', 4}], [{{{element, 1, '$_'}, elem, x}}]}])),
    p(ets:lookup(T, 4)),
    [p(err(fun() -> ets:select_replace(T, MS) end)) ||
        MS <- [[{{'$1', '_', '_'}, [], [{{x, '$1'}}]}],
               [{{'$1', '_', '_'}, [], [{{'$1', a}}, b]}],
               [{'_', [], ['$_']}],
               [{{'$1', '_', '_'}, [], [{const, {other, a, b}}]}],
               notalist]],
    O = ets:new(ro, [ordered_set]),
    ets:insert(O, [{I, 0} || I <- lists:seq(1, 5)]),
    p(ets:select_replace(O, [{{'$1', '$2'}, [{'<', '$1', 3}], [{{'$1', {'+', '$2', 1}}}]}])),
    p(ets:tab2list(O)),
    B = ets:new(rb, [bag]),
    p(err(fun() -> ets:select_replace(B, [{'$1', [], ['$1']}]) end)),
    ets:delete(B),
    ets:delete(O),
    ets:delete(T).

%% The objects of one key come in lookup order, whatever the hash order.
bag_order() ->
    B = ets:new(b, [bag]),
    ets:insert(B, [{k, 1}, {k, 2}, {k, 3}]),
    ets:insert(B, {k, 4}),
    p(ets:lookup(B, k)),
    p(ets:select(B, [{{k, '$1'}, [], ['$1']}])),
    p(ets:match_object(B, {k, '_'})),
    p(ets:tab2list(B)),
    D = ets:new(d, [duplicate_bag]),
    ets:insert(D, [{k, 1}, {k, 2}, {k, 1}]),
    ets:insert(D, {k, 2}),
    p(ets:select(D, [{{k, '$1'}, [], ['$1']}])),
    ets:delete_object(D, {k, 1}),
    p(ets:match(D, {k, '$1'})),
    ets:delete(B),
    ets:delete(D).

compiled() ->
    MS = [{{'$1', '$2'}, [{'>', '$2', 1}], [{{'$2', '$1'}}]}],
    C = ets:match_spec_compile(MS),
    p(ets:is_compiled_ms(C)),
    p(ets:is_compiled_ms(MS)),
    p(ets:is_compiled_ms(make_ref())),
    p(ets:match_spec_run([{a, 1}, {b, 2}, {c, 3}, x, {d}], C)),
    p(ets:match_spec_run([], C)),
    p(err(fun() -> ets:match_spec_compile([{a}]) end)),
    p(err(fun() -> ets:match_spec_run([{a, 1}], MS) end)),
    p(ets:test_ms({a, 5}, MS)),
    p(ets:test_ms({a, 0}, MS)),
    p(ets:test_ms({a, 5}, [{{'$1', '$2'}, [{bad_fun, '$1'}], ['$1']}])),
    p(ets:test_ms({a, b}, [{{'$1', '$2'}, [], ['$3']}])),
    p(erlang:match_spec_test([a, b], [{['$1', '_'], [], [{message, '$1'}]}], trace)),
    p(erlang:match_spec_test([a, b], [{['$1', '_'], [], [{return_trace}]}], trace)),
    p(erlang:match_spec_test({x}, [{{'$1'}, [], ['$1']}], table)),
    p(ets:fun2ms(fun({A, B}) when A > B -> {B, A} end)),
    p(ets:match_spec_run([{3, 1}, {1, 3}], ets:match_spec_compile(ets:fun2ms(fun({A, B}) when A > B -> {B, A} end)))).

invalid() ->
    T = ets:new(i, []),
    ets:insert(T, {1, 2}),
    [p(err(fun() -> ets:select(T, MS) end)) ||
        MS <- [notalist, [notatuple], [{'_', [], notalist}], [{'_', notalist, []}],
               [{'_', [{undefined_fun, 1}], [true]}], [{'_', [], ['$1']}], [{'_', [], [{foo}]}],
               [{'_', [{'+', 1}], [true]}], [{#{'$1' => 1}, [], [true]}], [{'_', [], [x]} | tail],
               [{'_', [], [{message, x}]}], [{'_', [], [{return_trace}]}], [{'_', [{const}], [true]}],
               [{'_', [], [{'$1', x}]}]]],
    p(err(fun() -> ets:match(T, {'$1'}, 0) end)),
    p(err(fun() -> ets:select_count(T, bad) end)),
    p(err(fun() -> ets:select_delete(T, bad) end)),
    p(err(fun() -> ets:select_replace(T, bad) end)),
    p(err(fun() -> ets:select(nosuchtab, []) end)),
    p(ets:select(T, [])),
    p(ets:select(T, [], 1)),
    ets:delete(T).

partial_keys() ->
    T = ets:new(pk, [ordered_set]),
    ets:insert(T, [{{K1, K2}, v} || K1 <- [a, b, c], K2 <- [1, 2, 3]]),
    ets:insert(T, [{{b}, short}, {{b, 1, x}, long}, {b, atom}, {[b, 1], list}, {[b | 2], improper}]),
    p(ets:select(T, [{{{b, '_'}, '$1'}, [], ['$_']}])),
    p(ets:select(T, [{{{'_', 2}, '_'}, [], ['$_']}])),
    p(ets:select(T, [{{{b, '$1'}, '_'}, [{'>', '$1', 1}], ['$1']}])),
    p(ets:select_reverse(T, [{{{b, '_'}, '$1'}, [], ['$_']}])),
    p(ets:select(T, [{{[b | '_'], '_'}, [], ['$_']}])),
    p(element(1, ets:select(T, [{{{b, '_'}, '_'}, [], ['$_']}], 2))),
    p(ets:select(T, [{{{c, '_'}, '_'}, [], ['$_']}, {{{a, 1}, '_'}, [], ['$_']}])),
    p(ets:select_count(T, [{{{b, '_'}, '_'}, [], [true]}])),
    p(ets:select_delete(T, [{{{a, '_'}, '_'}, [], [true]}])),
    p(ets:info(T, size)),
    p(ets:match(T, {{'$1', 3}, '_'})),
    p(element(1, ets:match_object(T, {{c, '_'}, '_'}, 2))),
    ets:delete(T).
