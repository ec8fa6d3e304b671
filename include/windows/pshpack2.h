/*
 * pshpack2.h - structures declared after this pack to 2 bytes, until
 * poppack.h restores the previous packing.  No include guard: each
 * inclusion pushes once.
 */
#pragma pack(push, 2)
