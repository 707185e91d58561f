%% Exceptions: classes, reasons, catch, try/after, stack traces.
-module(exceptions).
-export([main/0]).

main() ->
    [show(F) || F <- [fun() -> 1 + a() end,
                      fun() -> {ok, _} = b() end,
                      fun() -> case c() of 1 -> one end end,
                      fun() -> D = d(), if D -> ok end end,
                      fun() -> f(2) end,
                      fun() -> throw(thrown) end,
                      fun() -> exit(exited) end,
                      fun() -> error(custom, [1, 2]) end,
                      fun() -> atom_to_list(42) end,
                      fun() -> element(5, {a}) end,
                      fun() -> (a())(1) end,
                      fun() -> (fun(X) -> X end)(1, 2) end,
                      fun() -> nomodule:nofun(1) end,
                      fun() -> lists:nofun(2) end,
                      fun() -> try error(inner) catch error:inner -> caught end end,
                      fun() -> try ok after erlang:display(after_ran) end end,
                      fun() -> erlang:raise(error, raised, [{m, f, 1, []}]) end,
                      fun() -> try throw(t) catch C:R -> {C, R} end end,
                      fun() -> catch throw(x) end,
                      fun() -> catch exit(y) end,
                      fun() -> {'EXIT', {R, S}} = (catch 1 / zero()), {R, strip(S)} end,
                      fun() -> g(#{}) end]],
    ok.

show(F) ->
    Result = try F() of
                 V -> {value, V}
             catch
                 Class:Reason:Stack -> {Class, Reason, strip(Stack)}
             end,
    erlang:display(Result).

%% Keep this module's frames only: callers differ between erl and beamvm.
strip(Stack) -> [Frame || {M, _, _, _} = Frame <- Stack, M =/= erl_eval, M =/= init, M =/= beamvm_direct,
                          M =/= lists].

a() -> a.
b() -> error.
c() -> 2.
d() -> false.
zero() -> 0.
f(1) -> one.
g(M) -> M#{a := 1}.
