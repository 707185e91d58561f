%% A small stand-in for common_test: runs the test cases of one suite module
%% (all/0, groups/0, the init/end_per_* callbacks, timetraps) and writes one
%% line per case to a results file. Written for tools/otp-suites.sh, which
%% runs the same suite this way on erl and on beamvm.
%%
%%   -run ct_lite main SUITE DATA_DIR PRIV_DIR RESULTS_FILE MAX_CASE_MS
%%
%% Results file lines (tab separated):
%%   start   CASE_ID                     written before a case runs
%%   passed  CASE_ID
%%   failed  CASE_ID  REASON
%%   skipped CASE_ID  REASON
%%   done    SUITE                       written when the suite finished
%% CASE_ID is Group/Subgroup/case (or just case outside groups). A 'start'
%% without a result means the VM died or hung in that case.
%%
%% Cases run one at a time, each in its own process (init_per_testcase, the
%% case and end_per_testcase in that process, as common_test does), killed
%% when its timetrap expires. Group properties such as parallel or shuffle
%% are accepted but cases still run one after another, in order.
-module(ct_lite).
-export([main/1, report/1]).
%% used by the ct / test_server stand-ins
-export([set_timetrap/1, log/2]).

-define(RUNNER, ct_lite_runner).

main([Suite0, DataDir, PrivDir, ResultsFile, MaxMs0]) ->
    Suite = list_to_atom(Suite0),
    MaxMs = list_to_integer(MaxMs0),
    ok = filelib:ensure_dir(filename:join(PrivDir, "x")),
    {ok, Out} = file:open(ResultsFile, [write, raw]),
    register(?RUNNER, self()),
    process_flag(trap_exit, true),
    %% Cases may keep every scheduler busy with high priority processes:
    %% the runner must still get to run to enforce the time limits.
    process_flag(priority, max),
    Log = start_log(ResultsFile ++ ".log"),
    group_leader(Log, self()),
    St = #{suite => Suite, out => Out, max => MaxMs, log => Log,
           default_tt => suite_timetrap(Suite, MaxMs)},
    Config = [{data_dir, slash(DataDir)}, {priv_dir, slash(PrivDir)},
              {tc_logfile, ResultsFile ++ ".log"}],
    Cases = try Suite:all() catch C:R -> {error, {C, R}} end,
    case Cases of
        {error, Why} ->
            line(St, ["failed\tall/0\t", fmt(Why)]);
        {skip, Why} ->
            line(St, ["skipped\tall/0\t", fmt(Why)]);
        _ ->
            Groups = try Suite:groups() catch error:undef -> [] end,
            St1 = St#{groups => Groups},
            Items = expand(Cases, St1),
            run_with_config(St1, init_per_suite, end_per_suite, [], Items, Config)
    end,
    line(St, ["done\t", atom_to_list(Suite)]),
    file:close(Out),
    ok.

slash(Dir) ->
    case lists:last(Dir) of $/ -> Dir; _ -> Dir ++ "/" end.

suite_timetrap(Suite, MaxMs) ->
    Info = try Suite:suite() catch _:_ -> [] end,
    case lists:keyfind(timetrap, 1, Info) of
        {timetrap, T} -> min(to_ms(T), MaxMs);
        false -> MaxMs
    end.

to_ms({hours, N}) -> round(N * 3600000);
to_ms({minutes, N}) -> round(N * 60000);
to_ms({seconds, N}) -> round(N * 1000);
to_ms(infinity) -> infinity;
to_ms(N) when is_number(N) -> round(N);
to_ms(_) -> 60000.

%% Expands all/0 into a tree of {case, Name} | {group, Name, Props, Items}.
expand(List, St) when is_list(List) ->
    lists:flatmap(fun(E) -> expand1(E, St) end, List).

expand1({group, G}, St) -> expand_group(G, undefined, St);
expand1({group, G, Props}, St) -> expand_group(G, Props, St);
expand1({group, G, Props, _Sub}, St) -> expand_group(G, Props, St);
expand1({testcase, Name, _}, _St) -> [{tc, Name}];
expand1(Name, _St) when is_atom(Name) -> [{tc, Name}];
expand1(Other, _St) -> [{bad, Other}].

expand_group(G, Props0, St = #{groups := Groups}) ->
    case lists:keyfind(G, 1, Groups) of
        {G, Props, Entries} ->
            P = case Props0 of undefined -> Props; _ -> Props0 end,
            [{group, G, P, expand(Entries, St)}];
        {G, Entries} ->
            [{group, G, [], expand(Entries, St)}];
        false ->
            [{bad, {group, G}}]
    end.

%% Runs Init(Config), the items, then End(Config1).
run_with_config(St = #{suite := Suite}, Init, End, Path, Items, Config) ->
    Name = case Path of [] -> Init; [G | _] -> {Init, G} end,
    InitRes = case exported(Suite, Init, config_arity(Path)) of
                  false -> {ok, Config};
                  true -> call_config(St, Suite, Init, init_args(Path, Config), Name)
              end,
    case InitRes of
        {ok, Config1} when is_list(Config1) ->
            run_items(St, Path, Items, Config1),
            case exported(Suite, End, config_arity(Path)) of
                false -> ok;
                true -> _ = call_config(St, Suite, End, init_args(Path, Config1), Name)
            end;
        {ok, {skip, Why}} ->
            mark_all(St, Path, Items, "skipped", Why);
        {ok, {skip_and_save, Why, _}} ->
            mark_all(St, Path, Items, "skipped", Why);
        {ok, Other} ->
            mark_all(St, Path, Items, "failed", {Name, returned, Other});
        {skip, Why} ->
            mark_all(St, Path, Items, "skipped", Why);
        {failed, Why} ->
            mark_all(St, Path, Items, "failed", {Name, Why})
    end.

config_arity([]) -> 1;
config_arity(_) -> 2.

init_args([], Config) -> [Config];
init_args([G | _], Config) -> [G, Config].

exported(M, F, A) -> erlang:function_exported(M, F, A).

run_items(St, Path, Items, Config) ->
    lists:foreach(fun(I) -> run_item(St, Path, I, Config) end, Items).

run_item(St, Path, {tc, Name}, Config) ->
    run_case(St, Path, Name, Config);
run_item(St, Path, {group, G, Props, Items}, Config) ->
    Config1 = [{tc_group_properties, Props},
               {tc_group_path, [[{name, P}] || P <- Path]}
               | [KV || KV <- Config,
                        element(1, KV) =/= tc_group_properties,
                        element(1, KV) =/= tc_group_path]],
    run_with_config(St, init_per_group, end_per_group, [G | Path], Items, Config1);
run_item(St, Path, {bad, What}, _Config) ->
    line(St, ["failed\t", case_id(Path, bad_entry), "\t", fmt(What)]).

mark_all(St, Path, Items, Status, Why) ->
    lists:foreach(
      fun({tc, Name}) ->
              line(St, [Status, "\t", case_id(Path, Name), "\t", fmt(Why)]);
         ({group, G, _, Sub}) ->
              mark_all(St, [G | Path], Sub, Status, Why);
         ({bad, _}) -> ok
      end, Items).

case_id(Path, Name) ->
    lists:join("/", [atom_to_list(G) || G <- lists:reverse(Path)] ++ [fmt(Name)]).

%% A configuration function in its own process, under the suite's timetrap.
call_config(St = #{suite := Suite}, Suite, F, Args, _Name) ->
    Res = supervise(St, fun() -> apply(Suite, F, Args) end),
    case Res of
        {returned, {skip, Why}} -> {skip, Why};
        {returned, {fail, Why}} -> {failed, {fail, Why}};
        {returned, V} -> {ok, V};
        {skipped, Why} -> {skip, Why};
        {failed, Why} -> {failed, Why}
    end.

run_case(St, Path, Name, Config) ->
    %% CT_LITE_ONLY=case1,case2 runs only those cases (for debugging)
    case os:getenv("CT_LITE_ONLY") of
        false -> run_case1(St, Path, Name, Config);
        Only ->
            case lists:member(atom_to_list(Name), string:lexemes(Only, ",")) of
                true -> run_case1(St, Path, Name, Config);
                false -> ok
            end
    end.

run_case1(St = #{suite := Suite}, Path, Name, Config) ->
    Id = case_id(Path, Name),
    line(St, ["start\t", Id]),
    Res = supervise(St, fun() -> case_body(Suite, Name, Config) end),
    case Res of
        {returned, {skip, Why}} -> line(St, ["skipped\t", Id, "\t", fmt(Why)]);
        {returned, {skipped, Why}} -> line(St, ["skipped\t", Id, "\t", fmt(Why)]);
        {returned, {fail, Why}} -> line(St, ["failed\t", Id, "\t", fmt(Why)]);
        {returned, _} -> line(St, ["passed\t", Id]);
        {skipped, Why} -> line(St, ["skipped\t", Id, "\t", fmt(Why)]);
        {failed, Why} -> line(St, ["failed\t", Id, "\t", fmt(Why)])
    end.

case_body(Suite, Name, Config0) ->
    Config = [{tc_name, Name} | Config0],
    Config1 = case exported(Suite, init_per_testcase, 2) of
                  true -> Suite:init_per_testcase(Name, Config);
                  false -> Config
              end,
    case Config1 of
        {skip, _} = Skip -> Skip;
        {fail, _} = Fail -> Fail;
        _ when is_list(Config1) ->
            Result = try Suite:Name(Config1)
                     catch
                         exit:{skip, Why} -> {skip, Why};
                         throw:{skip, Why} -> {skip, Why};
                         C:R:Stk -> {'$crashed', C, R, Stk}
                     end,
            EndConfig = case Result of
                            {'$crashed', C1, R1, _} -> [{tc_status, {failed, {C1, R1}}} | Config1];
                            _ -> [{tc_status, ok} | Config1]
                        end,
            End = case exported(Suite, end_per_testcase, 2) of
                      true ->
                          try Suite:end_per_testcase(Name, EndConfig)
                          catch C2:R2 -> {'$end_crashed', C2, R2}
                          end;
                      false -> ok
                  end,
            case {Result, End} of
                {{'$crashed', C3, R3, Stk3}, _} -> erlang:raise(C3, R3, Stk3);
                {_, {'$end_crashed', C4, R4}} -> {fail, {end_per_testcase, C4, R4}};
                {_, {fail, Why4}} -> {fail, {end_per_testcase, Why4}};
                _ -> Result
            end;
        Other ->
            {fail, {init_per_testcase, returned, Other}}
    end.

%% Runs Fun in a fresh process; the runner enforces the timetrap (which
%% ct:timetrap/1 may change from inside the case).
supervise(#{default_tt := Default, max := Max}, Fun) ->
    Self = self(),
    {Pid, Ref} = spawn_monitor(
                   fun() ->
                           put(ct_lite_runner, Self),
                           Res = try {returned, Fun()}
                                 catch
                                     exit:{skip, Why} -> {skipped, Why};
                                     throw:{skip, Why} -> {skipped, Why};
                                     C:R:Stk -> {failed, {C, R, top_frames(Stk)}}
                                 end,
                           Self ! {ct_lite_result, self(), Res},
                           %% Let processes linked to the case live on as
                           %% after a normal return.
                           exit(normal)
                   end),
    wait_case(Pid, Ref, start_timer(Default), Max).

top_frames(Stk) -> lists:sublist(Stk, 3).

start_timer(infinity) -> undefined;
start_timer(Ms) -> erlang:start_timer(Ms, self(), {timetrap, Ms}).

cancel_timer(undefined) -> ok;
cancel_timer(T) -> erlang:cancel_timer(T), ok.

wait_case(Pid, Ref, Timer, Max) ->
    receive
        {ct_lite_result, Pid, Res} ->
            cancel_timer(Timer),
            receive {'DOWN', Ref, process, Pid, _} -> ok
            after 5000 -> exit(Pid, kill)
            end,
            flush_timeouts(),
            Res;
        {'DOWN', Ref, process, Pid, Why} ->
            cancel_timer(Timer),
            flush_timeouts(),
            case Why of
                {skip, R} -> {skipped, R};
                _ -> {failed, {exit, Why}}
            end;
        {ct_lite_timetrap, T} ->
            cancel_timer(Timer),
            Ms = case to_ms(T) of infinity -> Max; N -> min(N, Max) end,
            wait_case(Pid, Ref, start_timer(Ms), Max);
        {timeout, Timer, {timetrap, Ms}} ->
            exit(Pid, kill),
            receive {'DOWN', Ref, process, Pid, _} -> ok end,
            {failed, {timetrap_timeout, Ms}};
        {'EXIT', _, _} ->
            wait_case(Pid, Ref, Timer, Max)
    end.

flush_timeouts() ->
    receive
        {timeout, _, {timetrap, _}} -> flush_timeouts();
        {ct_lite_timetrap, _} -> flush_timeouts()
    after 0 -> ok
    end.

%% ct:timetrap/1 from a case (or a process it spawned).
set_timetrap(T) ->
    case whereis(?RUNNER) of
        undefined -> ok;
        R -> R ! {ct_lite_timetrap, T}, ok
    end.

log(Format, Args) ->
    case whereis(ct_lite_log) of
        undefined -> ok;
        L -> catch io:format(L, Format ++ "~n", Args), ok
    end.

line(#{out := Out}, IoData) ->
    Line = unicode:characters_to_binary([IoData, $\n]),
    ok = file:write(Out, Line),
    ok.

fmt(Term) ->
    S = lists:flatten(io_lib:format("~0tp", [Term])),
    S1 = [case C of $\n -> $\s; $\t -> $\s; _ -> C end || C <- S],
    case length(S1) > 300 of
        true -> lists:sublist(S1, 300) ++ "...";
        false -> S1
    end.

%% The group leader of everything the suite runs: output goes to a log file
%% rather than to the terminal.
start_log(File) ->
    Pid = spawn(fun() ->
                        {ok, F} = file:open(File, [write, raw]),
                        log_loop(F)
                end),
    register(ct_lite_log, Pid),
    Pid.

log_loop(F) ->
    receive
        {io_request, From, ReplyAs, Req} ->
            Reply = io_req(F, Req),
            From ! {io_reply, ReplyAs, Reply},
            log_loop(F);
        _ ->
            log_loop(F)
    end.

io_req(F, {put_chars, Enc, Chars}) ->
    write_chars(F, Enc, Chars);
io_req(F, {put_chars, Enc, M, Fn, A}) ->
    try write_chars(F, Enc, apply(M, Fn, A)) catch _:_ -> {error, badarg} end;
io_req(F, {put_chars, Chars}) -> write_chars(F, latin1, Chars);
io_req(F, {put_chars, M, Fn, A}) -> io_req(F, {put_chars, latin1, M, Fn, A});
io_req(F, {requests, Reqs}) ->
    lists:foldl(fun(R, ok) -> io_req(F, R); (_, Err) -> Err end, ok, Reqs);
io_req(_F, getopts) -> [{binary, false}, {encoding, unicode}];
io_req(_F, {setopts, _}) -> ok;
io_req(_F, {get_geometry, _}) -> {error, enotsup};
io_req(_F, {get_chars, _, _, _}) -> eof;
io_req(_F, {get_chars, _, _, _, _}) -> eof;
io_req(_F, {get_line, _, _}) -> eof;
io_req(_F, {get_line, _}) -> eof;
io_req(_F, {get_until, _, _, _, _, _}) -> eof;
io_req(_F, {get_until, _, _, _, _}) -> eof;
io_req(_F, _) -> {error, request}.

write_chars(F, Enc, Chars) ->
    try
        Bin = case Enc of
                  latin1 when is_binary(Chars) -> Chars;
                  latin1 -> unicode:characters_to_binary(Chars, latin1, unicode);
                  _ -> unicode:characters_to_binary(Chars)
              end,
        file:write(F, Bin),
        ok
    catch _:_ -> {error, badarg}
    end.

%% ---------------------------------------------------------------------
%% Report: -run ct_lite report OUT_MD RESULTS_DIR WHY_FILE SUITE...
%% reads RESULTS_DIR/SUITE.{erl,beamvm}.txt and writes the conformance
%% page. WHY_FILE holds explanations, lines "suite:case_id<TAB>why"
%% (or "suite:*<TAB>why" for a whole suite).
report([OutFile, Dir, WhyFile | Suites]) ->
    Why = read_why(WhyFile),
    Rows = [suite_row(Dir, S, Why) || S <- Suites],
    {ErlPass, VmPass, Both} =
        lists:foldl(fun({_, _, E, V, B, _}, {A1, A2, A3}) ->
                            {A1 + E, A2 + V, A3 + B}
                    end, {0, 0, 0}, Rows),
    Pct = case ErlPass of 0 -> 0.0; _ -> 100 * Both / ErlPass end,
    Head =
        ["# OTP emulator suites: erl and beamvm\n\n",
         "Generated by `tools/otp-suites.sh` (do not edit by hand: explanations\n",
         "come from `tests/conformance/why.txt`). Each suite of OTP 25's\n",
         "`erts/emulator/test` is run by the stand-in runner\n",
         "`tests/conformance/ct_lite.erl` on erl and on beamvm, same command line,\n",
         "no distribution (cases that start peer nodes are skipped on both).\n\n",
         io_lib:format("Cases passing on erl: ~b; of these passing on beamvm: ~b "
                       "(~.1f%). Passing on beamvm in total: ~b.\n\n",
                       [ErlPass, Both, Pct, VmPass]),
         "| suite | cases | pass erl | pass beamvm | failing on beamvm only |\n",
         "| --- | ---: | ---: | ---: | ---: |\n"],
    Table = [io_lib:format("| ~s | ~b | ~b | ~b | ~b |\n",
                           [S, N, E, V, E - B]) || {S, N, E, V, B, _} <- Rows],
    Details =
        [case Fails of
             [] -> [];
             _ ->
                 [io_lib:format("\n## ~s\n\n", [S]),
                  [io_lib:format("- `~ts`: ~ts\n", [Id, W]) || {Id, W} <- Fails]]
         end || {S, _, _, _, _, Fails} <- Rows],
    ok = file:write_file(OutFile, unicode:characters_to_binary([Head, Table, Details])),
    io:format("~s: erl passes ~b, beamvm passes ~b of them (~.1f%)~n",
              [OutFile, ErlPass, Both, Pct]).

suite_row(Dir, Suite, Why) ->
    Erl = read_results(filename:join(Dir, Suite ++ ".erl.txt")),
    Vm = read_results(filename:join(Dir, Suite ++ ".beamvm.txt")),
    Ids = lists:usort([Id || {Id, _} <- maps:to_list(Erl)] ++
                          [Id || {Id, _} <- maps:to_list(Vm)]),
    Pass = fun(M, Id) -> case maps:get(Id, M, none) of {passed, _} -> true; _ -> false end end,
    ErlPass = [Id || Id <- Ids, Pass(Erl, Id)],
    VmPass = [Id || Id <- Ids, Pass(Vm, Id)],
    Fails = [{Id, explain(Suite, Id, maps:get(Id, Vm, none), Why)}
             || Id <- ErlPass, not Pass(Vm, Id)],
    {Suite, length(Ids), length(ErlPass), length(VmPass),
     length(ErlPass) - length(Fails), Fails}.

explain(Suite, Id, Res, Why) ->
    Observed = case Res of
                   none -> "not reached (the VM stopped earlier in the suite)";
                   {running, _} -> "the VM crashed or hung in this case";
                   {failed, R} -> "fails: " ++ R;
                   {skipped, R} -> "skipped: " ++ R
               end,
    case maps:find(Suite ++ ":" ++ Id, Why) of
        {ok, W} -> W ++ " (" ++ short(Observed) ++ ")";
        error ->
            case maps:find(Suite ++ ":*", Why) of
                {ok, W} -> W ++ " (" ++ short(Observed) ++ ")";
                error -> classify(Observed, Why) ++ " (" ++ short(Observed) ++ ")"
            end
    end.

%% The cause, from the patterns of why.txt's "match:" lines (the first
%% whose text occurs in the observed failure).
classify(Observed, Why) ->
    Patterns = lists:sort([{N, K, V} || {{match, N, K}, V} <- maps:to_list(Why)]),
    case [V || {_, K, V} <- Patterns, string:find(Observed, K) =/= nomatch] of
        [W | _] -> W;
        [] -> "not yet analysed"
    end.

short(S) ->
    S1 = [case C of $| -> $/; $` -> $'; _ -> C end || C <- S],
    case length(S1) > 110 of
        true -> lists:sublist(S1, 110) ++ "...";
        false -> S1
    end.

read_results(File) ->
    case file:read_file(File) of
        {ok, Bin} ->
            Lines = string:split(unicode:characters_to_list(Bin), "\n", all),
            lists:foldl(fun parse_line/2, #{}, Lines);
        _ -> #{}
    end.

parse_line(Line, Acc) ->
    case string:split(Line, "\t", all) of
        ["start", Id] -> Acc#{Id => {running, ""}};
        ["passed", Id | _] -> Acc#{Id => {passed, ""}};
        ["failed", Id | R] -> Acc#{Id => {failed, lists:flatten(lists:join("\t", R))}};
        ["skipped", Id | R] -> Acc#{Id => {skipped, lists:flatten(lists:join("\t", R))}};
        _ -> Acc
    end.

read_why(File) ->
    case file:read_file(File) of
        {ok, Bin} ->
            Lines = string:split(unicode:characters_to_list(Bin), "\n", all),
            Numbered = lists:zip(lists:seq(1, length(Lines)), Lines),
            maps:from_list([case K of
                                "match:" ++ Pat -> {{match, N, Pat}, V};
                                _ -> {K, V}
                            end || {N, L} <- Numbered, L =/= [], hd(L) =/= $#,
                                   [K, V] <- [string:split(L, "\t")]]);
        _ -> #{}
    end.
