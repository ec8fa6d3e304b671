/*
 * pshpack1.h - structures declared after this pack to 1 bytes, until
 * poppack.h restores the previous packing.  No include guard: each
 * inclusion pushes once.
 */
#pragma pack(push, 1)
