#!/bin/sh
# Differential check of the loader: every .beam of the installed OTP (and of
# Elixir, when installed) is disassembled by our beamdis and by OTP's
# beam_disasm; the two must be =:= (compared by tests/loader/cmp_dis.erl).
# usage: tests/loader/check-disasm.sh [BUILD_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
beamdis=$build/bin/beamdis
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$(erl -noshell -eval 'io:format("~s", [code:root_dir()]), halt().')
list=$work/files
find "$root"/lib/*/ebin -name '*.beam' | sort > "$list"
if [ -d /usr/lib/elixir/lib ]; then
  find /usr/lib/elixir/lib/*/ebin -name '*.beam' | sort >> "$list"
fi
echo "modules: $(wc -l < "$list") under $root and Elixir's lib"
mkdir -p "$work/dis" "$work/ebin"
# beamdis failures show up as missing .dis files in the comparison.
xargs "$beamdis" -o "$work/dis" < "$list" || true
erlc -o "$work/ebin" "$here/cmp_dis.erl"
"$beamdis" --type-table > "$work/types"
erl -noshell -pa "$work/ebin" -run cmp_dis types "$work/types"
xargs erl -noshell -pa "$work/ebin" -run cmp_dis main "$work/dis" < "$list"
