%% BIF fuzzing: calls every BIF the VM implements (beamvm:bifs/0) with
%% random arguments from a fixed-seed generator, catching every exception.
%% The VM must not crash; run it on the sanitizer build.
%%   beamvm -noshell -pa DIR -run bif_fuzz main [ITERATIONS] [SEED]
%% BIFs that would end or derail the test itself are skipped (halt, exit/2,
%% apply and spawn run arbitrary code, hibernate sleeps until a message that
%% never comes, output BIFs only add noise).
-module(bif_fuzz).
-export([main/0, main/1]).

-define(SKIP, [{erlang, halt}, {erlang, exit}, {erlang, apply}, {erlang, spawn}, {erlang, spawn_link},
               {erlang, spawn_opt}, {erlang, display}, {beamvm, put_chars}, {erlang, group_leader},
               {erts_internal, group_leader}, {erlang, yield}, {erlang, hibernate}, {erlang, raise}, {erlang, throw}, {erlang, error}, {erlang, nif_error},
               {erlang, register}, {erlang, unregister}, {erlang, process_flag}, {erlang, link},
               {erlang, '!'}, {erlang, send}, {os, putenv}, {os, unsetenv}, {erlang, erase},
               {persistent_term, erase}, {beamvm, bifs}]).

main() -> main(["300", "1"]).

main([Iters, Seed]) ->
    N = list_to_integer(Iters),
    S0 = list_to_integer(Seed),
    Bifs = [B || {M, F, _} = B <- beamvm:bifs(), not lists:member({M, F}, ?SKIP)],
    {Calls, _} = lists:foldl(fun(Bif, {C, S}) -> fuzz(Bif, N, C, S) end, {0, S0}, Bifs),
    io:format("bif_fuzz: ~p BIFs, ~p calls, no crash~n", [length(Bifs), Calls]),
    halt().

fuzz(_, 0, C, S) -> {C, S};
fuzz({M, F, A} = Bif, N, C, S0) ->
    {Args, S1} = args(A, S0, []),
    _ = (catch apply(M, F, Args)),
    fuzz(Bif, N - 1, C + 1, S1).

args(0, S, Acc) -> {Acc, S};
args(N, S0, Acc) ->
    {T, S1} = term(S0, 3),
    args(N - 1, S1, [T | Acc]).

%% A small linear congruential generator: deterministic across VMs.
next(S) -> (S * 1103515245 + 12345) band 16#7FFFFFFF.
pick(S, N) -> S1 = next(S), {S1 rem N, S1}.

term(S0, Depth) ->
    {K, S1} = pick(S0, case Depth of 0 -> 9; _ -> 17 end),
    case K of
        0 -> {V, S} = pick(S1, 300), {V - 10, S};
        1 -> {V, S} = pick(S1, 64), {1 bsl V - 1, S};
        2 -> {V, S} = pick(S1, 200), {-(1 bsl V), S};
        3 -> {V, S} = pick(S1, 10000), {V / 7.0 - 500.0, S};
        4 -> {V, S} = pick(S1, 16),
             {element(V + 1, {ok, true, false, undefined, latin1, unicode, utf8, all, global, [],
                              infinity, second, native, binary, error, nil}), S};
        5 -> {V, S} = pick(S1, 5), {lists:nth(V + 1, [<<>>, <<"abc">>, <<0, 255, 128>>, <<1:3>>, list_to_binary(lists:seq(0, 99))]), S};
        6 -> {V, S} = pick(S1, 4), {lists:nth(V + 1, ["", "text", [$a, 256, 1114111], [104 | <<"x">>]]), S};
        7 -> {self(), S1};
        8 -> {V, S} = pick(S1, 3), {lists:nth(V + 1, [make_ref(), fun() -> ok end, fun lists:map/2]), S};
        9 -> {V, S} = pick(S1, 4), list(V, S, Depth - 1, []);
        10 -> {V, S} = pick(S1, 4), {L, S2} = list(V, S, Depth - 1, []), {list_to_tuple(L), S2};
        11 -> {H, S} = term(S1, Depth - 1), {T, S2} = term(S, Depth - 1), {[H | T], S2};
        12 -> {V, S} = pick(S1, 3), {L, S2} = list(V * 2, S, Depth - 1, []), {maps:from_list(pairs(L)), S2};
        13 -> {V, S} = pick(S1, 3), {L, S2} = list(V, S, Depth - 1, []), {[{K1, K1} || K1 <- L], S2};
        14 -> {V, S} = pick(S1, 2000), {list_to_binary(lists:duplicate(V rem 50, <<V:16>>)), S};
        15 -> {V, S} = pick(S1, 3), {L, S2} = list(V * 2, S, Depth - 1, []),
              {maps:merge(maps:from_list([{I, I} || I <- lists:seq(1, 30 + V * 3)]), maps:from_list(pairs(L))), S2};
        _ -> {V, S} = pick(S1, 3), list(V, S, Depth - 1, [])
    end.

list(0, S, _, Acc) -> {Acc, S};
list(N, S0, Depth, Acc) ->
    {T, S1} = term(S0, Depth),
    list(N - 1, S1, Depth, [T | Acc]).

pairs([K, V | T]) -> [{K, V} | pairs(T)];
pairs(_) -> [].
