%% badmatch / case_clause / try_clause raised in a function with a stack
%% frame, at many heap fill levels: the error tuple is allocated on the heap
%% and must not take words of that frame. (With a stale stack top it once
%% overwrote a try's catch marker and the exception escaped the try, seen
%% when pretty-printing op_SUITE's generated module; this test exercises the
%% same paths but does not reliably reproduce that layout.)
-module(raise_stack_frame).
-export([main/0]).

main() ->
    %% Fill the heap to different levels so the allocation lands at every
    %% distance from the stack.
    R = [run(N) || N <- lists:seq(0, 400)],
    io:format("~p~n", [lists:usort(R)]).

run(N) ->
    Pid = spawn(fun() -> exit(work(lists:seq(1, N), N)) end),
    Ref = monitor(process, Pid),
    receive {'DOWN', Ref, process, Pid, Res} -> Res end.

work(Filler, N) ->
    A = same_line(N, [1, 2], 3, {pp, 1, 2, 3, 4, 0}),
    B = case_end(N),
    C = try_end(N),
    D = big_frame(N, Filler),
    length(Filler) >= 0 andalso {A, B, C, D}.

%% A frame of many y registers, made just before the failing match (the
%% call in between does not allocate).
big_frame(N, L) ->
    try
        V1 = g(N), V2 = g(V1), V3 = g(V2), V4 = g(V3), V5 = g(V4), V6 = g(V5),
        true = g(N) =:= -1,
        [V1, V2, V3, V4, V5, V6, L]
    catch error:{badmatch, false} -> caught
    end.

g(X) -> X.

same_line(I0, SizeL, NSep, PP) ->
    try
        Size = lists:sum(SizeL) + NSep,
        true = incr(I0, Size) =< element(6, PP),
        {yes, Size}
    catch _:_ ->
        no
    end.

case_end(N) ->
    try
        case id(N) of
            a -> x
        end
    catch error:{case_clause, _} -> caught
    end.

try_end(N) ->
    try
        try id(N) of
            b -> y
        catch _ -> z
        end
    catch error:{try_clause, _} -> caught
    end.

incr(A, B) -> A + B.
id(X) -> X.
