%% OTP behaviours as users write them: a gen_server, a gen_statem, a
%% supervisor restarting a crashing child and giving up when its restart
%% intensity is exceeded (the VM stays up), and an application with a
%% supervision tree started and stopped. Crash and supervisor reports are
%% kept out of the output (their timing is the logger's); what is printed
%% is what the callers see.
-module(otp_behaviours).
-export([main/0]).
%% gen_server callbacks
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, terminate/2]).
%% gen_statem callbacks
-export([callback_mode/0, locked/3, open/3]).
%% supervisor and application callbacks, child start functions
-export([start/2, stop/1, start_worker/1, start_sup/1]).

p(Tag, X) -> io:format("~p: ~p~n", [Tag, X]).

main() ->
    logger:set_primary_config(level, none),
    gen_server_part(),
    gen_statem_part(),
    supervisor_part(),
    application_part(),
    ok.

%% ---- gen_server: a counter
gen_server_part() ->
    {ok, S} = gen_server:start({local, counter}, ?MODULE, {counter, 10}, []),
    p(call, gen_server:call(counter, {add, 5})),
    ok = gen_server:cast(counter, {add, 100}),
    p(after_cast, gen_server:call(S, get)),
    counter ! {add, 1000},
    p(after_info, gen_server:call(S, get)),
    p(already_started, element(1, gen_server:start({local, counter}, ?MODULE, {counter, 0}, []))),
    p(call_timeout, case catch gen_server:call(S, {sleep, 200}, 50) of
                        {'EXIT', {timeout, {gen_server, call, _}}} -> timeout
                    end),
    p(unknown_call, case catch gen_server:call(S, bogus) of
                        {'EXIT', {{function_clause, [{?MODULE, handle_call, [bogus, _, _], _} | _]}, _}} ->
                            function_clause_in_handle_call
                    end),
    p(alive_after_crash, is_process_alive(S)),
    {ok, S2} = gen_server:start(?MODULE, {counter, 0}, []),
    p(stop, gen_server:stop(S2)),
    p(stopped, is_process_alive(S2)),
    p(start_error, gen_server:start(?MODULE, {fail, why}, [])),
    p(start_ignore, gen_server:start(?MODULE, ignore, [])),
    {ok, _} = gen_server:start({local, counter}, ?MODULE, {counter, 7}, []),
    p(multi_call_names, lists:sort(element(1, gen_server:multi_call(counter, get)))).

init({counter, N}) -> {ok, N};
init({fail, Why}) -> {stop, Why};
init(ignore) -> ignore;
init({worker, Id}) -> {ok, {worker, Id}};
%% gen_statem: the lock's code
init(Code) when is_list(Code) -> {ok, locked, {Code, []}};
%% supervisor
init({sup, Strategy, Intensity, Period}) ->
    {ok, {#{strategy => Strategy, intensity => Intensity, period => Period},
          [worker_spec(w1), worker_spec(w2)]}}.

handle_call({add, K}, _From, N) -> {reply, N + K, N + K};
handle_call(get, _From, N) -> {reply, N, N};
handle_call({sleep, Ms}, _From, N) -> timer:sleep(Ms), {reply, slept, N};
handle_call(crash, _From, _) -> error(asked_to_crash);
handle_call(whoami, _From, S) -> {reply, S, S}.

handle_cast({add, K}, N) -> {noreply, N + K}.

handle_info({add, K}, N) -> {noreply, N + K};
handle_info(_, S) -> {noreply, S}.

terminate(_Reason, _State) -> ok.

%% ---- gen_statem: a code lock
gen_statem_part() ->
    {ok, L} = gen_statem:start(?MODULE, [1, 2, 3], []),
    p(state0, gen_statem:call(L, state)),
    [gen_statem:cast(L, {digit, D}) || D <- [1, 2]],
    p(partial, gen_statem:call(L, state)),
    gen_statem:cast(L, {digit, 3}),
    p(opened, gen_statem:call(L, state)),
    timer:sleep(150),  % the state timeout locks it again
    p(relocked, gen_statem:call(L, state)),
    [gen_statem:cast(L, {digit, D}) || D <- [9, 1, 2, 3]],
    p(wrong_then_right, gen_statem:call(L, state)),
    p(stop, gen_statem:stop(L)).

callback_mode() -> [state_functions, state_enter].

locked(enter, _Old, {Code, _}) -> {keep_state, {Code, []}};
locked(cast, {digit, D}, {Code, Got}) ->
    case Got ++ [D] of
        Code -> {next_state, open, {Code, []}};
        New -> case lists:prefix(New, Code) of
                   true -> {keep_state, {Code, New}};
                   false -> {keep_state, {Code, []}}
               end
    end;
locked({call, From}, state, {_, Got} = S) -> {keep_state, S, [{reply, From, {locked, length(Got)}}]}.

open(enter, _Old, S) -> {keep_state, S, [{state_timeout, 100, lock}]};
open(state_timeout, lock, S) -> {next_state, locked, S};
open({call, From}, state, S) -> {keep_state, S, [{reply, From, open}]};
open(cast, {digit, _}, S) -> {keep_state, S}.

%% ---- supervisor
supervisor_part() ->
    process_flag(trap_exit, true),
    {ok, Sup} = supervisor:start_link(?MODULE, {sup, one_for_one, 3, 10}),
    W1 = child_pid(Sup, w1),
    p(children, [Id || {Id, _, _, _} <- lists:sort(supervisor:which_children(Sup))]),
    p(count, supervisor:count_children(Sup)),
    catch gen_server:call(W1, crash),
    W1b = wait_restart(Sup, w1, W1),
    p(restarted, is_pid(W1b) andalso W1b =/= W1),
    p(other_child_untouched, gen_server:call(child_pid(Sup, w2), whoami)),
    p(terminate_child, supervisor:terminate_child(Sup, w2)),
    p(restart_child, element(1, supervisor:restart_child(Sup, w2))),
    p(delete_running, supervisor:delete_child(Sup, w2)),
    p(start_child, element(1, supervisor:start_child(Sup, worker_spec(w3)))),
    p(children_now, [Id || {Id, _, _, _} <- lists:sort(supervisor:which_children(Sup))]),
    %% Crash w1 more often than the intensity allows: the supervisor dies.
    crash_until_gone(Sup, 10),
    p(supervisor_gave_up, receive {'EXIT', Sup, R} -> R after 5000 -> timeout end),
    p(vm_still_up, erlang:is_process_alive(self())),
    process_flag(trap_exit, false).

crash_until_gone(_Sup, 0) -> ok;
crash_until_gone(Sup, N) ->
    case catch child_pid(Sup, w1) of
        Pid when is_pid(Pid) ->
            exit(Pid, kill),
            timer:sleep(10),
            crash_until_gone(Sup, N - 1);
        _ -> ok
    end.

child_pid(Sup, Id) ->
    {Id, Pid, _, _} = lists:keyfind(Id, 1, supervisor:which_children(Sup)),
    Pid.

wait_restart(Sup, Id, Old) ->
    case child_pid(Sup, Id) of
        Old -> timer:sleep(5), wait_restart(Sup, Id, Old);
        restarting -> timer:sleep(5), wait_restart(Sup, Id, Old);
        New -> New
    end.

worker_spec(Id) ->
    #{id => Id, start => {?MODULE, start_worker, [Id]}, restart => permanent,
      shutdown => 1000, type => worker, modules => [?MODULE]}.

start_worker(Id) -> gen_server:start_link(?MODULE, {worker, Id}, []).

start_sup(Args) -> supervisor:start_link({local, ob_top_sup}, ?MODULE, Args).

%% ---- application
application_part() ->
    App = {application, ob_app,
           [{description, "test app"}, {vsn, "1.0"}, {modules, [?MODULE]},
            {registered, [ob_top_sup]}, {applications, [kernel, stdlib]},
            {mod, {?MODULE, app_args}}, {env, [{key, value}]}]},
    p(load, application:load(App)),
    p(env, application:get_env(ob_app, key)),
    p(start, application:start(ob_app)),
    p(running, lists:member(ob_app, [A || {A, _, _} <- application:which_applications()])),
    p(top_sup, is_pid(whereis(ob_top_sup))),
    p(tree, [Id || {Id, _, _, _} <- lists:sort(supervisor:which_children(ob_top_sup))]),
    p(start_again, application:start(ob_app)),
    p(stop, application:stop(ob_app)),
    p(top_sup_gone, whereis(ob_top_sup)),
    p(not_running, lists:member(ob_app, [A || {A, _, _} <- application:which_applications()])),
    p(stop_again, application:stop(ob_app)),
    p(unload, application:unload(ob_app)).

%% application callbacks
start(normal, app_args) -> start_sup({sup, one_for_all, 1, 5}).
stop(_State) -> ok.
