/*
 * PE files and their resource trees: the reader resource.c uses on a
 * LOAD_LIBRARY_AS_DATAFILE mapping, and the writer behind
 * EndUpdateResource.  The layout is the PE/COFF specification's:
 *
 *   MS-DOS stub ("MZ", the PE header's offset at 0x3c) -> "PE\0\0" -> the
 *   COFF file header (20 bytes) -> the optional header (magic 0x10b PE32,
 *   0x20b PE32+; its data directories, entry 2 the resource table) -> the
 *   section table (40 bytes a section).
 *
 * The resource table is a three-level tree of directory tables (type,
 * name, language), each a 16-byte header (NumberOfNamedEntries,
 * NumberOfIdEntries) and 8-byte entries: named entries first in
 * case-insensitive ascending order, then id entries ascending.  An entry's
 * name is an id, or (high bit) the offset of a length-prefixed UTF-16
 * string; its target is (high bit) a subdirectory's offset or a data
 * entry's (RVA, size, code page, reserved).  Offsets count from the start
 * of the resource table; data entries hold RVAs.
 *
 * The writer lays a new table out as the resource compiler does: every
 * directory table breadth-first, the name strings, the data entries, the
 * data (each piece 8-byte aligned).  It replaces the old resource section
 * when that section is the file's last, by address and in the file, with
 * nothing after it; otherwise it appends a section (".rsrc") after the
 * last one, which needs a free slot in the section table below
 * SizeOfHeaders.  Then SizeOfImage (SectionAlignment), the section's
 * sizes (FileAlignment), SizeOfInitializedData and the data directory are
 * set and the checksum recomputed as imagehlp's CheckSumMappedFile does.
 */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "proc/peres.h"
#include "text/text.h"

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void wr32(uint8_t *p, uint32_t v)
{
    wr16(p, v);
    wr16(p + 2, v >> 16);
}

/* Optional-header fields used here (offsets from its start). */
#define OPT_SIZE_INIT_DATA 8
#define OPT_SECTION_ALIGN 32
#define OPT_FILE_ALIGN 36
#define OPT_SIZE_IMAGE 56
#define OPT_SIZE_HEADERS 60
#define OPT_CHECKSUM 64
#define SECT_SIZE 40
#define DIR_RESOURCE 2
#define SCN_INITIALIZED_DATA 0x00000040u
#define SCN_MEM_READ 0x40000000u

DWORD pe_parse(const void *data, size_t len, struct pe_file *out)
{
    const uint8_t *p = data;
    memset(out, 0, sizeof *out);
    if (len < 0x40 || p[0] != 'M' || p[1] != 'Z')
        return ERROR_BAD_EXE_FORMAT;
    uint32_t pe = rd32(p + 0x3c);
    if (pe > len || len - pe < 24 + 2 || memcmp(p + pe, "PE\0\0", 4))
        return ERROR_BAD_EXE_FORMAT;
    uint16_t nsect = rd16(p + pe + 6);
    uint16_t optsize = rd16(p + pe + 20);
    uint32_t opt = pe + 24;
    if (len - opt < optsize)
        return ERROR_BAD_EXE_FORMAT;
    uint16_t magic = rd16(p + opt);
    bool plus = magic == 0x20b;
    if (magic != 0x10b && !plus)
        return ERROR_BAD_EXE_FORMAT;
    uint32_t nd_off = plus ? 108 : 92;
    if (optsize < nd_off + 4)
        return ERROR_BAD_EXE_FORMAT;
    uint32_t ndirs = rd32(p + opt + nd_off);
    if (ndirs > (optsize - nd_off - 4) / 8)
        ndirs = (optsize - nd_off - 4) / 8;
    uint32_t sect = opt + optsize;
    if ((len - sect) / SECT_SIZE < nsect)
        return ERROR_BAD_EXE_FORMAT;
    out->p = p;
    out->len = len;
    out->opt = opt;
    out->sect = sect;
    out->dirs = opt + nd_off + 4;
    out->ndirs = ndirs;
    out->nsect = nsect;
    out->plus = plus;
    if (ndirs > DIR_RESOURCE) {
        out->rsrc_rva = rd32(p + out->dirs + 8 * DIR_RESOURCE);
        out->rsrc_size = rd32(p + out->dirs + 8 * DIR_RESOURCE + 4);
    }
    return 0;
}

const uint8_t *pe_at_rva(const struct pe_file *pe, uint32_t rva, uint32_t size)
{
    for (uint16_t i = 0; i < pe->nsect; i++) {
        const uint8_t *s = pe->p + pe->sect + (size_t)i * SECT_SIZE;
        uint32_t va = rd32(s + 12), raw = rd32(s + 16), ptr = rd32(s + 20);
        if (rva < va || rva - va >= raw || raw - (rva - va) < size)
            continue;
        if (ptr > pe->len || pe->len - ptr < raw)
            return NULL;
        return pe->p + ptr + (rva - va);
    }
    return NULL;
}

/* ---- reading the tree ---- */

DWORD rsrc_open(const struct pe_file *pe, struct rsrc *out)
{
    if (!pe->rsrc_rva || pe->rsrc_size < 16)
        return ERROR_RESOURCE_DATA_NOT_FOUND;
    /* The directory may claim more than the section's raw data holds;
     * take what is there. */
    uint32_t size = pe->rsrc_size;
    const uint8_t *root = NULL;
    while (size >= 16 && !(root = pe_at_rva(pe, pe->rsrc_rva, size)))
        size = size > 4096 ? size - 4096 : size / 2;
    if (!root)
        return ERROR_RESOURCE_DATA_NOT_FOUND;
    out->root = root;
    out->size = size;
    out->rva = pe->rsrc_rva;
    return 0;
}

uint32_t rsrc_count(const struct rsrc *r, uint32_t dir)
{
    if (dir > r->size || r->size - dir < 16)
        return 0;
    uint32_t n = (uint32_t)rd16(r->root + dir + 12) + rd16(r->root + dir + 14);
    uint32_t room = (r->size - dir - 16) / 8;
    return n < room ? n : room;
}

bool rsrc_entry(const struct rsrc *r, uint32_t dir, uint32_t i, struct res_key *key,
                uint32_t *target, bool *is_dir)
{
    if (i >= rsrc_count(r, dir))
        return false;
    const uint8_t *e = r->root + dir + 16 + 8 * (size_t)i;
    uint32_t name = rd32(e), to = rd32(e + 4);
    key->name = NULL;
    key->len = 0;
    key->id = 0;
    if (name & 0x80000000u) {
        uint32_t off = name & 0x7fffffffu;
        if (off > r->size || r->size - off < 2)
            return false;
        uint16_t n = rd16(r->root + off);
        if ((r->size - off - 2) / 2 < n)
            return false;
        key->name = (const WCHAR *)(const void *)(r->root + off + 2);
        key->len = n;
    } else {
        key->id = (uint16_t)name;
    }
    *is_dir = to & 0x80000000u;
    *target = to & 0x7fffffffu;
    return *target < r->size;
}

/* A name unit from the file (which may be unaligned) or from memory. */
static WCHAR key_unit(const struct res_key *k, uint16_t i)
{
    return (WCHAR)rd16((const uint8_t *)(const void *)k->name + 2 * (size_t)i);
}

int res_key_cmp(const struct res_key *a, const struct res_key *b)
{
    if (!a->name || !b->name) {
        if (a->name)
            return -1;
        if (b->name)
            return 1;
        return (a->id > b->id) - (a->id < b->id);
    }
    uint16_t n = a->len < b->len ? a->len : b->len;
    for (uint16_t i = 0; i < n; i++) {
        WCHAR x = text_upper(key_unit(a, i)), y = text_upper(key_unit(b, i));
        if (x != y)
            return x < y ? -1 : 1;
    }
    return (a->len > b->len) - (a->len < b->len);
}

bool rsrc_lookup(const struct rsrc *r, uint32_t dir, const struct res_key *k, uint32_t *target,
                 bool *is_dir)
{
    uint32_t n = rsrc_count(r, dir);
    for (uint32_t i = 0; i < n; i++) {
        struct res_key e;
        if (rsrc_entry(r, dir, i, &e, target, is_dir) && !res_key_cmp(&e, k))
            return true;
    }
    return false;
}

bool rsrc_data(const struct rsrc *r, uint32_t leaf, uint32_t *rva, uint32_t *size)
{
    if (leaf > r->size || r->size - leaf < 16)
        return false;
    *rva = rd32(r->root + leaf);
    *size = rd32(r->root + leaf + 4);
    return true;
}

/* ---- writing ---- */

uint32_t pe_checksum(const uint8_t *p, size_t len, uint32_t checksum_off)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2) {
        if (i == checksum_off || i == (size_t)checksum_off + 2)
            continue;
        sum += rd16(p + i);
        sum = (sum & 0xffff) + (sum >> 16);
    }
    if (len & 1) {
        sum += p[len - 1];
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum = (sum & 0xffff) + (sum >> 16);
    return sum + (uint32_t)len;
}

static int item_cmp(const void *x, const void *y)
{
    const struct res_item *a = x, *b = y;
    int c = res_key_cmp(&a->type, &b->type);
    if (!c)
        c = res_key_cmp(&a->name, &b->name);
    if (!c)
        c = (a->lang > b->lang) - (a->lang < b->lang);
    return c;
}

static uint32_t align_up(uint32_t v, uint32_t a)
{
    return a ? (v + a - 1) / a * a : v;
}

/* A directory table's header and entry count at *at. */
static void put_dir(uint8_t *blob, uint32_t at, uint16_t named, uint16_t ids)
{
    memset(blob + at, 0, 16);
    wr16(blob + at + 12, named);
    wr16(blob + at + 14, ids);
}

/* Where each piece of the table goes. */
struct layout {
    uint32_t ntypes, nnames; /* distinct types, distinct (type, name) pairs */
    uint32_t dirs_end, strings_end, entries_end, total;
};

static bool same_type(const struct res_item *a, const struct res_item *b)
{
    return !res_key_cmp(&a->type, &b->type);
}

static bool same_name(const struct res_item *a, const struct res_item *b)
{
    return same_type(a, b) && !res_key_cmp(&a->name, &b->name);
}

static uint32_t string_size(const struct res_key *k)
{
    return k->name ? 2 + 2 * (uint32_t)k->len : 0;
}

static bool plan(const struct res_item *it, size_t n, struct layout *l)
{
    uint64_t strings = 0, data = 0;
    memset(l, 0, sizeof *l);
    for (size_t i = 0; i < n; i++) {
        if (!i || !same_type(&it[i], &it[i - 1])) {
            l->ntypes++;
            strings += string_size(&it[i].type);
        }
        if (!i || !same_name(&it[i], &it[i - 1])) {
            l->nnames++;
            strings += string_size(&it[i].name);
        }
        data += align_up(it[i].size, 8);
    }
    /* root + one table per type + one per name; entries: types + names +
     * languages (one per item). */
    uint64_t dirs = 16 * (1 + (uint64_t)l->ntypes + l->nnames) +
                    8 * ((uint64_t)l->ntypes + l->nnames + n);
    uint64_t s_end = dirs + strings;
    s_end = (s_end + 7) / 8 * 8;
    uint64_t e_end = s_end + 16 * (uint64_t)n;
    uint64_t total = e_end + data;
    if (total > 0x7fffffff)
        return false;
    l->dirs_end = (uint32_t)dirs;
    l->strings_end = (uint32_t)s_end;
    l->entries_end = (uint32_t)e_end;
    l->total = (uint32_t)total;
    return true;
}

static uint32_t put_string(uint8_t *blob, uint32_t *at, const struct res_key *k)
{
    uint32_t off = *at;
    wr16(blob + off, k->len);
    for (uint16_t i = 0; i < k->len; i++)
        wr16(blob + off + 2 + 2 * (uint32_t)i, key_unit(k, i));
    *at += string_size(k);
    return off;
}

static uint32_t entry_name(uint8_t *blob, uint32_t *strings, const struct res_key *k)
{
    return k->name ? 0x80000000u | put_string(blob, strings, k) : k->id;
}

/* The whole table for items (sorted) as it will sit at RVA va. */
static uint8_t *build_table(const struct res_item *it, size_t n, uint32_t va, uint32_t *size)
{
    struct layout l;
    if (!plan(it, n, &l))
        return NULL;
    uint8_t *blob = calloc(1, l.total ? l.total : 1);
    if (!blob)
        return NULL;
    uint32_t strings = l.dirs_end, entries = l.strings_end, data = l.entries_end;
    /* Table offsets, breadth-first: root, the type tables, the name tables. */
    uint32_t type_tab = 16 + 8 * l.ntypes;
    uint32_t name_tab = 0; /* first name table, after every type table */
    {
        uint32_t t = type_tab;
        for (size_t i = 0; i < n;) {
            size_t j = i;
            uint32_t names = 0;
            while (j < n && same_type(&it[j], &it[i])) {
                if (j == i || !same_name(&it[j], &it[j - 1]))
                    names++;
                j++;
            }
            t += 16 + 8 * names;
            i = j;
        }
        name_tab = t;
    }
    uint16_t root_named = 0, root_ids = 0;
    uint32_t root_e = 16, tt = type_tab, nt = name_tab;
    for (size_t i = 0; i < n;) { /* one type */
        size_t tend = i;
        while (tend < n && same_type(&it[tend], &it[i]))
            tend++;
        it[i].type.name ? root_named++ : root_ids++;
        wr32(blob + root_e, entry_name(blob, &strings, &it[i].type));
        wr32(blob + root_e + 4, 0x80000000u | tt);
        root_e += 8;
        uint16_t t_named = 0, t_ids = 0;
        uint32_t te = tt + 16;
        for (size_t k = i; k < tend;) { /* one name */
            size_t nend = k;
            while (nend < tend && same_name(&it[nend], &it[k]))
                nend++;
            it[k].name.name ? t_named++ : t_ids++;
            wr32(blob + te, entry_name(blob, &strings, &it[k].name));
            wr32(blob + te + 4, 0x80000000u | nt);
            te += 8;
            put_dir(blob, nt, 0, (uint16_t)(nend - k));
            uint32_t ne = nt + 16;
            for (size_t m = k; m < nend; m++) { /* one language */
                wr32(blob + ne, it[m].lang);
                wr32(blob + ne + 4, entries);
                ne += 8;
                wr32(blob + entries, va + data);
                wr32(blob + entries + 4, it[m].size);
                wr32(blob + entries + 8, 0); /* code page */
                wr32(blob + entries + 12, 0);
                entries += 16;
                if (it[m].size)
                    memcpy(blob + data, it[m].data, it[m].size);
                data += align_up(it[m].size, 8);
            }
            nt = ne;
            k = nend;
        }
        put_dir(blob, tt, t_named, t_ids);
        tt = te;
        i = tend;
    }
    put_dir(blob, 0, root_named, root_ids);
    *size = l.total;
    return blob;
}

DWORD pe_rewrite(uint8_t **buf, size_t *len, struct res_item *items, size_t n)
{
    struct pe_file pe;
    DWORD err = pe_parse(*buf, *len, &pe);
    if (err)
        return err;
    if (pe.ndirs <= DIR_RESOURCE)
        return ERROR_BAD_EXE_FORMAT;
    if (n)
        qsort(items, n, sizeof *items, item_cmp);
    uint8_t *f = *buf;
    uint32_t opt = pe.opt;
    uint32_t salign = rd32(f + opt + OPT_SECTION_ALIGN), falign = rd32(f + opt + OPT_FILE_ALIGN);
    /* The specification's alignments: powers of two, FileAlignment at
     * most 64 KiB, SectionAlignment at least FileAlignment. */
    if (!falign || (falign & (falign - 1)) || falign > 0x10000 || salign < falign ||
        (salign & (salign - 1)))
        return ERROR_BAD_EXE_FORMAT;

    /* The last section by address and by file offset; the resource one. */
    int last_va = -1, last_raw = -1, res = -1;
    uint32_t end_va = 0, end_raw = 0, min_raw = UINT32_MAX;
    for (int i = 0; i < pe.nsect; i++) {
        const uint8_t *s = f + pe.sect + (size_t)i * SECT_SIZE;
        uint32_t vs = rd32(s + 8), va = rd32(s + 12), raw = rd32(s + 16), ptr = rd32(s + 20);
        /* Each section's data lies in the file, its pages below 2 GiB
         * (what the writer may grow stays addressable). */
        if ((raw && (uint64_t)ptr + raw > *len) ||
            (uint64_t)va + (vs > raw ? vs : raw) + salign > 0x7fffffffu)
            return ERROR_BAD_EXE_FORMAT;
        uint32_t vend = va + align_up(vs > raw ? vs : raw, salign);
        if (vend >= end_va)
            end_va = vend, last_va = i;
        if (raw && ptr + raw >= end_raw)
            end_raw = ptr + raw, last_raw = i;
        if (raw && ptr < min_raw)
            min_raw = ptr;
        if (pe.rsrc_rva && va == pe.rsrc_rva)
            res = i;
    }
    bool in_place = res >= 0 && res == last_va && res == last_raw && end_raw >= *len;
    uint32_t idx, va, ptr;
    if (in_place) {
        idx = (uint32_t)res;
        const uint8_t *s = f + pe.sect + (size_t)idx * SECT_SIZE;
        va = rd32(s + 12);
        ptr = rd32(s + 20);
    } else {
        uint32_t headers = rd32(f + opt + OPT_SIZE_HEADERS);
        uint32_t table_end = pe.sect + (pe.nsect + 1u) * SECT_SIZE;
        if (table_end > headers || table_end > min_raw || pe.nsect == 0xffff)
            return ERROR_BAD_EXE_FORMAT; /* no room for another section */
        idx = pe.nsect;
        va = end_va;
        ptr = align_up((uint32_t)(*len > end_raw ? *len : end_raw), falign);
    }
    uint32_t tsize;
    if (*len > 0x7fffffffu)
        return ERROR_BAD_EXE_FORMAT;
    uint8_t *table = build_table(items, n, va, &tsize);
    if (!table)
        return ERROR_NOT_ENOUGH_MEMORY;
    if ((uint64_t)va + tsize + salign > 0xffffffffu || (uint64_t)ptr + tsize + falign > 0xffffffffu) {
        free(table);
        return ERROR_NOT_ENOUGH_MEMORY; /* beyond what a PE image can address */
    }
    uint32_t raw = align_up(tsize, falign);
    size_t nlen = (size_t)ptr + raw;
    uint8_t *nf = malloc(nlen);
    if (!nf) {
        free(table);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    size_t keep = in_place ? ptr : *len;
    memcpy(nf, f, keep < nlen ? keep : nlen);
    memset(nf + keep, 0, nlen - keep);
    memcpy(nf + ptr, table, tsize);
    free(table);

    uint8_t *s = nf + pe.sect + (size_t)idx * SECT_SIZE;
    uint32_t init = rd32(nf + opt + OPT_SIZE_INIT_DATA);
    if (in_place) {
        if (rd32(s + 36) & SCN_INITIALIZED_DATA)
            init = init - rd32(s + 16) + raw;
    } else {
        memset(s, 0, SECT_SIZE);
        memcpy(s, ".rsrc", 5);
        wr32(s + 36, SCN_INITIALIZED_DATA | SCN_MEM_READ);
        wr16(nf + pe.opt - 24 + 6, pe.nsect + 1u);
        init += raw;
    }
    wr32(s + 8, tsize);
    wr32(s + 12, va);
    wr32(s + 16, raw);
    wr32(s + 20, ptr);
    wr32(nf + opt + OPT_SIZE_INIT_DATA, init);
    /* The section is the last by address: the image ends with it. */
    wr32(nf + opt + OPT_SIZE_IMAGE, align_up(va + tsize, salign));
    wr32(nf + pe.dirs + 8 * DIR_RESOURCE, va);
    wr32(nf + pe.dirs + 8 * DIR_RESOURCE + 4, tsize);
    wr32(nf + opt + OPT_CHECKSUM, 0);
    wr32(nf + opt + OPT_CHECKSUM, pe_checksum(nf, nlen, opt + OPT_CHECKSUM));
    free(*buf);
    *buf = nf;
    *len = nlen;
    return 0;
}
