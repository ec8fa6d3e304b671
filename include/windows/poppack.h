/*
 * poppack.h - restores the packing that the matching pshpackN.h pushed.
 * No include guard: each inclusion pops once.
 */
#pragma pack(pop)
