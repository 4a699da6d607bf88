#!/usr/bin/env bash
# Installs the build into a scratch DESTDIR and builds consumer.cpp from there with nothing but
# what a user of the installed tree has, then runs it. MODE:
#   pkg-config         `pkg-config --cflags --libs sluice` (the shared library)
#   pkg-config-static  `pkg-config --libs --static sluice` and -static (libsluice.a, all in order)
#   cmake              find_package(sluice CONFIG) + sluice::sluice (tests/consumer/cmake)
# The consumer is compiled with the strict warnings below: sluice's headers must not warn.
set -euo pipefail
build_dir=$1 source=$2 cxx=$3 mode=$4 extra_flags=${5:-}
strict_flags="-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Werror"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
meson install -C "$build_dir" --destdir "$stage" --no-rebuild --quiet
pc=$(find "$stage" -name sluice.pc | head -n 1)
[ -n "$pc" ] || { echo "no sluice.pc installed"; exit 1; }
# The sysroot maps the installed prefix (/usr/local, ...) into the scratch DESTDIR.
export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$stage
libdir=$(pkg-config --variable=libdir sluice)  # already under the sysroot
[ "$(pkg-config --variable=boost_min_version sluice)" = 1.81 ] || { echo "sluice.pc: no boost_min_version=1.81"; exit 1; }

case $mode in
  pkg-config)
    # shellcheck disable=SC2086
    "$cxx" -std=c++20 $strict_flags $extra_flags "$source" $(pkg-config --cflags --libs sluice) \
      -Wl,-rpath,"$libdir" -o "$stage/consumer"
    ;;
  pkg-config-static)
    [ -f "$libdir/libsluice.a" ] || { echo "no libsluice.a installed"; exit 1; }
    libs=$(pkg-config --libs --static sluice)
    echo "pkg-config --libs --static sluice: $libs"
    # glibc's notes on getaddrinfo/dlopen in static programs are expected; anything else fails.
    # shellcheck disable=SC2086
    "$cxx" -std=c++20 $strict_flags $extra_flags "$source" $(pkg-config --cflags sluice) -static $libs \
      -o "$stage/consumer" 2> >(grep -v -e 'statically linked applications requires at runtime' \
                                        -e ': in function ' >&2)
    ;;
  cmake)
    cmake_dir=$(dirname "$(find "$stage" -name sluiceConfig.cmake | head -n 1)")
    [ -f "$cmake_dir/sluiceConfigVersion.cmake" ] || { echo "no sluiceConfigVersion.cmake installed"; exit 1; }
    cmake -S "$(dirname "$source")/cmake" -B "$stage/cmake-build" -G Ninja \
      -DCMAKE_PREFIX_PATH="${cmake_dir%/lib*/cmake/sluice}" -DCMAKE_CXX_COMPILER="$cxx" \
      -DCMAKE_CXX_FLAGS="$strict_flags $extra_flags" -DCMAKE_EXE_LINKER_FLAGS="$extra_flags" \
      -DCMAKE_BUILD_RPATH="$libdir" >"$stage/cmake.log" 2>&1 || { cat "$stage/cmake.log"; exit 1; }
    cmake --build "$stage/cmake-build" -- -j2 >"$stage/cmake-build.log" 2>&1 ||
      { cat "$stage/cmake-build.log"; exit 1; }
    cp "$stage/cmake-build/consumer" "$stage/consumer"
    ;;
  *) echo "check.sh: unknown mode $mode" >&2; exit 2 ;;
esac
"$stage/consumer"
