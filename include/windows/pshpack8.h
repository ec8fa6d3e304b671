/* pshpack8.h - structures declared after this are packed to 8 bytes until
 * poppack.h.  No include guard: it is included once per use. */
#pragma pack(push, 8)
