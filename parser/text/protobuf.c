/* protobuf: the out-of-line parts of the wire-format cursor. */
#include "parser/text/protobuf.h"

#define S_MAX_GROUP_DEPTH 64

static int S_skip(tp_pb *c, uint32_t wire, int depth) {
  uint64_t v;
  const uint8_t *d;
  size_t n;
  switch (wire) {
    case TP_PB_VARINT: return tp_pb_varint(c, &v);
    case TP_PB_FIXED64: return tp_pb_fixed64(c, &v);
    case TP_PB_LEN: return tp_pb_bytes(c, &d, &n);
    case TP_PB_FIXED32: {
      uint32_t w;
      return tp_pb_fixed32(c, &w);
    }
    case TP_PB_SGROUP: {
      /* Deprecated groups: skip fields until the matching end-group key. */
      if (depth >= S_MAX_GROUP_DEPTH) return -1;
      for (;;) {
        uint32_t f, w;
        if (tp_pb_key(c, &f, &w)) return -1;
        if (w == TP_PB_EGROUP) return 0;
        if (S_skip(c, w, depth + 1)) return -1;
      }
    }
    default: return -1; /* a stray end-group or wire types 6 and 7 */
  }
}

int tp_pb_skip(tp_pb *c, uint32_t wire) {
  tp_pb save = *c;
  if (S_skip(c, wire, 0)) {
    *c = save;
    return -1;
  }
  return 0;
}

int tp_pb_elem(tp_pb *c, uint32_t elem_wire, uint64_t *bits) {
  uint32_t w32;
  switch (elem_wire) {
    case TP_PB_VARINT: return tp_pb_varint(c, bits);
    case TP_PB_FIXED64: return tp_pb_fixed64(c, bits);
    case TP_PB_FIXED32:
      if (tp_pb_fixed32(c, &w32)) return -1;
      *bits = w32;
      return 0;
    default: return -1;
  }
}

int tp_pb_repeated(tp_pb *c, uint32_t wire, uint32_t elem_wire, uint64_t *bits, tp_pb *packed) {
  if (wire == TP_PB_LEN) return tp_pb_sub(c, packed) ? -1 : 1;
  if (wire != elem_wire) return -1;
  return tp_pb_elem(c, elem_wire, bits);
}
