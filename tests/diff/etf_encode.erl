%% term_to_binary/1,2, term_to_iovec/1,2 and external_size/1,2: the bytes
%% of every term kind under every option, and the errors.
-module(etf_encode).
-export([main/0]).

main() ->
    [show(T) || T <- terms()],
    identifiers(),
    local_funs(),
    options(),
    iovecs(),
    errors(),
    ok.

%% ---- every kind of term, with the default options and external_size

terms() ->
    integers() ++ floats() ++ atoms() ++ tuples() ++ lists() ++ binaries()
        ++ maps() ++ export_funs() ++ nested().

integers() ->
    Edges = [0, 1, 127, 128, 255, 256, 65535, 65536, 1 bsl 27, 1 bsl 31 - 1, 1 bsl 31,
             1 bsl 32 - 1, 1 bsl 32, 1 bsl 59 - 1, 1 bsl 59, 1 bsl 60, 1 bsl 63, 1 bsl 64 - 1,
             1 bsl 64, 1 bsl 100, 1 bsl 1000, 1 bsl 2039, 1 bsl 2040, 1 bsl 2047, 1 bsl 2048,
             1 bsl 5000],
    Edges ++ [-X || X <- Edges] ++ [-X - 1 || X <- Edges]
        ++ [(1 bsl 300) - 1, 123456789012345678901234567890, -98765432109876543210].

floats() ->
    NegZero = 0.0 * -1,
    [0.0, NegZero, 1.0, -1.0, 0.5, 1.5, 0.1, 1/3, -2/3, 1.0e10, 1.0e100, 1.0e300, -1.0e300,
     1.7976931348623157e308, 2.2250738585072014e-308, 5.0e-324, 1.0e-300, 123456.789,
     float(1 bsl 53), float(1 bsl 53) + 2.0, float(1 bsl 60), 3.141592653589793].

atoms() ->
    [a, 'A', '', ok, 'hello world', 'nonode@nohost', list_to_atom([233]), list_to_atom([255]),
     list_to_atom("caf" ++ [233]), list_to_atom([128, 129, 200]), list_to_atom([256]),
     list_to_atom([1000, 2000, 3000]), list_to_atom([16#1F600]), list_to_atom([97, 16#10FFFF]),
     list_to_atom(lists:duplicate(255, $x)), list_to_atom(lists:duplicate(255, 233)),
     list_to_atom(lists:duplicate(86, 2000)), list_to_atom(lists:duplicate(127, 2000)),
     list_to_atom(lists:duplicate(128, 2000)), list_to_atom(lists:duplicate(255, 16#1F600)),
     true, false, undefined].

tuples() ->
    [{}, {a}, {1, 2}, {{}, {{}}}, erlang:make_tuple(255, x), erlang:make_tuple(256, x),
     erlang:make_tuple(1000, {1}), list_to_tuple(lists:seq(1, 300))].

lists() ->
    [[], [[]], "a", "abc", [0, 255], [256], [-1], [1, 2, 300], [a | b], [1 | 2], "ab" ++ c,
     "abc" ++ <<"d">>, [1.5], [[1, 2], [3, 4]], lists:seq(0, 255), lists:seq(1, 1000),
     lists:duplicate(65535, 7), lists:duplicate(65536, 7), lists:duplicate(65535, 7) ++ [300],
     lists:duplicate(70000, 1) ++ x, [a, "b", [c, [d, [e]]], <<"f">>], [self() =:= self()]].

binaries() ->
    Big = list_to_binary([I rem 256 || I <- lists:seq(1, 1000)]),
    <<_:3, Odd:100/binary, _/bitstring>> = Big,
    <<_:8, Aligned:70/binary, _/binary>> = Big,
    <<Bits:77/bitstring, _/bitstring>> = Big,
    <<_:5, OddBits:523/bitstring, _/bitstring>> = Big,
    [<<>>, <<0>>, <<1, 2, 3>>, <<"hello">>, binary_part(Big, 0, 64), binary_part(Big, 0, 65),
     Big, Odd, Aligned, Bits, OddBits, <<1:1>>, <<0:7>>, <<255, 3:2>>, <<1, 2, 3, 4:4>>,
     <<-1:63>>, <<(<<1, 2>>)/binary, 3:3>>].

maps() ->
    Small = [#{}, #{a => 1}, #{1 => a, 1.0 => b}, #{b => 1, a => 2, c => 3},
             #{[] => nil, {} => tuple, <<>> => bin, 0 => int, "s" => str},
             maps:from_list([{I, I * I} || I <- lists:seq(1, 32)])],
    %% Larger maps are hash tries in the reference: their pairs come in the
    %% trie's order (keys whose hashes this VM reproduces: no atoms).
    Large = [maps:from_list([{I, I} || I <- lists:seq(1, 33)]),
             maps:from_list([{I * 7919, <<I>>} || I <- lists:seq(-50, 150)]),
             maps:from_list([{integer_to_binary(I), I} || I <- lists:seq(1, 100)]),
             maps:from_list([{{I, [I, I + 1]}, I} || I <- lists:seq(1, 60)]),
             maps:from_list([{I / 3, I} || I <- lists:seq(1, 60)]),
             maps:from_list([{I bsl 64, -I} || I <- lists:seq(1, 60)]),
             maps:from_list([{[], 1}, {"abc", 2}, {[1 | 2], 3} | [{I, I} || I <- lists:seq(1, 40)]]),
             maps:from_list([{#{I => I}, I} || I <- lists:seq(1, 40)]),
             maps:from_list([{I, maps:from_list([{J, J} || J <- lists:seq(1, I)])}
                             || I <- lists:seq(30, 36)]),
             maps:from_list([{I, I} || I <- lists:seq(1, 2000)])],
    Small ++ Large.

export_funs() ->
    [fun lists:map/2, fun erlang:abs/1, fun ?MODULE:main/0, fun no_such_module:f/255,
     fun 'caf\x{e9}':g/0, fun erlang:make_tuple/3].

nested() ->
    Deep = lists:foldl(fun(_, A) -> [A] end, [], lists:seq(1, 100000)),
    DeepT = lists:foldl(fun(_, A) -> {A} end, x, lists:seq(1, 100000)),
    [Deep, DeepT, {[a, #{k => [1.5, <<1:3>>]}], {"str", -1 bsl 70}}].

show(T) ->
    B = term_to_binary(T),
    io:format("~w ~w~n", [erlang:external_size(T), summary(B)]),
    case binary_to_term(B) =:= T of
        true -> ok;
        false -> io:format("round trip failed~n")
    end.

%% Short binaries in full, long ones as size, ends and a checksum.
summary(B) when byte_size(B) =< 200 -> B;
summary(B) ->
    {byte_size(B), binary_part(B, 0, 40), binary_part(B, byte_size(B), -40), checksum(B)}.

checksum(B) -> lists:foldl(fun(X, A) -> (A * 31 + X) rem 4294967291 end, 0, binary_to_list(B)).

%% ---- pids, ports and references: local ones from their external form
%% (numbers fixed), external ones of other nodes

identifiers() ->
    Node = <<100, 13:16, "nonode@nohost">>,
    Other = <<119, 5, "a@b.c">>,
    Encs = [<<131, 88, Node/binary, 1234:32, 0:32, 0:32>>,
            <<131, 88, Node/binary, 32767:32, 8191:32, 0:32>>,
            <<131, 88, Other/binary, 1:32, 2:32, 3:32>>,
            <<131, 103, Other/binary, 7:32, 1:32, 2>>,
            <<131, 89, Node/binary, 99:32, 0:32>>,
            <<131, 89, Other/binary, 99:32, 7:32>>,
            <<131, 120, Other/binary, (1 bsl 40):64, 7:32>>,
            <<131, 102, Other/binary, 5:32, 1>>,
            <<131, 90, 3:16, Node/binary, 0:32, 1:32, 2:32, 3:32>>,
            <<131, 90, 5:16, Other/binary, 9:32, 1:32, 2:32, 3:32, 4:32, 5:32>>,
            <<131, 90, 1:16, Other/binary, 9:32, 42:32>>,
            <<131, 114, 3:16, Other/binary, 2, 1:32, 2:32, 3:32>>,
            <<131, 101, Other/binary, 17:32, 1>>],
    [begin
         T = binary_to_term(E),
         io:format("~w ~w~n", [erlang:external_size(T), term_to_binary(T)]),
         io:format("~w~n", [term_to_binary(T, [{minor_version, 2}])])
     end || E <- Encs],
    %% This node's own pids and references: name nonode@nohost, creation 0.
    <<131, 88, Node:16/binary, _:32, _:32, 0:32>> = term_to_binary(self()),
    <<131, 90, 3:16, Node:16/binary, 0:32, _:96>> = term_to_binary(make_ref()),
    io:format("~w~n", [{erlang:external_size(self()), erlang:external_size(make_ref())}]).

%% ---- closures: the creator pid differs from run to run; the rest is shown

local_funs() ->
    Y = 42,
    L = [1, 2],
    Funs = [fun() -> ok end, fun(X) -> X + Y end, fun(A, B) -> {A, B, L, Y} end,
            fun(_) -> fun() -> Y end end, (fun(_) -> fun() -> Y end end)(0)],
    [begin
         B = term_to_binary(F),
         <<131, 112, Size:32, Arity, Uniq:16/binary, Index:32, NumFree:32, Rest/binary>> = B,
         {Before, After} = split_creator(Rest),
         io:format("~w~n", [{Size, byte_size(B), Arity, Uniq, Index, NumFree, Before, After}]),
         io:format("~w~n", [erlang:external_size(F) - byte_size(B)]),
         io:format("~w~n", [byte_size(term_to_binary(F, [{minor_version, 2}])) - byte_size(B)]),
         io:format("~w~n", [binary_to_term(B) =:= F])
     end || F <- Funs],
    ok.

%% Rest = Module OldIndex OldUniq Pid FreeVars: cut the pid's numbers out.
split_creator(Rest) ->
    {ok, PidAt} = find_pid(Rest, 0),
    <<Before:PidAt/binary, 88, 100, 13:16, "nonode@nohost", _:32, _:32, 0:32, After/binary>> = Rest,
    {Before, After}.

find_pid(B, I) ->
    case B of
        <<_:I/binary, 88, 100, 13:16, "nonode@nohost", _/binary>> -> {ok, I};
        _ when I < byte_size(B) -> find_pid(B, I + 1)
    end.

%% ---- options

options() ->
    Ts = [1.5, -0.0 * 1, 1.0e300, 5.0e-324, 1/3, [1.0, 2.5], a, 'caf\x{e9}', list_to_atom([1000]),
          list_to_atom(lists:duplicate(200, 1000)), list_to_atom(lists:duplicate(255, $a)),
          {a, 1.5, "str"}, #{b => 2.0, a => 1}],
    [io:format("~w~n", [[term_to_binary(T, O) || O <- [[], [{minor_version, 0}],
                                                      [{minor_version, 1}], [{minor_version, 2}],
                                                      [{minor_version, 2}, {minor_version, 0}]]]])
     || T <- Ts],
    [io:format("~w~n", [{erlang:external_size(T, []), erlang:external_size(T, [{minor_version, 0}]),
                         erlang:external_size(T, [{minor_version, 1}]),
                         erlang:external_size(T, [{minor_version, 0}, {minor_version, 1}])}])
     || T <- Ts],
    %% Compression: only when it makes the result smaller.
    Cs = [a, "aaaa", "aaaaaaaaaaaaaaaaaaaaaaaaaaaa", lists:seq(1, 100), lists:duplicate(1000, $x),
          list_to_binary(lists:duplicate(5000, 0)), lists:seq(1, 300), {lists:seq(1, 50), 1.5},
          list_to_binary([I * 7 rem 256 || I <- lists:seq(1, 300)])],
    [begin
         Rs = [term_to_binary(T, O) || O <- [[compressed], [{compressed, 0}], [{compressed, 1}],
                                             [{compressed, 6}], [{compressed, 9}],
                                             [compressed, {compressed, 0}],
                                             [{compressed, 9}, compressed]]],
         io:format("~w~n", [[summary(R) || R <- Rs]]),
         io:format("~w~n", [[binary_to_term(R) =:= T || R <- Rs]])
     end || T <- Cs],
    %% deterministic: large maps in key order (atom keys included).
    Det = [maps:from_list([{list_to_atom([$k | integer_to_list(I)]), I} || I <- lists:seq(1, 50)]),
           maps:from_list([{I, #{I => [I]}} || I <- lists:seq(1, 40)]),
           {maps:from_list([{{I}, I} || I <- lists:seq(1, 35)]), #{a => 1}},
           maps:from_list([{I, I} || I <- lists:seq(1, 10)] ++ [{float(I), I} || I <- lists:seq(1, 30)])],
    [io:format("~w~n", [summary(term_to_binary(T, [deterministic]))]) || T <- Det],
    [io:format("~w~n", [summary(term_to_binary(T, [deterministic, compressed, {minor_version, 2}]))])
     || T <- Det],
    ok.

%% ---- term_to_iovec

iovecs() ->
    Big = list_to_binary([I rem 256 || I <- lists:seq(1, 100)]),
    <<_:8, Sub:80/binary, _/binary>> = Big,
    <<_:3, Odd:80/binary, _/bitstring>> = Big,
    <<Trail:700/bitstring, _/bitstring>> = Big,
    Ts = [a, <<1, 2, 3>>, lists:seq(1, 100), Big, Sub, Odd, Trail, {a, Big, b}, [Big, Big | Sub],
          {Sub, 1.5, Trail, x}, #{k => Big}, binary_part(Big, 0, 64), binary_part(Big, 0, 65)],
    [begin
         V = term_to_iovec(T),
         io:format("~w~n", [V]),
         io:format("~w~n", [iolist_to_binary(V) =:= term_to_binary(T)]),
         V2 = term_to_iovec(T, [{minor_version, 2}, deterministic]),
         io:format("~w~n", [iolist_to_binary(V2) =:= term_to_binary(T, [{minor_version, 2}])]),
         %% With compression the reference returns a plain binary.
         io:format("~w~n", [term_to_iovec(T, [compressed])])
     end || T <- Ts],
    %% An accumulated (writable) binary referenced by an iovec stays as it was.
    Acc = lists:foldl(fun(I, A) -> <<A/binary, I>> end, <<>>, lists:seq(1, 100)),
    V = term_to_iovec(Acc),
    Acc2 = <<Acc/binary, "more">>,
    io:format("~w~n", [{V, byte_size(Acc2), iolist_to_binary(V) =:= term_to_binary(Acc)}]),
    ok.

%% ---- errors

errors() ->
    Bad = [[local], [{minor_version, 3}], [{minor_version, -1}], [{minor_version, a}],
           [{compressed, 10}], [{compressed, -1}], [{compressed, a}], [foo], [compressed | x],
           x, [{minor_version, 1, 2}], [iovec], [{fragment, 100}], [{compressed}], [deterministic, 1]],
    [io:format("~w~n", [{O, catch_error(fun() -> term_to_binary(a, O) end),
                         catch_error(fun() -> term_to_iovec(a, O) end)}]) || O <- Bad],
    BadSize = [[compressed], [{minor_version, 2}], [{minor_version, 3}], [deterministic], x, [x | y]],
    [io:format("~w~n", [{O, catch_error(fun() -> erlang:external_size(a, O) end)}]) || O <- BadSize],
    ok.

catch_error(F) ->
    try F() of
        R -> {ok, R}
    catch
        C:E -> {C, E}
    end.
