%% The binary module: BIFs and the stdlib functions built on them.
-module(binary_module).
-export([main/0]).

main() ->
    Big = list_to_binary(lists:seq(0, 255) ++ lists:seq(0, 255)),
    <<_:3, Unaligned:16/binary, _/bitstring>> = <<"xabcabcabcdefghijkl">>,
    <<_:8, Sub:10/binary, _/binary>> = Big,
    Bits = <<1, 2, 3:4>>,
    Subjects = [<<>>, <<"abc">>, <<"abcabcabc">>, Unaligned, Sub, Big, Bits],
    Patterns = [<<"a">>, <<"bc">>, [<<"a">>, <<"ab">>], [<<"b">>, <<"abc">>, <<"c">>],
                [<<"bca">>, <<"abc">>, <<"c">>], [<<"ab">>, <<"ab">>], [<<0, 1>>, <<255>>],
                [<<"x">>], <<>>, [], [<<"a">>, <<>>], foo, [<<"a">> | <<"b">>], Bits,
                {bm, foo}, {ac, foo}, {xy, <<"a">>}],
    section(match),
    [p({match, S, P}, fun() -> binary:match(S, P) end) || S <- Subjects, P <- Patterns],
    section(matches),
    [p({matches, S, P}, fun() -> binary:matches(S, P) end) || S <- Subjects, P <- Patterns],
    section(split),
    [p({split, S, P}, fun() -> binary:split(S, P) end) || S <- Subjects, P <- Patterns],
    section(compiled),
    [compiled(S, P) || S <- Subjects,
                       P <- [<<"a">>, <<"bc">>, [<<"a">>, <<"ab">>], [<<"b">>, <<"abc">>, <<"c">>]]],
    p(compile_errors, fun() -> [c(fun() -> binary:compile_pattern(X) end) || X <- [<<>>, [], foo, [<<>>], Bits, [a]]] end),
    ac_semantics(),
    scopes(Big),
    split_options(),
    parts(Big, Unaligned, Bits),
    bytes(Big, Unaligned, Bits),
    copies(Big, Unaligned, Bits),
    unsigned(Unaligned),
    common(Big, Unaligned, Bits),
    referenced(Big),
    stdlib_functions(Big),
    ok.

section(Name) -> io:format("== ~p~n", [Name]).

c(F) -> try F() catch C:E -> {C, E} end.

p(Label, F) ->
    R = c(F),
    io:format("~w -> ~w~n", [Label, R]).

compiled(S, P) ->
    CP = binary:compile_pattern(P),
    p({compiled, S, P}, fun() ->
        [binary:match(S, CP), binary:matches(S, CP), binary:split(S, CP),
         binary:split(S, CP, [global]), binary:replace(S, CP, <<"#">>, [global])]
    end).

%% Which pattern wins when several match: the reference's Aho-Corasick walk.
ac_semantics() ->
    section(ac),
    Cases = [{<<"abcd">>, [<<"bcd">>, <<"abc">>, <<"cd">>]},
             {<<"abcd">>, [<<"abcd">>, <<"bc">>]},
             {<<"abcd">>, [<<"bc">>, <<"abcd">>]},
             {<<"aaaa">>, [<<"a">>, <<"aa">>, <<"aaa">>]},
             {<<"aaaaa">>, [<<"aa">>, <<"aaa">>]},
             {<<"abababab">>, [<<"aba">>, <<"bab">>]},
             {<<"xabcx">>, [<<"abc">>, <<"b">>, <<"xa">>]},
             {<<"she sells sea shells">>, [<<"he">>, <<"she">>, <<"his">>, <<"hers">>, <<"s">>]},
             {<<"ushers">>, [<<"he">>, <<"she">>, <<"his">>, <<"hers">>]},
             {<<"abcdefg">>, [<<"cdefx">>, <<"bcd">>, <<"efg">>, <<"defg">>]},
             {<<"aabcabcabd">>, [<<"abcabd">>, <<"bca">>, <<"ca">>, <<"abc">>]},
             {<<"mississippi">>, [<<"issi">>, <<"ss">>, <<"sip">>, <<"ppi">>, <<"i">>]},
             {<<"abcab">>, [<<"ab">>, <<"b">>, <<"bca">>, <<"cab">>]},
             {<<"xyzxyzxyz">>, [<<"zx">>, <<"xyzx">>, <<"yz">>]}],
    [begin
         p({ac_match, S, P}, fun() -> binary:match(S, P) end),
         p({ac_matches, S, P}, fun() -> binary:matches(S, P) end),
         p({ac_split, S, P}, fun() -> binary:split(S, P, [global]) end)
     end || {S, P} <- Cases],
    %% Pseudo-random subjects and pattern sets over a small alphabet.
    rand_cases(200, 12345).

rand_cases(0, _) -> ok;
rand_cases(N, Seed) ->
    {S, Seed1} = rstr(8 + Seed rem 20, Seed),
    {Np, Seed2} = next(Seed1),
    {Ps, Seed3} = rpats(2 + Np rem 4, Seed2, []),
    io:format("~w ~w ~w~n", [binary:match(S, Ps), binary:matches(S, Ps),
                             binary:split(S, Ps, [global, trim])]),
    rand_cases(N - 1, Seed3).

next(S) -> S1 = (S * 1103515245 + 12345) rem 2147483648, {S1 div 65536, S1}.

rstr(Len, Seed) -> rstr(Len, Seed, []).
rstr(0, Seed, Acc) -> {list_to_binary(Acc), Seed};
rstr(Len, Seed, Acc) ->
    {X, Seed1} = next(Seed),
    rstr(Len - 1, Seed1, [$a + X rem 3 | Acc]).

rpats(0, Seed, Acc) -> {Acc, Seed};
rpats(N, Seed, Acc) ->
    {L, Seed1} = next(Seed),
    {P, Seed2} = rstr(1 + L rem 4, Seed1),
    rpats(N - 1, Seed2, [P | Acc]).

scopes(Big) ->
    section(scope),
    S = <<"abcabcabc">>,
    Scopes = [{0, 9}, {1, 8}, {3, 3}, {9, 0}, {0, 0}, {9, -9}, {5, -3}, {4, -5}, {0, 10},
              {10, 0}, {-1, 2}, {2, 1 bsl 64}, {1 bsl 64, 1}, {a, 1}, {1, b}, {0, -1}],
    [begin
         p({match_scope, Sc}, fun() -> binary:match(S, <<"c">>, [{scope, Sc}]) end),
         p({matches_scope, Sc}, fun() -> binary:matches(S, [<<"a">>, <<"bc">>], [{scope, Sc}]) end),
         p({split_scope, Sc}, fun() -> binary:split(S, <<"b">>, [{scope, Sc}, global]) end)
     end || Sc <- Scopes],
    p(two_scopes, fun() -> binary:matches(S, <<"a">>, [{scope, {0, 9}}, {scope, {2, 5}}]) end),
    p(improper_opts, fun() -> binary:matches(S, <<"a">>, [{scope, {1, 8}} | bad]) end),
    p(bad_opts_eval, [c(fun() -> binary:match(S, <<"a">>, X) end) || X <- [bad, [bad], [global], [{scope, 1}], [{scope, {1}}], [{scope, {0, 0}}]]]),
    p(empty_scope_bad_pattern, fun() -> {binary:match(S, foo, [{scope, {0, 0}}]),
                                         binary:matches(<<>>, foo),
                                         binary:split(S, foo, [{scope, {0, 0}}])} end),
    p(big_scope, fun() -> binary:matches(Big, [<<1, 2>>, <<254, 255, 0>>], [{scope, {100, 400}}]) end),
    p(big_split, fun() -> length(binary:split(Big, [<<1, 2>>, <<254, 255, 0>>], [global])) end),
    p(bad_subjects, [c(fun() -> binary:match(X, <<"a">>) end) || X <- [foo, <<1:1>>, "abc", 1]]).

split_options() ->
    section(split_options),
    Subjects = [<<>>, <<",">>, <<",,">>, <<"a,b">>, <<",a,,b,,">>, <<"a,,">>, <<",,a">>, <<"a">>],
    Opts = [[], [global], [trim], [trim_all], [global, trim], [global, trim_all],
            [trim, trim_all], [global, trim, trim_all], [{scope, {1, 1}}, global, trim]],
    [p({split, S, O}, fun() -> binary:split(S, <<",">>, O) end) || S <- Subjects, O <- Opts],
    [p({split2, S, O}, fun() -> binary:split(S, [<<",">>, <<",,">>], O) end) || S <- Subjects, O <- Opts],
    p(bad_split_opts, [c(fun() -> binary:split(<<"a,b">>, <<",">>, X) end) || X <- [[foo], foo, [{trim}], [global | trim]]]).

parts(Big, Unaligned, Bits) ->
    section(part),
    Args = [{0, 0}, {0, 1}, {1, 2}, {3, -2}, {3, -3}, {3, -4}, {0, 16}, {16, 0}, {16, 1}, {-1, 1},
            {0, 1 bsl 64}, {1 bsl 64, 0}, {a, 1}, {1, "1"}, {100, 30}, {200, 100}],
    [p({part, B, A}, fun() -> binary:part(B, A) end) || B <- [<<"abc">>, Unaligned, Bits], A <- Args],
    [p({part3, A}, fun() -> binary:part(Big, element(1, A), element(2, A)) end) || A <- Args],
    p(part_bad, [c(fun() -> binary:part(X, {0, 0}) end) || X <- [foo, "abc"]] ++ [c(fun() -> binary:part(<<"a">>, {0, 0, 0}) end)]),
    p(part_big_sizes, fun() -> [byte_size(binary:part(Big, 10, N)) || N <- [64, 65, 300]] end).

bytes(Big, Unaligned, Bits) ->
    section(bytes),
    [p({F, B}, fun() -> binary:F(B) end) || F <- [first, last], B <- [<<>>, <<"abc">>, Unaligned, Big, Bits, foo]],
    [p({at, B, I}, fun() -> binary:at(B, I) end) || B <- [<<>>, <<"abc">>, Unaligned, Bits],
                                                     I <- [0, 1, 2, 3, 15, 16, -1, 1 bsl 64, a]],
    p(bin_to_list, fun() -> [binary:bin_to_list(<<"abcdef">>), binary:bin_to_list(<<"abcdef">>, {1, 3}),
                             binary:bin_to_list(<<"abcdef">>, 5, -3), binary:bin_to_list(Unaligned, {2, 4})] end),
    p(bin_to_list_bad, [c(fun() -> binary:bin_to_list(<<"abc">>, {2, 5}) end), c(fun() -> binary:bin_to_list(Bits) end)]),
    p(list_to_bin, fun() -> [binary:list_to_bin([1, [2, <<3>>], <<>> | <<4>>]), binary:list_to_bin([])] end),
    p(list_to_bin_bad, [c(fun() -> binary:list_to_bin(X) end) || X <- [<<1>>, [256], [Bits], foo, [1 | 2]]]).

copies(Big, Unaligned, Bits) ->
    section(copy),
    [p({copy, B, N}, fun() -> binary:copy(B, N) end) || B <- [<<>>, <<"ab">>, Unaligned, Bits, foo],
                                                       N <- [0, 1, 3, -1, a]],
    p(copy1, fun() -> [binary:copy(<<"xyz">>), binary:copy(Unaligned)] end),
    p(copy_sizes, fun() -> [byte_size(binary:copy(Big, 3)), binary:referenced_byte_size(binary:copy(Big, 3)),
                            byte_size(binary:copy(<<1>>, 100000)), binary:copy(<<>>, 1 bsl 62)] end).

unsigned(Unaligned) ->
    section(unsigned),
    Values = [0, 1, 255, 256, 65535, 16#10000, 1 bsl 59 - 1, 1 bsl 59, 1 bsl 63, 1 bsl 64 - 1,
              1 bsl 64, 1 bsl 100 + 7, 1 bsl 200, -1, -(1 bsl 70), a, "1"],
    [p({encode, V, E}, fun() -> binary:encode_unsigned(V, E) end) || V <- Values, E <- [big, little]],
    [p({encode1, V}, fun() -> binary:encode_unsigned(V) end) || V <- Values],
    p(encode_bad_endian, [c(fun() -> binary:encode_unsigned(1, X) end) || X <- [native, foo, 1]]),
    Bins = [<<>>, <<0>>, <<0, 0, 1>>, <<1, 0, 0>>, <<255, 255, 255, 255, 255, 255, 255, 255>>,
            <<1, 0, 0, 0, 0, 0, 0, 0, 0>>, <<0, 0, 0, 0, 0, 0, 0, 0, 0, 7>>, <<16#0F, 255, 255, 255, 255, 255, 255, 255>>,
            Unaligned, list_to_binary(lists:seq(1, 40))],
    [p({decode, B, E}, fun() -> binary:decode_unsigned(B, E) end) || B <- Bins, E <- [big, little]],
    [p({decode1, B}, fun() -> binary:decode_unsigned(B) end) || B <- Bins],
    p(decode_bad, [c(fun() -> binary:decode_unsigned(X) end) || X <- [<<1:1>>, foo, 1]] ++
                  [c(fun() -> binary:decode_unsigned(<<1>>, X) end) || X <- [native, foo]]),
    p(roundtrip, [binary:decode_unsigned(binary:encode_unsigned(V, E), E) =:= V ||
                     V <- [0, 5, 1 bsl 59, 1 bsl 64 + 3, 1 bsl 300 - 1], E <- [big, little]]).

common(Big, Unaligned, Bits) ->
    section(common),
    Lists = [[<<"abc">>], [<<"abc">>, <<"abd">>], [<<"abc">>, <<"xbc">>], [<<"abc">>, <<>>],
             [<<"abcd">>, <<"abcd">>, <<"abcd">>], [<<"abcdef">>, <<"abc">>, <<"abcdefgh">>],
             [Unaligned, <<"abcabcab">>], [Big, Big], [Big, binary:part(Big, 0, 300)],
             [Big, binary:part(Big, 200, 312)], [], [<<"a">> | <<"b">>], [Bits], [<<"a">>, Bits], foo, [foo]],
    [p({common, L}, fun() -> {binary:longest_common_prefix(L), binary:longest_common_suffix(L)} end) || L <- Lists].

referenced(Big) ->
    section(referenced),
    <<_:10/binary, Small:20/binary, _/binary>> = Big,
    p(sizes, fun() ->
        [binary:referenced_byte_size(X) ||
            X <- [<<>>, <<"abc">>, Big, binary:part(Big, 0, 10), binary:part(Big, 0, 65),
                  element(1, split_binary(Big, 3)), element(2, split_binary(Big, 3)),
                  binary_part(Big, 5, 100), binary_part(Big, 5, 10), binary:copy(Small),
                  hd(binary:split(Big, <<100>>)), lists:last(binary:split(Big, <<100>>)),
                  <<1:3>>]]
    end),
    p(bad, [c(fun() -> binary:referenced_byte_size(X) end) || X <- [foo, "a", 1]]).

stdlib_functions(Big) ->
    section(stdlib),
    p(replace, fun() ->
        [binary:replace(<<"abcabc">>, <<"b">>, <<"XX">>),
         binary:replace(<<"abcabc">>, <<"b">>, <<"XX">>, [global]),
         binary:replace(<<"abcabc">>, [<<"b">>, <<"ca">>], <<"[]">>, [global, {insert_replaced, 1}]),
         binary:replace(<<"abcabc">>, <<"c">>, <<"-">>, [{scope, {3, 3}}]),
         binary:replace(<<"abcabc">>, <<"c">>, <<"<>">>, [global, {insert_replaced, [0, 1]}])]
    end),
    p(replace_bad, fun() -> binary:replace(<<"abc">>, <<"b">>, x) end),
    p(encode_hex, fun() -> [binary:encode_hex(<<"hello">>), binary:decode_hex(<<"68656C6C6F">>)] end),
    p(big_matches, fun() -> length(binary:matches(Big, [<<1>>, <<2>>, <<1, 2, 3>>])) end),
    p(big_replace, fun() -> byte_size(binary:replace(Big, <<0>>, <<"zero">>, [global])) end).
