%% A minimal io server (the Erlang I/O protocol) on standard output, used as
%% the group leader in direct mode. Like erl's -noshell `user`, it is a
%% Latin-1 device: unicode output above U+00FF is written as \x{H}.
%% Input is not supported yet: get requests answer {error, enotsup}.
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
    case catch apply(Module, Function, Args) of
        Chars when is_list(Chars); is_binary(Chars) -> put_chars(Encoding, Chars);
        _ -> {error, put_chars}
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
    [{binary, false}, {encoding, latin1}];
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
    case to_latin1(Encoding, Chars) of
        Bin when is_binary(Bin) -> beamvm:put_chars(Bin);
        error -> {error, put_chars}
    end.

to_latin1(latin1, Chars) ->
    case catch unicode:characters_to_binary(Chars, latin1, latin1) of
        Bin when is_binary(Bin) -> Bin;
        _ -> error
    end;
to_latin1(unicode, Chars) ->
    case catch unicode:characters_to_list(Chars, unicode) of
        L when is_list(L) -> list_to_binary([escape(C) || C <- L]);
        _ -> error
    end.

escape(C) when C > 255 -> ["\\x{", integer_to_list(C, 16), $}];
escape(C) -> C.
