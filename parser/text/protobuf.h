/* protobuf: a bounds-checked cursor over protobuf wire-format bytes.
 *
 * No schema, no allocation: a reader walks a message field by field with
 * tp_pb_key, takes each value with the helper for its wire type, and skips
 * what it does not know with tp_pb_skip.  Every helper checks the remaining
 * length first; on malformed input it returns -1 and leaves the cursor where
 * it was, so a caller can chain calls with || and give up on the message.
 * Lengths and counts read from the input are never trusted.
 *
 * The hot helpers are inline: the event-file reader calls them per field.
 */
#ifndef TP_PROTOBUF_H
#define TP_PROTOBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Wire types (protobuf encoding spec). */
enum { TP_PB_VARINT = 0, TP_PB_FIXED64 = 1, TP_PB_LEN = 2, TP_PB_SGROUP = 3, TP_PB_EGROUP = 4,
       TP_PB_FIXED32 = 5 };

typedef struct tp_pb {
  const uint8_t *p;   /* next unread byte */
  const uint8_t *end; /* one past the last byte of the message */
} tp_pb;

static inline tp_pb tp_pb_init(const void *data, size_t n) {
  const uint8_t *p = data;
  return (tp_pb){p, p + n};
}

static inline size_t tp_pb_left(const tp_pb *c) { return (size_t)(c->end - c->p); }

/* A base-128 varint of at most 10 bytes into *out. */
static inline int tp_pb_varint(tp_pb *c, uint64_t *out) {
  const uint8_t *p = c->p;
  /* Most keys and lengths fit in one byte. */
  if (p < c->end && !(*p & 0x80)) {
    *out = *p;
    c->p = p + 1;
    return 0;
  }
  uint64_t v = 0;
  for (unsigned shift = 0; shift < 70 && p < c->end; shift += 7) {
    uint8_t b = *p++;
    v |= (uint64_t)(b & 0x7F) << shift;
    if (!(b & 0x80)) {
      c->p = p;
      *out = v;
      return 0;
    }
  }
  return -1;
}

/* A field key: *field is the field number (>= 1), *wire the wire type. */
static inline int tp_pb_key(tp_pb *c, uint32_t *field, uint32_t *wire) {
  tp_pb save = *c;
  uint64_t k;
  if (tp_pb_varint(c, &k) || (k >> 3) == 0 || (k >> 3) > 0x1FFFFFFF) {
    *c = save;
    return -1;
  }
  *field = (uint32_t)(k >> 3);
  *wire = (uint32_t)(k & 7);
  return 0;
}

static inline int tp_pb_fixed32(tp_pb *c, uint32_t *out) {
  if (tp_pb_left(c) < 4) return -1;
  const uint8_t *p = c->p;
  *out = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
  c->p += 4;
  return 0;
}

static inline int tp_pb_fixed64(tp_pb *c, uint64_t *out) {
  if (tp_pb_left(c) < 8) return -1;
  uint64_t v = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy(&v, c->p, 8);
#else
  for (int i = 7; i >= 0; i--) v = v << 8 | c->p[i];
#endif
  c->p += 8;
  *out = v;
  return 0;
}

/* A length-delimited field: *data points into the message, *n bytes long. */
static inline int tp_pb_bytes(tp_pb *c, const uint8_t **data, size_t *n) {
  tp_pb save = *c;
  uint64_t len;
  if (tp_pb_varint(c, &len) || len > tp_pb_left(c)) {
    *c = save;
    return -1;
  }
  *data = c->p;
  *n = (size_t)len;
  c->p += len;
  return 0;
}

/* A length-delimited field as a sub-cursor over its bytes. */
static inline int tp_pb_sub(tp_pb *c, tp_pb *sub) {
  const uint8_t *d;
  size_t n;
  if (tp_pb_bytes(c, &d, &n)) return -1;
  *sub = tp_pb_init(d, n);
  return 0;
}

static inline double tp_pb_as_double(uint64_t bits) {
  double d;
  memcpy(&d, &bits, sizeof d);
  return d;
}

static inline float tp_pb_as_float(uint32_t bits) {
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

/* Skip the value of a field of wire type `wire` whose key was just read,
 * groups included (nested at most 64 deep). */
int tp_pb_skip(tp_pb *c, uint32_t wire);

/* Read one element of a repeated scalar field that may be packed or not:
 * with wire == TP_PB_LEN the whole packed run is returned in *packed (the
 * caller reads elements from it with `elem_wire`); otherwise the single
 * element is read into *bits.  Returns 1 for a packed run, 0 for one element,
 * -1 on malformed input or a wire type that does not fit elem_wire. */
int tp_pb_repeated(tp_pb *c, uint32_t wire, uint32_t elem_wire, uint64_t *bits, tp_pb *packed);

/* Read one element of wire type elem_wire (VARINT, FIXED32, FIXED64) into *bits. */
int tp_pb_elem(tp_pb *c, uint32_t elem_wire, uint64_t *bits);

#endif
