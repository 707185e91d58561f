%% erlang:decode_packet/3: every packet type, options, incomplete and
%% invalid data, HTTP request, response and header lines.
-module(decode_packet).
-export([main/0]).

main() ->
    length_types(),
    lines(),
    http(),
    bad_arguments(),
    ok.

c(F) -> try F() catch C:E -> {C, E} end.

p(Label, F) -> io:format("~w -> ~w~n", [Label, c(F)]).

dp(T, B, O) -> p({T, B, O}, fun() -> erlang:decode_packet(T, B, O) end).

length_types() ->
    io:format("== length types~n"),
    <<_:3, Unaligned:6/binary, _:5>> = <<0:3, 2, "abcde", 0:5>>,
    Big = list_to_binary(lists:duplicate(300, $z)),
    Bins = [<<>>, <<0>>, <<3, "abc">>, <<3, "abcdef">>, <<3, "ab">>, <<0, 3, "abc">>, <<0, 0, 0, 3, "abc", 1:3>>,
            <<255, 255, 255, 255>>, <<127, 255, 255, 255, 1>>, <<128, 0, 0, 2, "ab">>, Unaligned, <<1:5>>, <<1, 1:7>>],
    [dp(T, B, []) || T <- [raw, 0, 1, 2, 4, sunrm], B <- Bins],
    [dp(T, B, [{packet_size, 2}]) || T <- [1, 2, 4], B <- Bins],
    p(big_packet, fun() -> {ok, P, R} = erlang:decode_packet(2, <<300:16, Big/binary, "rest">>, []),
                           {byte_size(P), R, binary:referenced_byte_size(P)} end),
    Asn1 = [<<>>, <<16#30>>, <<16#30, 3, 1, 2, 3>>, <<16#30, 3, 1, 2>>, <<16#30, 16#81, 3, 1, 2, 3, 4>>,
            <<16#30, 16#82, 0, 2, 1, 2>>, <<16#30, 16#83, 0, 0, 1, 9>>, <<16#30, 16#84, 0, 0, 0, 1, 7>>,
            <<16#30, 16#85, 0, 0, 0, 0, 1>>, <<16#30, 16#80, 1>>, <<16#1F, 16#81, 16#01, 2, 1, 2>>,
            <<16#1F, 16#81>>, <<16#1F, 16#81, 16#81>>, <<16#30, 16#82, 0>>],
    [dp(asn1, B, []) || B <- Asn1],
    Cdr = [<<"GIOP", 1, 0, 0, 0, 0, 0, 0, 2, "ab">>, <<"GIOP", 1, 0, 1, 0, 2, 0, 0, 0, "abc">>,
           <<"GIOX", 1, 0, 0, 0, 0, 0, 0, 0>>, <<"GIOP", 1, 0>>, <<"GIOP", 1, 0, 0, 0, 0, 0, 0, 5, "ab">>],
    [dp(cdr, B, []) || B <- Cdr],
    Fcgi = [<<1, 1, 0, 1, 0, 3, 2, 0, "abc", 0, 0, "x">>, <<2, 1, 0, 1, 0, 3, 0, 0, "abc">>, <<1, 1, 0>>,
            <<1, 1, 0, 1, 0, 3, 2, 0, "abc">>],
    [dp(fcgi, B, []) || B <- Fcgi],
    Tpkt = [<<3, 0, 0, 7, "abc", "d">>, <<3, 0, 0, 4>>, <<3, 0, 0, 2>>, <<2, 0, 0, 7, "abc">>, <<3, 0>>, <<3, 0, 0, 9, "a">>],
    [dp(tpkt, B, []) || B <- Tpkt],
    Ssl = [<<22, 3, 1, 0, 3, 1, 2, 3, "rest">>, <<22, 3, 1, 0, 3, 1>>, <<128, 8, 1, 3, 0, 1, 2, 3, 4, 5>>, <<22, 3>>],
    [dp(ssl_tls, B, []) || B <- Ssl].

lines() ->
    io:format("== lines~n"),
    Bins = [<<>>, <<"abc">>, <<"abc\n">>, <<"abc\ndef\n">>, <<"\n">>, <<"abcdefgh">>, <<"ab;cd">>, <<"abcdefgh\nx">>],
    Opts = [[], [{line_length, 4}], [{packet_size, 4}], [{line_delimiter, $;}], [{line_length, 3}, {packet_size, 10}],
            [{line_length, 0}], [{packet_size, 20}, {line_length, 20}]],
    [dp(line, B, O) || B <- Bins, O <- Opts].

http() ->
    io:format("== http~n"),
    Requests = [<<"GET / HTTP/1.1\r\n">>, <<"GET /index.html?x=1 HTTP/1.0\r\nHost: x\r\n">>,
                <<"POST http://example.com:8080/path HTTP/1.1\r\n">>, <<"HEAD https://example.com HTTP/1.1\r\n">>,
                <<"OPTIONS * HTTP/1.1\r\n">>, <<"PATCH /x HTTP/1.1\r\n">>, <<"get / HTTP/1.1\r\n">>,
                <<"GET ftp://host/file HTTP/1.1\r\n">>, <<"GET foo HTTP/1.1\r\n">>, <<"GET / \r\n">>,
                <<"GET /\r\n">>, <<"GET / HTTP/1\r\n">>, <<"GET / HTTP/x.1\r\n">>, <<"GET  /a  HTTP/2.0\r\n">>,
                <<"GET http://h:0/ HTTP/1.1\r\n">>, <<"GET http://h:80x/ HTTP/1.1\r\n">>, <<"GET HTTP://H:1 HTTP/1.1\r\n">>,
                <<"\r\n">>, <<"\n">>, <<"GET / HTTP/1.1">>, <<"GET / HTTP/1.1\n">>, <<" GET / HTTP/1.1\r\n">>,
                <<"GET /", (list_to_binary(lists:duplicate(40, $p)))/binary, " HTTP/1.1\r\n">>,
                <<"HTTP/1.1 200 OK\r\n">>, <<"HTTP/1.0 404 Not Found\r\nX">>, <<"HTTP/1.1 200\r\n">>,
                <<"HTTP/1.1 200OK\r\n">>, <<"HTTP/1.1200 OK\r\n">>, <<"HTTP/11 200 OK\r\n">>,
                <<"HTTP/1.1 999 Some long reason phrase here\r\n">>],
    [dp(T, B, []) || T <- [http, http_bin], B <- Requests],
    Headers = [<<"Host: example.com\r\n">>, <<"content-type: text/html\r\n">>, <<"CONTENT-LENGTH:   42\r\n">>,
               <<"X-Custom-Header: v\r\n">>, <<"x-forwarded-for: 1.2.3.4\r\n">>, <<"Set-Cookie2: a=b\r\n">>,
               <<"Host: a\r\n continued\r\nNext: b\r\n">>, <<"Host: a\r\n\tmore\r\n">>, <<"Host: a\r\n">>,
               <<"Host: a">>, <<"\r\n">>, <<"\n">>, <<"Bad header\r\n">>, <<": empty\r\n">>,
               <<"Www-authenticate: x\r\n">>, <<"Etag: \"x\"\r\n">>, <<"Content-MD5: abc\r\n">>,
               <<(list_to_binary(lists:duplicate(60, $h)))/binary, ": long\r\n">>,
               <<"Accept: ", (list_to_binary(lists:duplicate(30, $a)))/binary, "\r\n">>,
               <<"Host:a\r\n">>, <<"Host : a\r\n">>, <<"Host: a\r\n\r\n">>],
    [dp(T, B, []) || T <- [httph, httph_bin], B <- Headers],
    [dp(T, B, O) || T <- [http, httph], B <- [<<"GET / HTTP/1.1">>, <<"Host: abcdefgh\r\n">>],
                    O <- [[{packet_size, 5}], [{line_length, 5}], [{packet_size, 100}]]],
    p(bin_sizes, fun() ->
        {ok, {http_request, _, {abs_path, Path}, _}, _} =
            erlang:decode_packet(http_bin, <<"GET /", (list_to_binary(lists:duplicate(40, $p)))/binary, " HTTP/1.1\r\n">>, []),
        {byte_size(Path), binary:referenced_byte_size(Path)}
    end).

bad_arguments() ->
    io:format("== bad arguments~n"),
    [p({bad, T, B, O}, fun() -> erlang:decode_packet(T, B, O) end)
     || {T, B, O} <- [{foo, <<>>, []}, {3, <<>>, []}, {raw, foo, []}, {raw, "abc", []}, {raw, <<>>, foo},
                      {raw, <<>>, [foo]}, {raw, <<>>, [{packet_size, -1}]}, {raw, <<>>, [{packet_size, 1 bsl 32}]},
                      {raw, <<>>, [{line_delimiter, $;}]}, {line, <<>>, [{line_delimiter, 256}]},
                      {raw, <<>>, [{packet_size, 1, 2}]}, {raw, <<>>, [{foo, 1}]}]].
