/*
 * pshpack4.h - structures declared after this pack to 4 bytes, until
 * poppack.h restores the previous packing.  No include guard: each
 * inclusion pushes once.
 */
#pragma pack(push, 4)
