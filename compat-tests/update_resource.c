/*
 * update_resource: copies a dialog box resource from one module to
 * another, as in Microsoft's "Updating Resources" example: load hand.dll
 * as a data file, find and lock its about box, then BeginUpdateResource
 * on foot.dll, UpdateResource with the dialog's data under a new id,
 * EndUpdateResource to write it.  Then it checks the result by loading
 * foot.dll and listing its resources.
 *
 * hand.dll and foot.dll are resource-only PE files, built from
 * update_resource_pe/ with mingw-w64 by the test harnesses.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#define IDD_HAND_ABOUTBOX 103
#define IDD_FOOT_ABOUTBOX 110

static void ErrorHandler(LPCSTR lpszMessage)
{
    printf("%s (error %lu)\n", lpszMessage, (unsigned long)GetLastError());
}

static void PrintId(LPCSTR lpsz)
{
    if (IS_INTRESOURCE(lpsz))
        printf("#%u", (unsigned)(ULONG_PTR)lpsz);
    else
        printf("%s", lpsz);
}

static BOOL CALLBACK EnumLangsFunc(HMODULE hModule, LPCSTR lpType, LPCSTR lpName, WORD wLang,
                                   LONG_PTR lParam)
{
    HRSRC hResInfo = FindResourceExA(hModule, lpType, lpName, wLang);
    printf("    type ");
    PrintId(lpType);
    printf(", name ");
    PrintId(lpName);
    printf(", language %04x, %lu bytes\n", wLang,
           (unsigned long)SizeofResource(hModule, hResInfo));
    return TRUE;
}

static BOOL CALLBACK EnumNamesFunc(HMODULE hModule, LPCSTR lpType, LPSTR lpName, LONG_PTR lParam)
{
    return EnumResourceLanguagesA(hModule, lpType, lpName, EnumLangsFunc, lParam);
}

static BOOL CALLBACK EnumTypesFunc(HMODULE hModule, LPSTR lpType, LONG_PTR lParam)
{
    return EnumResourceNamesA(hModule, lpType, EnumNamesFunc, lParam);
}

static void ListResources(LPCSTR lpszFile)
{
    HMODULE hModule = LoadLibraryExA(lpszFile, NULL, LOAD_LIBRARY_AS_DATAFILE);
    if (hModule == NULL) {
        ErrorHandler("Could not load the module.");
        return;
    }
    printf("%s:\n", lpszFile);
    EnumResourceTypesA(hModule, EnumTypesFunc, 0);
    FreeLibrary(hModule);
}

int main(void)
{
    HGLOBAL hResLoad;   // handle to loaded resource
    HMODULE hExe;       // handle to existing module
    HRSRC hRes;         // handle/ptr. to res. info. in hExe
    HANDLE hUpdateRes;  // update resource handle
    LPVOID lpResLock;   // pointer to resource data
    DWORD cbRes;
    BOOL result;

    ListResources("foot.dll");

    // Load the module that contains the dialog box you want to copy.
    hExe = LoadLibraryExA("hand.dll", NULL, LOAD_LIBRARY_AS_DATAFILE);
    if (hExe == NULL) {
        ErrorHandler("Could not load hand.dll.");
        return 1;
    }

    // Locate the dialog box resource in the module.
    hRes = FindResourceA(hExe, MAKEINTRESOURCEA(IDD_HAND_ABOUTBOX), (LPCSTR)RT_DIALOG);
    if (hRes == NULL) {
        ErrorHandler("Could not locate dialog box.");
        return 1;
    }

    // Load the dialog box into global memory.
    hResLoad = LoadResource(hExe, hRes);
    if (hResLoad == NULL) {
        ErrorHandler("Could not load dialog box.");
        return 1;
    }

    // Lock the dialog box into global memory.
    lpResLock = LockResource(hResLoad);
    if (lpResLock == NULL) {
        ErrorHandler("Could not lock dialog box.");
        return 1;
    }
    cbRes = SizeofResource(hExe, hRes);
    printf("hand.dll: about box %d, %lu bytes\n", IDD_HAND_ABOUTBOX, (unsigned long)cbRes);

    // Open the file to which you want to add the dialog box resource.
    hUpdateRes = BeginUpdateResourceA("foot.dll", FALSE);
    if (hUpdateRes == NULL) {
        ErrorHandler("Could not open file for writing.");
        return 1;
    }

    // Add the dialog box resource to the update list.
    result = UpdateResourceA(hUpdateRes,         // update resource handle
                             (LPCSTR)RT_DIALOG,  // change dialog box resource
                             MAKEINTRESOURCEA(IDD_FOOT_ABOUTBOX), // dialog box id
                             MAKELANGID(LANG_NEUTRAL, SUBLANG_NEUTRAL), // neutral language
                             lpResLock,          // ptr to resource info
                             cbRes);             // size of resource info
    if (result == FALSE) {
        ErrorHandler("Could not add resource.");
        return 1;
    }

    // Write changes to foot.dll and then close it.
    if (!EndUpdateResourceA(hUpdateRes, FALSE)) {
        ErrorHandler("Could not write changes to file.");
        return 1;
    }
    printf("foot.dll: about box %d added\n", IDD_FOOT_ABOUTBOX);

    ListResources("foot.dll");

    // The copy is the same dialog box, byte for byte.
    HMODULE hFoot = LoadLibraryExA("foot.dll", NULL, LOAD_LIBRARY_AS_DATAFILE);
    HRSRC hCopy = FindResourceA(hFoot, MAKEINTRESOURCEA(IDD_FOOT_ABOUTBOX), (LPCSTR)RT_DIALOG);
    if (hCopy != NULL && SizeofResource(hFoot, hCopy) == cbRes &&
        memcmp(LockResource(LoadResource(hFoot, hCopy)), lpResLock, cbRes) == 0)
        printf("the copy matches the original\n");
    else
        printf("the copy differs from the original\n");
    FreeLibrary(hFoot);

    // Clean up.
    if (!FreeLibrary(hExe)) {
        ErrorHandler("Could not free hand.dll.");
        return 1;
    }
    return 0;
}
