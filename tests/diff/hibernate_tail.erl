%% erlang:hibernate/3 as a tail call with a message waiting: the process
%% resumes and later returns through its bottom frame (it once crashed).
%% A hibernated process stays small while others ask about it, and is back
%% at its min_heap_size when a message wakes it.
-module(hibernate_tail).
-export([main/0, restart/2, sleeper/1, woken/1]).
main() ->
    Self = self(),
    Msg = {Self,make_ref(),a,message},
    Pid = spawn_link(fun() -> m1(Self, Msg) end),
    Pid ! Msg,
    Pid ! go_ahead,
    receive done -> io:format("ok~n"); Other -> io:format("~p~n", [Other]) end,
    [wake(Opts) || Opts <- [[], [{min_heap_size, 15000}]]],
    ok.
wake(Opts) ->
    C = spawn_opt(?MODULE, sleeper, [self()], Opts),
    wait_hibernated(C),
    Sizes = [begin
                 {heap_size, H} = process_info(C, heap_size),
                 {total_heap_size, T} = process_info(C, total_heap_size),
                 {status, waiting} = process_info(C, status),
                 H =< 20 andalso H =:= T
             end || _ <- lists:seq(1, 20)],
    io:format("small while hibernated: ~p~n", [lists:usort(Sizes)]),
    C ! wake_up,
    receive {woken, HS} -> io:format("heap after waking: ~p~n", [HS]) end.
wait_hibernated(C) ->
    case process_info(C, current_function) of
        {current_function, {erlang, hibernate, 3}} -> ok;
        _ -> receive after 1 -> wait_hibernated(C) end
    end.
sleeper(Parent) -> erlang:hibernate(?MODULE, woken, [Parent]).
woken(Parent) ->
    receive wake_up -> {heap_size, H} = process_info(self(), heap_size), Parent ! {woken, H} end.
m1(Parent, ExpectedMsg) ->
    receive go_ahead -> ok end,
    {message_queue_len,1} = process_info(self(), message_queue_len),
    erlang:hibernate(?MODULE, restart, [Parent,ExpectedMsg]).
restart(Parent, ExpectedMessage) ->
    receive ExpectedMessage -> Parent ! done; Other -> io:format("~p\n", [Other]) end,
    ok.
