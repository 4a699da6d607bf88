#!/usr/bin/env bash
# Installs the build into a scratch DESTDIR and compiles consumer.cpp with nothing but
# `pkg-config sluice` from there.
set -euo pipefail
build_dir=$1 source=$2 cxx=$3 extra_flags=${4:-}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
meson install -C "$build_dir" --destdir "$stage" --no-rebuild --quiet
pc=$(find "$stage" -name sluice.pc | head -n 1)
[ -n "$pc" ] || { echo "no sluice.pc installed"; exit 1; }
# The sysroot maps the installed prefix (/usr/local, ...) into the scratch DESTDIR.
export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$stage
flags=$(pkg-config --cflags --libs sluice)
libdir=$(pkg-config --variable=libdir sluice)  # already under the sysroot
# shellcheck disable=SC2086
"$cxx" -std=c++20 -Wall -Wextra -Werror $extra_flags "$source" $flags -Wl,-rpath,"$libdir" -o "$stage/consumer"
"$stage/consumer"
