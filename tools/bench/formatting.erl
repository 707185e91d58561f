%% stdlib formatting: io_lib:format with common control sequences.
-module(formatting).
-export([main/0]).
-include("bench.hrl").
run() ->
    Terms = [{record, I, [a, b, {c, "str"}], <<"bin">>, I * 1000} || I <- lists:seq(1, 2000)],
    Out = [io_lib:format("~p ~w ~s ~b ~8.16.0B~n", [T, element(2, T), "text", element(2, T), element(5, T)])
           || T <- Terms],
    iolist_size(Out).
