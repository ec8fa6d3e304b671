/*
 * Device names and paths for the device kinds: the hook CreateFile calls
 * for "CONIN$", "CONOUT$", "COMn" and "\\.\COMn" (device_open_w/_a), and
 * the Windows-path-to-Unix-path conversion FindFirstChangeNotification
 * uses.  No object of its own, no state, no locks.
 *
 * The hook: CreateFileA/W call device_open_a/w first; DEVICE_NOT_A_DEVICE
 * means "not a device name, open it as a path"; any other value is the
 * result of the CreateFile (0 with *out set, or the error).
 */
#include <string.h>

#include "internal.h"

/* UTF-16 (len units, or up to the terminator when len is (size_t)-1) to
 * UTF-8 with a terminator; unpaired surrogates become U+FFFD, as
 * WideCharToMultiByte does.  Returns the bytes written (without the
 * terminator) or -1 when the result does not fit. */
int utf16_to_utf8(const WCHAR *s, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; len == (size_t)-1 ? s[i] != 0 : i < len; i++) {
        uint32_t c = s[i];
        bool has_next = len == (size_t)-1 ? s[i + 1] != 0 : i + 1 < len;
        if (c >= 0xd800 && c < 0xdc00 && has_next && s[i + 1] >= 0xdc00 &&
            s[i + 1] < 0xe000) {
            c = 0x10000 + ((c - 0xd800) << 10) + (s[i + 1] - 0xdc00);
            i++;
        } else if (c >= 0xd800 && c < 0xe000) {
            c = 0xfffd;
        }
        char b[4];
        int k;
        if (c < 0x80) {
            b[0] = (char)c;
            k = 1;
        } else if (c < 0x800) {
            b[0] = (char)(0xc0 | (c >> 6));
            b[1] = (char)(0x80 | (c & 0x3f));
            k = 2;
        } else if (c < 0x10000) {
            b[0] = (char)(0xe0 | (c >> 12));
            b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
            b[2] = (char)(0x80 | (c & 0x3f));
            k = 3;
        } else {
            b[0] = (char)(0xf0 | (c >> 18));
            b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
            b[2] = (char)(0x80 | ((c >> 6) & 0x3f));
            b[3] = (char)(0x80 | (c & 0x3f));
            k = 4;
        }
        if (n + (size_t)k >= cap)
            return -1;
        memcpy(out + n, b, (size_t)k);
        n += (size_t)k;
    }
    if (n >= cap)
        return -1;
    out[n] = 0;
    return (int)n;
}

/* A Windows path as a Unix path: backslashes become slashes.  Drive
 * letters are not mapped here (path.c of the files work does that; this
 * is the minimal form the device kinds need).  NULL and "" are
 * ERROR_PATH_NOT_FOUND, as FindFirstChangeNotification gives. */
DWORD path_a_to_unix(LPCSTR path, char *out, size_t cap)
{
    if (!path || !*path)
        return ERROR_PATH_NOT_FOUND;
    size_t n = strlen(path);
    if (n >= cap)
        return ERROR_FILENAME_EXCED_RANGE;
    for (size_t i = 0; i <= n; i++)
        out[i] = path[i] == '\\' ? '/' : path[i];
    return ERROR_SUCCESS;
}

DWORD path_w_to_unix(LPCWSTR path, char *out, size_t cap)
{
    if (!path || !*path)
        return ERROR_PATH_NOT_FOUND;
    if (utf16_to_utf8(path, (size_t)-1, out, cap) < 0)
        return ERROR_FILENAME_EXCED_RANGE;
    for (char *p = out; *p; p++)
        if (*p == '\\')
            *p = '/';
    return ERROR_SUCCESS;
}

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

DWORD device_open_a(LPCSTR name, ACCESS_MASK access, DWORD creation,
                    DWORD flags, HANDLE *out)
{
    if (!name)
        return DEVICE_NOT_A_DEVICE;
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

DWORD device_open_w(LPCWSTR name, ACCESS_MASK access, DWORD creation,
                    DWORD flags, HANDLE *out)
{
    if (!name)
        return DEVICE_NOT_A_DEVICE;
    /* Device names are short ASCII: anything longer is a path. */
    char buf[16];
    size_t i = 0;
    for (; name[i]; i++) {
        if (i + 1 >= sizeof buf || name[i] >= 0x80)
            return DEVICE_NOT_A_DEVICE;
        buf[i] = (char)name[i];
    }
    buf[i] = 0;
    return device_open_a(buf, access, creation, flags, out);
}
