%% 'EXIT' messages of trapped exits, received by a process with a stack
%% frame and a nearly full heap: moving such a message to the heap must
%% count the tuple around the reason (it once overwrote the frame).
-module(exit_message_heap).
-export([main/0, child/3]).

main() ->
    process_flag(trap_exit, true),
    Tuple = {a, tuple, is, built, here, xxx},
    io:format("~p~n", [loop(512, [Tuple], [])]).

loop(0, _, _) -> ok;
loop(Iter, Result, Filler) ->
    Pid = spawn_link(?MODULE, child, [fun(X) -> X end, Result, list_to_tuple(Filler)]),
    receive
        {'EXIT', Pid, {result, Result}} -> loop(Iter - 1, Result, [0 | Filler]);
        Other -> {Iter, Other}
    end.

child(Fun, Arg, Filler) ->
    Result = {result, Fun(Arg)},
    keep(Filler),
    exit(Result).

keep(_) -> ok.
