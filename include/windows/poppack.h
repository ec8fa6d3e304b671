/* poppack.h - ends the packing a pshpackN.h began.  No include guard. */
#pragma pack(pop)
