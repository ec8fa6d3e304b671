# trace-gen.awk - generates call tracing's C code from lib/trace/trace.tab
# (docs/ARCHITECTURE.md, "Call tracing").  Run by make:
#
#   awk -v mode=rename -f trace-gen.awk trace.tab winsock2.h ws2tcpip.h >trace_rename.h
#   awk -v mode=wrap -v headers="a.h b.h" -f trace-gen.awk \
#       trace.tab winerror.h                                  >trace_wrap.c
#
# trace_rename.h is forced into every lib/ file (-include): it renames
# each exported function X to ws_impl_X (the winsock calls linked as
# winshim_X through their asm label), so the library's own calls go
# straight to the implementation.  trace_wrap.c defines each exported X:
# one test of ws_trace_on, a tail call of ws_impl_X when tracing is off,
# otherwise a cold function that formats the arguments, calls, and
# formats the return value and last error (lib/trace/trace.h).
BEGIN { FS = "\t" }

FILENAME ~ /\.h$/ && FILENAME !~ /winerror\.h$/ {
    # Every name the headers link through WINSHIM_WS2_NAME (winsock).
    s = $0
    while (match(s, /WINSHIM_WS2_NAME\([A-Za-z0-9_]+\)/)) {
        ws2[substr(s, RSTART + 17, RLENGTH - 18)] = 1
        s = substr(s, RSTART + RLENGTH)
    }
    next
}

FILENAME ~ /winerror\.h$/ {
    if ($0 ~ /^#define (ERROR_|WSA)[A-Z0-9_]+ +([0-9]+L?|\(WSABASEERR \+ [0-9]+\))$/) {
        split($0, w, / +/)
        errs[++nerr] = w[2]
    }
    next
}

/^#/ || NF < 5 { next }

{
    n++
    chan[n] = $1; sym[n] = $2; ret[n] = $3; params[n] = $4; flags[n] = $5
    cname[n] = sym[n]
    if (match(flags[n], /cname=[A-Za-z0-9_]+/))
        cname[n] = substr(flags[n], RSTART + 6, RLENGTH - 6)
}

function trim(s) { gsub(/^ +| +$/, "", s); return s }

# The name of a parameter declaration (the table always has one).
function pname(p,    m) {
    if (match(p, /\( *\* *[A-Za-z_][A-Za-z0-9_]* *\)/)) {
        m = substr(p, RSTART, RLENGTH); gsub(/[()* ]/, "", m); return m
    }
    sub(/ *\[[^]]*\] *$/, "", p)
    match(p, /[A-Za-z_][A-Za-z0-9_]*$/)
    return substr(p, RSTART, RLENGTH)
}

# The type of a parameter declaration: the declaration without its name.
function ptype(p, name) {
    sub(name "( *\\[[^]]*\\])? *$", "", p)
    return trim(p)
}

# Which access-mask names suit a function's dwDesiredAccess.
function access_table(f) {
    if (f ~ /Event/) return "event"
    if (f ~ /Mutex/) return "mutex"
    if (f ~ /Semaphore/) return "semaphore"
    if (f ~ /WaitableTimer/) return "timer"
    if (f ~ /FileMapping|MapViewOfFile/) return "map"
    if (f ~ /Thread/) return "thread"
    if (f ~ /Process/) return "process"
    if (f ~ /File|Pipe|Mailslot|Directory/) return "file"
    return "access"
}

# The formatter call for one argument.
function arg_fmt(f, type, name) {
    if (type == "HANDLE") return "ws_ta_handle(&t, " name ")"
    if (type ~ /^(LPCSTR|PCSTR|LPCTSTR|PCTSTR|const char \*|const CHAR \*|CONST CHAR \*)$/)
        return "ws_ta_str_a(&t, " name ")"
    if (type ~ /^(LPCWSTR|PCWSTR|const WCHAR \*|CONST WCHAR \*)$/)
        return "ws_ta_str_w(&t, " name ")"
    if (type == "BOOL") return "ws_ta_bool(&t, " name ")"
    if (type ~ /^(DWORD|ACCESS_MASK)$/) {
        if (name ~ /^(dwDesiredAccess|DesiredAccess)$/)
            return "ws_ta_flags(&t, " name ", \"" access_table(f) "\")"
        if (name == "dwShareMode") return "ws_ta_flags(&t, " name ", \"share\")"
        if (name == "dwCreationDisposition") return "ws_ta_flags(&t, " name ", \"disposition\")"
        if (name == "dwFlagsAndAttributes") return "ws_ta_flags(&t, " name ", \"fileflags\")"
        if (name ~ /^(dwMilliseconds|dwTimeout|nTimeOut)$/) return "ws_ta_timeout(&t, " name ")"
    }
    if (type == "ULONG" && name == "dwMilliseconds") return "ws_ta_timeout(&t, " name ")"
    return "WS_TA(&t, " name ")"
}

function ret_fmt(f, type) {
    if (type == "HANDLE") return "ws_tr_handle(&t, r)"
    if (type == "BOOL") return "ws_tr_bool(&t, r)"
    if (type == "DWORD" && f ~ /^(WaitFor|SignalObjectAndWait|MsgWaitFor|SleepEx$|WSAWaitFor)/)
        return "ws_tr_wait(&t, r)"
    return "WS_TR(&t, r)"
}

END {
    if (mode == "rename") {
        print "/* Generated from lib/trace/trace.tab by tools/trace-gen.awk: do not edit."
        print " * Forced into every lib/ file: exported X is defined as ws_impl_X, and"
        print " * the generated lib/trace/trace_wrap.c defines X (trace/trace.h). */"
        print "#ifndef WINSHIM_TRACE_RENAME_H"
        print "#define WINSHIM_TRACE_RENAME_H"
        # The winsock calls: their asm label says ws_impl_winshim_X; the
        # data (in6addr_any) keeps its own.
        for (i = 1; i <= n; i++) traced[sym[i]] = 1
        print "#define WINSHIM_WS2_NAME(name) WINSHIM_WS2_NAME_##name"
        for (wn in ws2)
            print "#define WINSHIM_WS2_NAME_" wn " __asm__(\"" (("winshim_" wn) in traced ? "ws_impl_" : "") "winshim_" wn "\")"
        for (i = 1; i <= n; i++)
            if (cname[i] == sym[i])
                print "#define " sym[i] " ws_impl_" sym[i]
        print "#endif"
        exit 0
    }
    print "/* Generated from lib/trace/trace.tab by tools/trace-gen.awk: do not edit."
    print " * The exported functions: one branch to the implementation when tracing"
    print " * is off (trace/trace.h, docs/ARCHITECTURE.md \"Call tracing\"). */"
    # Undo trace_rename.h: here the names are the exported ones.
    print "#undef WINSHIM_WS2_NAME"
    for (i = 1; i <= n; i++)
        if (cname[i] == sym[i])
            print "#undef " sym[i]
    print "#pragma GCC diagnostic ignored \"-Wshadow\" /* parameters named as in the SDK */"
    print "#include \"trace/trace.h\""
    nh = split(headers, h, / +/)
    for (i = 1; i <= nh; i++)
        if (h[i] != "") print "#include <" h[i] ">"
    print ""
    print "const struct ws_trace_name ws_trace_errors[] = {"
    for (i = 1; i <= nerr; i++) print "    {" errs[i] ", \"" errs[i] "\"},"
    print "};"
    print "const unsigned ws_trace_nerrors = " nerr ";"
    print ""
    print "const struct ws_trace_fn ws_trace_fns[] = {"
    for (i = 1; i <= n; i++) {
        split(chan[i], c, ".")
        print "    {\"" sym[i] "\", \"" c[1] "\", \"" c[2] "\"},"
    }
    print "};"
    print "const unsigned ws_trace_nfns = " n ";"
    print "unsigned char ws_trace_fn_on[" n "];"
    print "unsigned char ws_trace_on;"
    for (i = 1; i <= n; i++) {
        f = sym[i]
        np = 0
        if (params[i] != "void") np = split(params[i], pp, /, /)
        # Split again where a comma sits inside parentheses (function pointers).
        m = 0
        for (k = 1; k <= np; k++) {
            if (m && (gsub(/\(/, "(", a[m]) > gsub(/\)/, ")", a[m]))) a[m] = a[m] ", " pp[k]
            else a[++m] = pp[k]
        }
        np = m
        args = ""
        for (k = 1; k <= np; k++) {
            pn[k] = pname(a[k]); pt[k] = ptype(a[k], pn[k])
            args = args (k > 1 ? ", " : "") pn[k]
        }
        noret = flags[i] ~ /noreturn/
        isvoid = ret[i] == "void"
        print ""
        print "__attribute__((visibility(\"hidden\")" (noret ? ", noreturn" : "") ")) " ret[i] " ws_impl_" f "(" params[i] ");"
        print "static __attribute__((noinline, cold" (noret ? ", noreturn" : "") ")) " ret[i] " wst_" f "(" params[i] ")"
        print "{"
        print "    struct ws_trace t;"
        if (isvoid || noret) {
            print "    if (!ws_trace_begin(&t, " i - 1 ")) {"
            print "        ws_impl_" f "(" args ");"
            if (!noret) print "        return;"
            print "    }"
        } else {
            print "    if (!ws_trace_begin(&t, " i - 1 "))"
            print "        return ws_impl_" f "(" args ");"
        }
        for (k = 1; k <= np; k++) print "    " arg_fmt(f, pt[k], pn[k]) ";"
        if (noret) {
            print "    ws_trace_noreturn(&t);"
            print "    ws_impl_" f "(" args ");"
        } else {
            print "    ws_trace_call(&t);"
            print "    " (isvoid ? "" : ret[i] " r = ") "ws_impl_" f "(" args ");"
            print "    ws_trace_returned(&t);"
            print "    " (isvoid ? "ws_tr_void(&t)" : ret_fmt(f, ret[i])) ";"
            print "    ws_trace_end(&t);"
            if (!isvoid) print "    return r;"
        }
        print "}"
        print "__attribute__((visibility(\"default\"))) " ret[i] " " cname[i] "(" params[i] ")"
        print "{"
        if (isvoid || noret) {
            print "    if (WS_LIKELY(!ws_trace_on))"
            print "        ws_impl_" f "(" args ");"
            print "    else"
            print "        wst_" f "(" args ");"
        } else {
            print "    if (WS_LIKELY(!ws_trace_on))"
            print "        return ws_impl_" f "(" args ");"
            print "    return wst_" f "(" args ");"
        }
        print "}"
    }
}
