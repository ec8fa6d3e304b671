#!/bin/sh
# header_compile.sh - the public headers in every mode a ported program may
# use: C99 and C11 with -pedantic -Werror, C++11 and C++17, standard C
# headers included before and after ours, UNICODE/_UNICODE, NOMINMAX and a
# program-defined _WIN32.  Compile only (test/header_compile.c).
set -u
: "${CC:=cc}"
: "${CXX:=c++}"
: "${srcdir:=$(dirname "$0")/..}"
src=$srcdir/test/header_compile.c
inc=$srcdir/include/windows
warn="-Wall -Wextra -pedantic -Werror"
fail=0
try() {
    if "$@" -c -o /dev/null 2>header_compile.err; then
        echo "ok:   $*"
    else
        echo "FAIL: $*"; cat header_compile.err; fail=1
    fi
}
for std in c99 c11; do
    for mode in "" "-DSTD_FIRST" "-DNOMINMAX" "-D_WIN32 -D_WIN64" "-DSTD_FIRST -DUNICODE -D_UNICODE"; do
        # C99 has no u"" literals: a UNICODE build there needs -fshort-wchar.
        extra=
        [ "$std" = c99 ] && case "$mode" in *UNICODE*) extra=-fshort-wchar ;; esac
        try $CC -std=$std $warn $extra $mode -I"$inc" -x c "$src"
    done
done
# The warnings real projects build with (xz, for one, uses
# -Wredundant-decls): every header at once, so a name declared twice in two
# headers shows.  header_compile.c itself is not this strict.
all=header_compile_all.c
{
    echo '#include <windows.h>'
    for h in "$inc"/*.h; do
        b=$(basename "$h")
        case $b in *[A-Z]*|pshpack*|poppack*) continue ;; esac
        echo "#include <$b>"
    done
    echo 'int main(void) { return 0; }'
} > "$all"
strict="-Wredundant-decls -Wundef -Wstrict-prototypes -Wold-style-definition -Wmissing-declarations -Wshadow -Wcast-qual -Wconversion"
try $CC -std=c11 $warn $strict -I"$inc" -x c "$all"
if command -v "${CXX%% *}" >/dev/null 2>&1; then
    try $CXX -std=c++17 $warn -Wredundant-decls -Wundef -Wshadow -Wcast-qual -Wold-style-cast -Wuseless-cast -Wzero-as-null-pointer-constant -I"$inc" -x c++ "$all"
fi
if command -v "${CXX%% *}" >/dev/null 2>&1; then
    for std in c++11 c++17; do
        for mode in "" "-DSTD_FIRST" "-DNOMINMAX" "-D_WIN32 -D_WIN64" "-DUNICODE -D_UNICODE"; do
            try $CXX -std=$std $warn $mode -I"$inc" -x c++ "$src"
        done
    done
else
    echo "header_compile: no C++ compiler ($CXX); C++ modes skipped"
fi
rm -f header_compile.err "$all"
exit $fail
