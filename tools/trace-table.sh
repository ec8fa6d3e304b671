#!/bin/sh
# trace-table.sh - writes lib/trace/trace.tab, the one table of libwinshim's
# exported functions that call tracing is generated from (`make
# trace-table` runs it; docs/ARCHITECTURE.md, "Call tracing").
#
#   trace-table.sh SRCDIR CC CPPFLAGS...   >trace.tab
#
# Run in a build tree where lib/.libs/libwinshim.so is built.  For each
# function the shared library exports (nm -D, type T) it finds:
#   - its channel, "<folder>.<file>": the lib/ object file that defines
#     it (as X, or as ws_impl_X once tracing is built in);
#   - its prototype, from the public headers of include/windows/ run
#     through the preprocessor, so the table says exactly what a caller
#     of <windows.h> sees (return type, parameter types and names,
#     noreturn, and the C name of the winsock calls linked as winshim_X).
# Functions named in lib/trace/trace.exclude (variadic ones, which a
# wrapper cannot forward) are left out; any other function it cannot
# parse is an error.
set -eu
srcdir=$1
shift
so=lib/.libs/libwinshim.so
[ -f "$so" ] || { echo "trace-table.sh: no $so (build the shared library first)" >&2; exit 1; }
tmp=${TMPDIR:-/tmp}/trace-table.$$
mkdir "$tmp"
trap 'rm -rf "$tmp"' EXIT

nm -D --defined-only "$so" | awk '$2 == "T" { print $3 }' | sort -u >"$tmp/exports"

# Channel of every defined global function: lib/<folder>/<file>.
for o in lib/*.o lib/*/*.o lib/.libs/*.o lib/*/.libs/*.o; do
    [ -f "$o" ] || continue
    case $o in *trace_wrap*) continue ;; esac
    f=${o##*/}; f=${f#libwinshim_la-}; f=${f%.o}
    d=${o#lib/}; d=${d%%/*}
    case $d in .libs|*.o) d=lib ;; esac
    nm --defined-only -g "$o" | awk -v ch="$d.$f" '$2 == "T" { s = $3; sub(/^ws_impl_/, "", s); print s "\t" ch }'
done | sort -u -k1,1 >"$tmp/channels"

# Every public header, in one translation unit.
{
    echo '#include <windows.h>'
    echo '#include <winsock2.h>'
    for h in "$srcdir"/include/windows/*.h; do
        b=${h##*/}
        case $b in *[A-Z]*|pshpack*|poppack.h) continue ;; esac
        echo "#include <$b>"
    done
} >"$tmp/all.c"
"$@" -E -P -I"$srcdir/include/windows" "$tmp/all.c" -o "$tmp/all.i"

exclude=$srcdir/lib/trace/trace.exclude
awk -v exports="$tmp/exports" -v channels="$tmp/channels" -v exclude="$exclude" '
function trim(s) { gsub(/[ \t\n]+/, " ", s); sub(/^ /, "", s); sub(/ $/, "", s); return s }
# Removes __attribute__((...)), __extension__ and storage words; notes noreturn.
function strip(s,    out, i, j, d) {
    while ((i = index(s, "__attribute__")) > 0) {
        j = i + 13
        while (substr(s, j, 1) == " ") j++
        d = 0
        for (; j <= length(s); j++) {
            c = substr(s, j, 1)
            if (c == "(") d++
            else if (c == ")") { d--; if (d == 0) break }
        }
        if (substr(s, i, j - i + 1) ~ /noreturn/) noreturn = 1
        s = substr(s, 1, i - 1) " " substr(s, j + 1)
    }
    if (s ~ /_Noreturn/) noreturn = 1
    gsub(/(^| )(extern|__extension__|_Noreturn|__inline|inline|static)( |$)/, " ", s)
    return trim(s)
}
# The name of one parameter declaration; "" when it has none.
function pname(p,    m, t) {
    if (match(p, /\( *\* *[A-Za-z_][A-Za-z0-9_]* *\)/)) {
        m = substr(p, RSTART, RLENGTH); gsub(/[()* ]/, "", m); return m
    }
    t = p; sub(/ *\[[^]]*\] *$/, "", t)
    if (!match(t, /[A-Za-z_][A-Za-z0-9_]*$/)) return ""
    m = substr(t, RSTART, RLENGTH)
    t = trim(substr(t, 1, RSTART - 1))
    if (t == "" || t ~ /(^| )(struct|union|enum)$/) return ""
    if (m ~ /^(int|char|short|long|double|float|void|unsigned|signed|const|volatile)$/) return ""
    return m
}
BEGIN {
    while ((getline l < exports) > 0) want[l] = 1
    while ((getline l < channels) > 0) { split(l, f, "\t"); chan[f[1]] = f[2] }
    while ((getline l < exclude) > 0) { sub(/#.*/, "", l); l = trim(l); if (l != "") excl[l] = 1 }
}
{ text = text " " $0 }
END {
    n = length(text); d = 0; st = ""
    for (i = 1; i <= n; i++) {
        c = substr(text, i, 1)
        if (c == "{") d++
        else if (c == "}") { d--; if (d == 0 && st ~ /\) *$/) { st = ""; continue } }
        if (d == 0 && c == ";") { stmt(st); st = ""; continue }
        if (d == 0 && c != "}") st = st c
        else if (d == 0) st = st " "
    }
    bad = 0
    for (s in want) {
        if (s in done || s in excl) continue
        print "trace-table.sh: no prototype found for exported " s >"/dev/stderr"; bad = 1
    }
    exit bad
}
function stmt(s,    name, sym, ret, params, rest, i, j, dd, np, p, k, out, flags, cname) {
    s = trim(s)
    if (s ~ /^typedef / || s !~ /\(/) return
    noreturn = 0
    sym = ""
    if (match(s, /__asm__ *\( *"[^)]*\)/)) {
        sym = substr(s, RSTART, RLENGTH); gsub(/__asm__|[()" ]/, "", sym)
        s = substr(s, 1, RSTART - 1) substr(s, RSTART + RLENGTH)
    }
    s = strip(s)
    i = index(s, "(")
    if (!match(substr(s, 1, i - 1), /[A-Za-z_][A-Za-z0-9_]* *$/)) return
    name = trim(substr(s, RSTART, RLENGTH))
    ret = trim(substr(s, 1, RSTART - 1))
    if (sym == "") sym = name
    if (!(sym in want) || (sym in done) || (sym in excl)) return
    dd = 0
    for (j = i; j <= length(s); j++) {
        c = substr(s, j, 1)
        if (c == "(") dd++
        else if (c == ")") { dd--; if (dd == 0) break }
    }
    params = substr(s, i + 1, j - i - 1)
    if (params ~ /\.\.\./) {
        if (sym in excl) return
        print "trace-table.sh: " sym " is variadic: add it to lib/trace/trace.exclude" >"/dev/stderr"
        exit 1
    }
    # Split at top-level commas.
    np = 0; p = ""; dd = 0
    for (k = 1; k <= length(params); k++) {
        c = substr(params, k, 1)
        if (c == "(") dd++
        else if (c == ")") dd--
        if (c == "," && dd == 0) { arg[++np] = trim(p); p = ""; continue }
        p = p c
    }
    if (trim(p) != "") arg[++np] = trim(p)
    if (np == 1 && arg[1] == "void") np = 0
    out = ""
    for (k = 1; k <= np; k++) {
        if (pname(arg[k]) == "") {
            print "trace-table.sh: parameter " k " of " sym " has no name in its header" >"/dev/stderr"
            exit 1
        }
        out = out (k > 1 ? ", " : "") arg[k]
    }
    if (out == "") out = "void"
    flags = ""
    if (noreturn) flags = "noreturn"
    if (name != sym) flags = flags (flags == "" ? "" : ",") "cname=" name
    if (flags == "") flags = "-"
    if (!(sym in chan)) { print "trace-table.sh: no lib/ object defines " sym >"/dev/stderr"; exit 1 }
    printf "%s\t%s\t%s\t%s\t%s\n", chan[sym], sym, ret, out, flags
    done[sym] = 1
}' "$tmp/all.i" >"$tmp/table"

{
    echo "# lib/trace/trace.tab - libwinshim's exported functions, for call tracing."
    echo "# Generated by tools/trace-table.sh (make trace-table); do not edit."
    echo "# channel<TAB>symbol<TAB>return type<TAB>parameters<TAB>flags"
    LC_ALL=C sort "$tmp/table"
}
