/* The EXE fixture of check_updres: a console program whose resource
 * section is followed by .reloc (EndUpdateResource appends a new one).
 * Run under Wine after a rewrite, it prints its own RCDATA 1. */
#include <windows.h>
#include <stdio.h>

int main(void)
{
    HRSRC r = FindResourceA(NULL, MAKEINTRESOURCEA(1), (LPCSTR)RT_RCDATA);
    const char *s = r ? (const char *)LockResource(LoadResource(NULL, r)) : NULL;
    printf("res.exe runs: %s\n", s ? s : "no RCDATA 1");
    return 0;
}
