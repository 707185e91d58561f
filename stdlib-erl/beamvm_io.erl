%% A minimal io server (the Erlang I/O protocol) on standard output, used as
%% the group leader in direct mode. Output is UTF-8. Input is not supported
%% yet: get requests answer {error, enotsup}.
-module(beamvm_io).
-export([server/0]).

server() ->
    receive
        {io_request, From, ReplyAs, Request} ->
            Reply = request(Request),
            From ! {io_reply, ReplyAs, Reply},
            server();
        _Other ->
            server()
    end.

request({put_chars, Encoding, Chars}) ->
    put_chars(Encoding, Chars);
request({put_chars, Encoding, Module, Function, Args}) ->
    try apply(Module, Function, Args) of
        Chars -> put_chars(Encoding, Chars)
    catch
        _:_ -> {error, {Module, Function, Args}}
    end;
request({put_chars, Chars}) ->
    put_chars(latin1, Chars);
request({put_chars, Module, Function, Args}) ->
    request({put_chars, latin1, Module, Function, Args});
request({requests, Requests}) ->
    requests(Requests, ok);
request({setopts, _Opts}) ->
    ok;
request(getopts) ->
    [{binary, false}, {encoding, unicode}];
request({get_geometry, _}) ->
    {error, enotsup};
request(_Other) ->
    {error, enotsup}.

requests([], Result) -> Result;
requests([R | Rs], _) ->
    case request(R) of
        {error, _} = E -> E;
        Result -> requests(Rs, Result)
    end.

put_chars(Encoding, Chars) ->
    case unicode:characters_to_binary(Chars, Encoding) of
        Bin when is_binary(Bin) -> beamvm:put_chars(Bin);
        _ -> {error, put_chars}
    end.
