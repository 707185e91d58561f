%% Processes: spawn, messages, receive (selective, after), links, monitors.
-module(processes).
-export([main/0, echo/0, crasher/0]).

main() ->
    Pid = spawn(?MODULE, echo, []),
    Pid ! {self(), hello},
    p(receive {Pid, Msg} -> Msg after 1000 -> timeout end),
    self() ! b, self() ! a, self() ! c,
    p(receive a -> got_a end),
    p(receive X -> X end),
    p(receive Y -> Y end),
    p(receive _ -> unexpected after 0 -> empty end),
    p(receive _ -> unexpected after 50 -> waited end),
    Parent = self(),
    Pids = [spawn(fun() -> Parent ! {done, N * N} end) || N <- lists:seq(1, 10)],
    p(length(Pids)),
    p(lists:sort([receive {done, V} -> V end || _ <- Pids])),
    {Child, Ref} = spawn_monitor(?MODULE, crasher, []),
    p(receive {'DOWN', Ref, process, Child, Reason} -> element(1, Reason) after 1000 -> no_down end),
    Ref2 = monitor(process, spawn(fun() -> ok end)),
    p(receive {'DOWN', Ref2, process, _, R2} -> R2 after 1000 -> no_down end),
    process_flag(trap_exit, true),
    L = spawn_link(fun() -> exit(bye) end),
    p(receive {'EXIT', L, R3} -> R3 after 1000 -> no_exit end),
    L2 = spawn_link(fun() -> ok end),
    p(receive {'EXIT', L2, R4} -> R4 after 1000 -> no_exit end),
    Dead = spawn(fun() -> ok end),
    timer_sleep(10),
    p(is_process_alive(Dead)),
    Ref3 = monitor(process, Dead),
    p(receive {'DOWN', Ref3, process, Dead, R5} -> R5 after 1000 -> no_down end),
    register(myname, self()),
    myname ! via_name,
    p(receive via_name -> ok end),
    p(whereis(myname) =:= self()),
    p(c(fun() -> nosuchname ! x end)),
    Victim = spawn(fun() -> receive never -> ok end end),
    Ref4 = monitor(process, Victim),
    exit(Victim, kill),
    p(receive {'DOWN', Ref4, _, _, R6} -> R6 after 1000 -> no_down end),
    Chain = lists:foldl(fun(_, Next) -> spawn(fun() -> receive M -> Next ! M end end) end, self(), lists:seq(1, 100)),
    Chain ! relay,
    p(receive relay -> relayed after 2000 -> lost end),
    p(erlang:demonitor(make_ref(), [info])),
    ok.

p(T) -> erlang:display(T).

echo() -> receive {From, M} -> From ! {self(), M} end.
crasher() -> erlang:error(crashed).
timer_sleep(Ms) -> receive after Ms -> ok end.

%% Runs F; an exception is shown with this module's stack frames only
%% (frames below it belong to the runner, which differs between VMs).
c(F) ->
    try F() catch Class:Reason:Stack -> {Class, Reason, [Fr || {M, _, _, _} = Fr <- Stack, M =:= ?MODULE]} end.
