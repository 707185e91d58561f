#!/bin/sh
# Loader benchmark: reads and decodes every .beam of the installed OTP (and
# Elixir) in one process, five times; prints each run and the median.
# usage: tools/bench-loader.sh [BUILD_DIR]
set -eu
build=${1:-build}
root=$(erl -noshell -eval 'io:format("~s", [code:root_dir()]), halt().')
dirs="$root/lib"
[ -d /usr/lib/elixir/lib ] && dirs="$dirs /usr/lib/elixir/lib"
times=""
for i in 1 2 3 4 5; do
  line=$("$build"/bin/beam_loadbench $dirs)
  echo "$line"
  times="$times $(echo "$line" | sed 's/.* in \([0-9.]*\) s/\1/')"
done
echo "$times" | tr ' ' '\n' | grep . | sort -n | sed -n 3p | sed 's/^/median seconds: /'
