%% put_map_exact names the least missing key (key order: integers before floats).
-module(map_badkey_order).
-export([main/0]).
id(X) -> X.
main() ->
    M0 = id(#{a => 1, 1 => x}),
    L = maps:from_list([{I, I} || I <- lists:seq(100, 140)]),
    [io:format("~p~n", [catch F()]) || F <- [fun() -> M0#{42.0:=v,42:=v2} end, fun() -> M0#{42=>v1,42.0:=v2,42:=v3} end,
      fun() -> M0#{1.0:=v,1.0=>v2} end, fun() -> L#{42.0:=v,42:=v2} end, fun() -> L#{b:=1, a:=2, 3:=x} end]],
    ok.
