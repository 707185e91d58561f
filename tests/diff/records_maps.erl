%% Records and maps.
-module(records_maps).
-export([main/0]).
-record(point, {x = 0, y = 0, label}).

main() ->
    P = #point{x = 1, y = 2},
    p(P),
    p(P#point.x + P#point.y),
    P2 = P#point{label = "a"},
    p(P2),
    p(is_record(P2, point)),
    p(record_info(fields, point)),
    p(case P of #point{x = 1} -> one; _ -> other end),
    M = #{a => 1, b => 2},
    p(M),
    p(M#{c => 3}),
    p(M#{a := 10}),
    p(c(fun() -> M#{z := 1} end)),
    p(maps:get(a, M)),
    p(c(fun() -> maps:get(z, M) end)),
    p(maps:find(b, M)),
    p(maps:keys(M#{q => 0})),
    p(maps:values(M)),
    p(maps:to_list(#{3 => c, 1 => a, 2 => b})),
    p(maps:from_list([{x, 1}, {y, 2}, {x, 3}])),
    p(maps:merge(#{a => 1, b => 2}, #{b => 3, c => 4})),
    p(maps:remove(a, M)),
    p(map_size(M)),
    p(maps:fold(fun(K, V, Acc) -> [{K, V} | Acc] end, [], #{k1 => v1, k2 => v2})),
    p(maps:map(fun(_K, V) -> V * 10 end, #{a => 1, b => 2})),
    p(maps:filter(fun(_K, V) -> V > 1 end, #{a => 1, b => 2, c => 3})),
    #{a := A, b := B} = M,
    p({A, B}),
    p(match_map(#{type => circle, r => 2})),
    p(match_map(#{type => square, side => 3})),
    p(#{1 => int, 1.0 => float}),
    p(maps:is_key(1.0, #{1 => x})),
    p(#{{a, b} => [1], "str" => <<"bin">>}),
    p(c(fun() -> (not_a_map())#{a => 1} end)),
    ok.

p(T) -> erlang:display(T).
not_a_map() -> list.
match_map(#{type := circle, r := R}) -> {circle, R * R};
match_map(#{type := square, side := S}) -> {square, S * S}.

%% Runs F; an exception is shown with this module's stack frames only
%% (frames below it belong to the runner, which differs between VMs).
c(F) ->
    try F() catch Class:Reason:Stack -> {Class, Reason, [Fr || {M, _, _, _} = Fr <- Stack, M =:= ?MODULE]} end.
