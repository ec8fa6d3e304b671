/*
 * Call tracing (WINSHIM_DEBUG): what the generated wrappers
 * (trace_wrap.c, from lib/trace/trace.tab by tools/trace-gen.awk) use.
 * Private to lib/trace/trace.c and the generated file.
 *
 * Every exported function X is a wrapper whose untraced path is one test
 * of ws_trace_on and a tail call of ws_impl_X, the implementation (every
 * lib/ file is compiled with the generated trace_rename.h forced in,
 * which renames X to ws_impl_X, so the library's own calls never pass
 * through a wrapper).  The traced path builds one line in a struct
 * ws_trace on the stack and writes it with one write(2): no lock, no
 * allocation, no stdio, so it cannot deadlock after fork or in a signal
 * handler.  docs/ARCHITECTURE.md, "Call tracing".
 */
#ifndef WINSHIM_TRACE_TRACE_H
#define WINSHIM_TRACE_TRACE_H

#include "core/base.h"

#define WS_TRACE_LINE 1024

/* Non-zero when any channel is on: the wrappers' only branch. */
extern unsigned char ws_trace_on;

/* The generated table: one entry per traced function, in trace.tab's
 * order; ws_trace_fn_on[i] says whether function i is traced. */
struct ws_trace_fn {
    const char *name;
    const char *group;   /* lib/ folder: sync, io, proc... */
    const char *channel; /* lib/ file: event, file, thread... */
};
extern const struct ws_trace_fn ws_trace_fns[];
extern const unsigned ws_trace_nfns;
extern unsigned char ws_trace_fn_on[];

/* Win32 error names, generated from winerror.h. */
struct ws_trace_name {
    DWORD value;
    const char *name;
};
extern const struct ws_trace_name ws_trace_errors[];
extern const unsigned ws_trace_nerrors;

/* One call being traced. */
struct ws_trace {
    char buf[WS_TRACE_LINE];
    size_t len;
    unsigned idx;
    unsigned nargs;
    bool ret_fails;    /* the return value is one that signals failure */
    bool err_set;      /* the call set the last error */
    DWORD err;         /* the last error it set */
    DWORD caller_err;  /* the caller's last error, put back when untouched */
    int caller_errno;
    bool lasterr_fn;   /* GetLastError & co: no sentinel, no err= */
};

/* false: not traced (channel off, or the tracer is already formatting on
 * this thread); call the implementation directly. */
bool ws_trace_begin(struct ws_trace *t, unsigned idx);
/* Between the arguments and the call: lets nested calls (callbacks,
 * APCs) be traced and arms the last-error sentinel. */
void ws_trace_call(struct ws_trace *t);
/* Right after the call: reads what the call did to the last error. */
void ws_trace_returned(struct ws_trace *t);
/* Writes the line, restores the caller's last error and errno. */
void ws_trace_end(struct ws_trace *t);
/* A noreturn function: the line is written before the call. */
void ws_trace_noreturn(struct ws_trace *t);

/* Argument and return value formatters. */
void ws_ta_handle(struct ws_trace *t, HANDLE h);
void ws_ta_str_a(struct ws_trace *t, const char *s);
void ws_ta_str_w(struct ws_trace *t, const WCHAR *s);
void ws_ta_bool(struct ws_trace *t, BOOL b);
void ws_ta_timeout(struct ws_trace *t, DWORD ms);
void ws_ta_flags(struct ws_trace *t, DWORD v, const char *table);
void ws_ta_signed(struct ws_trace *t, const void *p, size_t n);
void ws_ta_unsigned(struct ws_trace *t, const void *p, size_t n);
void ws_ta_double(struct ws_trace *t, const void *p, size_t n);
void ws_ta_raw(struct ws_trace *t, const void *p, size_t n);

void ws_tr_void(struct ws_trace *t);
void ws_tr_handle(struct ws_trace *t, HANDLE h);
void ws_tr_bool(struct ws_trace *t, BOOL b);
void ws_tr_wait(struct ws_trace *t, DWORD w);
void ws_tr_signed(struct ws_trace *t, const void *p, size_t n);
void ws_tr_unsigned(struct ws_trace *t, const void *p, size_t n);
void ws_tr_double(struct ws_trace *t, const void *p, size_t n);
void ws_tr_raw(struct ws_trace *t, const void *p, size_t n);

/* Any other argument or return value, by its C type: integers in
 * decimal, pointers and structures by their bytes in hex. */
#define WS_TRACE_BY_TYPE(pfx, t, x)                                                 \
    _Generic((x), _Bool: pfx##unsigned, char: pfx##signed, signed char: pfx##signed, \
             unsigned char: pfx##unsigned, short: pfx##signed,                      \
             unsigned short: pfx##unsigned, int: pfx##signed, unsigned: pfx##unsigned, \
             long: pfx##signed, unsigned long: pfx##unsigned, long long: pfx##signed, \
             unsigned long long: pfx##unsigned, float: pfx##double,                \
             double: pfx##double, default: pfx##raw)(t, &(x), sizeof(x))
#define WS_TA(t, x) WS_TRACE_BY_TYPE(ws_ta_, t, x)
#define WS_TR(t, x) WS_TRACE_BY_TYPE(ws_tr_, t, x)

#endif
