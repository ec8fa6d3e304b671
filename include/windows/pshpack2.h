/* pshpack2.h - structures declared after this are packed to 2 bytes until
 * poppack.h.  No include guard: it is included once per use. */
#pragma pack(push, 2)
