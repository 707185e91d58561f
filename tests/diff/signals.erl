%% Signals: links, exit signals, trap_exit, monitors, aliases, names,
%% process flags, group leaders, hibernation, spawn options.
-module(signals).
-export([main/0, loop/0, hib/1, waiter/1]).

main() ->
    links(),
    exits(),
    monitors(),
    aliases(),
    names(),
    flags(),
    spawn_opts(),
    group_leaders(),
    hibernation(),
    liveness(),
    ordering(),
    gc_and_info(),
    heap_limit(),
    ok.

p(T) -> erlang:display(T).

%% Runs F; an exception shows this module's frames only.
c(F) ->
    try F() catch Class:Reason:Stack -> {Class, Reason, [{M, Fn, A} || {M, Fn, A, _} <- Stack, M =:= ?MODULE]} end.

loop() -> receive {From, stop} -> From ! {self(), stopped}; _ -> loop() end.

flush() -> receive M -> [M | flush()] after 0 -> [] end.

wait_exit(P) -> receive {'EXIT', P, R} -> R after 2000 -> no_exit end.
wait_down(Ref) -> receive {'DOWN', Ref, process, _, R} -> R after 2000 -> no_down end.

links() ->
    process_flag(trap_exit, true),
    %% A linked process exiting with each kind of reason.
    [begin
         P = spawn_link(fun() -> exit(R) end),
         p({link_exit, R, wait_exit(P)})
     end || R <- [normal, boom, kill, {tuple, [1, 2]}]],
    %% link/1 to a dead process while trapping: {'EXIT', P, noproc}.
    Dead = spawn(fun() -> ok end),
    Mr = monitor(process, Dead),
    wait_down(Mr),
    p(link(Dead)),
    p(wait_exit(Dead)),
    %% ...and without trapping: an error.
    process_flag(trap_exit, false),
    p(c(fun() -> link(Dead) end)),
    process_flag(trap_exit, true),
    %% unlink: no exit signal afterwards.
    P2 = spawn_link(fun() -> receive go -> exit(gone) end end),
    unlink(P2),
    M2 = monitor(process, P2),
    P2 ! go,
    p(wait_down(M2)),
    p(flush()),
    %% Links are both ways: the child dies of our exit signal through the link.
    Parent = self(),
    Mid = spawn(fun() ->
                        process_flag(trap_exit, true),
                        Child = spawn_link(fun() -> receive never -> ok end end),
                        Parent ! {child, Child},
                        receive {'EXIT', _, R} -> Parent ! {mid_got, R} end
                end),
    Child = receive {child, C} -> C end,
    exit(Child, die),
    p(receive {mid_got, R1} -> R1 after 2000 -> timeout end),
    exit(Mid, kill),
    %% A chain of linked processes all go down.
    Last = chain(20),
    Mon = monitor(process, Last),
    exit(Last, boom),
    p(wait_down(Mon)),
    process_flag(trap_exit, false),
    ok.

%% Spawns N processes linked in a chain; returns the head.
chain(0) -> spawn(fun() -> receive never -> ok end end);
chain(N) ->
    Next = chain(N - 1),
    spawn(fun() -> link(Next), receive never -> ok end end).

exits() ->
    %% exit/2 with normal does not kill another process...
    P = spawn(fun loop/0),
    exit(P, normal),
    P ! {self(), stop},
    p(receive {P, stopped} -> survived_normal after 2000 -> died end),
    %% ...but kill does, even a trapping one, with reason killed.
    T = spawn(fun() -> process_flag(trap_exit, true), receive never -> ok end end),
    timer:sleep(10),
    Mt = monitor(process, T),
    exit(T, kill),
    p(wait_down(Mt)),
    %% A trapping process gets {'EXIT', From, Reason} for exit/2.
    Self = self(),
    Tr = spawn(fun() -> process_flag(trap_exit, true), Self ! ready,
                        receive X -> Self ! {got, X} end end),
    receive ready -> ok end,
    exit(Tr, hello),
    p(receive {got, {'EXIT', Self, hello}} -> trapped_exit after 2000 -> timeout end),
    %% exit(self(), normal) kills the caller when not trapping.
    {Q, Mq} = spawn_monitor(fun() -> exit(self(), normal), timer:sleep(100), exit(not_reached) end),
    p({self_normal, Q =/= self(), wait_down(Mq)}),
    %% exit(self(), Reason) when trapping becomes a message.
    {_, Mq2} = spawn_monitor(fun() -> process_flag(trap_exit, true), exit(self(), r),
                                      receive {'EXIT', _, r} -> exit(got_own) end end),
    p(wait_down(Mq2)),
    %% Linked process killed: neighbours see killed, not kill.
    process_flag(trap_exit, true),
    K = spawn_link(fun() -> receive never -> ok end end),
    exit(K, kill),
    p(wait_exit(K)),
    %% A linked process that exits with reason kill sends kill (trappable).
    K2 = spawn_link(fun() -> exit(kill) end),
    p(wait_exit(K2)),
    process_flag(trap_exit, false),
    p(c(fun() -> exit(foo, bar) end)),
    p(exit(spawn(fun() -> ok end), whatever)),
    ok.

monitors() ->
    %% DOWN for a dead pid is noproc; for an unregistered name, {Name, Node}.
    Dead = spawn(fun() -> ok end),
    M0 = monitor(process, Dead),
    wait_down(M0),
    M1 = monitor(process, Dead),
    p(wait_down(M1)),
    M2 = monitor(process, no_such_name),
    p(receive {'DOWN', M2, process, Item, R} -> {Item, R} after 1000 -> timeout end),
    %% By registered name: the item is {Name, node()}.
    P = spawn(fun loop/0),
    register(watched, P),
    M3 = monitor(process, watched),
    exit(P, bye),
    p(receive {'DOWN', M3, process, I3, R3} -> {I3, R3} after 1000 -> timeout end),
    %% {Name, Node} form.
    P4 = spawn(fun loop/0),
    register(watched2, P4),
    M4 = monitor(process, {watched2, node()}),
    exit(P4, bye2),
    p(receive {'DOWN', M4, process, I4, R4} -> {I4, R4} after 1000 -> timeout end),
    %% demonitor: no DOWN afterwards; info tells whether it was active.
    P5 = spawn(fun loop/0),
    M5 = monitor(process, P5),
    p(demonitor(M5, [info])),
    p(demonitor(M5, [info])),
    exit(P5, kill),
    timer:sleep(20),
    p(flush()),
    %% demonitor with flush removes a DOWN already delivered.
    P6 = spawn(fun() -> ok end),
    M6 = monitor(process, P6),
    timer:sleep(50),
    p(demonitor(M6, [flush, info])),
    p(flush()),
    %% A custom tag.
    P7 = spawn(fun() -> exit(tagged) end),
    M7 = monitor(process, P7, [{tag, my_down}]),
    p(receive {my_down, M7, process, P7, R7} -> R7 after 1000 -> timeout end),
    P8 = spawn(fun() -> receive go -> exit(tagged2) end end),
    M8 = monitor(process, P8, [{tag, {complex, [tag]}}]),
    P8 ! go,
    p(receive {{complex, [tag]}, M8, process, P8, R8} -> R8 after 1000 -> timeout end),
    %% Monitoring oneself is allowed and never fires.
    Ms = monitor(process, self()),
    p(is_reference(Ms)),
    p(demonitor(Ms, [info])),
    %% Monitors show in process_info.
    P9 = spawn(fun loop/0),
    M9 = monitor(process, P9),
    {monitors, Mons} = process_info(self(), monitors),
    p(lists:member({process, P9}, Mons)),
    {monitored_by, By} = process_info(P9, monitored_by),
    p(By =:= [self()]),
    demonitor(M9),
    exit(P9, kill),
    %% Bad arguments.
    p(c(fun() -> monitor(process, 123) end)),
    p(c(fun() -> monitor(foo, self()) end)),
    p(c(fun() -> monitor(process, self(), [bad]) end)),
    p(c(fun() -> demonitor(not_a_ref) end)),
    p(c(fun() -> demonitor(make_ref(), [bad]) end)),
    p(demonitor(make_ref())),
    ok.

aliases() ->
    A = alias(),
    A ! to_alias,
    p(receive to_alias -> got_via_alias after 1000 -> timeout end),
    p(unalias(A)),
    p(unalias(A)),
    A ! after_unalias,
    p(receive after_unalias -> wrong after 50 -> dropped end),
    %% reply: only the first message gets through.
    R = alias([reply]),
    Self = self(),
    spawn(fun() -> R ! one, R ! two, Self ! done end),
    receive done -> ok end,
    timer:sleep(20),
    p(flush()),
    %% A monitor that is also an alias (gen_server:call style).
    Srv = spawn(fun() -> receive {call, From, Ref} -> From ! {Ref, reply} end end),
    MRef = monitor(process, Srv, [{alias, demonitor}]),
    Srv ! {call, MRef, MRef},
    p(receive {MRef, Rep} -> Rep after 1000 -> timeout end),
    demonitor(MRef, [flush]),
    MRef ! late,
    p(receive late -> wrong after 50 -> dropped_after_demonitor end),
    %% reply_demonitor: the reply ends the monitor too.
    Srv2 = spawn(fun() -> receive {call, From2} -> From2 ! first, From2 ! second end,
                          receive never -> ok end end),
    MRef2 = monitor(process, Srv2, [{alias, reply_demonitor}]),
    Srv2 ! {call, MRef2},
    timer:sleep(20),
    p(flush()),
    p(demonitor(MRef2, [info])),
    exit(Srv2, kill),
    timer:sleep(20),
    p(flush()),
    p(c(fun() -> alias([bad]) end)),
    p(c(fun() -> unalias(self()) end)),
    ok.

names() ->
    P = spawn(fun loop/0),
    p(register(a_name, P)),
    p(whereis(a_name) =:= P),
    p(lists:member(a_name, registered())),
    p(c(fun() -> register(a_name, self()) end)),
    p(c(fun() -> register(other_name, P) end)),
    p(c(fun() -> register(undefined, self()) end)),
    p(c(fun() -> register("str", self()) end)),
    {registered_name, N} = process_info(P, registered_name),
    p(N),
    a_name ! {self(), stop},
    p(receive {P, stopped} -> stopped after 1000 -> timeout end),
    timer:sleep(20),
    p(whereis(a_name)),
    p(c(fun() -> unregister(a_name) end)),
    p(c(fun() -> a_name ! x end)),
    p(catch {a_name, node()} ! x),
    register(b_name, self()),
    p(process_info(self(), registered_name)),
    p(unregister(b_name)),
    p(process_info(self(), registered_name)),
    p(c(fun() -> register(dead_proc, spawn(fun() -> ok end)), timer:sleep(10), whereis(dead_proc) end)),
    ok.

flags() ->
    p(process_flag(trap_exit, true)),
    p(process_flag(trap_exit, false)),
    p(process_flag(priority, high)),
    p(process_flag(priority, low)),
    p(process_flag(priority, max)),
    p(process_flag(priority, normal)),
    p(process_info(self(), priority)),
    p(c(fun() -> process_flag(priority, urgent) end)),
    p(c(fun() -> process_flag(trap_exit, maybe) end)),
    p(c(fun() -> process_flag(no_such_flag, 1) end)),
    p(process_flag(min_heap_size, 1000)),
    p(process_flag(min_heap_size, 1)),
    p(process_info(self(), min_heap_size)),
    p(process_flag(min_bin_vheap_size, 10)),
    p(process_info(self(), min_bin_vheap_size)),
    p(process_flag(max_heap_size, 100000)),
    p(process_flag(max_heap_size, #{size => 50000, kill => false})),
    p(process_info(self(), max_heap_size)),
    p(process_flag(max_heap_size, 0)),
    p(process_flag(message_queue_data, off_heap)),
    p(process_flag(message_queue_data, on_heap)),
    p(process_flag(sensitive, true)),
    p(process_flag(sensitive, false)),
    p(process_flag(fullsweep_after, 10)),
    p(process_info(self(), fullsweep_after)),
    process_flag(fullsweep_after, 65535),
    ok.

spawn_opts() ->
    process_flag(trap_exit, true),
    P = spawn_opt(fun() -> exit(linked) end, [link]),
    p(wait_exit(P)),
    {P2, M2} = spawn_opt(fun() -> exit(monitored) end, [monitor]),
    p(wait_down(M2) =:= monitored andalso is_pid(P2)),
    {P3, M3} = spawn_opt(fun() -> exit(tagged) end, [{monitor, [{tag, t}]}]),
    p(receive {t, M3, process, P3, R3} -> R3 after 1000 -> timeout end),
    Self = self(),
    P4 = spawn_opt(fun() -> Self ! process_info(self(), [priority, min_heap_size, fullsweep_after]) end,
                   [{priority, high}, {min_heap_size, 500}, {fullsweep_after, 5}]),
    p(receive [_ | _] = L -> L after 1000 -> timeout end),
    p(is_pid(P4)),
    p(c(fun() -> spawn_opt(fun() -> ok end, [bad_option]) end)),
    p(c(fun() -> spawn_opt(fun() -> ok end, [{priority, bad}]) end)),
    p(c(fun() -> spawn_opt(fun() -> ok end, not_a_list) end)),
    p(c(fun() -> spawn(m, f, not_a_list) end)),
    {P5, M5} = spawn_monitor(fun() -> ok end),
    p({is_pid(P5), wait_down(M5)}),
    {P6, M6} = spawn_monitor(?MODULE, hib, [undefined]),
    P6 ! stop,
    p(wait_down(M6)),
    P7 = spawn_link(?MODULE, hib, [undefined]),
    P7 ! stop,
    p(wait_exit(P7)),
    process_flag(trap_exit, false),
    ok.

group_leaders() ->
    GL = group_leader(),
    p(is_pid(GL)),
    Self = self(),
    P = spawn(fun() -> receive go -> Self ! {gl, group_leader()} end end),
    p(group_leader(Self, P)),
    P ! go,
    p(receive {gl, G} -> G =:= Self after 1000 -> timeout end),
    p(group_leader(GL, self())),
    p(group_leader() =:= GL),
    %% A spawned process inherits the group leader.
    group_leader(Self, self()),
    spawn(fun() -> Self ! {inherited, group_leader()} end),
    p(receive {inherited, G2} -> G2 =:= Self after 1000 -> timeout end),
    group_leader(GL, self()),
    p(c(fun() -> group_leader(not_a_pid, self()) end)),
    p(c(fun() -> group_leader(self(), spawn(fun() -> ok end)), timer:sleep(10), group_leader(self(), list_to_pid("<0.9999.0>")) end)),
    ok.

hib(State) ->
    receive
        stop -> exit(stopped_from_hibernation);
        {get, From} -> From ! {state, State}, erlang:hibernate(?MODULE, hib, [State]);
        {set, S} -> erlang:hibernate(?MODULE, hib, [S])
    end.

hibernation() ->
    P = spawn(?MODULE, hib, [init]),
    P ! {set, one},
    P ! {get, self()},
    p(receive {state, S1} -> S1 after 1000 -> timeout end),
    timer:sleep(20),
    p(process_info(P, status)),
    P ! {set, two},
    P ! {get, self()},
    p(receive {state, S2} -> S2 after 1000 -> timeout end),
    M = monitor(process, P),
    P ! stop,
    p(wait_down(M)),
    p(c(fun() -> erlang:hibernate(?MODULE, hib, not_a_list) end)),
    ok.

liveness() ->
    P = spawn(fun() -> receive never -> ok end end),
    p(is_process_alive(P)),
    exit(P, kill),
    %% is_process_alive sees the exit signal we sent before it.
    p(is_process_alive(P)),
    p(is_process_alive(self())),
    p(c(fun() -> is_process_alive(not_a_pid) end)),
    p(process_info(P)),
    p(process_info(P, status)),
    p(c(fun() -> process_info(self(), no_such_item) end)),
    p(c(fun() -> process_info(not_a_pid) end)),
    Q = spawn(fun() -> put(k, v), receive never -> ok end end),
    timer:sleep(10),
    p(process_info(Q, [dictionary, trap_exit, status, message_queue_len, links, initial_call])),
    p(process_info(Q, current_function)),
    Q ! m1, Q ! m2,
    timer:sleep(10),
    p(process_info(Q, messages)),
    p(process_info(Q, message_queue_len)),
    exit(Q, kill),
    p(lists:member(self(), processes())),
    ok.

%% Signals from one process to another arrive in the order sent.
ordering() ->
    Self = self(),
    R = spawn(fun() -> process_flag(trap_exit, true), Self ! ready, collect(Self, []) end),
    receive ready -> ok end,
    [R ! N || N <- lists:seq(1, 100)],
    exit(R, ordered),
    [R ! N || N <- lists:seq(101, 150)],
    R ! done,
    p(receive {collected, L} -> L =:= lists:seq(1, 100) ++ [{'EXIT', Self, ordered}] ++ lists:seq(101, 150)
      after 2000 -> timeout end),
    %% A message then a kill: the message is delivered first (monitor sees killed).
    Sink = spawn(fun() -> receive M -> Self ! {sink_got, M}, receive never -> ok end end end),
    Ms = monitor(process, Sink),
    Sink ! first,
    exit(Sink, kill),
    p(receive {sink_got, X} -> X after 1000 -> timeout end),
    p(wait_down(Ms)),
    ok.

collect(To, Acc) ->
    receive
        done -> To ! {collected, lists:reverse(Acc)};
        M -> collect(To, [M | Acc])
    end.

waiter(0) -> receive stop -> ok end;
waiter(N) -> waiter(N - 1), ok.

gc_and_info() ->
    P = spawn(?MODULE, waiter, [3]),
    timer:sleep(20),
    p(process_info(P, current_function)),
    p(process_info(P, current_location)),
    p(process_info(P, current_stacktrace)),
    p(process_info(P, initial_call)),
    p(process_info(P, status)),
    p(is_list(process_info(P, [heap_size, total_heap_size, stack_size, reductions, memory, garbage_collection]))),
    p(garbage_collect(P)),
    p(garbage_collect(P, [{type, minor}])),
    p(garbage_collect(P, [{async, myreq}])),
    p(receive M -> M after 1000 -> timeout end),
    p(garbage_collect()),
    p(c(fun() -> garbage_collect(P, [bad]) end)),
    exit(P, kill),
    timer:sleep(10),
    p(garbage_collect(P)),
    p(c(fun() -> garbage_collect(not_pid) end)),
    p(erlang:system_info(process_limit)),
    p(erlang:system_info(process_count) > 0),
    p(is_integer(erlang:system_info(schedulers))),
    ok.

%% max_heap_size: a process outgrowing it is killed (unless kill => false).
heap_limit() ->
    {P, R} = spawn_opt(fun() -> grow([]) end, [monitor, {max_heap_size, #{size => 10000, error_logger => false}}]),
    p(receive {'DOWN', R, process, P, Why} -> Why after 5000 -> timeout end),
    {P2, R2} = spawn_opt(fun() -> process_flag(max_heap_size, #{size => 20000, error_logger => false}), grow([]) end,
                         [monitor]),
    p(receive {'DOWN', R2, process, P2, Why2} -> Why2 after 5000 -> timeout end),
    {P3, R3} = spawn_opt(fun() -> grow2(100000, []) end,
                         [monitor, {max_heap_size, #{size => 5000, kill => false, error_logger => false}}]),
    p(receive {'DOWN', R3, process, P3, Why3} -> Why3 after 5000 -> timeout end),
    ok.

grow(L) -> grow([lists:seq(1, 100) | L]).
grow2(0, _) -> done;
grow2(N, L) -> grow2(N - 1, [N | L]).
