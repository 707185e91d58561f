%% Stand-in for common_test's ct module, with only what the emulator suites
%% call, for tests/conformance/ct_lite.erl (the real ct needs common_test's
%% servers running).
-module(ct).
-export([fail/1, fail/2, timetrap/1, sleep/1, log/1, log/2, log/3, log/4,
         log/5, pal/1, pal/2, pal/3, pal/4, pal/5, print/1, print/2,
         comment/1, comment/2, get_progname/0, get_config/1, get_config/2,
         get_timetrap_info/0, abort_current_testcase/1]).

fail(Reason) -> exit({test_case_failed, Reason}).
fail(Format, Args) ->
    exit({test_case_failed, lists:flatten(io_lib:format(Format, Args))}).

timetrap(T) -> ct_lite:set_timetrap(T).

sleep({hours, N}) -> timer:sleep(round(N * 3600000));
sleep({minutes, N}) -> timer:sleep(round(N * 60000));
sleep({seconds, N}) -> timer:sleep(round(N * 1000));
sleep(Ms) -> timer:sleep(round(Ms)).

log(Format) -> log(Format, []).
log(Format, Args) when is_list(Args) -> ct_lite:log(Format, Args);
log(_Category, Format) -> log(Format, []).
log(_, Format, Args) when is_list(Format), is_list(Args) -> log(Format, Args);
log(_, _, Format) -> log(Format, []).
log(_, _, Format, Args) -> log(Format, Args).
log(_, _, Format, Args, _) -> log(Format, Args).

pal(Format) -> log(Format, []).
pal(Format, Args) -> log(Format, Args).
pal(A, B, C) -> log(A, B, C).
pal(A, B, C, D) -> log(A, B, C, D).
pal(A, B, C, D, E) -> log(A, B, C, D, E).

print(Format) -> log(Format, []).
print(Format, Args) -> log(Format, Args).

comment(C) -> ct_lite:log("comment: ~tp", [C]).
comment(Format, Args) -> ct_lite:log(Format, Args).

get_progname() ->
    case init:get_argument(progname) of
        {ok, [[P | _]]} -> P;
        _ -> "erl"
    end.

get_config(_) -> undefined.
get_config(_, Default) -> Default.

get_timetrap_info() -> {60000, {true, 1}}.

abort_current_testcase(Reason) ->
    exit({test_case_failed, {aborted, Reason}}).
