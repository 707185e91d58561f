%% Garbage collection with off-heap binaries: binaries kept across many
%% collections (promoted to the old generation) while lots of garbage,
%% including other binaries, comes and goes; heaps grow and shrink.
-module(gc_binaries).
-export([main/0]).

main() ->
    Keep = [list_to_binary(lists:duplicate(100 + I, I rem 256)) || I <- lists:seq(1, 50)],
    churn(200, Keep),
    p([byte_size(B) || B <- Keep]),
    p(lists:sum([hd(binary_to_list(B)) || B <- Keep])),
    Big = big_garbage(30, []),
    p(length(Big)),
    p(lists:sum([byte_size(B) || B <- Big])),
    Msgs = messages(50),
    p(lists:sum([byte_size(B) || B <- Msgs])),
    ok.

p(T) -> erlang:display(T).

%% Allocates and drops binaries and lists while Keep stays reachable.
churn(0, _) -> ok;
churn(N, Keep) ->
    _ = [list_to_binary(lists:seq(0, 200)) || _ <- lists:seq(1, 20)],
    _ = lists:seq(1, 2000),
    Keep = [B || B <- Keep],
    churn(N - 1, Keep).

%% A big live set, then dropped: the heap grows, then shrinks.
big_garbage(0, Acc) -> lists:sublist(Acc, 5);
big_garbage(N, Acc) ->
    B = list_to_binary(lists:duplicate(1000, N)),
    L = lists:seq(1, 5000),
    big_garbage(N - 1, [<<B/binary, (length(L)):32>> | Acc]).

%% Binaries sent between processes share the off-heap data.
messages(N) ->
    Self = self(),
    B = list_to_binary(lists:duplicate(500, 7)),
    [spawn(fun() -> Self ! {bin, <<B/binary, I:8>>} end) || I <- lists:seq(1, N)],
    [receive {bin, X} -> X end || _ <- lists:seq(1, N)].
