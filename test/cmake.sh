#!/bin/sh
# test/cmake.sh - the installed CMake package and pkg-config file work.
#
# Run from the build tree (make check): installs this build into a
# temporary DESTDIR, then
#   1. configures, builds and runs test/cmake/ (find_package(winshim),
#      winshim::winshim) against it with CMAKE_PREFIX_PATH, once as the
#      usual port and once with winshim_WIN32_DEFINITIONS;
#   2. compiles the same main.c with `pkg-config --cflags --libs winshim`
#      (--define-prefix, since the tree is not at its configured prefix).
# Skipped (77) without cmake.
set -u
: "${srcdir:=.}"
srcdir=$(cd "$srcdir" && pwd)

if ! command -v cmake >/dev/null 2>&1; then
    echo "test/cmake.sh: cmake is not installed: skipped"
    exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/winshim-cmake.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test/cmake.sh: $*" >&2; exit 1; }

${MAKE:-make} -s install DESTDIR="$tmp/dest" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; fail "make install DESTDIR=$tmp/dest failed"; }
config=$(find "$tmp/dest" -name winshimConfig.cmake -path '*/cmake/winshim/*')
[ -n "$config" ] || fail "no winshimConfig.cmake installed"
[ -f "$(dirname "$config")/winshimConfigVersion.cmake" ] || fail "no winshimConfigVersion.cmake installed"
pcfile=$(find "$tmp/dest" -name winshim.pc -path '*/pkgconfig/*')
[ -n "$pcfile" ] || fail "no winshim.pc installed"
# <libdir>/cmake/winshim/winshimConfig.cmake -> <libdir>
libdir=$(dirname "$(dirname "$(dirname "$config")")")
[ -f "$libdir/libwinshim.so" ] || [ -f "$libdir/libwinshim.a" ] || fail "no libwinshim in $libdir"
# The prefix the package was configured for, under DESTDIR.
prefix=$(dirname "$(dirname "$(dirname "$pcfile")")")

expect_run() {   # expect_run PROGRAM EXPECTED-LINE
    out=$(LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$1") ||
        fail "$1 failed: $out"
    [ "$out" = "$2" ] || fail "$1 printed '$out', expected '$2'"
    echo "$(basename "$1"): $out"
}
plain="_WIN32 not defined; wait before SetEvent: WAIT_TIMEOUT, after: WAIT_OBJECT_0"
win32="_WIN32 defined; wait before SetEvent: WAIT_TIMEOUT, after: WAIT_OBJECT_0"

# 1. CMake
cmake -S "$srcdir/test/cmake" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_C_COMPILER="${CC:-cc}" >"$tmp/cmake.log" 2>&1 ||
    { cat "$tmp/cmake.log"; fail "cmake could not configure test/cmake"; }
cmake --build "$tmp/build" >>"$tmp/cmake.log" 2>&1 ||
    { cat "$tmp/cmake.log"; fail "cmake --build failed"; }
expect_run "$tmp/build/hello_event" "$plain"
expect_run "$tmp/build/hello_event_win32" "$win32"

# A version this winshim does not satisfy is refused.
mkdir -p "$tmp/v" && cat >"$tmp/v/CMakeLists.txt" <<'EOF2'
cmake_minimum_required(VERSION 3.13)
project(v C)
find_package(winshim 99 QUIET)
if(winshim_FOUND)
  message(FATAL_ERROR "find_package(winshim 99) accepted ${winshim_VERSION}")
endif()
EOF2
cmake -S "$tmp/v" -B "$tmp/v/build" -DCMAKE_PREFIX_PATH="$prefix" >"$tmp/v.log" 2>&1 ||
    { cat "$tmp/v.log"; fail "find_package(winshim 99) was not refused"; }

# 2. pkg-config, from the same installed tree
if command -v pkg-config >/dev/null 2>&1; then
    # Only libwinshim.a (--disable-shared): its private dependencies too.
    static=; [ -f "$libdir/libwinshim.so" ] || static=--static
    flags=$(PKG_CONFIG_PATH="$(dirname "$pcfile")" pkg-config --define-prefix $static \
        --cflags --libs winshim) || fail "pkg-config --cflags --libs winshim failed"
    case "$flags" in *"-I$prefix/include/winshim"*) ;; *) fail "pkg-config gave '$flags'" ;; esac
    ${CC:-cc} -o "$tmp/hello_pc" "$srcdir/test/cmake/main.c" $flags ||
        fail "cc main.c \$(pkg-config --cflags --libs winshim) failed"
    expect_run "$tmp/hello_pc" "$plain"
    w32=$(PKG_CONFIG_PATH="$(dirname "$pcfile")" pkg-config --variable=win32_cflags winshim)
    ${CC:-cc} -o "$tmp/hello_pc_win32" "$srcdir/test/cmake/main.c" $flags $w32 ||
        fail "cc main.c with win32_cflags failed"
    expect_run "$tmp/hello_pc_win32" "$win32"
fi
exit 0
