%% Loading code as the code server does: prepare_loading/finish_loading
%% (through erlang:load_module/2), on_load functions, not_purged, delete,
%% check_old_code, pre_loaded and loaded. Modules are compiled in memory.
-module(code_loading).
-export([main/0]).

forms(Mod, Vsn, OnLoad) ->
    Src = lists:flatten(io_lib:format(
        "-module(~s).~n-export([vsn/0, f/1]).~n~s"
        "vsn() -> ~p.~nf(X) -> {~p, X}.~n~s",
        [Mod, case OnLoad of none -> ""; _ -> "-on_load(init/0).\n" end, Vsn, Vsn,
         case OnLoad of none -> ""; R -> io_lib:format("init() -> ~p.~n", [R]) end])),
    {ok, Toks, _} = erl_scan:string(Src),
    split(Toks, [], []).

split([], [], Acc) -> lists:reverse(Acc);
split([{dot, _} = D | T], Cur, Acc) ->
    {ok, F} = erl_parse:parse_form(lists:reverse([D | Cur])),
    split(T, [], [F | Acc]);
split([H | T], Cur, Acc) -> split(T, [H | Cur], Acc).

bin(Mod, Vsn, OnLoad) ->
    {ok, Mod, Bin} = compile:forms(forms(Mod, Vsn, OnLoad), []),
    Bin.

main() ->
    %% erl logs load errors with time stamps: keep them quiet.
    _ = (catch logger:set_primary_config(level, none)),
    B1 = bin(cl_a, 1, none),
    p(erlang:load_module(cl_a, B1)),
    p(cl_a:vsn()),
    p(erlang:check_old_code(cl_a)),
    B2 = bin(cl_a, 2, none),
    p(erlang:load_module(cl_a, B2)),
    p(cl_a:vsn()),
    p(erlang:check_old_code(cl_a)),
    p(catch erlang:load_module(cl_a, bin(cl_a, 3, none))),
    p(erlang:module_loaded(cl_a)),
    p(catch erlang:load_module(cl_a, <<"junk">>)),
    p(catch erlang:load_module(cl_wrong, B1)),
    p(c(fun() -> erlang:load_module("str", B1) end)),
    %% on_load
    Ob = bin(cl_b, 1, ok),
    P = erts_internal:prepare_loading(cl_b, Ob),
    p(is_reference(P)),
    p(erlang:has_prepared_code_on_load(P)),
    p(erlang:finish_loading([P])),
    p(erlang:module_loaded(cl_b)),
    p(erlang:call_on_load_function(cl_b)),
    p(erlang:finish_after_on_load(cl_b, true)),
    p(erlang:module_loaded(cl_b)),
    p(cl_b:f(x)),
    Fb = bin(cl_c, 1, fail),
    P2 = erts_internal:prepare_loading(cl_c, Fb),
    p(erlang:finish_loading([P2])),
    p(erlang:call_on_load_function(cl_c)),
    p(erlang:finish_after_on_load(cl_c, false)),
    p(erlang:module_loaded(cl_c)),
    p(c(fun() -> cl_c:f(1) end)),
    p(c(fun() -> erlang:finish_loading([P2]) end)),
    P3 = erts_internal:prepare_loading(cl_d, bin(cl_d, 1, none)),
    P4 = erts_internal:prepare_loading(cl_e, bin(cl_e, 1, none)),
    p(erlang:finish_loading([P3, P4])),
    p({cl_d:vsn(), cl_e:vsn()}),
    p(erlang:delete_module(cl_d)),
    p(erlang:module_loaded(cl_d)),
    p(erlang:check_old_code(cl_d)),
    p(c(fun() -> erlang:delete_module(cl_d) end)),
    p(erlang:delete_module(no_such_module)),
    p(lists:member(erlang, erlang:pre_loaded())),
    p(lists:member(cl_e, erlang:loaded())),
    ok.

p(X) -> io:format("~p~n", [X]).

%% Only this module's frames of an exception (the runner's differ).
c(F) ->
    try F() catch Class:Reason:Stack -> {Class, Reason, [{M, Fn, A} || {M, Fn, A, _} <- Stack, M =:= ?MODULE]} end.
