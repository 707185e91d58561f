%% A small module used by the loader unit tests (compiled to tiny.beam and,
%% gzip-compressed, to tiny_gz.beam by tests/unit/data/make-data.sh).
-module(tiny).
-export([add/2, big/0, lits/0, bin/1, fn/1]).

add(A, B) when is_integer(A) -> A + B.
big() -> 123456789012345678901234567890.
lits() -> {1.5, "str", #{k => v}, <<1,2,3:4>>, [a | b]}.
bin(<<X:16, Rest/binary>>) -> {X, Rest}.
fn(N) -> fun(M) -> M + N end.
