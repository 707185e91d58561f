%% ETS: creating tables, objects in every table type, traversal, counters,
%% info, renaming, errors. Results whose order depends on the reference's
%% hash layout are sorted.
-module(ets_basic).
-export([main/0]).

p(T) -> io:format("~p~n", [T]).

%% The error and the error_info of the failing BIF's frame.
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

main() ->
    creating(),
    sets(),
    ordered_sets(),
    bags(),
    traversal(),
    counters(),
    elements(),
    info_and_names(),
    keys_and_values(),
    folding(),
    errors(),
    ok.

creating() ->
    T = ets:new(t, []),
    p(is_reference(T)),
    p([ets:info(T, I) || I <- [type, protection, keypos, named_table, size, name, heir, compressed,
                                read_concurrency, write_concurrency, decentralized_counters]]),
    p(ets:info(T, owner) =:= self()),
    p(ets:info(T, id) =:= T),
    p(is_integer(ets:info(T, memory))),
    Opts = [[set], [ordered_set], [bag], [duplicate_bag], [public], [private], [protected],
            [{keypos, 3}], [compressed], [{read_concurrency, true}], [{write_concurrency, true}],
            [{write_concurrency, auto}], [{decentralized_counters, true}], [ordered_set, {write_concurrency, true}],
            [{heir, none}], [{heir, self(), data}], [set, bag, ordered_set], [public, private]],
    [begin
         X = ets:new(x, O),
         p({[case X0 of {heir, _, D} -> {heir, D}; _ -> X0 end || X0 <- O], [ets:info(X, I) || I <- [type, protection, keypos, compressed, read_concurrency,
                                         write_concurrency, decentralized_counters]]}),
         true = ets:delete(X)
     end || O <- Opts],
    H = ets:new(h, [{heir, self(), data}]),
    p(ets:info(H, heir) =:= self()),
    N = ets:new(named, [named_table, public]),
    p(N),
    p(ets:info(named, named_table)),
    p(ets:whereis(named) =:= ets:info(named, id)),
    p(ets:whereis(nonexistent)),
    p(err(fun() -> ets:new(named, [named_table]) end)),
    p(ets:delete(named)),
    p(ets:whereis(named)),
    p(ets:info(named)),
    p(ets:info(T, size)),
    [p(err(fun() -> ets:new(x, O) end)) || O <- [foo, [foo], [{keypos, 0}], [{keypos, a}], [{heir, 1, 2}],
                                                  [{read_concurrency, maybe}], [set | x], [{write_concurrency, 1}]]],
    p(err(fun() -> ets:new("x", []) end)),
    ets:delete(T),
    ets:delete(H).

sets() ->
    T = ets:new(s, [set]),
    p(ets:insert(T, {a, 1})),
    p(ets:insert(T, [{b, 2}, {c, 3}, {a, 4}])),
    p(ets:lookup(T, a)),
    p(ets:lookup(T, z)),
    p(ets:insert_new(T, {a, 5})),
    p(ets:insert_new(T, {d, 5})),
    p(ets:insert_new(T, [{e, 1}, {a, 1}])),
    p(ets:lookup(T, e)),
    p(ets:insert_new(T, [{e, 1}, {f, 1}])),
    p(ets:member(T, f)),
    p(ets:member(T, g)),
    p(lists:sort(ets:tab2list(T))),
    p(ets:info(T, size)),
    p(ets:delete(T, a)),
    p(ets:delete(T, nothing)),
    p(ets:lookup(T, a)),
    p(ets:delete_object(T, {b, 3})),
    p(ets:lookup(T, b)),
    p(ets:delete_object(T, {b, 2})),
    p(ets:lookup(T, b)),
    p(ets:take(T, c)),
    p(ets:take(T, c)),
    p(ets:insert(T, [])),
    p(ets:delete_all_objects(T)),
    p(ets:info(T, size)),
    p(ets:tab2list(T)),
    %% exact keys: 1 and 1.0 are different keys in a set
    ets:insert(T, [{1, int}, {1.0, float}]),
    p(lists:sort(ets:lookup(T, 1) ++ ets:lookup(T, 1.0))),
    p(ets:info(T, size)),
    %% objects with every kind of term
    Big = 1 bsl 100,
    Bin = list_to_binary(lists:seq(1, 200)),
    F = fun(X) -> X + 1 end,
    Objs = [{k1, Big, -Big}, {k2, Bin, <<1, 2>>, <<3:5>>}, {k3, #{a => 1, b => [1, 2]}}, {k4, F},
            {k5, self(), make_ref()}, {{tuple, key}, [1, 2 | 3]}, {[list, key], "str"}, {<<"binkey">>, 1.5}],
    ets:insert(T, Objs),
    [p(ets:lookup(T, element(1, O)) =:= [O]) || O <- Objs],
    [{k4, F2}] = ets:lookup(T, k4),
    p(F2(41)),
    p(ets:lookup(T, {tuple, key})),
    p(ets:lookup(T, <<"binkey">>)),
    ets:delete(T).

ordered_sets() ->
    T = ets:new(o, [ordered_set]),
    ets:insert(T, [{I, I * I} || I <- [5, 3, 9, 1, 7]]),
    p(ets:tab2list(T)),
    p({ets:first(T), ets:last(T)}),
    p({ets:next(T, 3), ets:prev(T, 3), ets:next(T, 4), ets:prev(T, 4), ets:next(T, 9), ets:prev(T, 1)}),
    p({ets:next(T, 100), ets:prev(T, -1)}),
    %% 1 == 1.0 in an ordered set
    ets:insert(T, {1.0, float}),
    p(ets:lookup(T, 1)),
    p(ets:info(T, size)),
    p(ets:member(T, 5.0)),
    ets:insert(T, [{a, atom}, {"s", string}, {{t}, tuple}, {<<"b">>, bin}, {[], nil}, {2.5, f}]),
    p(ets:tab2list(T)),
    p([ets:slot(T, I) || I <- lists:seq(0, 3)]),
    p(ets:slot(T, ets:info(T, size))),
    p(err(fun() -> ets:slot(T, ets:info(T, size) + 1) end)),
    p(ets:take(T, a)),
    p(ets:delete(T, 9)),
    p(ets:tab2list(T)),
    E = ets:new(e, [ordered_set]),
    p({ets:first(E), ets:last(E), ets:next(E, x), ets:prev(E, x)}),
    ets:delete(E),
    ets:delete(T).

bags() ->
    B = ets:new(b, [bag]),
    ets:insert(B, {k, 1}),
    ets:insert(B, {k, 2}),
    ets:insert(B, {k, 1}),
    ets:insert(B, [{k, 3}, {k, 4}, {j, 1}]),
    p(ets:lookup(B, k)),
    p(ets:info(B, size)),
    p(ets:lookup_element(B, k, 2)),
    p(ets:insert_new(B, {k, 9})),
    p(ets:insert_new(B, {m, 9})),
    p(ets:delete_object(B, {k, 2})),
    p(ets:lookup(B, k)),
    p(ets:take(B, k)),
    p(ets:lookup(B, k)),
    p(ets:member(B, j)),
    p(lists:sort(ets:tab2list(B))),
    D = ets:new(d, [duplicate_bag]),
    ets:insert(D, [{k, 1}, {k, 1}, {k, 2}]),
    ets:insert(D, {k, 1}),
    p(ets:lookup(D, k)),
    p(ets:info(D, size)),
    p(ets:delete_object(D, {k, 1})),
    p(ets:lookup(D, k)),
    p(ets:select_count(D, [{'_', [], [true]}])),
    ets:delete(B),
    ets:delete(D).

traversal() ->
    T = ets:new(tr, [set]),
    ets:insert(T, [{I, I} || I <- lists:seq(1, 100)]),
    p(lists:sort(walk(T, ets:first(T)))),
    p(lists:sort(walk_back(T, ets:last(T)))),
    %% slots: every object exactly once
    p(lists:sort(slots(T, 0))),
    ets:safe_fixtable(T, true),
    {_, Fixers} = ets:info(T, safe_fixed),
    p(Fixers =:= [{self(), 1}]),
    p(ets:info(T, fixed)),
    %% deleting while traversing a fixed table
    K1 = ets:first(T),
    ets:delete(T, K1),
    p(length(walk(T, ets:next(T, K1)))),
    ets:safe_fixtable(T, false),
    p(ets:info(T, fixed)),
    p(ets:info(T, safe_fixed)),
    p(ets:info(T, size)),
    p(err(fun() -> ets:next(T, K1) end)),
    E = ets:new(e, [bag]),
    p({ets:first(E), ets:last(E)}),
    ets:delete(E),
    ets:delete(T).

walk(_, '$end_of_table') -> [];
walk(T, K) -> [K | walk(T, ets:next(T, K))].

walk_back(_, '$end_of_table') -> [];
walk_back(T, K) -> [K | walk_back(T, ets:prev(T, K))].

slots(T, I) ->
    case ets:slot(T, I) of
        '$end_of_table' -> [];
        L -> L ++ slots(T, I + 1)
    end.

counters() ->
    T = ets:new(c, [set]),
    ets:insert(T, {c, 0, 10, x}),
    p(ets:update_counter(T, c, 1)),
    p(ets:update_counter(T, c, -5)),
    p(ets:update_counter(T, c, {3, 5})),
    p(ets:update_counter(T, c, [{2, 1}, {3, -1}, {2, 10}])),
    p(ets:update_counter(T, c, {2, 100, 50, 0})),
    p(ets:update_counter(T, c, {2, -100, -5, 7})),
    p(ets:update_counter(T, c, [])),
    p(ets:update_counter(T, c, 1 bsl 70)),
    p(ets:update_counter(T, c, -(1 bsl 70))),
    p(ets:lookup(T, c)),
    p(ets:update_counter(T, new, 5, {new, 100})),
    p(ets:update_counter(T, new2, {2, 1}, {whatever, 1, 2})),
    p(ets:update_counter(T, new3, [{2, 1}, {3, 2}], {x, 0, 0})),
    p(lists:sort(ets:tab2list(T))),
    p(err(fun() -> ets:update_counter(T, nokey, 1) end)),
    p(err(fun() -> ets:update_counter(T, c, {4, 1}) end)),
    p(err(fun() -> ets:update_counter(T, c, {1, 1}) end)),
    p(err(fun() -> ets:update_counter(T, c, {9, 1}) end)),
    p(err(fun() -> ets:update_counter(T, c, a) end)),
    p(err(fun() -> ets:update_counter(T, c, {2, a}) end)),
    p(err(fun() -> ets:update_counter(T, c, [{2, 1} | x]) end)),
    p(err(fun() -> ets:update_counter(T, nokey2, [{2, 1}, {5, 1}], {x, 0}) end)),
    p(ets:lookup(T, nokey2)),
    p(err(fun() -> ets:update_counter(T, nokey3, 1, notuple) end)),
    p(ets:lookup(T, c)),
    O = ets:new(oc, [ordered_set, {keypos, 2}]),
    ets:insert(O, {x, 1.0, 5}),
    p(ets:update_counter(O, 1, {3, 2})),
    p(ets:update_counter(O, 2, {3, 2}, {y, 0, 7})),
    p(ets:tab2list(O)),
    B = ets:new(bc, [bag]),
    ets:insert(B, {k, 1}),
    p(err(fun() -> ets:update_counter(B, k, 1) end)),
    ets:delete(B),
    ets:delete(O),
    ets:delete(T).

elements() ->
    T = ets:new(el, [set]),
    ets:insert(T, {k, a, b, c}),
    p(ets:update_element(T, k, {2, x})),
    p(ets:update_element(T, k, [{3, "list"}, {4, {t}}, {2, y}])),
    p(ets:lookup(T, k)),
    p(ets:update_element(T, nokey, {2, x})),
    p(ets:update_element(T, k, [])),
    p(err(fun() -> ets:update_element(T, k, {1, x}) end)),
    p(err(fun() -> ets:update_element(T, k, {5, x}) end)),
    p(err(fun() -> ets:update_element(T, k, {0, x}) end)),
    p(err(fun() -> ets:update_element(T, k, x) end)),
    p(ets:lookup(T, k)),
    p(ets:lookup_element(T, k, 3)),
    p(ets:lookup_element(T, k, 1)),
    p(err(fun() -> ets:lookup_element(T, k, 5) end)),
    p(err(fun() -> ets:lookup_element(T, nokey, 2) end)),
    p(err(fun() -> ets:lookup_element(T, k, 0) end)),
    B = ets:new(eb, [bag]),
    ets:insert(B, {k, 1}),
    p(err(fun() -> ets:update_element(B, k, {2, x}) end)),
    ets:delete(B),
    ets:delete(T).

info_and_names() ->
    T = ets:new(first_name, [named_table, ordered_set, public]),
    ets:insert(first_name, {1}),
    p(ets:rename(first_name, second_name)),
    p(ets:info(second_name, name)),
    p(ets:lookup(second_name, 1)),
    p(err(fun() -> ets:lookup(first_name, 1) end)),
    U = ets:new(unnamed, []),
    p(ets:rename(U, renamed) =:= U),
    p(element(1, err(fun() -> ets:rename(U, second_name) end))),
    p(ets:info(U, name)),
    p(err(fun() -> ets:rename(second_name, "str") end)),
    ets:new(third, [named_table]),
    p(err(fun() -> ets:rename(second_name, third) end)),
    p(lists:member(T, ets:all()) orelse lists:member(second_name, ets:all())),
    p(lists:member(U, ets:all())),
    Info = ets:info(second_name),
    p(lists:sort([K || {K, _} <- Info])),
    p([lists:keyfind(K, 1, Info) || K <- [name, type, size, named_table, keypos, protection]]),
    p(err(fun() -> ets:info(second_name, bogus) end)),
    p(ets:info(U, safe_fixed_monotonic_time)),
    ets:delete(U),
    p(ets:info(U)),
    p(ets:info(U, size)),
    p(lists:member(U, ets:all())),
    p(err(fun() -> ets:info(self()) end)),
    p(err(fun() -> ets:info(self(), size) end)),
    ets:delete(second_name),
    ets:delete(third).

keys_and_values() ->
    T = ets:new(kp, [{keypos, 2}]),
    p(ets:insert(T, {a, key1, x})),
    p(ets:lookup(T, key1)),
    p(err(fun() -> ets:insert(T, {a}) end)),
    p(err(fun() -> ets:insert(T, [{a, k}, {b}]) end)),
    p(ets:lookup(T, k)),
    p(err(fun() -> ets:insert(T, notatuple) end)),
    p(err(fun() -> ets:insert(T, [{a, k} | improper]) end)),
    ets:delete(T),
    %% big objects and many of them
    B = ets:new(big, [set]),
    ets:insert(B, [{I, lists:seq(1, I rem 50), integer_to_binary(I)} || I <- lists:seq(1, 5000)]),
    p(ets:info(B, size)),
    p(ets:lookup(B, 4321)),
    [ets:delete(B, I) || I <- lists:seq(1, 5000, 2)],
    p(ets:info(B, size)),
    p(lists:sum([K || {K, _, _} <- ets:tab2list(B)])),
    ets:delete(B).

folding() ->
    T = ets:new(f, [ordered_set]),
    ets:insert(T, [{I, I} || I <- lists:seq(1, 10)]),
    p(ets:foldl(fun({K, _}, Acc) -> [K | Acc] end, [], T)),
    p(ets:foldr(fun({K, _}, Acc) -> [K | Acc] end, [], T)),
    S = ets:new(fs, [set]),
    ets:insert(S, [{I, I} || I <- lists:seq(1, 10)]),
    p(ets:foldl(fun({K, _}, Acc) -> K + Acc end, 0, S)),
    p(lists:sort(ets:foldr(fun({K, _}, Acc) -> [K | Acc] end, [], S))),
    p(ets:info(S, fixed)),
    ets:delete(T),
    ets:delete(S).

errors() ->
    T = ets:new(er, []),
    ets:delete(T),
    [p(err(F)) || F <- [fun() -> ets:insert(T, {a}) end,
                        fun() -> ets:lookup(T, a) end,
                        fun() -> ets:insert(1, {a}) end,
                        fun() -> ets:lookup(no_such_table, a) end,
                        fun() -> ets:delete(T) end,
                        fun() -> ets:delete(T, a) end,
                        fun() -> ets:first(T) end,
                        fun() -> ets:next(T, a) end,
                        fun() -> ets:member(T, a) end,
                        fun() -> ets:take(T, a) end,
                        fun() -> ets:update_counter(T, a, 1) end,
                        fun() -> ets:delete_all_objects(T) end,
                        fun() -> ets:tab2list(T) end,
                        fun() -> ets:safe_fixtable(T, true) end,
                        fun() -> ets:slot(T, 0) end,
                        fun() -> ets:lookup(make_ref(), a) end,
                        fun() -> ets:lookup({a, b}, a) end]],
    S = ets:new(er2, [set]),
    [p(err(F)) || F <- [fun() -> ets:safe_fixtable(S, maybe) end,
                        fun() -> ets:slot(S, -1) end,
                        fun() -> ets:slot(S, a) end,
                        fun() -> ets:next(S, not_there) end,
                        fun() -> ets:lookup_element(S, a, a) end,
                        fun() -> ets:give_away(S, self(), x) end,
                        fun() -> ets:setopts(S, {heir, 1}) end,
                        fun() -> ets:setopts(S, [{bogus, 1}]) end,
                        fun() -> ets:delete_object(S, a) end,
                        fun() -> ets:whereis("x") end]],
    ets:delete(S).
