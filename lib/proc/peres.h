/*
 * Windows PE files and their resource trees (peres.c), as the PE/COFF
 * specification lays them out: what the resource API (resource.c) reads
 * from a LOAD_LIBRARY_AS_DATAFILE mapping and what UpdateResource writes.
 * Everything is read with explicit little-endian loads from a byte buffer
 * holding the file as it is on disk (not mapped as an image).
 */
#ifndef WINSHIM_PROC_PERES_H
#define WINSHIM_PROC_PERES_H

#include "core/base.h"

/* A PE file's headers, as offsets into the file. */
struct pe_file {
    const uint8_t *p;
    size_t len;
    uint32_t opt;      /* the optional header */
    uint32_t sect;     /* the section table */
    uint32_t dirs;     /* the data directories */
    uint32_t ndirs;    /* NumberOfRvaAndSizes */
    uint16_t nsect;
    bool plus;         /* PE32+ (64-bit) */
    uint32_t rsrc_rva; /* the resource data directory entry */
    uint32_t rsrc_size;
};
/* ERROR_BAD_EXE_FORMAT unless p holds a PE32 or PE32+ file. */
DWORD pe_parse(const void *p, size_t len, struct pe_file *out);
/* The file bytes of [rva, rva + size), or NULL when no section's raw data
 * holds all of them. */
const uint8_t *pe_at_rva(const struct pe_file *pe, uint32_t rva, uint32_t size);

/* A resource type, name or language key: an id (name NULL) or a string of
 * len UTF-16 units. */
struct res_key {
    const WCHAR *name;
    uint16_t len;
    uint16_t id;
};
/* Ordering of a directory's entries: strings first, compared unit by unit
 * after upper-casing (the specification's case-insensitive ascending
 * order), then ids ascending. */
int res_key_cmp(const struct res_key *a, const struct res_key *b);

/* The resource tree of a parsed file.  A node is the offset of a
 * directory table in the section; a leaf is the offset of a data entry. */
struct rsrc {
    const uint8_t *root;
    uint32_t size;
    uint32_t rva;
};
/* ERROR_RESOURCE_DATA_NOT_FOUND when the file has no resource section. */
DWORD rsrc_open(const struct pe_file *pe, struct rsrc *out);
/* Entries of directory `dir` (0 is the root). */
uint32_t rsrc_count(const struct rsrc *r, uint32_t dir);
/* Entry i: its key (a name points into the file) and its target, with
 * *is_dir saying whether it is a directory.  false when malformed. */
bool rsrc_entry(const struct rsrc *r, uint32_t dir, uint32_t i, struct res_key *key,
                uint32_t *target, bool *is_dir);
/* The entry of dir whose key equals k (names compared case-insensitively). */
bool rsrc_lookup(const struct rsrc *r, uint32_t dir, const struct res_key *k, uint32_t *target,
                 bool *is_dir);
/* A data entry: the data's RVA and size. */
bool rsrc_data(const struct rsrc *r, uint32_t leaf, uint32_t *rva, uint32_t *size);

/* One resource of a file being rewritten; names are upper-cased copies. */
struct res_item {
    struct res_key type, name;
    uint16_t lang;
    uint32_t size;
    void *data;
};
/* The file in (*buf, *len, malloc()ed) rewritten with exactly items[0..n)
 * as its resources: a new resource section in place of the old one when
 * that is the file's last, else appended as a new last section; the
 * headers (SizeOfImage, SizeOfInitializedData, the data directory, the
 * checksum) fixed.  items are sorted.  On success *buf and *len are the
 * new file's.  ERROR_BAD_EXE_FORMAT when the file cannot take a new
 * section (no room in its section table). */
DWORD pe_rewrite(uint8_t **buf, size_t *len, struct res_item *items, size_t n);
/* The checksum imagehlp's CheckSumMappedFile computes, the file's own
 * CheckSum field counted as 0. */
uint32_t pe_checksum(const uint8_t *p, size_t len, uint32_t checksum_off);

#endif
