%% erts_debug:size_shared/1 and copy_shared/1,2 (sizes that count shared
%% subterms once, literals not at all), persistent terms stored with their
%% sharing and copied into the processes still using them when erased, and
%% get_internal_state({internal_hash, T}).
-module(shared_terms).
-export([main/0]).

p(Tag, X) -> io:format("~p: ~p~n", [Tag, X]).

shared(0) -> [];
shared(N) -> A = shared(N - 1), [A | A].

main() ->
    L = shared(12),
    T = {L, L, L},
    Bin = list_to_binary(lists:seq(1, 200)),
    M = #{a => L, b => T},
    X = 42,
    F = fun() -> {L, X} end,
    Lit = {literal, [1, 2, 3], <<"abc">>},
    p(sizes, [{erts_debug:size(V), erts_debug:size_shared(V), erts_debug:flat_size(V)}
              || V <- [L, T, Bin, {Bin, Bin}, M, F, Lit, atom, 7, [Bin | Bin]]]),
    p(copies, [{C =:= V, erts_debug:size_shared(C)}
               || V <- [L, T, M, {Bin, Bin}, Lit], C <- [erts_debug:copy_shared(V),
                                                       erts_debug:copy_shared(V, true)]]),
    p(copy_badarg, try erts_debug:copy_shared({a, [b]}, maybe) catch C:R -> {C, R} end),

    Key = {?MODULE, shared},
    ok = persistent_term:put(Key, T),
    Stored = persistent_term:get(Key),
    p(stored, {Stored =:= T, erts_debug:size(Stored), erts_debug:size_shared(Stored)}),
    Self = self(),
    Pid = spawn(fun() ->
                        Mine = persistent_term:get(Key),
                        Self ! {got, erts_debug:size_shared(Mine)},
                        receive erased -> ok end,
                        Self ! {copied, wait_copied(Mine, 1), Mine =:= T}
                end),
    receive {got, S0} -> p(other_before, S0) end,
    true = persistent_term:erase(Key),
    Pid ! erased,
    p(self_after, wait_copied(Stored, 1)),
    receive {copied, S1, Same} -> p(other_after, {S1, Same}) end,

    erts_debug:set_internal_state(available_internal_state, true),
    p(internal_hash, [erts_debug:get_internal_state({internal_hash, V})
                      || V <- [0, 1, -1, 77674392, 148027, 1 bsl 70, [], "abc", <<"abc">>, {1, 2}, 1.5]]),
    ok.

wait_copied(Term, Ms) ->
    case erts_debug:size_shared(Term) of
        0 when Ms < 5000 ->
            receive after Ms -> ok end,
            wait_copied(Term, Ms * 2);
        Size ->
            {Size, erts_debug:size(Term)}
    end.
