/*
 * Window stations and desktops: the kernel objects USER hangs its windows
 * on, here without windows.  A window station has a name and flags and
 * holds desktops; a desktop has a name, flags and its station's name.
 *
 * Both live in the user's session namespace (core/names.h) under keys no
 * Win32 object name can spell ("W\<station>", "D\<station>\<desktop>",
 * lower-cased: their names are case-insensitive, as USER's are), so that
 * another process of the session opens them by name, and like any named
 * object they go when their last handle closes.  The interactive station
 * WinSta0 and its desktops Default and Winlogon always exist: opening one
 * of those names makes it when nobody holds it.  Neither kind is
 * waitable; their state never changes after creation but for the flags
 * (SetUserObjectInformation), a word written whole.
 *
 * A process's window station and a thread's desktop are handles in the
 * process's own table, opened on first use from STARTUPINFO.lpDesktop
 * ("station\desktop" or "desktop"; default WinSta0\Default) and returned
 * unchanged by every GetProcessWindowStation / GetThreadDesktop, as USER
 * does; those handles cannot be closed through CloseWindowStation /
 * CloseDesktop while in use.  Per-thread desktops (SetThreadDesktop) are
 * a process-local table by thread id, emptied as each thread ends.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/handle_lookup.h"
#include "core/names.h"
#include "core/object.h"
#include "core/unicode.h"
#include "sys/winsta.h"

#define UNAME_MAX 128 /* characters of a station's or desktop's name */

struct winsta {
    struct object hdr;
    _Atomic uint32_t flags; /* WSF_VISIBLE */
    uint32_t owner;         /* uid of the creator (UOI_USER_SID) */
    WCHAR name[UNAME_MAX + 1];
};

struct desktop {
    struct object hdr;
    _Atomic uint32_t flags; /* DF_ALLOWOTHERACCOUNTHOOK */
    uint32_t owner;
    WCHAR station[UNAME_MAX + 1];
    WCHAR name[UNAME_MAX + 1];
};

static const uint32_t winsta_layout[] = {
    LAYOUT_SIZE(struct winsta),
    LAYOUT_FIELD(struct winsta, flags),
    LAYOUT_FIELD(struct winsta, owner),
    LAYOUT_FIELD(struct winsta, name),
};

static const uint32_t desktop_layout[] = {
    LAYOUT_SIZE(struct desktop),
    LAYOUT_FIELD(struct desktop, flags),
    LAYOUT_FIELD(struct desktop, owner),
    LAYOUT_FIELD(struct desktop, station),
    LAYOUT_FIELD(struct desktop, name),
};

#define WINSTA_GENERIC_READ                                                                   \
    (STANDARD_RIGHTS_READ | WINSTA_ENUMDESKTOPS | WINSTA_ENUMERATE | WINSTA_READATTRIBUTES | \
     WINSTA_READSCREEN)
#define WINSTA_GENERIC_WRITE                                                                  \
    (STANDARD_RIGHTS_WRITE | WINSTA_ACCESSCLIPBOARD | WINSTA_CREATEDESKTOP |                 \
     WINSTA_WRITEATTRIBUTES)
#define WINSTA_GENERIC_EXECUTE                                                                \
    (STANDARD_RIGHTS_EXECUTE | WINSTA_ACCESSGLOBALATOMS | WINSTA_EXITWINDOWS)
#define DESKTOP_ALL                                                                           \
    (DESKTOP_READOBJECTS | DESKTOP_CREATEWINDOW | DESKTOP_CREATEMENU | DESKTOP_HOOKCONTROL |  \
     DESKTOP_JOURNALRECORD | DESKTOP_JOURNALPLAYBACK | DESKTOP_ENUMERATE |                    \
     DESKTOP_WRITEOBJECTS | DESKTOP_SWITCHDESKTOP)

const struct object_type winsta_type = {
    .name = "WindowStation",
    .id = TYPE_WINSTA,
    .size = sizeof(struct winsta),
    .mapping = {WINSTA_GENERIC_READ, WINSTA_GENERIC_WRITE, WINSTA_GENERIC_EXECUTE,
                STANDARD_RIGHTS_REQUIRED | WINSTA_ALL_ACCESS},
    .valid_access = STANDARD_RIGHTS_REQUIRED | WINSTA_ALL_ACCESS,
    TYPE_LAYOUT(winsta_layout),
};

const struct object_type desktop_type = {
    .name = "Desktop",
    .id = TYPE_DESKTOP,
    .size = sizeof(struct desktop),
    .mapping = {STANDARD_RIGHTS_READ | DESKTOP_ENUMERATE | DESKTOP_READOBJECTS,
                STANDARD_RIGHTS_WRITE | DESKTOP_CREATEMENU | DESKTOP_CREATEWINDOW |
                    DESKTOP_HOOKCONTROL | DESKTOP_JOURNALPLAYBACK | DESKTOP_JOURNALRECORD |
                    DESKTOP_WRITEOBJECTS,
                STANDARD_RIGHTS_EXECUTE | DESKTOP_SWITCHDESKTOP,
                STANDARD_RIGHTS_REQUIRED | DESKTOP_ALL},
    .valid_access = STANDARD_RIGHTS_REQUIRED | DESKTOP_ALL,
    TYPE_LAYOUT(desktop_layout),
};

static const WCHAR W_WINSTA0[] = u"WinSta0";
static const WCHAR W_DEFAULT[] = u"Default";
static const WCHAR W_WINLOGON[] = u"Winlogon";

/* ------------------------------------------------------------------ */
/* Names                                                               */

static WCHAR wlower(WCHAR c)
{
    return c >= 'A' && c <= 'Z' ? (WCHAR)(c - 'A' + 'a') : c;
}

static bool name_is(const WCHAR *a, const WCHAR *b)
{
    for (; *a && wlower(*a) == wlower(*b); a++, b++)
        ;
    return wlower(*a) == wlower(*b);
}

/* Appends s lower-cased to the key. */
static void key_add(struct ws_name *k, const WCHAR *s)
{
    for (; *s; s++)
        k->buf[k->len++] = wlower(*s);
}

static void key_station(struct ws_name *k, const WCHAR *station)
{
    k->buf = k->small;
    k->buf[0] = 'W';
    k->buf[1] = '\\';
    k->len = 2;
    key_add(k, station);
}

static void key_desktop(struct ws_name *k, const WCHAR *station, const WCHAR *desk)
{
    k->buf = k->small;
    k->buf[0] = 'D';
    k->buf[1] = '\\';
    k->len = 2;
    key_add(k, station);
    key_add(k, u"\\");
    key_add(k, desk);
}

/* A station's or desktop's own name: not empty, no backslash (bad), at
 * most UNAME_MAX characters. */
static DWORD name_check(const WCHAR *n, DWORD bad)
{
    size_t len = wstrlen(n);
    if (!len)
        return ERROR_INVALID_NAME;
    for (size_t i = 0; i < len; i++)
        if (n[i] == '\\')
            return bad;
    return len > UNAME_MAX ? ERROR_FILENAME_EXCED_RANGE : ERROR_SUCCESS;
}

/* An ANSI name as UTF-16 (malloc'ed; NULL for NULL): *err on failure. */
static WCHAR *name_w(LPCSTR a, DWORD *err)
{
    *err = ERROR_SUCCESS;
    if (!a)
        return NULL;
    int n = MultiByteToWideChar(CP_ACP, 0, a, -1, NULL, 0);
    WCHAR *w = n > 0 ? malloc(sizeof *w * (size_t)n) : NULL;
    if (!w || !MultiByteToWideChar(CP_ACP, 0, a, -1, w, n)) {
        free(w);
        *err = n > 0 ? ERROR_NOT_ENOUGH_MEMORY : ERROR_INVALID_PARAMETER;
        return NULL;
    }
    return w;
}

/* ------------------------------------------------------------------ */
/* Making and opening                                                  */

struct make_ctx {
    const WCHAR *station, *desk;
    DWORD flags;
};

static struct object *winsta_make(void *ctx, DWORD *err)
{
    const struct make_ctx *c = ctx;
    struct object *o = object_new(&winsta_type, 0, 0, err);
    if (!o)
        return NULL;
    struct winsta *w = (struct winsta *)o;
    w->flags = c->flags;
    w->owner = (uint32_t)geteuid();
    memcpy(w->name, c->station, (wstrlen(c->station) + 1) * sizeof(WCHAR));
    return o;
}

static struct object *desktop_make(void *ctx, DWORD *err)
{
    const struct make_ctx *c = ctx;
    struct object *o = object_new(&desktop_type, 0, 0, err);
    if (!o)
        return NULL;
    struct desktop *d = (struct desktop *)o;
    d->flags = c->flags;
    d->owner = (uint32_t)geteuid();
    memcpy(d->station, c->station, (wstrlen(c->station) + 1) * sizeof(WCHAR));
    memcpy(d->name, c->desk, (wstrlen(c->desk) + 1) * sizeof(WCHAR));
    return o;
}

static bool permanent_station(const WCHAR *s)
{
    return name_is(s, W_WINSTA0);
}

static bool permanent_desktop(const WCHAR *s, const WCHAR *d)
{
    return permanent_station(s) && (name_is(d, W_DEFAULT) || name_is(d, W_WINLOGON));
}

/* The rights asked: generic ones mapped, MAXIMUM_ALLOWED all of them;
 * ACCESS_SYSTEM_SECURITY needs a privilege nobody uses here. */
static DWORD uobj_access(const struct object_type *t, ACCESS_MASK want, ACCESS_MASK *out)
{
    if (want & ACCESS_SYSTEM_SECURITY)
        return ERROR_PRIVILEGE_NOT_HELD;
    if (want & ~(t->valid_access | GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE |
                 GENERIC_ALL | MAXIMUM_ALLOWED))
        return ERROR_ACCESS_DENIED;
    ACCESS_MASK m = object_map_access(t, want);
    if (m & MAXIMUM_ALLOWED)
        m = t->valid_access;
    if (m & ~t->valid_access)
        return ERROR_ACCESS_DENIED;
    *out = m;
    return ERROR_SUCCESS;
}

/* Opens (create: or makes) the object under key; make == NULL: open only.
 * *existed tells which. */
static DWORD uobj_get(const struct object_type *t, const struct ws_name *key, object_maker make,
                      struct make_ctx *ctx, ACCESS_MASK access, BOOL inherit, HANDLE *out,
                      bool *existed)
{
    ACCESS_MASK granted;
    DWORD err = uobj_access(t, access, &granted);
    if (err)
        return err;
    struct object *o;
    bool ex = true;
    if (make)
        err = ns_create(key, t, make, ctx, NULL, &o, &ex);
    else
        err = ns_open(key, t, &o);
    if (err)
        return err == ERROR_INVALID_HANDLE ? ERROR_FILE_NOT_FOUND : err;
    if (existed)
        *existed = ex;
    return handle_insert_or_drop(o, granted, inherit, out);
}

static DWORD station_open(const WCHAR *name, ACCESS_MASK access, BOOL inherit, HANDLE *out)
{
    DWORD err = name_check(name, ERROR_PATH_NOT_FOUND);
    if (err)
        return err;
    struct ws_name key;
    key_station(&key, name);
    struct make_ctx c = {W_WINSTA0, NULL, WSF_VISIBLE};
    bool perm = permanent_station(name);
    return uobj_get(&winsta_type, &key, perm ? winsta_make : NULL, &c, access, inherit, out,
                    NULL);
}

/* The Winlogon desktop is SYSTEM's: root's here. */
static DWORD desktop_open(const WCHAR *station, const WCHAR *name, ACCESS_MASK access,
                          BOOL inherit, HANDLE *out)
{
    DWORD err = name_check(name, ERROR_BAD_PATHNAME);
    if (err)
        return err;
    bool perm = permanent_desktop(station, name);
    if (perm && name_is(name, W_WINLOGON) && geteuid() != 0)
        return ERROR_ACCESS_DENIED;
    struct ws_name key;
    key_desktop(&key, station, name);
    struct make_ctx c = {W_WINSTA0, name_is(name, W_DEFAULT) ? W_DEFAULT : W_WINLOGON, 0};
    return uobj_get(&desktop_type, &key, perm ? desktop_make : NULL, &c, access, inherit, out,
                    NULL);
}

/* A reference on the station or desktop a handle names; any right. */
static DWORD uobj_ref(HANDLE h, const struct object_type *t, ACCESS_MASK need,
                      struct object **out)
{
    arena_init();
    struct object *o;
    DWORD err = handle_ref(h, NULL, need, &o, NULL);
    if (err)
        return err;
    if ((t && object_type_of(o) != t) ||
        (object_type_of(o) != &winsta_type && object_type_of(o) != &desktop_type)) {
        object_unref(o);
        return ERROR_INVALID_HANDLE;
    }
    *out = o;
    return ERROR_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* The process's station, the threads' desktops                        */

static pthread_mutex_t cur_lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t cur_pid;
static HWINSTA proc_station;
static HDESK proc_desktop; /* of the threads that set none */

struct thread_desk {
    struct thread_desk *next;
    DWORD tid;
    HDESK desk;
};
static struct thread_desk *thread_desks;
static pthread_key_t desk_key;
static pthread_once_t desk_key_once = PTHREAD_ONCE_INIT;

static void thread_desk_drop(void *p)
{
    DWORD tid = (DWORD)(uintptr_t)p;
    pthread_mutex_lock(&cur_lock);
    for (struct thread_desk **l = &thread_desks; *l; l = &(*l)->next)
        if ((*l)->tid == tid) {
            struct thread_desk *d = *l;
            *l = d->next;
            free(d);
            break;
        }
    pthread_mutex_unlock(&cur_lock);
}

static void desk_key_make(void)
{
    pthread_key_create(&desk_key, thread_desk_drop);
}

/* Under cur_lock: the station and desktop STARTUPINFO.lpDesktop names,
 * else WinSta0\Default; one that cannot be opened falls back to those. */
static void current_init_locked(void)
{
    if (cur_pid == getpid() && proc_station)
        return;
    if (cur_pid != getpid()) { /* a forked child: its table is its own */
        thread_desks = NULL;
        proc_desktop = NULL;
    }
    cur_pid = getpid();
    STARTUPINFOW si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    GetStartupInfoW(&si);
    WCHAR station[UNAME_MAX + 1], desk[UNAME_MAX + 1];
    memcpy(station, W_WINSTA0, sizeof W_WINSTA0);
    memcpy(desk, W_DEFAULT, sizeof W_DEFAULT);
    const WCHAR *spec = si.lpDesktop;
    if (spec && *spec) {
        size_t n = wstrlen(spec), bs = n;
        for (size_t i = 0; i < n; i++)
            if (spec[i] == '\\') {
                bs = i;
                break;
            }
        const WCHAR *dn = bs < n ? spec + bs + 1 : spec;
        size_t dl = wstrlen(dn);
        if (bs < n && bs && bs <= UNAME_MAX) {
            memcpy(station, spec, bs * sizeof(WCHAR));
            station[bs] = 0;
        }
        if (dl && dl <= UNAME_MAX)
            memcpy(desk, dn, (dl + 1) * sizeof(WCHAR));
    }
    HANDLE h;
    if (station_open(station, WINSTA_ALL_ACCESS, FALSE, &h)) {
        memcpy(station, W_WINSTA0, sizeof W_WINSTA0);
        if (station_open(station, WINSTA_ALL_ACCESS, FALSE, &h))
            h = NULL;
    }
    proc_station = h;
    if (desktop_open(station, desk, STANDARD_RIGHTS_REQUIRED | DESKTOP_ALL, FALSE, &h) &&
        desktop_open(W_WINSTA0, W_DEFAULT, STANDARD_RIGHTS_REQUIRED | DESKTOP_ALL, FALSE, &h))
        h = NULL;
    proc_desktop = h;
}

WS_EXPORT HWINSTA WINAPI GetProcessWindowStation(VOID)
{
    pthread_mutex_lock(&cur_lock);
    current_init_locked();
    HWINSTA h = proc_station;
    pthread_mutex_unlock(&cur_lock);
    if (!h)
        ws_set_last_error(ERROR_NOT_ENOUGH_MEMORY);
    return h;
}

WS_EXPORT BOOL WINAPI SetProcessWindowStation(HWINSTA hWinSta)
{
    struct object *o;
    DWORD err = uobj_ref(hWinSta, &winsta_type, 0, &o);
    if (err)
        return ws_bool(err);
    object_unref(o);
    pthread_mutex_lock(&cur_lock);
    current_init_locked();
    proc_station = hWinSta; /* the old one stays open, as USER leaves it */
    pthread_mutex_unlock(&cur_lock);
    return TRUE;
}

/* Under cur_lock: the desktop of thread tid. */
static HDESK thread_desk_locked(DWORD tid)
{
    for (struct thread_desk *d = thread_desks; d; d = d->next)
        if (d->tid == tid)
            return d->desk;
    return proc_desktop;
}

WS_EXPORT HDESK WINAPI GetThreadDesktop(DWORD dwThreadId)
{
    if (dwThreadId != GetCurrentThreadId()) {
        /* A thread of this process (OpenThread finds only those). */
        HANDLE t = OpenThread(SYNCHRONIZE, FALSE, dwThreadId);
        if (!t) {
            ws_set_last_error(ERROR_INVALID_PARAMETER);
            return NULL;
        }
        CloseHandle(t);
    }
    pthread_mutex_lock(&cur_lock);
    current_init_locked();
    HDESK h = thread_desk_locked(dwThreadId);
    pthread_mutex_unlock(&cur_lock);
    if (!h)
        ws_set_last_error(ERROR_NOT_ENOUGH_MEMORY);
    return h;
}

WS_EXPORT BOOL WINAPI SetThreadDesktop(HDESK hDesktop)
{
    struct object *o;
    DWORD err = uobj_ref(hDesktop, &desktop_type, 0, &o);
    if (err)
        return ws_bool(err);
    object_unref(o);
    pthread_once(&desk_key_once, desk_key_make);
    DWORD tid = GetCurrentThreadId();
    struct thread_desk *n = malloc(sizeof *n);
    if (!n)
        return ws_bool(ERROR_NOT_ENOUGH_MEMORY);
    pthread_mutex_lock(&cur_lock);
    current_init_locked();
    struct thread_desk *d = thread_desks;
    while (d && d->tid != tid)
        d = d->next;
    if (d) {
        free(n);
    } else {
        d = n;
        d->tid = tid;
        d->next = thread_desks;
        thread_desks = d;
        pthread_setspecific(desk_key, (void *)(uintptr_t)tid);
    }
    d->desk = hDesktop;
    pthread_mutex_unlock(&cur_lock);
    return TRUE;
}

/* Under cur_lock: whether a thread of the process uses desktop h (the
 * process's default one counts: threads that set none use it). */
static bool desk_in_use_locked(HDESK h)
{
    for (struct thread_desk *d = thread_desks; d; d = d->next)
        if (d->desk == h)
            return true;
    return h == proc_desktop;
}

WS_EXPORT BOOL WINAPI CloseWindowStation(HWINSTA hWinSta)
{
    struct object *o;
    DWORD err = uobj_ref(hWinSta, &winsta_type, 0, &o);
    if (err)
        return ws_bool(err);
    object_unref(o);
    pthread_mutex_lock(&cur_lock);
    bool busy = cur_pid == getpid() && hWinSta == proc_station;
    pthread_mutex_unlock(&cur_lock);
    if (busy) /* the process's own: Windows refuses (Wine agrees) */
        return ws_bool(ERROR_ACCESS_DENIED);
    return CloseHandle(hWinSta);
}

WS_EXPORT BOOL WINAPI CloseDesktop(HDESK hDesktop)
{
    struct object *o;
    DWORD err = uobj_ref(hDesktop, &desktop_type, 0, &o);
    if (err)
        return ws_bool(err);
    object_unref(o);
    pthread_mutex_lock(&cur_lock);
    bool busy = cur_pid == getpid() && desk_in_use_locked(hDesktop);
    pthread_mutex_unlock(&cur_lock);
    if (busy) /* a thread of the process uses it */
        return ws_bool(ERROR_BUSY);
    return CloseHandle(hDesktop);
}

/* ------------------------------------------------------------------ */
/* Create, Open                                                        */

/* Windows names a station created without a name after the logon
 * session: Service-0x<high>-<low>$. */
static void station_default_name(WCHAR *out)
{
    char a[64];
    int n = snprintf(a, sizeof a, "Service-0x0-%x$", (unsigned)(0x3e7 + geteuid() + 1));
    for (int i = 0; i <= n; i++)
        out[i] = (WCHAR)a[i];
}

static HWINSTA create_station(LPCWSTR name, DWORD flags, ACCESS_MASK access,
                              LPSECURITY_ATTRIBUTES sa)
{
    WCHAR def[32];
    if (!name) {
        station_default_name(def);
        name = def;
    }
    DWORD err = name_check(name, ERROR_PATH_NOT_FOUND);
    if (err)
        return ws_null(err);
    struct ws_name key;
    key_station(&key, name);
    struct make_ctx c = {name, NULL, permanent_station(name) ? WSF_VISIBLE : 0};
    HANDLE h;
    bool existed = false;
    err = uobj_get(&winsta_type, &key, winsta_make, &c, access, sa && sa->bInheritHandle, &h,
                   &existed);
    if (err)
        return ws_null(err);
    if (existed && (flags & CWF_CREATE_ONLY)) {
        CloseHandle(h);
        return ws_null(ERROR_ALREADY_EXISTS);
    }
    return h;
}

WS_EXPORT HWINSTA WINAPI CreateWindowStationW(LPCWSTR lpwinsta, DWORD dwFlags,
                                              ACCESS_MASK dwDesiredAccess,
                                              LPSECURITY_ATTRIBUTES lpsa)
{
    return create_station(lpwinsta, dwFlags, dwDesiredAccess, lpsa);
}

WS_EXPORT HWINSTA WINAPI CreateWindowStationA(LPCSTR lpwinsta, DWORD dwFlags,
                                              ACCESS_MASK dwDesiredAccess,
                                              LPSECURITY_ATTRIBUTES lpsa)
{
    DWORD err;
    WCHAR *w = name_w(lpwinsta, &err);
    if (err)
        return ws_null(err);
    HWINSTA h = create_station(w, dwFlags, dwDesiredAccess, lpsa);
    free(w);
    return h;
}

WS_EXPORT HWINSTA WINAPI OpenWindowStationW(LPCWSTR lpszWinSta, BOOL fInherit,
                                            ACCESS_MASK dwDesiredAccess)
{
    if (!lpszWinSta)
        return ws_null(ERROR_INVALID_PARAMETER);
    HANDLE h;
    DWORD err = station_open(lpszWinSta, dwDesiredAccess, fInherit, &h);
    return err ? ws_null(err) : h;
}

WS_EXPORT HWINSTA WINAPI OpenWindowStationA(LPCSTR lpszWinSta, BOOL fInherit,
                                            ACCESS_MASK dwDesiredAccess)
{
    DWORD err;
    WCHAR *w = name_w(lpszWinSta, &err);
    if (err)
        return ws_null(err);
    HWINSTA h = OpenWindowStationW(w, fInherit, dwDesiredAccess);
    free(w);
    return h;
}

/* The name of the process's station (a copy), after checking that its
 * handle grants need. */
static DWORD current_station(ACCESS_MASK need, WCHAR *out)
{
    HWINSTA ws = GetProcessWindowStation();
    if (!ws)
        return ERROR_NOT_ENOUGH_MEMORY;
    struct object *o;
    DWORD err = uobj_ref(ws, &winsta_type, need, &o);
    if (err)
        return err;
    memcpy(out, ((struct winsta *)o)->name, sizeof((struct winsta *)o)->name);
    object_unref(o);
    return ERROR_SUCCESS;
}

static HDESK create_desktop(LPCWSTR name, const void *device, const void *devmode, DWORD flags,
                            ACCESS_MASK access, LPSECURITY_ATTRIBUTES sa)
{
    if (device || devmode || (flags & ~(DWORD)DF_ALLOWOTHERACCOUNTHOOK))
        return ws_null(ERROR_INVALID_PARAMETER);
    if (!name)
        return ws_null(ERROR_INVALID_PARAMETER);
    DWORD err = name_check(name, ERROR_BAD_PATHNAME);
    if (err)
        return ws_null(err);
    WCHAR station[UNAME_MAX + 1];
    if ((err = current_station(WINSTA_CREATEDESKTOP, station)))
        return ws_null(err);
    if (permanent_desktop(station, name) && name_is(name, W_WINLOGON) && geteuid() != 0)
        return ws_null(ERROR_ACCESS_DENIED);
    struct ws_name key;
    key_desktop(&key, station, name);
    struct make_ctx c = {station, name, flags};
    HANDLE h;
    err = uobj_get(&desktop_type, &key, desktop_make, &c, access, sa && sa->bInheritHandle, &h,
                   NULL);
    return err ? ws_null(err) : h;
}

WS_EXPORT HDESK WINAPI CreateDesktopW(LPCWSTR lpszDesktop, LPCWSTR lpszDevice,
                                      struct _devicemodeW *pDevmode, DWORD dwFlags,
                                      ACCESS_MASK dwDesiredAccess, LPSECURITY_ATTRIBUTES lpsa)
{
    return create_desktop(lpszDesktop, lpszDevice, pDevmode, dwFlags, dwDesiredAccess, lpsa);
}

WS_EXPORT HDESK WINAPI CreateDesktopA(LPCSTR lpszDesktop, LPCSTR lpszDevice,
                                      struct _devicemodeA *pDevmode, DWORD dwFlags,
                                      ACCESS_MASK dwDesiredAccess, LPSECURITY_ATTRIBUTES lpsa)
{
    DWORD err;
    WCHAR *w = name_w(lpszDesktop, &err);
    if (err)
        return ws_null(err);
    HDESK h = create_desktop(w, lpszDevice, pDevmode, dwFlags, dwDesiredAccess, lpsa);
    free(w);
    return h;
}

WS_EXPORT HDESK WINAPI OpenDesktopW(LPCWSTR lpszDesktop, DWORD dwFlags, BOOL fInherit,
                                    ACCESS_MASK dwDesiredAccess)
{
    if (!lpszDesktop || (dwFlags & ~(DWORD)DF_ALLOWOTHERACCOUNTHOOK))
        return ws_null(ERROR_INVALID_PARAMETER);
    WCHAR station[UNAME_MAX + 1];
    DWORD err = current_station(0, station);
    HANDLE h = NULL;
    if (!err)
        err = desktop_open(station, lpszDesktop, dwDesiredAccess, fInherit, &h);
    return err ? ws_null(err) : h;
}

WS_EXPORT HDESK WINAPI OpenDesktopA(LPCSTR lpszDesktop, DWORD dwFlags, BOOL fInherit,
                                    ACCESS_MASK dwDesiredAccess)
{
    DWORD err;
    WCHAR *w = name_w(lpszDesktop, &err);
    if (err)
        return ws_null(err);
    HDESK h = OpenDesktopW(w, dwFlags, fInherit, dwDesiredAccess);
    free(w);
    return h;
}

/* The desktop that receives input: WinSta0\Default, there being no
 * other input here. */
WS_EXPORT HDESK WINAPI OpenInputDesktop(DWORD dwFlags, BOOL fInherit,
                                        ACCESS_MASK dwDesiredAccess)
{
    if (dwFlags & ~(DWORD)DF_ALLOWOTHERACCOUNTHOOK)
        return ws_null(ERROR_INVALID_PARAMETER);
    HANDLE h;
    DWORD err = desktop_open(W_WINSTA0, W_DEFAULT, dwDesiredAccess, fInherit, &h);
    return err ? ws_null(err) : h;
}

/* ------------------------------------------------------------------ */
/* Enumerations                                                        */

struct name_set {
    size_t n, cap;
    WCHAR (*names)[UNAME_MAX + 1];
    const WCHAR *station; /* desktops: of this station */
    bool nomem;
};

static void set_add(struct name_set *s, const WCHAR *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (name_is(s->names[i], name))
            return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 8;
        void *p = realloc(s->names, cap * sizeof *s->names);
        if (!p) {
            s->nomem = true;
            return;
        }
        s->names = p;
        s->cap = cap;
    }
    memcpy(s->names[s->n++], name, (wstrlen(name) + 1) * sizeof(WCHAR));
}

static void collect_station(const struct object *o, void *ctx)
{
    set_add(ctx, ((const struct winsta *)o)->name);
}

static void collect_desktop(const struct object *o, void *ctx)
{
    const struct desktop *d = (const struct desktop *)o;
    struct name_set *s = ctx;
    if (name_is(d->station, s->station))
        set_add(s, d->name);
}

static int set_cmp(const void *a, const void *b)
{
    const WCHAR *x = a, *y = b;
    for (; *x && wlower(*x) == wlower(*y); x++, y++)
        ;
    return (int)wlower(*x) - (int)wlower(*y);
}

/* Calls fn (ANSI or wide) for each name, in order; stops at the first
 * FALSE, which the enumeration returns. */
static BOOL set_call(struct name_set *s, void *fn, bool wide, LPARAM lp)
{
    if (s->nomem) {
        free(s->names);
        return ws_bool(ERROR_NOT_ENOUGH_MEMORY);
    }
    if (s->n > 1) /* names is NULL when empty, and qsort's array may not be */
        qsort(s->names, s->n, sizeof *s->names, set_cmp);
    BOOL r = TRUE;
    for (size_t i = 0; i < s->n && r; i++) {
        if (wide) {
            r = ((NAMEENUMPROCW)fn)(s->names[i], lp);
        } else {
            char a[4 * (UNAME_MAX + 1)];
            if (!WideCharToMultiByte(CP_ACP, 0, s->names[i], -1, a, sizeof a, NULL, NULL))
                continue;
            r = ((NAMEENUMPROCA)fn)(a, lp);
        }
    }
    free(s->names);
    return r;
}

static BOOL enum_stations(void *fn, bool wide, LPARAM lp)
{
    if (!fn)
        return ws_bool(ERROR_INVALID_PARAMETER);
    struct name_set s = {0};
    set_add(&s, W_WINSTA0); /* always there */
    ns_enum(&winsta_type, u"W\\", 2, collect_station, &s);
    return set_call(&s, fn, wide, lp);
}

WS_EXPORT BOOL WINAPI EnumWindowStationsW(WINSTAENUMPROCW lpEnumFunc, LPARAM lParam)
{
    return enum_stations((void *)lpEnumFunc, true, lParam);
}

WS_EXPORT BOOL WINAPI EnumWindowStationsA(WINSTAENUMPROCA lpEnumFunc, LPARAM lParam)
{
    return enum_stations((void *)lpEnumFunc, false, lParam);
}

static BOOL enum_desktops(HWINSTA ws, void *fn, bool wide, LPARAM lp)
{
    if (!fn)
        return ws_bool(ERROR_INVALID_PARAMETER);
    if (!ws && !(ws = GetProcessWindowStation()))
        return FALSE;
    struct object *o;
    DWORD err = uobj_ref(ws, &winsta_type, WINSTA_ENUMDESKTOPS, &o);
    if (err)
        return ws_bool(err);
    WCHAR station[UNAME_MAX + 1];
    memcpy(station, ((struct winsta *)o)->name, sizeof station);
    object_unref(o);
    struct name_set s = {.station = station};
    if (permanent_station(station)) {
        set_add(&s, W_DEFAULT);
        if (geteuid() == 0)
            set_add(&s, W_WINLOGON);
    }
    ns_enum(&desktop_type, u"D\\", 2, collect_desktop, &s);
    return set_call(&s, fn, wide, lp);
}

WS_EXPORT BOOL WINAPI EnumDesktopsW(HWINSTA hwinsta, DESKTOPENUMPROCW lpEnumFunc, LPARAM lParam)
{
    return enum_desktops(hwinsta, (void *)lpEnumFunc, true, lParam);
}

WS_EXPORT BOOL WINAPI EnumDesktopsA(HWINSTA hwinsta, DESKTOPENUMPROCA lpEnumFunc, LPARAM lParam)
{
    return enum_desktops(hwinsta, (void *)lpEnumFunc, false, lParam);
}

/* ------------------------------------------------------------------ */
/* Information                                                         */

/* A wide string answer; the ANSI one counts the wide bytes when the
 * buffer is too small, the ANSI bytes when it fits (as Windows does). */
static DWORD put_string(const WCHAR *s, bool wide, void *out, DWORD cap, DWORD *need)
{
    DWORD wbytes = (DWORD)((wstrlen(s) + 1) * sizeof(WCHAR));
    if (wide) {
        *need = wbytes;
        if (cap < wbytes || !out)
            return ERROR_INSUFFICIENT_BUFFER;
        memcpy(out, s, wbytes);
        return ERROR_SUCCESS;
    }
    int n = WideCharToMultiByte(CP_ACP, 0, s, -1, NULL, 0, NULL, NULL);
    if (n <= 0 || cap < (DWORD)n || !out) {
        *need = wbytes;
        return ERROR_INSUFFICIENT_BUFFER;
    }
    WideCharToMultiByte(CP_ACP, 0, s, -1, out, n, NULL, NULL);
    *need = (DWORD)n;
    return ERROR_SUCCESS;
}

static DWORD user_info(HANDLE h, int index, void *out, DWORD cap, DWORD *need, bool wide)
{
    struct object *o;
    DWORD err = uobj_ref(h, NULL, 0, &o);
    if (err)
        return err;
    bool station = object_type_of(o) == &winsta_type;
    struct winsta *w = (struct winsta *)o;
    struct desktop *d = (struct desktop *)o;
    uint32_t owner = station ? w->owner : d->owner;
    uint32_t flags = station ? atomic_load(&w->flags) : atomic_load(&d->flags);
    WCHAR name[UNAME_MAX + 1];
    memcpy(name, station ? w->name : d->name, sizeof name);
    bool io = station ? permanent_station(w->name)
                      : permanent_station(d->station) && name_is(d->name, W_DEFAULT);
    object_unref(o);
    if (!need)
        return ERROR_NOACCESS;
    switch (index) {
    case UOI_FLAGS: {
        USEROBJECTFLAGS f = {0, 0, flags};
        DWORD hf = 0;
        if (GetHandleInformation(h, &hf))
            f.fInherit = (hf & HANDLE_FLAG_INHERIT) != 0;
        *need = sizeof f;
        if (cap < sizeof f || !out)
            return ERROR_INSUFFICIENT_BUFFER;
        memcpy(out, &f, sizeof f);
        return ERROR_SUCCESS;
    }
    case UOI_NAME:
        return put_string(name, wide, out, cap, need);
    case UOI_TYPE:
        return put_string(station ? u"WindowStation" : u"Desktop", wide, out, cap, need);
    case UOI_USER_SID: {
        /* The creating user, S-1-22-1-<uid>. */
        BYTE sid[16] = {SID_REVISION, 2, 0, 0, 0, 0, 0, 22};
        DWORD r0 = 1;
        memcpy(sid + 8, &r0, 4);
        memcpy(sid + 12, &owner, 4);
        *need = sizeof sid;
        if (cap < sizeof sid || !out)
            return ERROR_INSUFFICIENT_BUFFER;
        memcpy(out, sid, sizeof sid);
        return ERROR_SUCCESS;
    }
    case UOI_IO: {
        BOOL v = io; /* the station or desktop that gets input */
        *need = sizeof v;
        if (cap < sizeof v || !out)
            return ERROR_INSUFFICIENT_BUFFER;
        memcpy(out, &v, sizeof v);
        return ERROR_SUCCESS;
    }
    case UOI_HEAPSIZE:
        return ERROR_NOT_SUPPORTED; /* no desktop heap */
    default:
        return ERROR_INVALID_PARAMETER;
    }
}

WS_EXPORT BOOL WINAPI GetUserObjectInformationW(HANDLE hObj, int nIndex, PVOID pvInfo,
                                                DWORD nLength, LPDWORD lpnLengthNeeded)
{
    return ws_bool(user_info(hObj, nIndex, pvInfo, nLength, lpnLengthNeeded, true));
}

WS_EXPORT BOOL WINAPI GetUserObjectInformationA(HANDLE hObj, int nIndex, PVOID pvInfo,
                                                DWORD nLength, LPDWORD lpnLengthNeeded)
{
    return ws_bool(user_info(hObj, nIndex, pvInfo, nLength, lpnLengthNeeded, false));
}

/* UOI_FLAGS only: the handle's inheritance and the object's flags. */
static DWORD user_set(HANDLE h, int index, const void *in, DWORD len)
{
    struct object *o;
    DWORD err = uobj_ref(h, NULL, 0, &o);
    if (err)
        return err;
    if (index != UOI_FLAGS || !in || len < sizeof(USEROBJECTFLAGS)) {
        object_unref(o);
        return ERROR_INVALID_PARAMETER;
    }
    USEROBJECTFLAGS f;
    memcpy(&f, in, sizeof f);
    bool station = object_type_of(o) == &winsta_type;
    DWORD valid = station ? WSF_VISIBLE : DF_ALLOWOTHERACCOUNTHOOK;
    if (f.dwFlags & ~valid)
        err = ERROR_INVALID_PARAMETER;
    else if (station)
        atomic_store(&((struct winsta *)o)->flags, f.dwFlags);
    else
        atomic_store(&((struct desktop *)o)->flags, f.dwFlags);
    object_unref(o);
    if (!err && !SetHandleInformation(h, HANDLE_FLAG_INHERIT, f.fInherit ? HANDLE_FLAG_INHERIT : 0))
        err = GetLastError();
    return err;
}

WS_EXPORT BOOL WINAPI SetUserObjectInformationW(HANDLE hObj, int nIndex, PVOID pvInfo,
                                                DWORD nLength)
{
    return ws_bool(user_set(hObj, nIndex, pvInfo, nLength));
}

WS_EXPORT BOOL WINAPI SetUserObjectInformationA(HANDLE hObj, int nIndex, PVOID pvInfo,
                                                DWORD nLength)
{
    return ws_bool(user_set(hObj, nIndex, pvInfo, nLength));
}
