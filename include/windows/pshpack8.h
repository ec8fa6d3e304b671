/*
 * pshpack8.h - structures declared after this pack to 8 bytes, until
 * poppack.h restores the previous packing.  No include guard: each
 * inclusion pushes once.
 */
#pragma pack(push, 8)
