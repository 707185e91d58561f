%% Hot code loading at the level of erlang:load_module/2 and
%% erts_code_purger (as OTP's code server drives them): old and current
%% versions, not_purged, check_old_code, check_process_code, soft purge
%% refused and accepted, hard purge killing, funs of purged code, literals
%% of purged code, delete_module, on_load success and failure, module md5,
%% and a bad binary leaving the current version in place.
-module(hot_purge).
-export([main/0]).

p(Tag, X) -> io:format("~p: ~p~n", [Tag, X]).

x(F) -> try F() catch C:R -> {C, R} end.

%% Version Vsn of module hp_mod, compiled from source at run time.
src(V) ->
    S = integer_to_list(V),
    "-module(hp_mod).\n"
    "-export([vsn/0, loop/0, get_fun/0, lit/0]).\n"
    "vsn() -> " ++ S ++ ".\n"
    "loop() -> receive {vsn, From} -> From ! {vsn, vsn()}, loop();\n"
    "                  upgrade -> hp_mod:loop();\n"
    "                  stop -> ok end.\n"
    "get_fun() -> fun() -> {fun_vsn, " ++ S ++ "} end.\n"
    "lit() -> {literal, " ++ S ++ ", [1,2,3], <<\"a binary literal\">>}.\n".

compile_src(Src) ->
    {ok, Toks, _} = erl_scan:string(Src),
    Forms = [begin {ok, F} = erl_parse:parse_form(T), F end || T <- split_forms(Toks, [])],
    {ok, Mod, Bin} = compile:forms(Forms, [binary]),
    {Mod, Bin}.

split_forms([], []) -> [];
split_forms([{dot, _} = D | T], Acc) -> [lists:reverse([D | Acc]) | split_forms(T, [])];
split_forms([Tok | T], Acc) -> split_forms(T, [Tok | Acc]).

bin(V) -> element(2, compile_src(src(V))).

vsn_of(Pid) ->
    Pid ! {vsn, self()},
    receive {vsn, V} -> V after 5000 -> timeout end.

main() ->
    %% The failed loads below are also reported to the logger, with texts
    %% naming the loader's source files: keep those out of the output.
    whereis(logger) =/= undefined andalso logger:set_primary_config(level, none),
    p(load_v1, erlang:load_module(hp_mod, bin(1))),
    p(old_after_first_load, erlang:check_old_code(hp_mod)),
    F1 = hp_mod:get_fun(),
    L1 = hp_mod:lit(),
    P1 = spawn(fun() -> hp_mod:loop() end),
    p(p1_runs, vsn_of(P1)),
    p(load_v2, erlang:load_module(hp_mod, bin(2))),
    p(old_exists, erlang:check_old_code(hp_mod)),
    p(load_v3_not_purged, erlang:load_module(hp_mod, bin(3))),
    p(current_is_v2, hp_mod:vsn()),
    p(p1_still_old, vsn_of(P1)),
    p(p1_in_old_code, erlang:check_process_code(P1, hp_mod)),
    p(self_not_in_old_code, erlang:check_process_code(self(), hp_mod)),
    p(old_fun_runs_old_code, F1()),
    p(new_fun, (hp_mod:get_fun())()),
    p(soft_purge_refused, erts_code_purger:soft_purge(hp_mod)),
    p(old_still_there, erlang:check_old_code(hp_mod)),
    P1 ! upgrade,
    p(p1_moved_to_new, vsn_of(P1)),
    p(p1_not_in_old_code, erlang:check_process_code(P1, hp_mod)),
    p(soft_purge_done, erts_code_purger:soft_purge(hp_mod)),
    p(no_old_code, erlang:check_old_code(hp_mod)),
    p(purged_fun, case x(F1) of {error, {badfun, F}} when F =:= F1 -> badfun; Other -> Other end),
    p(literal_of_purged_code, L1),
    p(soft_purge_nothing, erts_code_purger:soft_purge(hp_mod)),
    p(purge_nothing, erts_code_purger:purge(hp_mod)),

    %% A hard purge kills the processes still in the old code.
    p(load_v3, erlang:load_module(hp_mod, bin(3))),
    Ref1 = monitor(process, P1),
    {P2, Ref2} = spawn_monitor(fun() -> hp_mod:loop() end),
    p(p2_runs, vsn_of(P2)),
    p(p1_in_old_code_again, erlang:check_process_code(P1, hp_mod)),
    p(p2_not_in_old_code, erlang:check_process_code(P2, hp_mod)),
    p(purge_kills_p1, erts_code_purger:purge(hp_mod)),
    p(p1_killed, receive {'DOWN', Ref1, process, P1, R1} -> R1 after 5000 -> timeout end),
    p(load_v4, erlang:load_module(hp_mod, bin(4))),
    p(p2_in_old_code, erlang:check_process_code(P2, hp_mod)),
    p(purge_kills_p2, erts_code_purger:purge(hp_mod)),
    p(p2_killed, receive {'DOWN', Ref2, process, P2, R2} -> R2 after 5000 -> timeout end),
    p(purge_again, erts_code_purger:purge(hp_mod)),

    %% md5 as the reference computes it, and a bad binary.
    {hp_mod, Bin4} = compile_src(src(4)),
    p(md5, hp_mod:module_info(md5)),
    p(bad_binary, erlang:load_module(hp_mod, <<"FOR1 not a beam file">>)),
    p(still_v4, hp_mod:vsn()),
    p(load_binary_bad, code:load_binary(hp_mod, "hp_mod.beam", <<"FOR1 not a beam file either">>)),
    p(still_v4_after_load_binary, hp_mod:vsn()),
    p(load_binary_truncated, code:load_binary(hp_mod, "hp_mod.beam", binary:part(Bin4, 0, 100))),
    p(still_v4_after_truncated, hp_mod:vsn()),
    p(wrong_name, erlang:load_module(other_name, Bin4)),

    %% delete_module: current becomes old; a second delete fails.
    p(delete, erlang:delete_module(hp_mod)),
    p(loaded_after_delete, erlang:module_loaded(hp_mod)),
    p(old_after_delete, erlang:check_old_code(hp_mod)),
    p(delete_again, x(fun() -> erlang:delete_module(hp_mod) end)),
    p(purge_deleted, erts_code_purger:purge(hp_mod)),
    p(delete_unloaded, erlang:delete_module(hp_mod)),
    p(check_unknown_module, erlang:check_process_code(self(), no_such_module_here)),
    p(check_bad_arg, x(fun() -> erlang:check_process_code(self(), "hp_mod") end)),
    p(purge_module_not_purger, x(fun() -> erts_internal:purge_module(hp_mod, prepare) end)),
    on_load(),
    ok.

on_load_src(Result) ->
    "-module(hp_onload).\n"
    "-export([hello/0]).\n"
    "-on_load(init/0).\n"
    "init() -> " ++ Result ++ ".\n"
    "hello() -> hello.\n".

%% What code_server does for a module with an on_load function.
load_on_load(Bin) ->
    case erlang:load_module(hp_onload, Bin) of
        {error, on_load} ->
            Res = x(fun() -> erlang:call_on_load_function(hp_onload) end),
            Keep = Res =:= ok,
            erts_code_purger:finish_after_on_load(hp_onload, Keep),
            {on_load, Res};
        Other -> Other
    end.

on_load() ->
    {hp_onload, Bad} = compile_src(on_load_src("{error, nope}")),
    p(on_load_fails, load_on_load(Bad)),
    p(on_load_failed_not_loaded, erlang:module_loaded(hp_onload)),
    {hp_onload, Crash} = compile_src(on_load_src("exit(crash)")),
    p(on_load_crashes, load_on_load(Crash)),
    p(on_load_crashed_not_loaded, erlang:module_loaded(hp_onload)),
    {hp_onload, Good} = compile_src(on_load_src("ok")),
    p(on_load_ok, load_on_load(Good)),
    p(on_load_loaded, erlang:module_loaded(hp_onload)),
    p(on_load_call, hp_onload:hello()).
