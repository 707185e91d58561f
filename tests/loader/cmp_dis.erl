%% Compares beamdis output with beam_disasm, module by module.
%%   cmp_dis:main([DisDir | BeamFiles])
%% For each BeamFile, DisDir/<basename>.dis must be the output of beamdis;
%% file:consult/1 of it must be =:= to the code list of beam_disasm:file/1.
%% Prints "N of M modules identical" and halts with status 0 only if N == M.
%% A module beam_disasm itself cannot read is listed and not counted.
%%   cmp_dis:types(File): File holds beamdis --type-table output; checks it
%% against beam_types:decode_ext/1 for every type bit pattern.
-module(cmp_dis).
-export([main/1, types/1]).

main([DisDir | Files]) ->
    R = [check(DisDir, F) || F <- Files],
    Same = length([x || same <- R]),
    Unreadable = length([x || unreadable <- R]),
    Total = length(Files) - Unreadable,
    io:format("~p of ~p modules identical~n", [Same, Total]),
    halt(if Same =:= Total -> 0; true -> 1 end).

check(DisDir, F) ->
    Dis = filename:join(DisDir, filename:basename(F) ++ ".dis"),
    case beam_disasm:file(F) of
        {beam_file,_,_,_,_,Code} ->
            case file:consult(Dis) of
                {ok, Ours} ->
                    case Ours =:= Code of
                        true -> same;
                        false -> report(F, Ours, Code), diff
                    end;
                Err -> io:format("~s: no beamdis output: ~p~n", [F, Err]), diff
            end;
        {error, beam_disasm, Why} ->
            io:format("~s: beam_disasm cannot read it: ~P~n", [F, Why, 10]),
            unreadable
    end.

report(F, Ours, Ref) when length(Ours) =/= length(Ref) ->
    io:format("~s: ~p functions vs ~p~n", [F, length(Ours), length(Ref)]);
report(F, Ours, Ref) ->
    [{O,R}|_] = [{O,R} || {O,R} <- lists:zip(Ours, Ref), O =/= R],
    {function,N,A,_,OC} = O, {function,_,_,_,RC} = R,
    Pad = fun(L, Len) -> L ++ lists:duplicate(Len - length(L), missing) end,
    Len = max(length(OC), length(RC)),
    case [{X,Y} || {X,Y} <- lists:zip(Pad(OC, Len), Pad(RC, Len)), X =/= Y] of
        [{X,Y}|_] -> io:format("~s: ~p/~p:~n  ours ~P~n  ref  ~P~n", [F,N,A,X,30,Y,30]);
        [] -> io:format("~s: ~p/~p header differs~n", [F,N,A])
    end.

types([File]) ->
    {ok, Ours} = file:consult(File),
    Bad = [{Bits, T, Ref} || {Bits, T} <- Ours,
                             Ref <- [beam_types:decode_ext(<<Bits:16,0:64,-1:64>>)],
                             T =/= Ref],
    io:format("~p of ~p type bit patterns identical~n", [length(Ours) - length(Bad), length(Ours)]),
    [io:format("  ~p: ours ~p, ref ~p~n", [B, T, R]) || {B, T, R} <- lists:sublist(Bad, 10)],
    halt(if Bad =:= [], length(Ours) =:= 8192 -> 0; true -> 1 end).
