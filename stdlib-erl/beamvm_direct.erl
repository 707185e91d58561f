%% Direct mode: how beamvm runs programs before it boots OTP's init.
%%
%% The VM's first process runs start/1 with the -s, -run and -eval commands
%% of the command line. Like OTP's init it registers as `init` and answers
%% init's requests (get_arguments, get_plain_arguments, get_argument, stop),
%% while a boot process runs the commands in order:
%%   -s M [F [A...]]    M:start() | M:F() | M:F([A...]) with atom arguments
%%   -run M [F [A...]]  the same with string arguments
%%   -eval Expr         evaluated with erl_eval
%% Standard output goes through beamvm_io, the group leader. A command that
%% crashes ends the VM the way init does: the reason is displayed and the
%% exit status is 1. When the commands are done, the VM keeps running (erl
%% does, until halt/0,1 or init:stop/0,1).
-module(beamvm_direct).
-export([start/1]).

start(Commands) ->
    register(init, self()),
    IO = spawn(beamvm_io, server, []),
    group_leader(IO, self()),
    spawn(fun() -> boot(Commands) end),
    serve().

serve() ->
    receive
        {From, get_arguments} -> From ! {init, []};
        {From, get_plain_arguments} -> From ! {init, []};
        {From, {get_argument, _Flag}} -> From ! {init, error};
        {From, {stop, Status}} -> From ! {init, ok}, halt(stop_status(Status));
        {From, _Other} when is_pid(From) -> From ! {init, {error, notsup}};
        _ -> ok
    end,
    serve().

stop_status(S) when is_integer(S) -> S;
stop_status(_) -> 0.

boot(Commands) ->
    try
        lists:foreach(fun run/1, Commands)
    catch
        Class:Reason:Stack ->
            erlang:display({"init terminating in do_boot", exit_reason(Class, Reason, Stack)}),
            halt(1)
    end.

exit_reason(error, Reason, Stack) -> {Reason, Stack};
exit_reason(exit, Reason, _Stack) -> Reason;
exit_reason(throw, Value, Stack) -> {{nocatch, Value}, Stack}.

run({s, [M]}) -> M:start();
run({s, [M, F]}) -> M:F();
run({s, [M, F, Args]}) -> M:F(Args);
run({eval, String}) ->
    {ok, Tokens, _} = erl_scan:string(String),
    Tokens1 = case lists:reverse(Tokens) of
                  [{dot, _} | _] -> Tokens;
                  Rev -> lists:reverse([{dot, erl_anno:new(1)} | Rev])
              end,
    {ok, Exprs} = erl_parse:parse_exprs(Tokens1),
    {value, _Value, _Bindings} = erl_eval:exprs(Exprs, erl_eval:new_bindings()),
    ok.
