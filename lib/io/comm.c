/*
 * Communications devices: COMn as a file kind over a Unix serial device.
 *
 * The mapping (docs/COMPATIBILITY.md): COMn opens the device named by the
 * environment variable WINSHIM_COMn when it is set (any terminal device,
 * a pseudo-terminal too), and /dev/ttyS(n-1) otherwise; "\\.\COMn" is the
 * same.  A missing device is ERROR_FILE_NOT_FOUND, as Windows says for a
 * port that does not exist.
 *
 * State: the line settings (DCB) live in the device's termios and are read
 * back from it, so GetCommState reports what the device really does.  The
 * time-outs (COMMTIMEOUTS) and the SetupComm queue sizes belong to the open
 * port, kept in struct comm_priv, the file's shared state (an arena block
 * at file_obj.kstate) guarded by comm_priv.lock (a wordlock), so that a
 * handle duplicated into or inherited by another process works there on
 * that process's copy of the open description (file.c's side table) with
 * the same settings, as on Windows.  The port is opened
 * non-blocking and ReadFile waits with poll(), which is how the read
 * time-outs are honoured.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/object.h"
#include "io/device.h"
#include "io/file.h"

struct comm_priv {
    struct wordlock lock;
    COMMTIMEOUTS timeouts;
    DWORD inq, outq;      /* SetupComm's recommendation, remembered */
    char xon, xoff;       /* what termios cannot hold is remembered */
    char error_char, eof_char, evt_char;
    WORD xon_lim, xoff_lim;
    BYTE dtr, rts;        /* DTR_CONTROL_*, RTS_CONTROL_* */
};

static const uint32_t comm_layout[] = {
    LAYOUT_SIZE(struct comm_priv),
    LAYOUT_FIELD(struct comm_priv, lock),
    LAYOUT_FIELD(struct comm_priv, timeouts),
    LAYOUT_FIELD(struct comm_priv, inq),
    LAYOUT_FIELD(struct comm_priv, outq),
    LAYOUT_FIELD(struct comm_priv, xon),
    LAYOUT_FIELD(struct comm_priv, xoff),
    LAYOUT_FIELD(struct comm_priv, error_char),
    LAYOUT_FIELD(struct comm_priv, eof_char),
    LAYOUT_FIELD(struct comm_priv, evt_char),
    LAYOUT_FIELD(struct comm_priv, xon_lim),
    LAYOUT_FIELD(struct comm_priv, xoff_lim),
    LAYOUT_FIELD(struct comm_priv, dtr),
    LAYOUT_FIELD(struct comm_priv, rts),
};

static struct comm_priv *comm_priv_of(struct file_obj *f)
{
    return arena_ptr(f->kstate);
}

/* ---- reading with time-outs ---- */

/* Waits until fd is readable or deadline_ms (monotonic, <0 = forever)
 * passes; true when readable. */
static bool comm_wait_readable(int fd, int64_t deadline_ns)
{
    for (;;) {
        int ms = -1;
        if (deadline_ns >= 0) {
            int64_t left = deadline_ns - time_mono_ns();
            if (left <= 0)
                return false;
            ms = (int)((left + 999999) / 1000000);
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, ms);
        if (r > 0)
            return true;
        if (r < 0 && errno != EINTR)
            return true; /* let read() report the error */
    }
}

static DWORD comm_read(struct file_obj *f, void *buf, DWORD len,
                       const int64_t *at, DWORD *done)
{
    (void)at;
    int fd = file_fd_of(f);
    if (fd < 0)
        return ERROR_INVALID_HANDLE;
    struct comm_priv *p = comm_priv_of(f);
    wordlock_lock(&p->lock);
    COMMTIMEOUTS to = p->timeouts;
    wordlock_unlock(&p->lock);

    /* The cases Microsoft documents for COMMTIMEOUTS:
     *  - interval MAXDWORD, total 0/0: return what is there at once;
     *  - interval MAXDWORD, multiplier MAXDWORD, constant between: wait up
     *    to the constant for the first byte, then return at once;
     *  - otherwise: a total time-out of multiplier * len + constant (none
     *    when both are 0), and an interval time-out between two bytes
     *    (none when 0). */
    const int64_t ms = 1000000;
    bool immediate = to.ReadIntervalTimeout == MAXDWORD &&
                     !to.ReadTotalTimeoutMultiplier && !to.ReadTotalTimeoutConstant;
    bool first_only = to.ReadIntervalTimeout == MAXDWORD &&
                      to.ReadTotalTimeoutMultiplier == MAXDWORD &&
                      to.ReadTotalTimeoutConstant &&
                      to.ReadTotalTimeoutConstant != MAXDWORD;
    int64_t start = time_mono_ns();
    int64_t total_deadline = -1;
    if (first_only)
        total_deadline = start + (int64_t)to.ReadTotalTimeoutConstant * ms;
    else if (!immediate && (to.ReadTotalTimeoutMultiplier || to.ReadTotalTimeoutConstant))
        total_deadline = start + ((int64_t)to.ReadTotalTimeoutMultiplier * len +
                                  (int64_t)to.ReadTotalTimeoutConstant) * ms;
    bool interval = !immediate && !first_only && to.ReadIntervalTimeout &&
                    to.ReadIntervalTimeout != MAXDWORD;

    DWORD total = 0;
    DWORD err = ERROR_SUCCESS;
    while (total < len) {
        ssize_t n = read(fd, (char *)buf + total, len - total);
        if (n > 0) {
            total += (DWORD)n;
            if (first_only)
                break;
            continue;
        }
        if (n == 0)
            break; /* the other end of a pseudo-terminal went away */
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN) {
            if (!total)
                err = errno == EIO ? ERROR_BROKEN_PIPE : ws_errno_to_win32(errno);
            break;
        }
        if (immediate || (first_only && total))
            break;
        int64_t deadline = total_deadline;
        if (interval && total) {
            int64_t d = time_mono_ns() + (int64_t)to.ReadIntervalTimeout * ms;
            if (deadline < 0 || d < deadline)
                deadline = d;
        }
        if (!comm_wait_readable(fd, deadline))
            break; /* a time-out: success with the bytes so far */
    }
    *done = total;
    return err;
}

static DWORD comm_write(struct file_obj *f, const void *buf, DWORD len,
                        const int64_t *at, DWORD *done)
{
    (void)at;
    int fd = file_fd_of(f);
    if (fd < 0)
        return ERROR_INVALID_HANDLE;
    DWORD total = 0;
    while (total < len) {
        ssize_t n = write(fd, (const char *)buf + total, len - total);
        if (n > 0) {
            total += (DWORD)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            poll(&p, 1, -1);
            continue;
        }
        if (!total) {
            *done = 0;
            return n < 0 ? ws_errno_to_win32(errno) : ERROR_WRITE_FAULT;
        }
        break;
    }
    *done = total;
    return ERROR_SUCCESS;
}

static DWORD comm_flush(struct file_obj *f)
{
    int fd = file_fd_of(f);
    if (fd < 0)
        return ERROR_INVALID_HANDLE;
    /* FlushFileBuffers on a port waits until the output is sent. */
    if (tcdrain(fd) < 0 && errno != EINTR)
        return ws_errno_to_win32(errno);
    return ERROR_SUCCESS;
}

static DWORD comm_get_type(struct file_obj *f)
{
    (void)f;
    return FILE_TYPE_CHAR;
}

static void comm_destroy(struct file_obj *f)
{
    struct comm_priv *p = comm_priv_of(f);
    if (p) {
        arena_free(p, sizeof *p);
        f->kstate = 0;
    }
}

const struct file_ops comm_file_ops = {
    .kind = FILE_KIND_COMM,
    .read = comm_read,
    .write = comm_write,
    .flush = comm_flush,
    .get_type = comm_get_type,
    .destroy = comm_destroy,
    TYPE_LAYOUT(comm_layout),
};

/* ---- opening ---- */

DWORD comm_open(unsigned n, ACCESS_MASK access, DWORD creation, DWORD flags,
                HANDLE *out)
{
    if (creation != OPEN_EXISTING)
        return creation >= CREATE_NEW && creation <= TRUNCATE_EXISTING
                   ? ERROR_FILE_NOT_FOUND /* a port cannot be created */
                   : ERROR_INVALID_PARAMETER;
    char var[32], dev[64];
    snprintf(var, sizeof var, "WINSHIM_COM%u", n);
    const char *path = getenv(var);
    if (!path || !*path) {
        snprintf(dev, sizeof dev, "/dev/ttyS%u", n - 1);
        path = dev;
    }
    int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        switch (errno) {
        case ENOENT:
        case ENXIO:
        case ENODEV:
            return ERROR_FILE_NOT_FOUND;
        case EBUSY:
            return ERROR_ACCESS_DENIED; /* Windows: a port opened elsewhere */
        default:
            return ws_errno_to_win32(errno);
        }
    }
    struct termios t;
    if (tcgetattr(fd, &t) < 0) {
        close(fd);
        return ERROR_FILE_NOT_FOUND; /* not a serial device */
    }
    /* A port is a raw byte channel: no line discipline, as on Windows. */
    cfmakeraw(&t);
    t.c_cflag |= CREAD | CLOCAL;
    /* VMIN 1: an empty non-blocking read is EAGAIN (with 0 it would
     * return 0, indistinguishable from the end). */
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tcsetattr(fd, TCSANOW, &t);
    struct file_obj *f;
    DWORD err = file_new(fd, &comm_file_ops, access,
                         flags & FILE_FLAG_OVERLAPPED, &f);
    if (err)
        return err;
    /* In the arena: every process with a handle shares the settings.
     * (After file_new, which has made sure the arena exists.) */
    struct comm_priv *p = arena_alloc(sizeof *p);
    if (!p) {
        object_handle_close(&f->hdr);
        object_unref(&f->hdr); /* closes fd */
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    p->xon = 0x11;
    p->xoff = 0x13;
    p->dtr = DTR_CONTROL_ENABLE;
    p->rts = RTS_CONTROL_ENABLE;
    p->xon_lim = 2048;
    p->xoff_lim = 512;
    f->kstate = arena_off(p);
    if ((err = handle_insert(&f->hdr, f->access, 0, out))) {
        object_handle_close(&f->hdr);
        object_unref(&f->hdr);
    }
    return err;
}

/* ---- the gate of the comm functions ---- */

/* h must be a comm port of this process; anything else is
 * ERROR_INVALID_HANDLE, as Windows gives for a file or an event. */
static DWORD comm_get(HANDLE h, struct file_obj **out, int *fd)
{
    struct file_obj *f;
    DWORD err = file_get(h, 0, &f, NULL);
    if (err)
        return err;
    if (f->kind != FILE_KIND_COMM || (*fd = file_fd_of(f)) < 0) {
        file_put(f);
        return ERROR_INVALID_HANDLE;
    }
    *out = f;
    return ERROR_SUCCESS;
}

/* ---- line settings ---- */

static const struct {
    DWORD baud;
    speed_t speed;
} bauds[] = {
    {50, B50},         {75, B75},         {110, B110},       {134, B134},
    {150, B150},       {200, B200},       {300, B300},       {600, B600},
    {1200, B1200},     {1800, B1800},     {2400, B2400},     {4800, B4800},
    {9600, B9600},     {19200, B19200},   {38400, B38400},   {57600, B57600},
    {115200, B115200}, {230400, B230400}, {460800, B460800}, {500000, B500000},
    {576000, B576000}, {921600, B921600}, {1000000, B1000000},
};

static bool baud_to_speed(DWORD baud, speed_t *s)
{
    for (size_t i = 0; i < sizeof bauds / sizeof *bauds; i++)
        if (bauds[i].baud == baud) {
            *s = bauds[i].speed;
            return true;
        }
    return false;
}

static DWORD speed_to_baud(speed_t s)
{
    for (size_t i = 0; i < sizeof bauds / sizeof *bauds; i++)
        if (bauds[i].speed == s)
            return bauds[i].baud;
    return 0;
}

WS_EXPORT BOOL WINAPI GetCommState(HANDLE h, LPDCB dcb)
{
    struct file_obj *f;
    int fd;
    DWORD err = comm_get(h, &f, &fd);
    if (err)
        return ws_bool(err);
    struct termios t;
    if (!dcb) {
        err = ERROR_INVALID_PARAMETER;
    } else if (tcgetattr(fd, &t) < 0) {
        err = ws_errno_to_win32(errno);
    } else {
        struct comm_priv *p = comm_priv_of(f);
        memset(dcb, 0, sizeof *dcb);
        dcb->DCBlength = sizeof *dcb;
        dcb->BaudRate = speed_to_baud(cfgetospeed(&t));
        dcb->fBinary = 1;
        dcb->fParity = (t.c_iflag & INPCK) ? 1 : 0;
        switch (t.c_cflag & CSIZE) {
        case CS5: dcb->ByteSize = 5; break;
        case CS6: dcb->ByteSize = 6; break;
        case CS7: dcb->ByteSize = 7; break;
        default: dcb->ByteSize = 8; break;
        }
        if (!(t.c_cflag & PARENB))
            dcb->Parity = NOPARITY;
        else if (t.c_cflag & CMSPAR)
            dcb->Parity = (t.c_cflag & PARODD) ? MARKPARITY : SPACEPARITY;
        else
            dcb->Parity = (t.c_cflag & PARODD) ? ODDPARITY : EVENPARITY;
        if (t.c_cflag & CSTOPB)
            dcb->StopBits = dcb->ByteSize == 5 ? ONE5STOPBITS : TWOSTOPBITS;
        else
            dcb->StopBits = ONESTOPBIT;
        bool rtscts = t.c_cflag & CRTSCTS;
        dcb->fOutxCtsFlow = rtscts;
        dcb->fOutX = (t.c_iflag & IXON) ? 1 : 0;
        dcb->fInX = (t.c_iflag & IXOFF) ? 1 : 0;
        wordlock_lock(&p->lock);
        dcb->fRtsControl = rtscts ? RTS_CONTROL_HANDSHAKE : p->rts;
        dcb->fDtrControl = p->dtr;
        dcb->XonChar = p->xon;
        dcb->XoffChar = p->xoff;
        dcb->ErrorChar = p->error_char;
        dcb->EofChar = p->eof_char;
        dcb->EvtChar = p->evt_char;
        dcb->XonLim = p->xon_lim;
        dcb->XoffLim = p->xoff_lim;
        wordlock_unlock(&p->lock);
    }
    file_put(f);
    return ws_bool(err);
}

/* What termios cannot do is refused with ERROR_INVALID_PARAMETER, as a
 * Windows driver refuses settings its hardware lacks. */
static DWORD dcb_to_termios(const DCB *d, struct termios *t)
{
    speed_t speed;
    if (!baud_to_speed(d->BaudRate, &speed))
        return ERROR_INVALID_PARAMETER;
    if (d->ByteSize < 5 || d->ByteSize > 8 || d->Parity > SPACEPARITY ||
        d->StopBits > TWOSTOPBITS)
        return ERROR_INVALID_PARAMETER;
    /* 1.5 stop bits exist only with 5 data bits, 2 only with 6 to 8. */
    if ((d->StopBits == ONE5STOPBITS) != (d->ByteSize == 5 && d->StopBits != ONESTOPBIT))
        return ERROR_INVALID_PARAMETER;
    if ((d->fOutX || d->fInX) && d->XonChar == d->XoffChar)
        return ERROR_INVALID_PARAMETER;
    if (d->fOutxDsrFlow || d->fDtrControl == DTR_CONTROL_HANDSHAKE ||
        d->fRtsControl == RTS_CONTROL_TOGGLE)
        return ERROR_INVALID_PARAMETER; /* no Linux equivalent: see docs */
    if (d->fOutxCtsFlow != (d->fRtsControl == RTS_CONTROL_HANDSHAKE))
        return ERROR_INVALID_PARAMETER; /* CRTSCTS is one bit for both */
    cfsetispeed(t, speed);
    cfsetospeed(t, speed);
    static const tcflag_t sizes[] = {CS5, CS6, CS7, CS8};
    t->c_cflag = (t->c_cflag & ~(tcflag_t)(CSIZE | PARENB | PARODD | CMSPAR |
                                           CSTOPB | CRTSCTS)) |
                 sizes[d->ByteSize - 5];
    switch (d->Parity) {
    case ODDPARITY: t->c_cflag |= PARENB | PARODD; break;
    case EVENPARITY: t->c_cflag |= PARENB; break;
    case MARKPARITY: t->c_cflag |= PARENB | CMSPAR | PARODD; break;
    case SPACEPARITY: t->c_cflag |= PARENB | CMSPAR; break;
    default: break;
    }
    if (d->StopBits != ONESTOPBIT)
        t->c_cflag |= CSTOPB;
    if (d->fOutxCtsFlow)
        t->c_cflag |= CRTSCTS;
    t->c_iflag &= ~(tcflag_t)(INPCK | IXON | IXOFF);
    if (d->fParity)
        t->c_iflag |= INPCK;
    if (d->fOutX)
        t->c_iflag |= IXON;
    if (d->fInX)
        t->c_iflag |= IXOFF;
    t->c_cc[VSTART] = (cc_t)d->XonChar;
    t->c_cc[VSTOP] = (cc_t)d->XoffChar;
    return ERROR_SUCCESS;
}

WS_EXPORT BOOL WINAPI SetCommState(HANDLE h, LPDCB dcb)
{
    struct file_obj *f;
    int fd;
    DWORD err = comm_get(h, &f, &fd);
    if (err)
        return ws_bool(err);
    struct termios t;
    if (!dcb) {
        err = ERROR_INVALID_PARAMETER;
    } else if (tcgetattr(fd, &t) < 0) {
        err = ws_errno_to_win32(errno);
    } else if (!(err = dcb_to_termios(dcb, &t))) {
        if (tcsetattr(fd, TCSANOW, &t) < 0) {
            err = ws_errno_to_win32(errno);
        } else {
            struct comm_priv *p = comm_priv_of(f);
            wordlock_lock(&p->lock);
            p->xon = dcb->XonChar;
            p->xoff = dcb->XoffChar;
            p->error_char = dcb->ErrorChar;
            p->eof_char = dcb->EofChar;
            p->evt_char = dcb->EvtChar;
            p->xon_lim = dcb->XonLim;
            p->xoff_lim = dcb->XoffLim;
            p->dtr = (BYTE)dcb->fDtrControl;
            p->rts = (BYTE)dcb->fRtsControl;
            wordlock_unlock(&p->lock);
            /* The modem lines follow DTR/RTS_CONTROL_ENABLE/DISABLE on a
             * real port; a pseudo-terminal has none (ignored there). */
            int bits = TIOCM_DTR;
            ioctl(fd, dcb->fDtrControl ? TIOCMBIS : TIOCMBIC, &bits);
            if (dcb->fRtsControl != RTS_CONTROL_HANDSHAKE) {
                bits = TIOCM_RTS;
                ioctl(fd, dcb->fRtsControl ? TIOCMBIS : TIOCMBIC, &bits);
            }
        }
    }
    file_put(f);
    return ws_bool(err);
}

/* ---- time-outs, queues, purge, errors, escapes ---- */

WS_EXPORT BOOL WINAPI GetCommTimeouts(HANDLE h, LPCOMMTIMEOUTS to)
{
    struct file_obj *f;
    int fd;
    DWORD err = comm_get(h, &f, &fd);
    if (err)
        return ws_bool(err);
    if (!to) {
        err = ERROR_INVALID_PARAMETER;
    } else {
        struct comm_priv *p = comm_priv_of(f);
        wordlock_lock(&p->lock);
        *to = p->timeouts;
        wordlock_unlock(&p->lock);
    }
    file_put(f);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI SetCommTimeouts(HANDLE h, LPCOMMTIMEOUTS to)
{
    struct file_obj *f;
    int fd;
    DWORD err = comm_get(h, &f, &fd);
    if (err)
        return ws_bool(err);
    if (!to) {
        err = ERROR_INVALID_PARAMETER;
    } else if (to->ReadIntervalTimeout == MAXDWORD &&
               to->ReadTotalTimeoutMultiplier == MAXDWORD &&
               to->ReadTotalTimeoutConstant == MAXDWORD) {
        /* Microsoft documents this combination as invalid. */
        err = ERROR_INVALID_PARAMETER;
    } else {
        struct comm_priv *p = comm_priv_of(f);
        wordlock_lock(&p->lock);
        p->timeouts = *to;
        wordlock_unlock(&p->lock);
    }
    file_put(f);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI SetupComm(HANDLE h, DWORD inq, DWORD outq)
{
    struct file_obj *f;
    int fd;
    DWORD err = comm_get(h, &f, &fd);
    if (err)
        return ws_bool(err);
    /* The kernel sizes its own buffers: the request is recorded only, as
     * Microsoft allows ("the driver is free to use any buffer size"). */
    struct comm_priv *p = comm_priv_of(f);
    wordlock_lock(&p->lock);
    p->inq = inq;
    p->outq = outq;
    wordlock_unlock(&p->lock);
    file_put(f);
    return TRUE;
}

WS_EXPORT BOOL WINAPI PurgeComm(HANDLE h, DWORD flags)
{
    struct file_obj *f;
    int fd;
    DWORD err = comm_get(h, &f, &fd);
    if (err)
        return ws_bool(err);
    const DWORD valid = PURGE_TXABORT | PURGE_RXABORT | PURGE_TXCLEAR | PURGE_RXCLEAR;
    if (flags & ~valid) {
        err = ERROR_INVALID_PARAMETER;
    } else {
        /* The ABORT flags cancel overlapped requests; transfers here are
         * synchronous, so there is none to cancel. */
        int q = -1;
        if ((flags & PURGE_RXCLEAR) && (flags & PURGE_TXCLEAR))
            q = TCIOFLUSH;
        else if (flags & PURGE_RXCLEAR)
            q = TCIFLUSH;
        else if (flags & PURGE_TXCLEAR)
            q = TCOFLUSH;
        if (q >= 0 && tcflush(fd, q) < 0)
            err = ws_errno_to_win32(errno);
    }
    file_put(f);
    return ws_bool(err);
}

WS_EXPORT BOOL WINAPI ClearCommError(HANDLE h, LPDWORD errors, LPCOMSTAT stat)
{
    struct file_obj *f;
    int fd;
    DWORD err = comm_get(h, &f, &fd);
    if (err)
        return ws_bool(err);
    /* Line errors (parity, framing, overrun) are not reported by the tty
     * layer to user space one by one: none are ever reported (see docs). */
    if (errors)
        *errors = 0;
    if (stat) {
        int in = 0, out = 0;
        ioctl(fd, FIONREAD, &in);
        ioctl(fd, TIOCOUTQ, &out);
        memset(stat, 0, sizeof *stat);
        stat->cbInQue = in > 0 ? (DWORD)in : 0;
        stat->cbOutQue = out > 0 ? (DWORD)out : 0;
    }
    file_put(f);
    return TRUE;
}

WS_EXPORT BOOL WINAPI EscapeCommFunction(HANDLE h, DWORD func)
{
    struct file_obj *f;
    int fd;
    DWORD err = comm_get(h, &f, &fd);
    if (err)
        return ws_bool(err);
    int bits, rc = 0;
    switch (func) {
    case SETXOFF:
        rc = tcflow(fd, TCOOFF);
        break;
    case SETXON:
        rc = tcflow(fd, TCOON);
        break;
    case SETRTS:
    case CLRRTS:
        bits = TIOCM_RTS;
        rc = ioctl(fd, func == SETRTS ? TIOCMBIS : TIOCMBIC, &bits);
        break;
    case SETDTR:
    case CLRDTR:
        bits = TIOCM_DTR;
        rc = ioctl(fd, func == SETDTR ? TIOCMBIS : TIOCMBIC, &bits);
        break;
    case SETBREAK:
        rc = ioctl(fd, TIOCSBRK);
        break;
    case CLRBREAK:
        rc = ioctl(fd, TIOCCBRK);
        break;
    case RESETDEV: /* printer ports only */
    default:
        err = ERROR_INVALID_PARAMETER;
        break;
    }
    if (!err && rc < 0)
        err = (errno == ENOTTY || errno == EINVAL) ? ERROR_NOT_SUPPORTED
                                                    : ws_errno_to_win32(errno);
    file_put(f);
    return ws_bool(err);
}
