/* A plain main() for fuzz/api_fuzz.c, for builds without libFuzzer (make
 * check): runs every file given (or every file of the directories given)
 * as one input, then a fixed-seed batch of generated inputs.
 *   replay [-n COUNT] [-s SEED] [FILE|DIR]...
 * COUNT generated inputs (default 300) of 16..512 bytes from SEED
 * (default 18).  Exit status 0 when every input ran; a broken invariant
 * aborts in the harness, after the input's name was printed. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long inputs;

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    static uint8_t buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    fprintf(stderr, "replay: %s\r", path);
    LLVMFuzzerTestOneInput(buf, n);
    inputs++;
    return 0;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st)) {
        perror(path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode))
        return run_file(path);
    DIR *d = opendir(path);
    if (!d) {
        perror(path);
        return 1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                abort();
        }
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        if (!names[n])
            abort();
        snprintf(names[n++], len, "%s/%s", path, e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp); /* the same order every run */
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        bad |= run_file(names[i]);
        free(names[i]);
    }
    free(names);
    return bad;
}

int main(int argc, char **argv)
{
    unsigned long count = 300, seed = 18;
    int bad = 0, i;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc)
            count = strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "-s") && i + 1 < argc)
            seed = strtoul(argv[++i], NULL, 0);
        else
            bad |= run_path(argv[i]);
    }
    uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
    static uint8_t buf[512];
    for (unsigned long k = 0; k < count; k++) {
        size_t len = 16 + (size_t)(x % (sizeof buf - 16));
        for (size_t j = 0; j < len; j++) {
            x ^= x << 13; /* xorshift64 */
            x ^= x >> 7;
            x ^= x << 17;
            buf[j] = (uint8_t)(x >> 24);
        }
        fprintf(stderr, "replay: generated input %lu (seed %lu)\r", k, seed);
        LLVMFuzzerTestOneInput(buf, len);
        inputs++;
    }
    fprintf(stderr, "\nreplay: %lu inputs\n", inputs);
    return bad;
}
