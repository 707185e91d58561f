#!/bin/sh
# Regenerates the committed test .beam files (needs erlc from OTP 25).
set -e
cd "$(dirname "$0")"
erlc tiny.erl
erl -noshell -eval '{ok, B} = file:read_file("tiny.beam"), ok = file:write_file("tiny_gz.beam", zlib:gzip(B)), halt().'
