#!/bin/sh
# Installs everything the project needs on Debian 12 (build tools, libraries,
# the reference Erlang/OTP 25 and Elixir for the differential tests).
set -eu
SUDO=
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends \
  g++ make cmake pkg-config zlib1g-dev libuv1-dev libgmp-dev libpcre3-dev libgtest-dev \
  erlang-nox erlang-dev erlang-src elixir
