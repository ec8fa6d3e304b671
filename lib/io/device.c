/*
 * Device names and paths for the device kinds: the hook CreateFile calls
 * for "CONIN$", "CONOUT$", "COMn", "\\.\COMn", and pipe and mailslot names
 * (device_open_w/_a).  No object of its own, no state, no locks.
 *
 * The hook: CreateFileA/W call device_open_a/w first; DEVICE_NOT_A_DEVICE
 * means "not a device name, open it as a path"; any other value is the
 * result of the CreateFile (0 with *out set, or the error).
 */
#include <string.h>

#include "io/device.h"

static bool name_is(const char *name, const char *want)
{
    for (; *want; name++, want++) {
        char c = *name;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c != *want)
            return false;
    }
    return *name == 0;
}

/* "COMn" or "\\.\COMn" with n in 1..255: n, else 0. */
static unsigned comm_number(const char *name)
{
    if (!strncmp(name, "\\\\.\\", 4))
        name += 4;
    if (!((name[0] | 0x20) == 'c' && (name[1] | 0x20) == 'o' && (name[2] | 0x20) == 'm'))
        return 0;
    unsigned n = 0;
    const char *p = name + 3;
    if (*p < '1' || *p > '9')
        return 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        n = n * 10 + (unsigned)(*p - '0');
        if (n > 255)
            return 0;
    }
    return *p ? 0 : n;
}

/* Every device name starts with '\\' ("\\.\...") or 'C' ("CONIN$",
 * "CONOUT$", "COMn"): a path that starts otherwise is asked nothing more. */
static bool maybe_device(unsigned c)
{
    return c == '\\' || c == 'C' || c == 'c';
}

/* \\.\pipe\ and \\.\mailslot\ names: the client end of a named pipe,
 * a mailslot writer (npipe.c, mailslot.c). */
static DWORD ipc_open(const void *name, bool wide, ACCESS_MASK access,
                      DWORD share, DWORD creation, DWORD flags, HANDLE *out)
{
    if (npipe_is_name(name, wide)) {
        if (creation != OPEN_EXISTING && creation != OPEN_ALWAYS)
            return ERROR_INVALID_PARAMETER;
        return npipe_open(name, wide, access, flags, out);
    }
    if (mailslot_is_name(name, wide))
        return mailslot_open(name, wide, access, share, creation, out);
    return DEVICE_NOT_A_DEVICE;
}

DWORD device_open_a(LPCSTR name, ACCESS_MASK access, DWORD share, DWORD creation,
                    DWORD flags, HANDLE *out)
{
    if (!name || !maybe_device((unsigned char)name[0]))
        return DEVICE_NOT_A_DEVICE;
    DWORD err = ipc_open(name, false, access, share, creation, flags, out);
    if (err != DEVICE_NOT_A_DEVICE)
        return err;
    const char *base = !strncmp(name, "\\\\.\\", 4) ? name + 4 : name;
    bool in = name_is(base, "CONIN$"), outp = name_is(base, "CONOUT$");
    if (in || outp) {
        (void)creation;
        return console_open(outp, access, out);
    }
    unsigned n = comm_number(name);
    if (n)
        return comm_open(n, access, creation, flags, out);
    return DEVICE_NOT_A_DEVICE;
}

DWORD device_open_w(LPCWSTR name, ACCESS_MASK access, DWORD share, DWORD creation,
                    DWORD flags, HANDLE *out)
{
    if (!name || !maybe_device(name[0]))
        return DEVICE_NOT_A_DEVICE;
    DWORD err = ipc_open(name, true, access, share, creation, flags, out);
    if (err != DEVICE_NOT_A_DEVICE)
        return err;
    /* Device names are short ASCII: anything longer is a path. */
    char buf[16];
    size_t i = 0;
    for (; name[i]; i++) {
        if (i + 1 >= sizeof buf || name[i] >= 0x80)
            return DEVICE_NOT_A_DEVICE;
        buf[i] = (char)name[i];
    }
    buf[i] = 0;
    return device_open_a(buf, access, share, creation, flags, out);
}
