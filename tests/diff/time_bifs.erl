%% Time BIFs. Actual times differ between runs, so this prints properties:
%% types, units, monotonicity, consistency between clocks and conversions,
%% plus exact results for the calendar conversions of fixed dates.
-module(time_bifs).
-export([main/0]).

t(F) ->
    try F() catch C:R -> {C, R} end.

show(Label, V) -> io:format("~s: ~p~n", [Label, V]).

units() ->
    [native, perf_counter, second, millisecond, microsecond, nanosecond, seconds, milli_seconds,
     micro_seconds, nano_seconds, 1, 1000, 1000000, 1000000000, 3, 7, 100, 1 bsl 40, 1 bsl 70].

bad_units() -> [foo, 0, -1, -(1 bsl 70), 1.0, "second", {second}, []].

main() ->
    units_and_offsets(),
    monotonic(),
    system(),
    stamps(),
    unique(),
    calendar_now(),
    calendar_fixed(),
    ok.

units_and_offsets() ->
    show("time_unit", erts_internal:time_unit()),
    show("perf_counter_unit", erts_internal:perf_counter_unit()),
    show("second in native", erlang:convert_time_unit(1, second, native)),
    show("conversions", [erlang:convert_time_unit(V, F, T)
                         || V <- [-1500, -1, 0, 1, 1500], F <- [second, millisecond, native, 3],
                            T <- [nanosecond, microsecond, second, 7]]),
    show("monotonic types", [is_integer(erlang:monotonic_time(U)) || U <- units()]),
    show("negative monotonic (starts near the smallest small)", erlang:monotonic_time() < 0),
    show("bad units", [{U, t(fun() -> erlang:monotonic_time(U) end), t(fun() -> erlang:system_time(U) end),
                        t(fun() -> erlang:time_offset(U) end), t(fun() -> os:system_time(U) end)}
                       || U <- bad_units()]),
    %% The offset is fixed, and the same in every unit.
    O = erlang:time_offset(),
    show("offset fixed", O =:= erlang:time_offset()),
    show("offset units", [erlang:time_offset(U) =:= erlang:convert_time_unit(O, native, U) || U <- units()]).

%% F(Unit) lies between the conversions of native readings taken just before
%% and just after it.
bracketed(F) ->
    [begin
         A = F(native),
         B = F(U),
         C = F(native),
         {U, erlang:convert_time_unit(A, native, U) =< B andalso B =< erlang:convert_time_unit(C, native, U)}
     end || U <- units()].

monotonic() ->
    Ms = [erlang:monotonic_time() || _ <- lists:seq(1, 1000)],
    show("monotonic never decreases", Ms =:= lists:sort(Ms)),
    show("monotonic units", bracketed(fun erlang:monotonic_time/1)),
    show("native is default", begin A = erlang:monotonic_time(), B = erlang:monotonic_time(native),
                                    C = erlang:monotonic_time(), A =< B andalso B =< C end),
    T0 = erlang:monotonic_time(millisecond),
    receive after 30 -> ok end,
    T1 = erlang:monotonic_time(millisecond),
    show("sleep 30 ms", T1 - T0 >= 30 andalso T1 - T0 < 5000).

system() ->
    show("system units", bracketed(fun erlang:system_time/1)),
    show("os system units", bracketed(fun os:system_time/1)),
    A = erlang:system_time(),
    M = erlang:monotonic_time(),
    O = erlang:time_offset(),
    C = erlang:system_time(),
    show("system = monotonic + offset", A =< M + O andalso M + O =< C),
    S = erlang:system_time(second),
    OS = os:system_time(second),
    show("system close to os", abs(S - OS) =< 2),
    show("after 2020", S > 1577836800),
    P1 = os:perf_counter(),
    P2 = os:perf_counter(),
    show("perf counter", is_integer(P1) andalso P1 =< P2),
    show("perf counter units", [is_integer(os:perf_counter(U)) || U <- [second, millisecond, native]]).

to_us({Mega, Sec, Micro}) -> (Mega * 1000000 + Sec) * 1000000 + Micro.

stamp_ok(F, Clock) ->
    A = Clock(),
    {Mega, Sec, Micro} = T = F(),
    B = Clock(),
    is_integer(Mega) andalso Sec >= 0 andalso Sec < 1000000 andalso Micro >= 0 andalso Micro < 1000000
        andalso A =< to_us(T) andalso to_us(T) =< B.

stamps() ->
    ErlUs = fun() -> erlang:system_time(microsecond) end,
    OsUs = fun() -> os:system_time(microsecond) end,
    show("timestamp", stamp_ok(fun erlang:timestamp/0, ErlUs)),
    show("os:timestamp", stamp_ok(fun os:timestamp/0, OsUs)),
    %% now/0 may run ahead of the clock (it never repeats), but not by much.
    show("now", begin A = ErlUs(), N = to_us(erlang:now()), B = ErlUs(),
                      A =< N andalso N =< B + 100000 end),
    Nows = [to_us(erlang:now()) || _ <- lists:seq(1, 2000)],
    show("now strictly increasing", strictly_increasing(Nows)).

strictly_increasing([A, B | T]) when A < B -> strictly_increasing([B | T]);
strictly_increasing([_, _ | _]) -> false;
strictly_increasing(_) -> true.

unique() ->
    N = 2000,
    Plain = [erlang:unique_integer() || _ <- lists:seq(1, N)],
    show("unique", {length(lists:usort(Plain)), lists:all(fun is_integer/1, Plain)}),
    Pos = [erlang:unique_integer([positive]) || _ <- lists:seq(1, N)],
    show("positive", {length(lists:usort(Pos)), lists:all(fun(X) -> X > 0 end, Pos)}),
    Mono = [erlang:unique_integer([monotonic]) || _ <- lists:seq(1, N)],
    show("monotonic", strictly_increasing(Mono)),
    MP = [erlang:unique_integer([monotonic, positive]) || _ <- lists:seq(1, N)],
    show("monotonic positive", strictly_increasing(MP) andalso hd(MP) > 0),
    PM = [erlang:unique_integer([positive, monotonic, positive]) || _ <- lists:seq(1, 10)],
    show("repeated options", strictly_increasing(PM)),
    show("empty options", is_integer(erlang:unique_integer([]))),
    show("bad options", [t(fun() -> erlang:unique_integer(O) end)
                         || O <- [[foo], x, [positive | x], [monotonic, 1], {positive}]]).

%% Calendar readings taken within one second of each other agree.
calendar_now() ->
    show("shapes", shapes(5)),
    show("calendar module", is_tuple(calendar:local_time()) andalso is_tuple(calendar:universal_time())).

shapes(0) -> gave_up;
shapes(K) ->
    U = erlang:universaltime(),
    L = erlang:localtime(),
    D = erlang:date(),
    T = erlang:time(),
    U2 = erlang:universaltime(),
    case U =:= U2 of
        true ->
            {{Y, Mo, Da}, {H, Mi, S}} = U,
            {valid(U), valid(L), erlang:universaltime_to_localtime(U) =:= L, {D, T} =:= L,
             erlang:localtime_to_universaltime(L, undefined) =:= U,
             erlang:posixtime_to_universaltime(erlang:universaltime_to_posixtime(U)) =:= U,
             is_integer(Y + Mo + Da + H + Mi + S),
             abs(erlang:universaltime_to_posixtime(U) - erlang:system_time(second)) =< 2};
        false -> shapes(K - 1)
    end.

valid({{Y, Mo, D}, {H, Mi, S}}) ->
    calendar:valid_date(Y, Mo, D) andalso H >= 0 andalso H < 24 andalso Mi >= 0 andalso Mi < 60
        andalso S >= 0 andalso S < 60.

calendar_fixed() ->
    Dates = [{{1970, 1, 1}, {0, 0, 0}}, {{2000, 2, 29}, {12, 30, 45}}, {{1999, 12, 31}, {23, 59, 59}},
             {{2024, 3, 31}, {2, 30, 0}}, {{2024, 10, 27}, {2, 30, 0}}, {{2038, 1, 19}, {3, 14, 8}},
             {{1902, 1, 1}, {0, 0, 0}}, {{1901, 12, 31}, {23, 59, 59}}, {{1600, 1, 1}, {0, 0, 0}},
             {{1599, 12, 31}, {23, 59, 59}}, {{1900, 3, 1}, {0, 0, 0}}, {{2100, 2, 28}, {1, 2, 3}},
             {{9999, 12, 31}, {23, 59, 59}}, {{100000, 6, 15}, {6, 0, 0}},
             {{2147483646, 12, 31}, {23, 59, 59}}, {{2147483647, 1, 1}, {0, 0, 0}},
             %% Invalid ones.
             {{2001, 2, 29}, {0, 0, 0}}, {{1900, 2, 29}, {0, 0, 0}}, {{2000, 13, 1}, {0, 0, 0}},
             {{2000, 0, 1}, {0, 0, 0}}, {{2000, 1, 0}, {0, 0, 0}}, {{2000, 4, 31}, {0, 0, 0}},
             {{2000, 1, 1}, {24, 0, 0}}, {{2000, 1, 1}, {0, 60, 0}}, {{2000, 1, 1}, {0, 0, 60}},
             {{2000, 1, 1}, {-1, 0, 0}}, {{2000, 1, 1}, {0, 0, 0.0}}, {{2000, 1, 1}, {0, 0}},
             {{2000, 1}, {0, 0, 0}}, {{2000, 1, 1}, {0, 0, 0}, x}, {{1 bsl 70, 1, 1}, {0, 0, 0}},
             {2000, 1, 1}, [{2000, 1, 1}, {0, 0, 0}], x],
    [io:format("~w: ~w ~w ~w ~w ~w~n",
               [D, t(fun() -> erlang:universaltime_to_posixtime(D) end),
                t(fun() -> erlang:universaltime_to_localtime(D) end),
                t(fun() -> erlang:localtime_to_universaltime(D, false) end),
                t(fun() -> erlang:localtime_to_universaltime(D, true) end),
                t(fun() -> erlang:localtime_to_universaltime(D, undefined) end)])
     || D <- Dates],
    show("bad dst", [t(fun() -> erlang:localtime_to_universaltime({{2000, 1, 1}, {0, 0, 0}}, X) end)
                     || X <- [maybe, 1, [], "true"]]),
    Secs = [0, 1, -1, 86399, 86400, -86400, -86401, 951827445, 2147483647, 2147483648,
            -2147483648, -62167219200, -62167219201, -11676096000, 253402300799, 253402300800,
            1 bsl 40, -(1 bsl 40), 1 bsl 59, -(1 bsl 59), 1 bsl 62, -(1 bsl 62),
            (1 bsl 63) - 1, -(1 bsl 63), 1 bsl 63, -(1 bsl 63) - 1, 1 bsl 100, 1.0, x],
    [io:format("~p -> ~p~n", [S, t(fun() -> erlang:posixtime_to_universaltime(S) end)]) || S <- Secs],
    %% Round trips over a range of days.
    RT = [S || S <- lists:seq(-20000000000, 20000000000, 987654321),
               element(1, element(1, erlang:posixtime_to_universaltime(S))) >= 1600,
               erlang:universaltime_to_posixtime(erlang:posixtime_to_universaltime(S)) =/= S],
    show("round trip failures", RT),
    show("calendar agrees", lists:usort([calendar:gregorian_seconds_to_datetime(S + 62167219200)
                                         =:= erlang:posixtime_to_universaltime(S)
                                         || S <- lists:seq(-5000000000, 5000000000, 123456789)])).
