#!/bin/sh
# lib/trace/trace.tab, the table call tracing is generated from, is in step
# with the library and its headers: every exported function is in it
# (or in lib/trace/trace.exclude) with the prototype its header declares.
# tools/trace-table.sh, run here into a temporary file, must give the
# committed table back unchanged.
set -u
: "${srcdir:=$(dirname "$0")/..}"
: "${CC:=cc}"
so=lib/.libs/libwinshim.so
if [ ! -f "$so" ]; then
    echo "SKIP: no $so (static-only build)"
    exit 77
fi
tab=$srcdir/lib/trace/trace.tab
new=trace_table.new
how="run 'make trace-table' and commit lib/trace/trace.tab"
if ! $SHELL "$srcdir/tools/trace-table.sh" "$srcdir" $CC >"$new"; then
    echo "FAIL: tools/trace-table.sh failed (above); fix the header or lib/trace/trace.exclude"
    exit 1
fi
cut -f2 "$tab" | grep -v "^#" | sort -u >"$new.names"
sed 's/#.*//; s/[ \t]//g; /^$/d' "$srcdir/lib/trace/trace.exclude" | sort -u >"$new.excl"
missing=$(nm -D --defined-only "$so" | awk '$2 == "T" { print $3 }' | sort -u |
    comm -23 - "$new.names" | comm -23 - "$new.excl")
if [ -n "$missing" ]; then
    echo "FAIL: exported but not in the tracing table:"
    echo "$missing" | sed 's/^/  /'
fi
committed=$(cut -f2 "$tab" | grep -v '^#' | sort -u)
absent=$(cut -f2 "$new" | grep -v "^#" | sort -u | comm -13 - "$new.names")
if ! diff -u "$tab" "$new" >"$new.diff"; then
    [ -n "$missing" ] || echo "FAIL: lib/trace/trace.tab is out of date:"
    [ -n "$absent" ] && echo "$absent" | sed 's/^/  no longer exported: /'
    head -40 "$new.diff"
    echo "To regenerate: $how (after 'make' has built the library)."
    rm -f "$new" "$new.names" "$new.excl" "$new.diff"
    exit 1
fi
n=$(echo "$committed" | wc -l)
rm -f "$new" "$new.names" "$new.excl" "$new.diff"
echo "all $n traced functions are in lib/trace/trace.tab, $(grep -c '^[A-Za-z_]' "$srcdir/lib/trace/trace.exclude") excluded"
