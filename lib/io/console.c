/*
 * The console on a Unix terminal: CONIN$/CONOUT$ (a file kind over the
 * controlling terminal, /dev/tty) and the console functions, which accept
 * any file handle whose fd is a terminal: CONIN$, CONOUT$ and standard
 * handles inherited from a terminal.  Anything else (a disk file, a pipe,
 * a non-file handle) gives ERROR_INVALID_HANDLE, as Windows does for a
 * handle that is not a console handle.
 *
 * Input or output: a CONIN$ object and the standard input handle are
 * console input; CONOUT$ and every other terminal handle are screen
 * buffers.  The console modes live in the terminal's termios where Linux
 * has an equivalent (PROCESSED_INPUT <-> ISIG, LINE_INPUT <-> ICANON,
 * ECHO_INPUT <-> ECHO, PROCESSED_OUTPUT <-> OPOST), so two handles on the
 * same terminal see the same mode as on Windows; the bits Linux has no
 * equivalent for are remembered per process (mode_extra, under
 * mode_lock) and given back by GetConsoleMode.
 *
 * No object of its own: a console handle is a file object (file.c) of the
 * console kind with an fd of this process (process-private, see struct
 * file_obj).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "core/error.h"
#include "core/unicode.h"
#include "io/device.h"
#include "io/file.h"

#define CONSOLE_OUTPUT 0x0010 /* file_obj.flags: a screen buffer (CONOUT$) */

#define INPUT_VALID_MODES 0x3ffu
#define OUTPUT_VALID_MODES 0x1fu
#define INPUT_TERMIOS_MODES \
    (ENABLE_PROCESSED_INPUT | ENABLE_LINE_INPUT | ENABLE_ECHO_INPUT)

static pthread_mutex_t mode_lock = PTHREAD_MUTEX_INITIALIZER;
/* The bits without a termios equivalent, as Windows' defaults. */
static DWORD mode_extra_in = ENABLE_MOUSE_INPUT | ENABLE_INSERT_MODE |
                             ENABLE_QUICK_EDIT_MODE | ENABLE_EXTENDED_FLAGS |
                             ENABLE_AUTO_POSITION;
static DWORD mode_extra_out = ENABLE_WRAP_AT_EOL_OUTPUT;

/* ---- the kind ---- */

static DWORD console_fd(struct file_obj *f, int *fd)
{
    *fd = file_fd_of(f);
    return *fd < 0 ? ERROR_INVALID_HANDLE : ERROR_SUCCESS;
}

static DWORD console_read(struct file_obj *f, void *buf, DWORD len,
                          const int64_t *at, DWORD *done)
{
    (void)at; /* a terminal has no position */
    int fd;
    DWORD err = console_fd(f, &fd);
    return err ? err : file_fd_read(fd, buf, len, NULL, done);
}

static DWORD console_write(struct file_obj *f, const void *buf, DWORD len,
                           const int64_t *at, DWORD *done)
{
    (void)at;
    int fd;
    DWORD err = console_fd(f, &fd);
    if (err)
        return err;
    DWORD total = 0;
    while (total < len) {
        DWORD n = 0;
        if ((err = file_fd_write(fd, (const char *)buf + total, len - total,
                                 NULL, &n)) || !n)
            break;
        total += n;
    }
    *done = total;
    return total ? ERROR_SUCCESS : err;
}

static DWORD console_get_type(struct file_obj *f)
{
    (void)f;
    return FILE_TYPE_CHAR;
}

const struct file_ops console_file_ops = {
    .kind = FILE_KIND_CONSOLE,
    .read = console_read,
    .write = console_write,
    .get_type = console_get_type,
};

DWORD console_open(bool output, ACCESS_MASK access, HANDLE *out)
{
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return ERROR_INVALID_HANDLE; /* no console: what Windows says */
    return file_wrap_fd(fd, &console_file_ops, access,
                        output ? CONSOLE_OUTPUT : 0, out);
}

/* ---- the gate of the console functions ---- */

struct console_ref {
    struct file_obj *f;
    int fd;
    bool output;
};

/* h must be a file handle on a terminal of this process. */
static DWORD console_get(HANDLE h, ACCESS_MASK need, struct console_ref *c)
{
    DWORD err = file_get(h, need, &c->f, NULL);
    if (err)
        return err;
    c->fd = file_fd(&c->f->hdr);
    if (c->fd < 0 || !isatty(c->fd)) {
        file_put(c->f);
        return ERROR_INVALID_HANDLE;
    }
    if (c->f->kind == FILE_KIND_CONSOLE)
        c->output = c->f->flags & CONSOLE_OUTPUT;
    else
        c->output = !((c->f->flags & FILE_OBJ_STD) && c->fd == 0);
    return ERROR_SUCCESS;
}

/* ---- modes ---- */

WS_EXPORT BOOL WINAPI GetConsoleMode(HANDLE h, LPDWORD mode)
{
    struct console_ref c;
    DWORD err = console_get(h, 0, &c);
    if (err)
        return ws_bool(err);
    struct termios t;
    if (tcgetattr(c.fd, &t) < 0) {
        err = ws_errno_to_win32(errno);
    } else if (!mode) {
        err = ERROR_INVALID_ACCESS;
    } else {
        pthread_mutex_lock(&mode_lock);
        DWORD m;
        if (c.output) {
            m = mode_extra_out | ((t.c_oflag & OPOST) ? ENABLE_PROCESSED_OUTPUT : 0);
        } else {
            m = mode_extra_in;
            if (t.c_lflag & ISIG)
                m |= ENABLE_PROCESSED_INPUT;
            if (t.c_lflag & ICANON)
                m |= ENABLE_LINE_INPUT;
            if (t.c_lflag & ECHO)
                m |= ENABLE_ECHO_INPUT;
        }
        pthread_mutex_unlock(&mode_lock);
        *mode = m;
    }
    file_put(c.f);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI SetConsoleMode(HANDLE h, DWORD mode)
{
    struct console_ref c;
    DWORD err = console_get(h, 0, &c);
    if (err)
        return ws_bool(err);
    struct termios t;
    if (c.output ? (mode & ~OUTPUT_VALID_MODES) : (mode & ~INPUT_VALID_MODES)) {
        err = ERROR_INVALID_PARAMETER;
    } else if (!c.output && (mode & ENABLE_ECHO_INPUT) &&
               !(mode & ENABLE_LINE_INPUT)) {
        /* Echo without line input is refused, as Microsoft documents. */
        err = ERROR_INVALID_PARAMETER;
    } else if (tcgetattr(c.fd, &t) < 0) {
        err = ws_errno_to_win32(errno);
    } else {
        if (c.output) {
            t.c_oflag = (mode & ENABLE_PROCESSED_OUTPUT) ? (t.c_oflag | OPOST)
                                                         : (t.c_oflag & ~(tcflag_t)OPOST);
        } else {
            tcflag_t l = t.c_lflag & ~(tcflag_t)(ISIG | ICANON | ECHO);
            if (mode & ENABLE_PROCESSED_INPUT)
                l |= ISIG;
            if (mode & ENABLE_LINE_INPUT)
                l |= ICANON;
            if (mode & ENABLE_ECHO_INPUT)
                l |= ECHO;
            t.c_lflag = l;
            if (!(mode & ENABLE_LINE_INPUT)) {
                /* Raw reads return as soon as one byte is there. */
                t.c_cc[VMIN] = 1;
                t.c_cc[VTIME] = 0;
            }
        }
        if (tcsetattr(c.fd, TCSANOW, &t) < 0) {
            err = ws_errno_to_win32(errno);
        } else {
            pthread_mutex_lock(&mode_lock);
            if (c.output)
                mode_extra_out = mode & ~(DWORD)ENABLE_PROCESSED_OUTPUT;
            else
                mode_extra_in = mode & ~(DWORD)INPUT_TERMIOS_MODES;
            pthread_mutex_unlock(&mode_lock);
        }
    }
    file_put(c.f);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI GetConsoleScreenBufferInfo(HANDLE h,
                                                 PCONSOLE_SCREEN_BUFFER_INFO info)
{
    struct console_ref c;
    DWORD err = console_get(h, 0, &c);
    if (err)
        return ws_bool(err);
    struct winsize ws;
    if (!c.output) {
        err = ERROR_INVALID_HANDLE; /* an input handle has no screen buffer */
    } else if (ioctl(c.fd, TIOCGWINSZ, &ws) < 0) {
        err = ws_errno_to_win32(errno);
    } else if (!info) {
        err = ERROR_INVALID_ACCESS;
    } else {
        /* A terminal that does not know its size says 0: the classic 80x25. */
        SHORT cols = ws.ws_col ? (SHORT)ws.ws_col : 80;
        SHORT rows = ws.ws_row ? (SHORT)ws.ws_row : 25;
        memset(info, 0, sizeof *info);
        info->dwSize.X = cols;
        info->dwSize.Y = rows;
        /* The cursor position is not known without asking the terminal
         * (a round trip through its input): reported as the origin. */
        info->wAttributes = FOREGROUND_RED | FOREGROUND_GREEN | FOREGROUND_BLUE;
        info->srWindow.Right = (SHORT)(cols - 1);
        info->srWindow.Bottom = (SHORT)(rows - 1);
        info->dwMaximumWindowSize = info->dwSize;
    }
    file_put(c.f);
    return ws_bool(err);
}

/* ---- reading and writing ---- */

/* In line mode the console gives a line ending as CR LF; the terminal
 * gives LF.  Returns the bytes now in buf. */
static DWORD console_crlf(char *buf, DWORD n, DWORD cap, int fd)
{
    struct termios t;
    if (n && buf[n - 1] == '\n' && n < cap && tcgetattr(fd, &t) == 0 &&
        (t.c_lflag & ICANON) && (n < 2 || buf[n - 2] != '\r')) {
        buf[n - 1] = '\r';
        buf[n] = '\n';
        n++;
    }
    return n;
}

static BOOL console_read_common(HANDLE h, void *buf, DWORD count, LPDWORD pdone,
                                bool wide)
{
    struct console_ref c;
    DWORD err = console_get(h, 0, &c);
    if (err)
        return ws_bool(err);
    DWORD done = 0;
    if (c.output) {
        err = ERROR_INVALID_HANDLE;
    } else if (!(c.f->access & FILE_READ_DATA)) {
        err = ERROR_ACCESS_DENIED;
    } else if (!wide) {
        DWORD n = 0;
        /* Keep room for the CR of a CR LF. */
        err = file_fd_read(c.fd, buf, count > 1 ? count - 1 : count, NULL, &n);
        if (!err)
            done = console_crlf(buf, n, count, c.fd);
    } else {
        char tmp[4096];
        DWORD want = count > sizeof tmp - 1 ? (DWORD)sizeof tmp - 1 : count;
        DWORD n = 0;
        err = file_fd_read(c.fd, tmp, want > 1 ? want - 1 : want, NULL, &n);
        if (!err) {
            n = console_crlf(tmp, n, want, c.fd);
            tmp[n] = 0;
            /* UTF-8 never takes fewer bytes than UTF-16 units, so count
             * units are enough room for the bytes read. */
            WCHAR *w = buf;
            WCHAR conv[4097];
            int u = utf8_to_utf16(tmp, conv, sizeof conv / sizeof *conv);
            if (u < 0 || (DWORD)u > count)
                u = 0;
            memcpy(w, conv, (size_t)u * sizeof(WCHAR));
            done = (DWORD)u;
        }
    }
    file_put(c.f);
    if (pdone)
        *pdone = done;
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI ReadConsoleA(HANDLE h, LPVOID buf, DWORD count,
                                   LPDWORD done, LPVOID control)
{
    (void)control; /* CONSOLE_READCONSOLE_CONTROL: Unicode reads only */
    return console_read_common(h, buf, count, done, false);
}

WS_EXPORT BOOL WINAPI ReadConsoleW(HANDLE h, LPVOID buf, DWORD count,
                                   LPDWORD done, LPVOID control)
{
    (void)control;
    return console_read_common(h, buf, count, done, true);
}

static BOOL console_write_common(HANDLE h, const void *buf, DWORD count,
                                 LPDWORD pdone, bool wide)
{
    struct console_ref c;
    DWORD err = console_get(h, 0, &c);
    if (err)
        return ws_bool(err);
    DWORD done = 0;
    if (!c.output) {
        err = ERROR_INVALID_HANDLE;
    } else if (!(c.f->access & (FILE_WRITE_DATA | FILE_APPEND_DATA))) {
        err = ERROR_ACCESS_DENIED;
    } else if (!wide) {
        err = console_write(c.f, buf, count, NULL, &done);
    } else {
        /* Convert in pieces that never split a surrogate pair. */
        const WCHAR *w = buf;
        DWORD i = 0;
        while (i < count && !err) {
            DWORD n = count - i > 1024 ? 1024 : count - i;
            if (n < count - i && w[i + n - 1] >= 0xd800 && w[i + n - 1] < 0xdc00)
                n--;
            char tmp[1024 * 3 + 1];
            int b = utf16_to_utf8(w + i, n, tmp, sizeof tmp);
            DWORD wrote = 0;
            if (b < 0)
                err = ERROR_INVALID_PARAMETER;
            else if (!(err = console_write(c.f, tmp, (DWORD)b, NULL, &wrote)) &&
                     wrote < (DWORD)b)
                break;
            if (!err)
                i += n;
        }
        done = i;
        if (done)
            err = ERROR_SUCCESS;
    }
    file_put(c.f);
    if (pdone)
        *pdone = done;
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI WriteConsoleA(HANDLE h, CONST VOID *buf, DWORD count,
                                    LPDWORD done, LPVOID reserved)
{
    (void)reserved;
    return console_write_common(h, buf, count, done, false);
}

WS_EXPORT BOOL WINAPI WriteConsoleW(HANDLE h, CONST VOID *buf, DWORD count,
                                    LPDWORD done, LPVOID reserved)
{
    (void)reserved;
    return console_write_common(h, buf, count, done, true);
}
