%% Timers: receive ... after, send_after, start_timer, cancel_timer,
%% read_timer. Times are checked as bounds, never printed.
-module(timers).
-export([main/0]).

p(T) -> erlang:display(T).

c(F) ->
    try F() catch Class:Reason:Stack -> {Class, Reason, [{M, Fn, A} || {M, Fn, A, _} <- Stack, M =:= ?MODULE]} end.

now_ms() -> erlang:monotonic_time(millisecond).

flush() -> receive M -> [M | flush()] after 0 -> [] end.

main() ->
    receive_after(),
    send_after(),
    start_timer(),
    cancel_read(),
    many(),
    ok.

receive_after() ->
    T0 = now_ms(),
    p(receive x -> x after 30 -> timeout end),
    p(now_ms() - T0 >= 30),
    p(receive x -> x after 0 -> zero end),
    %% A message arriving before the timeout ends the receive.
    Self = self(),
    spawn(fun() -> receive after 10 -> Self ! early end end),
    p(receive early -> early after 2000 -> timeout end),
    %% The timeout of a finished receive does not fire later.
    receive after 40 -> ok end,
    p(flush()),
    %% Selective receive with a timeout skips other messages.
    self() ! other,
    p(receive wanted -> wanted after 20 -> not_there end),
    p(flush()),
    %% Nested receives with timeouts.
    spawn(fun() -> receive after 15 -> Self ! inner end end),
    p(receive outer -> outer after 100 -> receive inner -> inner_after_outer after 1000 -> none end end),
    p(c(fun() -> receive x -> x after -1 -> neg end end)),
    p(c(fun() -> receive x -> x after foo -> bad end end)),
    T = infinity,
    spawn(fun() -> Self ! inf_msg end),
    p(receive inf_msg -> got after T -> never end),
    ok.

send_after() ->
    T0 = now_ms(),
    Ref = erlang:send_after(20, self(), hello),
    p(is_reference(Ref)),
    p(receive hello -> hello after 2000 -> timeout end),
    p(now_ms() - T0 >= 20),
    %% To a registered name.
    register(timer_test_name, self()),
    erlang:send_after(5, timer_test_name, by_name),
    p(receive by_name -> by_name after 2000 -> timeout end),
    unregister(timer_test_name),
    %% To a name that is not registered when it fires: dropped.
    erlang:send_after(5, not_registered_name, lost),
    p(receive lost -> wrong after 50 -> dropped end),
    %% Absolute time.
    Abs = now_ms() + 20,
    erlang:send_after(Abs, self(), absolute, [{abs, true}]),
    p(receive absolute -> absolute after 2000 -> timeout end),
    p(now_ms() >= Abs),
    %% Order of timers with different times.
    erlang:send_after(30, self(), third),
    erlang:send_after(10, self(), first),
    erlang:send_after(20, self(), second),
    p([receive M -> M after 2000 -> timeout end || _ <- [1, 2, 3]]),
    %% Zero time.
    erlang:send_after(0, self(), now),
    p(receive now -> now after 1000 -> timeout end),
    p(c(fun() -> erlang:send_after(-1, self(), x) end)),
    p(c(fun() -> erlang:send_after(10, "bad", x) end)),
    p(c(fun() -> erlang:send_after(foo, self(), x) end)),
    p(c(fun() -> erlang:send_after(10, self(), x, [bad]) end)),
    ok.

start_timer() ->
    Ref = erlang:start_timer(10, self(), tick),
    p(receive {timeout, Ref, tick} -> got_timeout_tuple after 2000 -> timeout end),
    R2 = erlang:start_timer(now_ms() + 10, self(), abs_tick, [{abs, true}]),
    p(receive {timeout, R2, abs_tick} -> got_abs after 2000 -> timeout end),
    ok.

cancel_read() ->
    Ref = erlang:send_after(1000, self(), never),
    Left = erlang:read_timer(Ref),
    p(Left > 900 andalso Left =< 1000),
    C = erlang:cancel_timer(Ref),
    p(C > 900 andalso C =< 1000),
    p(erlang:cancel_timer(Ref)),
    p(erlang:read_timer(Ref)),
    p(receive never -> wrong after 30 -> cancelled end),
    %% After it fired: false.
    R2 = erlang:send_after(1, self(), fired),
    receive fired -> ok end,
    p(erlang:cancel_timer(R2)),
    p(erlang:read_timer(R2)),
    %% Options.
    R3 = erlang:send_after(1000, self(), x),
    p(erlang:cancel_timer(R3, [{info, false}])),
    R4 = erlang:send_after(1000, self(), x),
    p(erlang:cancel_timer(R4, [{async, true}])),
    p(receive {cancel_timer, R4, L4} -> L4 > 900 after 1000 -> timeout end),
    R5 = erlang:send_after(1000, self(), x),
    p(erlang:read_timer(R5, [{async, true}])),
    p(receive {read_timer, R5, L5} -> L5 > 900 after 1000 -> timeout end),
    p(erlang:cancel_timer(R5, [{async, true}, {info, false}])),
    p(receive {cancel_timer, _, _} = M -> M after 50 -> no_message end),
    p(erlang:cancel_timer(make_ref())),
    p(c(fun() -> erlang:cancel_timer(not_a_ref) end)),
    p(c(fun() -> erlang:read_timer(not_a_ref) end)),
    p(c(fun() -> erlang:cancel_timer(make_ref(), [bad]) end)),
    p(flush()),
    ok.

many() ->
    %% 1000 timers in one go, fired in time order: absolute times 10 ms
    %% apart from a base half a second ahead, so however long creating
    %% them takes (sanitizer builds are slow) none is due before all exist.
    Self = self(),
    Base = now_ms() + 500,
    [erlang:send_after(Base + 10 * (N rem 10), Self, {t, N rem 10}, [{abs, true}]) || N <- lists:seq(1, 1000)],
    L = [receive {t, X} -> X after 2000 -> timeout end || _ <- lists:seq(1, 1000)],
    p(L =:= lists:sort(L)),
    %% Many processes each waiting with a timeout.
    Pids = [spawn(fun() -> receive never -> ok after 20 -> Self ! {done, self()} end end)
            || _ <- lists:seq(1, 200)],
    p(lists:sort([receive {done, P} -> P after 2000 -> timeout end || _ <- Pids]) =:= lists:sort(Pids)),
    ok.
