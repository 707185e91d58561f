%% ETS ownership: access from other processes, owners dying, heirs,
%% give_away, setopts, named tables across processes, fixations released
%% by dying processes, many processes using one public table.
-module(ets_owner).
-export([main/0]).

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

%% Runs F in a new process and returns its result.
in_other(F) ->
    Self = self(),
    Pid = spawn(fun() -> Self ! {self(), F()} end),
    receive {Pid, R} -> R end.

%% A process that owns what it is given and waits to be told to stop.
spawn_waiting() ->
    spawn(fun Loop() ->
                  receive
                      {run, From, F} -> From ! {self(), F()}, Loop();
                      stop -> ok
                  end
          end).

run(Pid, F) ->
    Pid ! {run, self(), F},
    receive {Pid, R} -> R end.

stop(Pid) ->
    Ref = monitor(process, Pid),
    Pid ! stop,
    receive {'DOWN', Ref, _, _, _} -> ok end.

main() ->
    access(),
    owner_death(),
    heirs(),
    giving_away(),
    named_across(),
    fixations(),
    many_writers(),
    ok.

access() ->
    [begin
         T = ets:new(a, [Prot]),
         ets:insert(T, {k, 1}),
         p({Prot,
            in_other(fun() -> err(fun() -> ets:lookup(T, k) end) end),
            in_other(fun() -> err(fun() -> ets:insert(T, {k, 2}) end) end),
            in_other(fun() -> err(fun() -> ets:select(T, [{'_', [], ['$_']}]) end) end),
            in_other(fun() -> err(fun() -> ets:update_counter(T, k, 1) end) end),
            in_other(fun() -> err(fun() -> ets:delete(T, k) end) end),
            in_other(fun() -> err(fun() -> ets:first(T) end) end),
            in_other(fun() -> err(fun() -> ets:match_object(T, '_') end) end),
            in_other(fun() -> err(fun() -> ets:select_delete(T, [{'_', [], [false]}]) end) end),
            in_other(fun() -> err(fun() -> ets:member(T, k) end) end),
            in_other(fun() -> err(fun() -> ets:safe_fixtable(T, true) end) end),
            in_other(fun() -> ets:info(T, size) end),
            in_other(fun() -> err(fun() -> ets:setopts(T, {heir, none}) end) end),
            in_other(fun() -> err(fun() -> ets:delete(T) end) end)}),
         p(err(fun() -> ets:lookup(T, k) end)),
         catch ets:delete(T)
     end || Prot <- [public, protected, private]],
    T = ets:new(prot, [private]),
    p(ets:setopts(T, {protection, public})),
    p(in_other(fun() -> ets:insert(T, {x}) end)),
    p(ets:info(T, protection)),
    ets:delete(T).

owner_death() ->
    Owner = spawn_waiting(),
    T = run(Owner, fun() -> ets:new(dies, [public]) end),
    N = run(Owner, fun() -> ets:new(dies_named, [named_table, public]) end),
    ets:insert(T, {x, 1}),
    p(ets:info(T, owner) =:= Owner),
    p(lists:member(T, ets:all())),
    stop(Owner),
    p(ets:info(T)),
    p(ets:info(N)),
    p(err(fun() -> ets:lookup(T, x) end)),
    p(err(fun() -> ets:insert(dies_named, {x}) end)),
    p(lists:member(T, ets:all())),
    p(ets:whereis(dies_named)),
    %% the name is free again
    p(ets:new(dies_named, [named_table])),
    ets:delete(dies_named),
    %% a process that crashes loses its tables too
    Self = self(),
    {Pid, Ref} = spawn_monitor(fun() -> Self ! {tab, ets:new(crash, [])}, exit(crash) end),
    receive {'DOWN', Ref, process, Pid, Why} -> p(Why) end,
    receive {tab, CT} -> p(ets:info(CT)) end.

heirs() ->
    Self = self(),
    Owner = spawn_waiting(),
    T = run(Owner, fun() -> ets:new(inherit, [{heir, Self, my_gift}]) end),
    run(Owner, fun() -> ets:insert(T, {a, 1}) end),
    p(ets:info(T, heir) =:= Self),
    stop(Owner),
    receive
        {'ETS-TRANSFER', T, Owner, Data} -> p({transfer, Data})
    after 2000 -> p(no_transfer)
    end,
    p(ets:info(T, owner) =:= Self),
    p(ets:info(T, heir) =:= Self),
    p(ets:lookup(T, a)),
    ets:insert(T, {b, 2}),
    ets:delete(T),
    %% named table with heir; heir set later with setopts
    Owner2 = spawn_waiting(),
    run(Owner2, fun() -> ets:new(named_heir, [named_table]) end),
    p(run(Owner2, fun() -> ets:setopts(named_heir, {heir, Self, later}) end)),
    stop(Owner2),
    receive
        {'ETS-TRANSFER', named_heir, Owner2, D2} -> p({transfer, D2})
    after 2000 -> p(no_transfer)
    end,
    p(ets:info(named_heir, owner) =:= Self),
    ets:delete(named_heir),
    %% heir removed again: the table dies with its owner
    Owner3 = spawn_waiting(),
    T3 = run(Owner3, fun() -> ets:new(h3, [{heir, Self, x}]) end),
    run(Owner3, fun() -> ets:setopts(T3, {heir, none}) end),
    stop(Owner3),
    p(ets:info(T3)),
    receive {'ETS-TRANSFER', _, _, _} = M -> p({unexpected, M}) after 100 -> p(no_message) end,
    %% a dead heir: the table is deleted
    DeadHeir = spawn(fun() -> ok end),
    stop(DeadHeir),
    Owner4 = spawn_waiting(),
    T4 = run(Owner4, fun() -> ets:new(h4, [{heir, DeadHeir, x}]) end),
    p(ets:info(T4, heir)),
    stop(Owner4),
    p(ets:info(T4)),
    %% an heir that dies before the owner
    Heir5 = spawn_waiting(),
    Owner5 = spawn_waiting(),
    T5 = run(Owner5, fun() -> ets:new(h5, [{heir, Heir5, x}]) end),
    stop(Heir5),
    stop(Owner5),
    p(ets:info(T5)),
    %% a chain: the heir inherits, then dies, the table goes
    Heir6 = spawn_waiting(),
    Owner6 = spawn_waiting(),
    T6 = run(Owner6, fun() -> ets:new(h6, [public, {heir, Heir6, x}]) end),
    stop(Owner6),
    timer:sleep(50),
    p(ets:info(T6, owner) =:= Heir6),
    stop(Heir6),
    p(ets:info(T6)),
    %% the owner being its own heir
    Owner7 = spawn_waiting(),
    T7 = run(Owner7, fun() -> ets:new(h7, [{heir, self(), x}]) end),
    stop(Owner7),
    p(ets:info(T7)),
    p(err(fun() -> ets:setopts(ets:new(x, []), [{heir, self(), a}, {heir, none}]) end)).

giving_away() ->
    Self = self(),
    T = ets:new(gift, [protected]),
    ets:insert(T, {a, 1}),
    Receiver = spawn_waiting(),
    p(ets:give_away(T, Receiver, here_you_go)),
    p(ets:info(T, owner) =:= Receiver),
    p(run(Receiver, fun() -> receive {'ETS-TRANSFER', T, Self, G} -> G after 1000 -> none end end)),
    p(err(fun() -> ets:insert(T, {b, 2}) end)),
    p(ets:lookup(T, a)),
    p(err(fun() -> ets:give_away(T, self(), back) end)),
    p(run(Receiver, fun() -> ets:give_away(T, Self, back) end)),
    receive {'ETS-TRANSFER', T, Receiver, back} -> p(got_back) after 1000 -> p(not_back) end,
    p(ets:info(T, owner) =:= Self),
    p(err(fun() -> ets:give_away(T, self(), again) end)),
    Dead = spawn(fun() -> ok end),
    stop(Dead),
    p(err(fun() -> ets:give_away(T, Dead, x) end)),
    p(err(fun() -> ets:give_away(T, notapid, x) end)),
    P = ets:new(pub, [public]),
    p(run(Receiver, fun() -> err(fun() -> ets:give_away(P, Receiver, x) end) end)),
    ets:delete(P),
    stop(Receiver),
    ets:delete(T).

named_across() ->
    ets:new(shared_name, [named_table, public, ordered_set]),
    [in_other(fun() -> ets:insert(shared_name, {I, self() =/= none}) end) || I <- lists:seq(1, 5)],
    p(ets:tab2list(shared_name)),
    p(in_other(fun() -> ets:info(shared_name, size) end)),
    p(in_other(fun() -> err(fun() -> ets:new(shared_name, [named_table]) end) end)),
    p(in_other(fun() -> ets:delete(shared_name) end)),
    p(ets:info(shared_name)),
    ets:new(prot_name, [named_table]),
    p(in_other(fun() -> err(fun() -> ets:rename(prot_name, other_name) end) end)),
    p(in_other(fun() -> err(fun() -> ets:delete(prot_name) end) end)),
    ets:delete(prot_name).

fixations() ->
    T = ets:new(fx, [public]),
    ets:insert(T, [{I} || I <- lists:seq(1, 10)]),
    Fixer = spawn_waiting(),
    run(Fixer, fun() -> ets:safe_fixtable(T, true), ets:safe_fixtable(T, true) end),
    ets:safe_fixtable(T, true),
    p(ets:info(T, fixed)),
    {_, Procs} = ets:info(T, safe_fixed),
    p(lists:sort([N || {_, N} <- Procs])),
    stop(Fixer),
    {_, Procs2} = ets:info(T, safe_fixed),
    p(Procs2 =:= [{self(), 1}]),
    ets:safe_fixtable(T, false),
    p(ets:info(T, fixed)),
    p(ets:safe_fixtable(T, false)),
    ets:delete(T).

many_writers() ->
    T = ets:new(counters, [public, {write_concurrency, true}]),
    ets:insert(T, {hits, 0}),
    Self = self(),
    N = 8,
    Pids = [spawn(fun() ->
                          [begin
                               ets:update_counter(T, hits, 1),
                               ets:insert(T, {{W, I}, I}),
                               ets:lookup(T, {W, I div 2})
                           end || I <- lists:seq(1, 500)],
                          Self ! {done, self()}
                  end) || W <- lists:seq(1, N)],
    [receive {done, P} -> ok end || P <- Pids],
    p(ets:lookup(T, hits)),
    p(ets:info(T, size)),
    p(ets:select_count(T, [{{{'_', '$1'}, '_'}, [{'>', '$1', 250}], [true]}])),
    ets:delete(T).
