#!/bin/sh
# layers.sh - lib/ keeps its layers (docs/ARCHITECTURE.md, "The layers"):
# a file may include the headers of its own folder and of the folders
# its layer stands on, never of a layer above or of a sibling it does not
# use; and, once the library is built, no object file of a layer calls a
# function defined in a layer it may not use.  lib/kinds.c, the registry,
# stands above every layer.  Prints every violation and fails on any.
set -u
: "${srcdir:=$(dirname "$0")/..}"
builddir=$(pwd)
cd "$srcdir/lib" || exit 1

# layer: the layers it may use (besides itself)
allowed() {
    case $1 in
    core) echo "" ;;
    user|sync|mem|text) echo "core" ;;
    io) echo "core sync" ;;
    net) echo "core sync io" ;;
    proc) echo "core sync io mem text user" ;;
    sys) echo "core sync io proc mem text" ;;
    trace) echo "core sync io net proc mem text user sys" ;; # wraps every export
    *) echo "?" ;;
    esac
}
may_use() { # layer target
    [ "$1" = "$2" ] && return 0
    for l in $(allowed "$1"); do [ "$l" = "$2" ] && return 0; done
    return 1
}

bad=0
for f in */*.c */*.h; do
    layer=${f%%/*}
    if [ "$(allowed "$layer")" = "?" ]; then
        echo "layers: $f: folder $layer has no place in the layer table"
        bad=$((bad + 1)); continue
    fi
    for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
        case $inc in
        */*) target=${inc%%/*} ;;
        *) target=$layer ;; # same-folder include
        esac
        [ "$target" = "windows.h" ] && continue
        case $inc in *.h) ;; *) continue ;; esac
        [ -d "$target" ] || continue
        if ! may_use "$layer" "$target"; then
            echo "layers: $f includes $inc ($layer may not use $target)"
            bad=$((bad + 1))
        fi
    done
done

# Calls: the symbols each object file of a layer needs, against the layer
# that defines them.  The registry's object (lib/kinds.o, not in a layer
# folder) is left out on both sides: it may name everything, and what it
# defines (object_types, ws_hooks, ws_socket_io) is there for everyone.
objs=$(ls "$builddir"/lib/*/.libs/*.o 2>/dev/null || ls "$builddir"/lib/*/*.o 2>/dev/null)
if [ -n "$objs" ] && command -v nm >/dev/null; then
    tmp=$(mktemp -d)
    for o in $objs; do
        d=$(dirname "$o")
        [ "$(basename "$d")" = .libs ] && d=$(dirname "$d")
        layer=$(basename "$d")
        nm "$o" | awk -v l="$layer" -v o="$layer/$(basename "$o")" -v t="$tmp" '
            $2 ~ /^[TDBRV]$/ { print $3, l >> (t "/defs") }
            $1 == "U" { print $2, l, o >> (t "/uses") }'
    done
    sort -u "$tmp/defs" >"$tmp/defs.s"
    : >"$tmp/uses.s"
    [ -f "$tmp/uses" ] && sort -u "$tmp/uses" >"$tmp/uses.s"
    join "$tmp/uses.s" "$tmp/defs.s" 2>/dev/null >"$tmp/joined" || true
    # sym layer obj deflayer
    while read -r sym layer obj def; do
        if ! may_use "$layer" "$def"; then
            echo "layers: $obj ($layer) calls $sym ($def)"
            bad=$((bad + 1))
        fi
    done <"$tmp/joined"
    rm -rf "$tmp"
else
    echo "layers: no object files yet: includes checked, calls not"
fi

if [ $bad -ne 0 ]; then
    echo "layers: $bad violations"
    exit 1
fi
echo "layers: every include and call points down"
