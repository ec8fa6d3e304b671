#!/bin/sh
# compat_rows.sh - every function libwinshim exports has its row in
# docs/COMPATIBILITY.md, so a user can look up any function without
# reading code.  A function counts as listed when its name appears in
# backquotes in the document; `FooA/W` stands for FooA and FooW, and
# `Foo(Ex)A/W` for FooA, FooW, FooExA and FooExW.  Socket functions whose
# names collide with the C library are exported as winshim_<name> and are
# listed under <name>.
set -u
: "${srcdir:=$(dirname "$0")/..}"
lib=lib/.libs/libwinshim.so
if [ ! -f "$lib" ]; then
    echo "SKIP: no $lib (static-only build)"
    exit 77
fi
doc=$srcdir/docs/COMPATIBILITY.md
nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' |
    sed 's/^winshim_//' | sort -u >compat_rows.exports
grep -o '`[^`]*`' "$doc" | tr -d '`' | awk '
    function emit(w) {
        if (w ~ /A\/W$/) {
            sub(/A\/W$/, "", w); print w "A"; print w "W"
        } else if (w != "") {
            print w
        }
    }
    /^[A-Za-z_][A-Za-z0-9_]*\(Ex\)(A\/W)?$/ {
        base = $0; sub(/\(Ex\).*/, "", base)
        suf = $0; sub(/^[^)]*\)/, "", suf)
        emit(base suf); emit(base "Ex" suf)
        next
    }
    {
        n = split($0, w, /[^A-Za-z0-9_\/]+/)
        for (i = 1; i <= n; i++) emit(w[i])
    }' | sort -u >compat_rows.listed
missing=$(comm -23 compat_rows.exports compat_rows.listed)
total=$(wc -l <compat_rows.exports)
if [ -n "$missing" ]; then
    echo "exported but without a row in docs/COMPATIBILITY.md:"
    echo "$missing" | sed 's/^/  /'
    exit 1
fi
echo "all $total exported functions have a row in docs/COMPATIBILITY.md"
