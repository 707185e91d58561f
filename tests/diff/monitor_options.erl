%% monitor/3 and spawn_opt monitor options: tags (also boxed), aliases,
%% monitors that fire at once (names that are not registered, ports by
%% name, pids of an earlier incarnation of this node).
-module(monitor_options).
-export([main/0]).
main() ->
    Tag = {my, tag, make_ref()},
    {P1, M1} = spawn_opt(fun() -> ok end, [{monitor, [{tag, Tag}]}]),
    receive {Tag, M1, process, P1, R1} -> io:format("tagged down ~p~n", [R1]) end,
    {P2, M2} = spawn_opt(fun() -> receive go -> ok end end, [{monitor, [{alias, explicit_unalias}]}]),
    M2 ! via_alias,
    receive via_alias -> io:format("alias works~n") end,
    P2 ! go,
    receive {'DOWN', M2, process, P2, R2} -> io:format("down ~p~n", [R2]) end,
    M2 ! still_alias,
    receive still_alias -> io:format("explicit alias stays~n") after 100 -> io:format("no~n") end,
    true = unalias(M2),
    {P3, M3} = spawn_opt(fun() -> ok end, [{monitor, [{alias, demonitor}]}]),
    receive {'DOWN', M3, process, P3, _} -> ok end,
    M3 ! gone, receive gone -> io:format("alias kept~n") after 100 -> io:format("demonitor alias gone~n") end,
    M4 = erlang:monitor(port, no_such_port_name, [{tag, t4}]),
    receive {t4, M4, port, {no_such_port_name, N4}, noproc} -> io:format("port by name ~p~n", [N4 == node()]) end,
    M5 = erlang:monitor(port, {no_such_port_name, node()}),
    receive {'DOWN', M5, port, _, R5} -> io:format("port by name/node ~p~n", [R5]) end,
    [CreEnd | RPTail] = lists:reverse(binary_to_list(term_to_binary(self()))),
    Old = binary_to_term(list_to_binary(lists:reverse([(CreEnd + 1) rem 256 | RPTail]))),
    M6 = erlang:monitor(process, Old),
    receive {'DOWN', M6, process, Old, R6} -> io:format("old incarnation ~p~n", [R6]) end,
    M7 = erlang:monitor(process, {nobody_here, node()}, [{alias, explicit_unalias}]),
    receive {'DOWN', M7, process, _, R7} -> io:format("name ~p~n", [R7]) end,
    M7 ! x, receive x -> io:format("noproc alias kept~n") after 100 -> io:format("noproc alias gone~n") end,
    ok.
