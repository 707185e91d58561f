%% Loading pause benchmark: how long code:load_binary/3 of a big module
%% takes, and the longest gap a 1 ms ticker process sees meanwhile.
%%   erlc -o /tmp tools/load_pause.erl
%%   erl -noshell -pa /tmp -run load_pause main -s init stop
%%   build/bin/beamvm -noshell -pa /tmp -run load_pause main -s init stop
-module(load_pause).
-export([main/0]).
%% Loading pause: a ticker process measures the longest gap between its
%% wake-ups (1 ms sleeps) while another process loads a big module 50 times.
main() ->
    {ok, Bin} = file:read_file(code:which(erl_parse)),
    code:unstick_mod(erl_parse),
    Self = self(),
    T = spawn(fun() -> tick(erlang:monotonic_time(microsecond), 0, Self) end),
    Times = [begin
                 code:purge(erl_parse),
                 {U, {module, _}} = timer:tc(code, load_binary, [erl_parse, "erl_parse.beam", Bin]),
                 U
             end || _ <- lists:seq(1, 50)],
    T ! {stop, self()},
    Gap = receive {gap, G} -> G end,
    Sorted = lists:sort(Times),
    io:format("load_binary(erl_parse) median ~p us; longest gap of a 1 ms ticker during the loads: ~p us~n",
              [lists:nth(25, Sorted), Gap]).

tick(Last, Max, Parent) ->
    receive {stop, From} -> From ! {gap, Max}
    after 1 ->
        Now = erlang:monotonic_time(microsecond),
        tick(Now, max(Max, Now - Last), Parent)
    end.
