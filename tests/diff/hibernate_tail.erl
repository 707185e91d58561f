%% erlang:hibernate/3 as a tail call with a message waiting: the process
%% resumes and later returns through its bottom frame (it once crashed).
-module(hibernate_tail).
-export([main/0, restart/2]).
main() ->
    Self = self(),
    Msg = {Self,make_ref(),a,message},
    Pid = spawn_link(fun() -> m1(Self, Msg) end),
    Pid ! Msg,
    Pid ! go_ahead,
    receive done -> io:format("ok~n"); Other -> io:format("~p~n", [Other]) end.
m1(Parent, ExpectedMsg) ->
    receive go_ahead -> ok end,
    {message_queue_len,1} = process_info(self(), message_queue_len),
    erlang:hibernate(?MODULE, restart, [Parent,ExpectedMsg]).
restart(Parent, ExpectedMessage) ->
    receive ExpectedMessage -> Parent ! done; Other -> io:format("~p\n", [Other]) end,
    ok.
