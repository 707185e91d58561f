%% Ports: spawn and spawn_executable with exit_status, packet, line, eof,
%% env, cd; port_command, Port ! {Pid, ...}, port_close, port_info, links,
%% monitors, exit signals to ports, errors.
-module(ports).
-export([main/0]).

p(X) -> io:format("~p~n", [X]).

%% Only this module's frames of an exception (the runner's differ), and no
%% port numbers (erl has ports of its own).
c(F) ->
    try F() catch Class:Reason:Stack ->
        {Class, Reason, [{M, Fn, length(A)} || {M, Fn, A, _} <- Stack, M =:= erlang]}
    end.

collect(P, Acc) ->
    receive
        {P, {data, D}} -> collect(P, [D | Acc]);
        {P, {exit_status, S}} -> collect(P, [{exit_status, S} | Acc]);
        {P, eof} -> collect(P, [eof | Acc]);
        {'EXIT', P, R} -> lists:reverse([{'EXIT', R} | Acc])
    after 3000 -> lists:reverse([timeout | Acc])
    end.

main() ->
    process_flag(trap_exit, true),
    P1 = open_port({spawn, "echo hello; echo world"}, [exit_status]),
    p(is_port(P1)),
    p(collect(P1, [])),
    P2 = open_port({spawn, "cat"}, [binary, {packet, 2}]),
    true = port_command(P2, <<"abc">>),
    P2 ! {self(), {command, [<<"de">>, $f]}},
    p(receive {P2, {data, D1}} -> D1 after 2000 -> timeout end),
    p(receive {P2, {data, D2}} -> D2 after 2000 -> timeout end),
    p(port_close(P2)),
    p(receive {'EXIT', P2, R2} -> R2 after 2000 -> timeout end),
    P3 = open_port({spawn, "printf 'a\\nbb\\nccccc\\nd'"}, [{line, 3}, eof]),
    p(collect3(P3, [])),
    P4 = open_port({spawn_executable, "/bin/sh"}, [{args, ["-c", "exit 3"]}, exit_status]),
    p(collect(P4, [])),
    p(c(fun() -> open_port({spawn_executable, "/nonexistent/prog"}, []) end)),
    p(c(fun() -> open_port({spawn, "true"}, [bad_option]) end)),
    p(c(fun() -> open_port({spawn, "true"}, [{packet, 3}]) end)),
    p(c(fun() -> open_port({fd, a, 1}, []) end)),
    P5 = open_port({spawn, "cat"}, []),
    p(erlang:port_info(P5, connected) =:= {connected, self()}),
    p(erlang:port_info(P5, name)),
    p(lists:member(P5, erlang:ports())),
    Ref = monitor(port, P5),
    P5 ! {self(), close},
    p(receive {P5, closed} -> closed after 2000 -> timeout end),
    p(receive {'DOWN', Ref, port, P5, R5} -> R5 after 2000 -> timeout end),
    p(erlang:port_info(P5)),
    p(c(fun() -> port_command(P5, "x") end)),
    p(c(fun() -> port_command(open_port({spawn, "cat"}, []), [bad]) end)),
    P6 = open_port({spawn, "cat"}, []),
    exit(P6, kill),
    p(receive {'EXIT', P6, R6} -> R6 after 2000 -> timeout end),
    P7 = open_port({spawn, "echo $FOO; pwd"}, [{env, [{"FOO", "bar"}]}, {cd, "/tmp"}, exit_status]),
    p(collect(P7, [])),
    vanilla(),
    %% Writing to a program that has exited fails with EPIPE inside the
    %% port: the VM goes on (SIGPIPE is ignored). The port ends normally or
    %% with epipe, depending on which the reference sees first.
    P9 = open_port({spawn, "head -c 1 >/dev/null"}, []),
    [P9 ! {self(), {command, lists:duplicate(10000, $x)}} || _ <- lists:seq(1, 50)],
    p(receive {'EXIT', P9, R9} -> lists:member(R9, [normal, epipe]) after 3000 -> timeout end),
    ok.

%% A name alone opens the file of that name ("vanilla" port): written with
%% [out], read with [in], the port closes at the end of the file.
vanilla() ->
    F = "/tmp/beamvm_ports_vanilla_" ++ os:getpid(),
    W = open_port(F, [out]),
    p(erlang:port_info(W, name) =:= {name, F}),
    true = port_command(W, [<<"line one\n">>, "line two\n"]),
    port_close(W),
    p(file:read_file(F)),
    p(collect(open_port(F, [in]), [])),
    p(collect(open_port(list_to_atom(F), [in, binary, {line, 5}]), [])),
    p(c(fun() -> open_port("/nonexistent/dir/file", [out]) end)),
    p(c(fun() -> open_port([], [out]) end)),
    file:delete(F).

collect3(P, Acc) ->
    receive
        {P, {data, D}} -> collect3(P, [D | Acc]);
        {P, eof} -> port_close(P), lists:reverse([eof | Acc])
    after 3000 -> lists:reverse([timeout | Acc])
    end.
