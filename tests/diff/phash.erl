%% erlang:phash/2 and erlang:phash2/1,2 on every kind of term.
-module(phash).
-export([main/0]).
-compile(nowarn_deprecated_function).

main() ->
    Ts = terms(),
    [io:format("~w ~w ~w ~w ~w~n",
               [erlang:phash2(T), erlang:phash2(T, 1 bsl 32), erlang:phash(T, 1 bsl 32),
                erlang:phash2(T, 1000), erlang:phash(T, 7)])
     || T <- Ts],
    identifiers(),
    funs(),
    ranges(),
    ok.

terms() ->
    integers() ++ floats() ++ atoms() ++ lists() ++ tuples() ++ binaries() ++ maps()
        ++ [fun lists:map/2, fun erlang:abs/1, fun ?MODULE:main/0, fun nomod:nofun/3].

integers() ->
    Edges = [0, 1, 2, 255, 256, 1 bsl 27 - 1, 1 bsl 27, 1 bsl 28, 1 bsl 31, 1 bsl 32 - 1, 1 bsl 32,
             1 bsl 59 - 1, 1 bsl 59, 1 bsl 60, 1 bsl 63, 1 bsl 64 - 1, 1 bsl 64, 1 bsl 65,
             1 bsl 96, 1 bsl 100, 1 bsl 127, 1 bsl 128, 1 bsl 1000, 12345678901234567890123],
    Edges ++ [-X || X <- Edges] ++ [X - 1 || X <- Edges] ++ [-X + 1 || X <- Edges]
        ++ lists:seq(-20, 20).

floats() ->
    [0.0, 0.0 * -1, 1.0, -1.0, 0.5, 1.5, 1/3, 1.0e300, -1.0e-300, 5.0e-324, float(1 bsl 60),
     1.7976931348623157e308, 123.456].

atoms() ->
    [a, b, ok, error, '', 'hello world', 'nonode@nohost', list_to_atom([233]),
     list_to_atom("caf" ++ [233]), list_to_atom([255, 128]), list_to_atom([1000]),
     list_to_atom([16#1F600, $a]), list_to_atom(lists:duplicate(255, $z)),
     list_to_atom(lists:seq(1, 200)), list_to_atom(lists:duplicate(100, 2000))].

lists() ->
    [[], [[]], "a", "ab", "abc", "abcd", "abcde", "abcdefgh", "abcdefghi", [0], [255], [256],
     [-1], [1, 2, 300], [300, 1, 2], [a | b], [1 | 2], "abc" ++ d, [a, "b", [c]], [[1], [2]],
     lists:seq(1, 1000), lists:seq(0, 255), lists:duplicate(100000, 7), [1.5, 2.5],
     [{a, 1}, {b, 2}], ["ab" | "cd"], [$a, $b | <<"c">>]].

tuples() ->
    [{}, {a}, {a, b}, {{}}, {{{}}}, {1, 2, 3}, {[], []}, erlang:make_tuple(100, x),
     list_to_tuple(lists:seq(1, 300)), {1.5, a, "s", <<1>>, #{}},
     lists:foldl(fun(_, A) -> {A} end, x, lists:seq(1, 100000))].

binaries() ->
    Big = list_to_binary([I * 13 rem 256 || I <- lists:seq(1, 5000)]),
    Sizes = [0, 1, 2, 3, 4, 5, 7, 8, 11, 12, 13, 23, 24, 25, 64, 65, 100, 1000, 4999],
    [binary_part(Big, 0, N) || N <- Sizes]
        ++ [binary_part(Big, 1, N) || N <- Sizes]
        ++ [begin <<_:3, B:N/binary, _/bitstring>> = Big, B end || N <- Sizes]
        ++ [begin <<B:N/bitstring, _/bitstring>> = Big, B end || N <- lists:seq(1, 40) ++ [99, 1001]]
        ++ [begin <<_:5, B:N/bitstring, _/bitstring>> = Big, B end || N <- lists:seq(1, 30) ++ [777]]
        ++ [<<1:1>>, <<0:1>>, <<255, 1:2>>, <<"hello world">>].

maps() ->
    [#{}, #{a => 1}, #{1 => a}, #{1 => a, 1.0 => b}, #{a => #{b => #{}}}, #{[] => [], {} => {}},
     #{a => 1, b => 2}, #{b => 2, a => 1},
     maps:from_list([{I, I} || I <- lists:seq(1, 32)]),
     maps:from_list([{I, I} || I <- lists:seq(1, 33)]),
     maps:from_list([{list_to_atom([$k | integer_to_list(I)]), I} || I <- lists:seq(1, 100)]),
     maps:from_list([{integer_to_binary(I), [I]} || I <- lists:seq(1, 500)]),
     {#{x => 1}, [#{y => 2}]}].

%% Pids, ports and references hash their numbers.
identifiers() ->
    Node = <<100, 13:16, "nonode@nohost">>,
    Other = <<119, 5, "a@b.c">>,
    Encs = [<<131, 88, Node/binary, 1234:32, 0:32, 0:32>>,
            <<131, 88, Node/binary, 1:32, 5:32, 0:32>>,
            <<131, 88, Other/binary, 77:32, 2:32, 3:32>>,
            <<131, 89, Node/binary, 99:32, 0:32>>,
            <<131, 89, Other/binary, 99:32, 7:32>>,
            <<131, 120, Other/binary, (1 bsl 40 + 5):64, 7:32>>,
            <<131, 90, 3:16, Node/binary, 0:32, 1:32, 2:32, 3:32>>,
            <<131, 90, 5:16, Other/binary, 9:32, 1:32, 2:32, 3:32, 4:32, 5:32>>],
    [begin
         T = binary_to_term(E),
         io:format("~w~n", [{erlang:phash2(T), erlang:phash(T, 1 bsl 32), erlang:phash2({T, [T]})}])
     end || E <- Encs],
    %% Our own: values differ from run to run, but are in range.
    [io:format("~w~n", [{is_integer(erlang:phash2(T)), erlang:phash2(T) < 1 bsl 27,
                         erlang:phash2(T, 10) < 10, erlang:phash(T, 10) =< 10,
                         erlang:phash(T, 10) >= 1}])
     || T <- [self(), make_ref(), {self(), make_ref()}]].

%% Closures: module, index, uniq and free variables.
funs() ->
    Y = 5,
    Fs = [fun() -> ok end, fun(X) -> X + Y end, fun(A, B) -> {A, B, Y} end],
    [io:format("~w~n", [{erlang:phash2(F), erlang:phash(F, 1 bsl 32)}]) || F <- Fs].

ranges() ->
    Rs = [1, 2, 1 bsl 32, 1 bsl 32 - 1, 1 bsl 32 + 1, 0, -1, 1 bsl 64, a, 1.0, 1 bsl 100],
    %% (The range is not printed: floats cannot be printed yet.)
    [io:format("~w~n", [{catch_error(fun() -> erlang:phash2(hello, R) end),
                         catch_error(fun() -> erlang:phash(hello, R) end)}]) || R <- Rs].

catch_error(F) ->
    try F() of
        R -> {ok, R}
    catch
        C:E -> {C, E}
    end.
