%% Tracing: erlang:trace/3 process events (send, 'receive', procs),
%% call tracing with trace_pattern/3 (local and global, match specs with
%% return_trace, exception_trace, message), trace_info/2 and dbg basics.
%% Pids are printed as their role, timestamps as their shape.
-module(tracing).
-export([main/0, loop/0, f/1, g/1, h/1, boom/1, tail/1, worker/1]).

f(X) -> g(X) + 1.
g(X) -> X * 2.
h(X) -> {ok, X}.
boom(X) -> error({boom, X}).
tail(0) -> done;
tail(N) -> tail(N - 1).
worker(Parent) -> receive go -> Parent ! {self(), done} end.

loop() ->
    receive
        stop -> ok;
        {echo, P} -> P ! hi, loop()
    end.

%% Collects trace messages sent to this process until none comes for a while.
collect() -> collect([]).
collect(Acc) ->
    receive
        M when element(1, M) =:= trace; element(1, M) =:= trace_ts -> collect([M | Acc])
    after 300 -> lists:reverse(Acc)
    end.

norm(T, Names) when is_pid(T) ->
    case lists:keyfind(T, 1, Names) of
        {_, N} -> N;
        false -> other_pid
    end;
norm(T, Names) when is_tuple(T) -> list_to_tuple([norm(E, Names) || E <- tuple_to_list(T)]);
norm([H | T], Names) -> [norm(H, Names) | norm(T, Names)];
norm(R, _) when is_reference(R) -> ref;
norm(T, _) -> T.

show(Label, Msgs, Names) ->
    io:format("~s:~n", [Label]),
    [io:format("  ~p~n", [norm(M, Names)]) || M <- Msgs],
    ok.

main() ->
    Self = self(),
    %% send, 'receive', procs
    P = spawn(?MODULE, loop, []),
    1 = erlang:trace(P, true, [send, 'receive', procs]),
    io:format("flags ~p~n", [erlang:trace_info(P, flags)]),
    io:format("tracer ~p~n", [norm(erlang:trace_info(P, tracer), [{Self, self}])]),
    P ! {echo, Self},
    receive hi -> ok end,
    register(tracing_reg, P),
    unregister(tracing_reg),
    link(P),
    unlink(P),
    P ! stop,
    show("process events", collect(), [{Self, self}, {P, p}]),
    io:format("dead ~p~n", [erlang:trace_info(P, flags)]),

    %% spawn and set_on_spawn
    Q = spawn(fun() -> receive go -> ok end, Self ! {child, spawn(?MODULE, worker, [Self])} end),
    erlang:trace(Q, true, [procs, set_on_spawn]),
    Q ! go,
    Child = receive {child, C0} -> C0 end,
    Child ! go,
    receive {Child, done} -> ok end,
    show("spawn", collect(), [{Self, self}, {Q, q}, {Child, child}]),
    %% spawn_link with set_on_link
    L = spawn(fun() -> receive go -> ok end, Self ! {linked, spawn_link(?MODULE, worker, [Self])},
                       receive stop -> ok end end),
    erlang:trace(L, true, [procs, set_on_link]),
    L ! go,
    LC = receive {linked, LC0} -> LC0 end,
    io:format("inherited ~p~n", [erlang:trace_info(LC, flags)]),
    LC ! go,
    receive {LC, done} -> ok end,
    L ! stop,
    %% (Events of two processes: Erlang orders messages per sender only, so
    %% they are compared sorted.)
    show("spawn_link", lists:sort(collect()), [{Self, self}, {L, l}, {LC, lc}]),
    W = spawn(?MODULE, worker, [Self]),
    erlang:trace(W, true, [send, 'receive']),
    W ! go,
    receive {W, done} -> ok end,
    show("worker", collect(), [{Self, self}, {W, w}]),

    %% call tracing with a collector process as tracer
    Tracer = spawn(fun() -> tracer_loop([]) end),
    Names = [{Self, self}, {Tracer, tracer}],
    io:format("local ~p~n", [erlang:trace_pattern({?MODULE, '_', '_'}, [{'_', [], [{return_trace}]}], [local])]),
    erlang:trace(self(), true, [call, {tracer, Tracer}]),
    7 = ?MODULE:f(3),
    done = tail(3),
    io:format("info ~p~n", [erlang:trace_info({?MODULE, f, 1}, all)]),
    io:format("traced ~p~n", [erlang:trace_info({?MODULE, loop, 0}, traced)]),
    erlang:trace(self(), false, [call]),
    show("local calls", tracer_get(Tracer), Names),
    io:format("off ~p~n", [erlang:trace_pattern({?MODULE, '_', '_'}, false, [local])]),

    %% exception_trace, message, global
    erlang:trace_pattern({?MODULE, boom, 1}, [{'_', [], [{exception_trace}]}], [local]),
    erlang:trace_pattern({?MODULE, h, 1}, [{[1], [], [{message, one}]}, {[2], [], [{message, false}, {return_trace}]}], [global]),
    erlang:trace(self(), true, [call, arity, {tracer, Tracer}]),
    catch boom(1),
    ?MODULE:h(1),
    ?MODULE:h(2),
    ?MODULE:h(3),
    h(1),
    erlang:trace(self(), false, [call, arity]),
    show("exceptions and messages", tracer_get(Tracer), Names),
    io:format("global ~p~n", [erlang:trace_info({?MODULE, h, 1}, traced)]),
    erlang:trace_pattern({?MODULE, '_', '_'}, false, [local]),
    erlang:trace_pattern({?MODULE, '_', '_'}, false, [global]),

    %% a BIF
    io:format("bif ~p~n", [erlang:trace_pattern({erlang, list_to_tuple, 1}, [{'_', [], [{return_trace}]}], [local])]),
    erlang:trace(self(), true, [call, {tracer, Tracer}]),
    {a, b} = erlang:list_to_tuple(id([a, b])),
    erlang:trace(self(), false, [call]),
    erlang:trace_pattern({erlang, list_to_tuple, 1}, false, [local]),
    show("bif", tracer_get(Tracer), Names),

    %% timestamps have the right shape
    erlang:trace(self(), true, [call, timestamp, {tracer, Tracer}]),
    erlang:trace_pattern({?MODULE, g, 1}, true, [local]),
    g(1),
    erlang:trace(self(), false, [call, timestamp]),
    [{trace_ts, _, call, {?MODULE, g, [1]}, {A, B, C}}] = tracer_get(Tracer),
    io:format("timestamp ~p~n", [is_integer(A) andalso is_integer(B) andalso is_integer(C)]),
    erlang:trace_pattern({?MODULE, '_', '_'}, false, [local]),

    %% call_count
    io:format("count ~p~n", [erlang:trace_pattern({?MODULE, g, 1}, true, [call_count])]),
    [g(I) || I <- lists:seq(1, 5)],
    io:format("~p~n", [erlang:trace_info({?MODULE, g, 1}, call_count)]),
    erlang:trace_pattern({?MODULE, g, 1}, pause, [call_count]),
    g(1),
    io:format("~p~n", [erlang:trace_info({?MODULE, g, 1}, all)]),
    erlang:trace_pattern({?MODULE, g, 1}, restart, [call_count]),
    g(1),
    erlang:trace_pattern({?MODULE, g, 1}, [{'_', [], [{return_trace}]}], [local]),
    io:format("~p~n", [erlang:trace_info({?MODULE, g, 1}, all)]),
    erlang:trace_pattern({?MODULE, g, 1}, false, [local]),
    io:format("~p~n", [erlang:trace_info({?MODULE, g, 1}, all)]),
    erlang:trace_pattern({?MODULE, g, 1}, false, [call_count]),
    io:format("~p~n", [erlang:trace_info({?MODULE, g, 1}, all)]),

    %% trace_delivered
    Ref = erlang:trace_delivered(Self),
    receive {trace_delivered, Self, Ref} -> io:format("delivered~n") end,

    %% dbg
    {ok, _} = dbg:tracer(process, {fun(Msg, Acc) -> Self ! {dbg, Msg}, Acc end, ok}),
    {ok, _} = dbg:p(self(), [c]),
    {ok, _} = dbg:tpl(?MODULE, h, x),
    h(5),
    D1 = receive {dbg, M1} -> M1 after 1000 -> timeout end,
    D2 = receive {dbg, M2} -> M2 after 1000 -> timeout end,
    dbg:stop_clear(),
    show("dbg", [D1, D2], [{Self, self}]),

    %% dbg match spec shortcuts c and cx ({caller}, exception_trace), return_to
    {ok, _} = dbg:tracer(process, {fun(Msg, Acc) -> Self ! {dbg, Msg}, Acc end, ok}),
    P2 = spawn(fun() -> receive go -> f(1), catch f(x), Self ! p2_done end end),
    {ok, _} = dbg:p(P2, [c, return_to]),
    {ok, _} = dbg:tpl(?MODULE, g, c),
    {ok, _} = dbg:tpl(?MODULE, f, cx),
    P2 ! go,
    receive p2_done -> ok end,
    timer:sleep(100),
    Msgs = dbg_msgs(),
    dbg:stop_clear(),
    show("caller, return_to", Msgs, [{Self, self}, {P2, p2}]),
    ok.

dbg_msgs() ->
    receive {dbg, M} -> [M | dbg_msgs()] after 200 -> [] end.

id(X) -> X.

tracer_loop(Acc) ->
    receive
        {get, From} -> From ! {msgs, lists:reverse(Acc)}, tracer_loop([]);
        M -> tracer_loop([M | Acc])
    end.

tracer_get(Tracer) ->
    Ref = erlang:trace_delivered(self()),
    receive {trace_delivered, _, Ref} -> ok end,
    timer:sleep(50),
    Tracer ! {get, self()},
    receive {msgs, L} -> L end.
