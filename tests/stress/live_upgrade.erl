%% Live upgrade under load: a gen_server answers a steady stream of calls
%% from many clients while it is upgraded again and again the OTP way:
%% sys:suspend/1, load the new version (code:load_binary/3 when the code
%% server runs, else erts_code_purger:purge/1 + erlang:load_module/2, which
%% is what it does), sys:change_code/4 (code_change/3 transforms the
%% state), sys:resume/1.
%%
%% Checks: every request is answered exactly once, in order, by the old or
%% the new version (the server counts what it served across all upgrades,
%% carried through code_change; each client checks its sequence numbers),
%% the versions only go up, and the last version answers at the end.
%% Reports requests per second without upgrades and during them.
%%   beamvm -noshell -pa DIR -run live_upgrade main [UPGRADES] [CLIENTS]
-module(live_upgrade).
-export([main/0, main/1]).

main() -> main(["100", "8"]).

main([U, C]) ->
    Upgrades = list_to_integer(U),
    Clients = list_to_integer(C),
    Bins = [{V, bin(V)} || V <- lists:seq(1, Upgrades + 1)],
    {1, Bin1} = hd(Bins),
    {module, lu_server} = load(Bin1),
    {ok, S} = gen_server:start(lu_server, [], []),
    Parent = self(),
    Pids = [spawn_link(fun() -> client(Parent, S, N, 0, 0) end) || N <- lists:seq(1, Clients)],
    %% Phase 1: load without upgrades.
    timer:sleep(200),
    {Base, T0} = total_answered(Pids),
    timer:sleep(1000),
    {Base1, T1} = total_answered(Pids),
    RateQuiet = rate(Base1 - Base, T1 - T0),
    %% Phase 2: the upgrades, back to back.
    {Before, T2} = total_answered(Pids),
    lists:foreach(fun({V, B}) -> upgrade(S, V, B) end, tl(Bins)),
    {After, T3} = total_answered(Pids),
    RateUpgrading = rate(After - Before, T3 - T2),
    %% Stop the clients; collect what they saw.
    [P ! stop || P <- Pids],
    Results = [receive {done, P, R} -> R end || P <- Pids],
    Sent = lists:sum([N || {ok, N, _} <- Results]),
    Bad = [R || R <- Results, element(1, R) =/= ok],
    {Vsn, Served} = gen_server:call(S, state),
    MaxSeen = lists:max([M || {ok, _, M} <- Results]),
    io:format("upgrades: ~p, clients: ~p, requests: ~p, served: ~p~n", [Upgrades, Clients, Sent, Served]),
    io:format("rate without upgrades: ~p/s, during upgrades: ~p/s (~.2f)~n",
              [RateQuiet, RateUpgrading, RateUpgrading / max(1, RateQuiet)]),
    Ok = Bad =:= [] andalso Served =:= Sent + 1 andalso Vsn =:= Upgrades + 1 andalso MaxSeen =:= Upgrades + 1,
    case Ok of
        true -> io:format("live upgrade: every request answered exactly once~n");
        false -> io:format("live upgrade FAILED: bad ~p, served ~p, sent ~p, vsn ~p, max seen ~p~n",
                           [Bad, Served, Sent, Vsn, MaxSeen])
    end,
    halt(case Ok of true -> 0; false -> 1 end).

rate(N, Us) -> round(N * 1000000 / max(1, Us)).

total_answered(Pids) ->
    Ref = make_ref(),
    [P ! {count, self(), Ref} || P <- Pids],
    N = lists:sum([receive {Ref, C} -> C end || _ <- Pids]),
    {N, erlang:monotonic_time(microsecond)}.

%% A client: sequential calls {req, Id, Seq}; each answer must be
%% {Vsn, Id, Seq} with Vsn never going down.
client(Parent, S, Id, Seq, MaxVsn) ->
    receive
        stop -> Parent ! {done, self(), {ok, Seq, MaxVsn}}
    after 0 ->
        receive {count, From, Ref} -> From ! {Ref, Seq} after 0 -> ok end,
        case catch gen_server:call(S, {req, Id, Seq}, 10000) of
            {V, Id, Seq} when V >= MaxVsn -> client(Parent, S, Id, Seq + 1, V);
            Other -> wait_stop(Parent, {bad_answer, Id, Seq, MaxVsn, Other})
        end
    end.

wait_stop(Parent, Why) ->
    receive stop -> Parent ! {done, self(), Why} end.

upgrade(S, V, Bin) ->
    ok = sys:suspend(S),
    {module, lu_server} = load(Bin),
    ok = sys:change_code(S, lu_server, V - 1, extra),
    ok = sys:resume(S).

load(Bin) ->
    case whereis(code_server) of
        undefined ->
            _ = erts_code_purger:purge(lu_server),
            erlang:load_module(lu_server, Bin);
        _ ->
            code:load_binary(lu_server, "lu_server.erl", Bin)
    end.

%% Version V of the server. Its state is {Vsn, Served}; code_change moves
%% it to this version, keeping the count.
src(V) ->
    S = integer_to_list(V),
    "-module(lu_server).\n"
    "-behaviour(gen_server).\n"
    "-export([init/1, handle_call/3, handle_cast/2, code_change/3]).\n"
    "init([]) -> {ok, {" ++ S ++ ", 0}}.\n"
    "handle_call({req, Id, Seq}, _From, {Vsn, N}) -> {reply, {Vsn, Id, Seq}, {Vsn, N + 1}};\n"
    "handle_call(state, _From, {Vsn, N}) -> {reply, {Vsn, N + 1}, {Vsn, N + 1}}.\n"
    "handle_cast(_, State) -> {noreply, State}.\n"
    "code_change(Old, {OldVsn, N}, extra) when Old =:= OldVsn, OldVsn < " ++ S ++ " -> {ok, {" ++ S ++ ", N}}.\n".

bin(V) ->
    {ok, Toks, _} = erl_scan:string(src(V)),
    Forms = [begin {ok, F} = erl_parse:parse_form(T), F end || T <- split_forms(Toks, [])],
    {ok, lu_server, Bin} = compile:forms(Forms, [binary]),
    Bin.

split_forms([], []) -> [];
split_forms([{dot, _} = D | T], Acc) -> [lists:reverse([D | Acc]) | split_forms(T, [])];
split_forms([Tok | T], Acc) -> split_forms(T, [Tok | Acc]).
