#!/bin/sh
# header_fidelity.sh - every constant, type, struct layout and field that
# include/windows/ defines, compared with what the mingw-w64 headers give
# for x86_64-w64-mingw32 (the Windows x64 ABI).
#
#  1. Names.  `cc -E -dD` over our windows.h and tchar.h lists each
#     object-like macro whose #define sits in one of our headers (so
#     nothing from libc or the compiler).  The same preprocessed text,
#     restricted by its line markers to our headers, is tokenised by awk to
#     find every typedef name, the fields of every struct and union
#     (nested and anonymous ones included; bit-fields skipped) and every
#     enumerator.
#  2. One C file with one probe per fact: a macro's or enumerator's value,
#     size and signedness; a type's size, alignment and signedness; a
#     field's offset and size.  Each probe is an asm comment whose operand
#     is an "i" (compile-time constant) operand, so compiling with -S writes
#     the value into the assembly: nothing has to run, under Wine or
#     otherwise.
#  3. The file is compiled natively against our headers and with
#     x86_64-w64-mingw32-gcc against mingw's <windows.h>.  A probe that does
#     not compile natively is not an integer constant (a string, a
#     function-like use, an empty macro) and is dropped; one that mingw
#     rejects because the name is unknown there is "unchecked"; any other
#     mingw error, or a different value, is a difference and fails.
#
# Exit status: 0 all checked values agree, 1 differences, 77 (automake's
# "skipped") without mingw-w64, 99 the generator itself failed.
#   CC          native compiler (default cc)
#   MINGW_CC    default x86_64-w64-mingw32-gcc
#   srcdir      where include/windows is (default: this script's ..)
#   KEEP        set: keep the work directory and print its name
set -u
: "${CC:=cc}"
: "${MINGW_CC:=x86_64-w64-mingw32-gcc}"
here=$(cd "$(dirname "$0")" && pwd)
: "${srcdir:=$here/..}"
inc=$(cd "$srcdir/include/windows" && pwd)

if ! command -v "$MINGW_CC" >/dev/null 2>&1; then
    echo "header_fidelity: $MINGW_CC not found (./bootstrap --with-oracle installs it): skipped"
    exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/winshim-fidelity.XXXXXX") || exit 99
[ -n "${KEEP:-}" ] && echo "header_fidelity: work directory $work" ||
    trap 'rm -rf "$work"' EXIT

# winsock2.h first, as Microsoft asks (mingw's windows.h brings in winsock.h).
# The headers windows.h does not include follow it; ntstatus.h's values
# need NTSTATUS, which a program defines (as winternl.h does).
extra='#include <winnls.h>\n#include <stringapiset.h>\n#include <winuser.h>\ntypedef LONG NTSTATUS;\n#include <ntstatus.h>\n#include <tlhelp32.h>\n#include <process.h>\n#include <wct.h>\n'
printf '#include <winsock2.h>\n#include <ws2tcpip.h>\n#include <windows.h>\n#include <mswsock.h>\n#include <sddl.h>\n#include <tchar.h>\n'"$extra" >"$work/all.c"

# ---- 1. names -------------------------------------------------------------
$CC -E -dD -I"$inc" "$work/all.c" >"$work/dd.i" || exit 99
awk -v inc="$inc/" '
    /^# [0-9]+ "/ { f = $3; gsub(/"/, "", f); ours = index(f, inc) == 1; next }
    ours && /^#define [A-Za-z_][A-Za-z0-9_]*[ \t]/ { print "macro", $2; next }
    ours && /^#define [A-Za-z_][A-Za-z0-9_]*$/ { print "macro", $2 }
' "$work/dd.i" | sort -u >"$work/macros" || exit 99

$CC -E -I"$inc" "$work/all.c" >"$work/pp.i" || exit 99
awk -v inc="$inc/" '
function add(t) {
    # __extension__ and __attribute__((...)) carry no name or layout.
    if (t == "__extension__" || t == "__restrict" || t == "__inline__") return
    tok[++n] = t
}
function isid(t) { return t ~ /^[A-Za-z_][A-Za-z0-9_]*$/ }
/^# [0-9]+ "/ { f = $3; gsub(/"/, "", f); ours = index(f, inc) == 1; next }
/^#/ { next }
ours {
    s = $0
    while (length(s) > 0) {
        if (match(s, /^[ \t\r]+/)) { s = substr(s, RLENGTH + 1); continue }
        if (match(s, /^[A-Za-z_][A-Za-z0-9_]*/) || match(s, /^[0-9][A-Za-z0-9_.]*/) ||
            match(s, /^"([^"\\]|\\.)*"/) || match(s, /^\x27([^\x27\\]|\\.)*\x27/) ||
            match(s, /^(->|\.\.\.|<<|>>|==|!=|<=|>=|&&|\|\|)/)) {
            add(substr(s, 1, RLENGTH)); s = substr(s, RLENGTH + 1); continue
        }
        add(substr(s, 1, 1)); s = substr(s, 2)
    }
}
# Index of the token closing the bracket opened at i.
function close_of(i,    d, j) {
    d = 0
    for (j = i; j <= n; j++) {
        if (tok[j] == "(" || tok[j] == "{" || tok[j] == "[") d++
        else if (tok[j] == ")" || tok[j] == "}" || tok[j] == "]") { if (--d == 0) return j }
    }
    return n
}
# The name a declarator a..b declares: the identifier in "(* NAME)" for a
# function pointer, else the last identifier before any "[" or ":".
function decl_name(a, b,    j, name) {
    for (j = a; j + 2 <= b; j++)
        if (tok[j] == "*" && isid(tok[j + 1]) && tok[j + 2] == ")") return tok[j + 1]
    name = ""
    for (j = a; j <= b; j++) {
        if (tok[j] == "[" || tok[j] == ":") break
        if (tok[j] == "(") { j = close_of(j); continue }
        if (isid(tok[j]) && tok[j] != "const" && tok[j] != "volatile") name = tok[j]
    }
    return name
}
# Splits a..b at top-level commas into dn[lv,k] (name), dp[lv,k] (1 when
# the declarator is a plain object: no pointer, array or function) and
# db[lv,k] (1 for a bit-field); returns the count.
function declarators(a, b, lv, first_has_type,    j, k, s, plain, bits) {
    k = 0
    s = a
    for (j = a; j <= b + 1; j++) {
        if (j <= b && (tok[j] == "(" || tok[j] == "[" || tok[j] == "{")) {
            j = close_of(j)
            continue
        }
        if (j > b || tok[j] == ",") {
            if (s <= j - 1) {
                k++
                dn[lv, k] = decl_name(s, j - 1)
                plain = 1; bits = 0
                for (m = s; m < j; m++) {
                    if (tok[m] == "*" || tok[m] == "[" || tok[m] == "(") plain = 0
                    if (tok[m] == ":") bits = 1
                }
                dp[lv, k] = plain; db[lv, k] = bits
            }
            s = j + 1
        }
    }
    return k
}
# Fields of a struct/union body a..b, as seen from type T.
function body(a, b, T, prefix, lv,    j, s, e, bb, cc, k, i) {
    s = a
    for (j = a; j <= b; j++) {
        if (tok[j] == "{" || tok[j] == "(" || tok[j] == "[") { j = close_of(j); continue }
        if (tok[j] != ";") continue
        e = j - 1
        bb = 0
        for (i = s; i <= e; i++) if (tok[i] == "{") { bb = i; break }
        if (bb) {
            cc = close_of(bb)
            k = declarators(cc + 1, e, lv)
            if (k == 0)
                body(bb + 1, cc - 1, T, prefix, lv + 1)      # anonymous member
            for (i = 1; i <= k; i++) {
                print "field", T, prefix dn[lv, i]
                if (dp[lv, i]) body(bb + 1, cc - 1, T, prefix dn[lv, i] ".", lv + 1)
            }
        } else {
            k = declarators(s, e, lv)
            for (i = 1; i <= k; i++)
                if (!db[lv, i] && dn[lv, i] != "") print "field", T, prefix dn[lv, i]
        }
        s = j + 1
    }
}
function enumerators(a, b,    j, s) {
    s = a
    for (j = a; j <= b + 1; j++) {
        if (j <= b && tok[j] == "(") { j = close_of(j); continue }
        if (j > b || tok[j] == ",") {
            if (s <= b && isid(tok[s])) print "const", tok[s]
            s = j + 1
        }
    }
}
function statement(a, e,    j, bb, cc, k, i, T, kind) {
    # Drop __attribute__((...)) groups in place.
    for (j = a; j <= e; j++)
        if (tok[j] == "__attribute__" && tok[j + 1] == "(") { cc = close_of(j + 1); for (i = j; i <= cc; i++) tok[i] = " " }
    bb = 0
    for (j = a; j <= e; j++) if (tok[j] == "{") { bb = j; break }
    kind = tok[a] == "typedef" ? tok[a + 1] : tok[a]
    if (bb) {
        cc = close_of(bb)
        if (kind == "enum") enumerators(bb + 1, cc - 1)
        if (kind != "struct" && kind != "union") return
        if (tok[a] == "typedef") {
            k = declarators(cc + 1, e - 1, 0)
            T = ""
            for (i = 1; i <= k; i++) {
                print "type", dn[0, i]
                if (T == "" && dp[0, i]) T = dn[0, i]
            }
            if (T == "" && isid(tok[bb - 1]) && tok[bb - 1] != kind) T = kind " " tok[bb - 1]
        } else if (isid(tok[bb - 1]) && tok[bb - 1] != kind) {
            T = kind " " tok[bb - 1]
            print "type", T
        }
        if (T != "") body(bb + 1, cc - 1, T, "", 1)
    } else if (tok[a] == "typedef") {
        k = declarators(a + 1, e - 1, 0)
        for (i = 1; i <= k; i++) if (dn[0, i] != "") print "type", dn[0, i]
    }
}
END {
    i = 1
    while (i <= n) {
        a = i; d = 0
        for (; i <= n; i++) {
            if (tok[i] == "{" || tok[i] == "(") d++
            else if (tok[i] == "}" || tok[i] == ")") {
                d--
                # A function definition ends at its closing brace.
                if (d == 0 && tok[i] == "}" && tok[a] != "typedef" && tok[a] != "struct" &&
                    tok[a] != "union" && tok[a] != "enum") break
            } else if (tok[i] == ";" && d == 0) break
        }
        statement(a, i)
        i++
    }
}
' "$work/pp.i" >"$work/decls" || exit 99
sort -u "$work/decls" -o "$work/decls"
cat "$work/macros" "$work/decls" >"$work/names"

# ---- 2. probes --------------------------------------------------------------
# One probe per line.  Operand 0 says whether the value is a compile-time
# constant at all (a function address is not; it becomes 0 and is dropped
# below, without an assembler error); operands 1 and 2 are the 64-bit value
# as two 32-bit halves (the operand printer takes 32-bit immediates only).
awk '
function probe(key, expr) {
    printf "P(\"%s\", %s);\n", key, expr
}
BEGIN {
    print "#include <winsock2.h>"
    print "#include <ws2tcpip.h>"
    print "#include <windows.h>"
    print "#include <mswsock.h>"
    print "#include <tchar.h>"
    print "typedef LONG NTSTATUS;"
    print "#include <ntstatus.h>"
    print "#include <tlhelp32.h>"
    print "#include <process.h>"
    print "#include <wct.h>"
    print "#include <stddef.h>"
    print "#define K(v) __builtin_constant_p((long long)(v))"
    print "#define V(v) ((unsigned long long)__builtin_choose_expr(K(v), (long long)(v), 0LL))"
    print "#define P(key, v) __asm__ volatile (\"# WSV \" key \" %c0 %c1 %c2\" :: \"i\" (K(v)), \"i\" ((int)(V(v) >> 32)), \"i\" ((int)(unsigned int)(V(v) & 0xffffffffu)))"
    print "void winshim_fidelity(void);"
    print "void winshim_fidelity(void) {"
}
$1 == "macro" || $1 == "const" {
    probe($1 ":" $2 ":value", "(" $2 ")")
    probe($1 ":" $2 ":size", "sizeof(" $2 ")")
    probe($1 ":" $2 ":signed", "(" $2 ") - (" $2 ") - 1 < 0")
}
$1 == "type" {
    t = $2; if (NF > 2) t = $2 " " $3
    k = t; gsub(/ /, "_", k)
    probe("type:" k ":size", "sizeof(" t ")")
    probe("type:" k ":align", "__alignof__(" t ")")
    probe("type:" k ":signed", "(" t ")-1 < (" t ")0")
}
$1 == "field" {
    if (NF == 4) { t = $2 " " $3; f = $4 } else { t = $2; f = $3 }
    k = t; gsub(/ /, "_", k)
    probe("field:" k "." f ":offset", "offsetof(" t ", " f ")")
    probe("field:" k "." f ":size", "sizeof(((" t " *)0)->" f ")")
}
END { print "}" }
' "$work/names" >"$work/probe.c" || exit 99

# ---- 3. compile both ways ---------------------------------------------------
# compile CC IN OUT FLAGS...: compiles $work/IN.c to OUT.s, dropping probe
# lines that fail; OUT.c is what compiled, OUT.failed has "line<TAB>message"
# for each line dropped (line numbers are those of probe.c: lines are
# blanked, never removed).
compile() {
    cc=$1 in=$2 out=$3
    shift 3
    cp "$work/$in.c" "$work/$out.c"
    : >"$work/$out.failed"
    round=0
    while :; do
        if $cc -S -O1 -w -std=gnu11 -fmax-errors=0 -ftrack-macro-expansion=0 "$@" \
            -o "$work/$out.s" "$work/$out.c" 2>"$work/$out.err"; then
            return 0
        fi
        round=$((round + 1))
        sed -n "s|^$work/$out.c:\([0-9]*\):[0-9]*: error: \(.*\)|\1	\2|p" "$work/$out.err" \
            >"$work/$out.new"
        if [ $round -gt 8 ] || [ ! -s "$work/$out.new" ]; then
            echo "header_fidelity: $cc cannot compile the probes:" >&2
            head -20 "$work/$out.err" >&2
            return 1
        fi
        cat "$work/$out.new" >>"$work/$out.failed"
        cut -f1 "$work/$out.new" | sort -un | sed 's/$/s|.*||/' >"$work/$out.sed"
        sed -i -f "$work/$out.sed" "$work/$out.c"
    done
}
# Natively first: what fails there is not an integer constant.  mingw then
# compiles only the probes that survived.
compile "$CC" probe native -I"$inc" || exit 99
compile "$MINGW_CC" native mingw || exit 99

# "key high:low", the value as its two signed 32-bit halves.
values() {
    awk '$1 == "#" && $2 == "WSV" && $4 == 1 { print $3, $5 ":" $6 }' "$1" |
        sort
}
values "$work/native.s" >"$work/native.vals"
values "$work/mingw.s" >"$work/mingw.vals"

# Probes mingw rejected: unknown names are unchecked, anything else differs.
awk -F'\t' 'NR == FNR { if ($1 in msg) msg[$1] = msg[$1] " | " $2; else msg[$1] = $2; next }
    (FNR in msg) && match($0, /"[^"]*"/) { print substr($0, RSTART + 1, RLENGTH - 2) "\t" msg[FNR] }
' "$work/mingw.failed" "$work/probe.c" | sort >"$work/mingw.rejected"

join "$work/native.vals" "$work/mingw.vals" >"$work/both"
# Differences, shown in hex: "key ours mingw".
awk 'function hex(v,    h) {
        split(v, h, ":")
        return sprintf("0x%08x%08x", h[1] < 0 ? h[1] + 4294967296 : h[1],
                       h[2] < 0 ? h[2] + 4294967296 : h[2])
     }
     $2 != $3 { print $1, hex($2), hex($3) }' "$work/both" >"$work/diff"
# A name mingw does not know is unchecked in all its probes (gcc reports
# "undeclared" only at its first use); other rejections are differences.
missing="undeclared|unknown type name|has no member named|incomplete type|not a member"
grep -E "$missing" "$work/mingw.rejected" | cut -f1 | sed 's/:[a-z]*$//' | sort -u \
    >"$work/unchecked"
awk -F'\t' 'NR == FNR { gone[$1] = 1; next }
    { name = $1; sub(/:[a-z]*$/, "", name) }
    !(name in gone) { print $1 " mingw-error: " $2 }' "$work/unchecked" "$work/mingw.rejected" \
    >"$work/mingw_errors"

# Deliberate differences (header_fidelity.known) are reported, not failed.
known=$here/header_fidelity.known
grep -v '^#' "$known" 2>/dev/null | awk 'NF { print $1 }' | sort -u >"$work/known.keys"
awk 'NR == FNR { k[$1] = 1; next } ($1 in k)' "$work/known.keys" "$work/diff" >"$work/known.diff"
awk 'NR == FNR { k[$1] = 1; next } !($1 in k)' "$work/known.keys" "$work/diff" >"$work/diff.left"
mv "$work/diff.left" "$work/diff"
cut -d' ' -f1 "$work/known.diff" | sort -u | comm -23 "$work/known.keys" - >"$work/known.stale"

names_checked=$(cut -d' ' -f1 "$work/both" | sed 's/:[a-z]*$//' | sort -u | wc -l)
values_checked=$(wc -l <"$work/both")
names_total=$(wc -l <"$work/names")
native_names=$(cut -d" " -f1 "$work/native.vals" | sed "s/:[a-z]*$//" | sort -u | wc -l)
n_unchecked=$(wc -l <"$work/unchecked")
n_diff=$(cat "$work/diff" "$work/mingw_errors" | wc -l)

echo "header_fidelity: $names_total names found in include/windows;" \
     "$native_names have integer values, sizes or offsets"
echo "header_fidelity: checked $names_checked names ($values_checked values) against mingw-w64"
if [ "$n_unchecked" -gt 0 ]; then
    echo "header_fidelity: $n_unchecked unchecked (mingw-w64 does not define them):"
    sed 's/^/    /' "$work/unchecked"
fi
if [ -s "$work/known.diff" ]; then
    echo "header_fidelity: $(wc -l <"$work/known.diff") known differences (test/header_fidelity.known):"
    sed 's/^/    /' "$work/known.diff"
fi
if [ -s "$work/known.stale" ]; then
    echo "header_fidelity: STALE entries in test/header_fidelity.known (no longer differ):"
    sed 's/^/    /' "$work/known.stale"
    n_diff=$((n_diff + $(wc -l <"$work/known.stale")))
fi
if [ "$n_diff" -gt 0 ]; then
    echo "header_fidelity: $n_diff DIFFERENCES (kind:name:property ours mingw):"
    sed 's/^/    /' "$work/diff" "$work/mingw_errors"
    exit 1
fi
echo "header_fidelity: no differences"
exit 0
