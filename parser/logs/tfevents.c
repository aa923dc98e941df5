/* tfevents: TFRecord framing, Event/Summary decoding and the run loader.
 *
 * Three layers, one per banner below: the framer (S_reader) reads records
 * through a bounded buffer and checks both CRCs; the decoder (S_dec) walks
 * one Event payload with the protobuf cursor and calls the visitor; the
 * loader turns visitor calls into tp_run updates.
 */
#include "parser/logs/tfevents.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/mem.h"
#include "parser/text/crc32c.h"
#include "parser/text/number.h"
#include "parser/text/protobuf.h"
#include "parser/text/sha256.h"

#define S_BUF_INITIAL (1u << 20)   /* read buffer to start with, bytes */
#define S_MAX_DIAGS 50             /* diagnostics listed per file */
#define S_MAX_TAGS 100000          /* distinct tags kept per file */
#define S_PREFIX 65536             /* bytes of an oversized record decoded */

/* ------------------------------------------------------------------------ */
/* Tag table: interned tags with the class fixed by their first value.      */

typedef enum S_class {
  S_SCALAR, S_HPARAMS, S_HISTO, S_IMAGE, S_AUDIO, S_TEXT, S_PR, S_TENSOR, S_OTHER
} S_class;

static const char *const S_kind_name[] = {
    [S_SCALAR] = "scalar", [S_HPARAMS] = "hparams", [S_HISTO] = "histogram",
    [S_IMAGE] = "image",   [S_AUDIO] = "audio",     [S_TEXT] = "text",
    [S_PR] = "pr_curve",   [S_TENSOR] = "tensor",   [S_OTHER] = "other"};

typedef struct S_tag {
  char *name;     /* NUL-terminated copy of the tag */
  size_t len;     /* bytes in name */
  uint64_t hash;
  S_class cls;    /* fixed by the first value of the tag */
  uint32_t next;  /* id + 1 of the tag that followed this one last time, 0 if none */
} S_tag;

typedef struct S_tags {
  S_tag *items;   /* by tag id */
  uint32_t last;  /* id + 1 of the tag looked up last, 0 if none */
  size_t n, cap;
  uint32_t *slots;/* open addressing: tag id + 1, 0 = empty */
  size_t n_slots; /* power of two */
} S_tags;

/* A hash of p[0..n), eight bytes at a time (tags are short and hashed once
 * per value, so this is on the hot path). */
static uint64_t S_hash(const uint8_t *p, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0xFF51AFD7ED558CCDULL);
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    h = (h ^ w) * 0xC2B2AE3D27D4EB4FULL;
    h ^= h >> 29;
  }
  if (n) {
    uint64_t w = 0;
    memcpy(&w, p, n);
    h = (h ^ w) * 0xC2B2AE3D27D4EB4FULL;
  }
  return h ^ (h >> 32);
}

/* a[0..n) == b[0..n), without a call for the short strings tags are: two
 * overlapping loads cover 4 to 16 bytes. */
static inline bool S_same(const void *a, const void *b, size_t n) {
  const uint8_t *x = a, *y = b;
  if (n >= 8 && n <= 16) {
    uint64_t a0, a1, b0, b1;
    memcpy(&a0, x, 8), memcpy(&b0, y, 8);
    memcpy(&a1, x + n - 8, 8), memcpy(&b1, y + n - 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  if (n >= 4 && n < 8) {
    uint32_t a0, a1, b0, b1;
    memcpy(&a0, x, 4), memcpy(&b0, y, 4);
    memcpy(&a1, x + n - 4, 4), memcpy(&b1, y + n - 4, 4);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  if (n < 4) {
    for (size_t i = 0; i < n; i++)
      if (x[i] != y[i]) return false;
    return true;
  }
  return memcmp(x, y, n) == 0;
}

static void S_tags_rehash(S_tags *t, size_t n_slots) {
  free(t->slots);
  t->slots = tp_xcalloc(n_slots, sizeof *t->slots);
  t->n_slots = n_slots;
  for (size_t i = 0; i < t->n; i++) {
    size_t h = (size_t)t->items[i].hash & (n_slots - 1);
    while (t->slots[h]) h = (h + 1) & (n_slots - 1);
    t->slots[h] = (uint32_t)i + 1;
  }
}

/* The id of tag p[0..n), or -1 when absent.  *hash receives its hash. */
static long S_tags_find(const S_tags *t, const uint8_t *p, size_t n, uint64_t *hash) {
  uint64_t h = S_hash(p, n);
  *hash = h;
  if (!t->n_slots) return -1;
  for (size_t s = (size_t)h & (t->n_slots - 1); t->slots[s]; s = (s + 1) & (t->n_slots - 1)) {
    const S_tag *e = &t->items[t->slots[s] - 1];
    if (e->hash == h && e->len == n && S_same(e->name, p, n)) return (long)t->slots[s] - 1;
  }
  return -1;
}

/* S_tags_find, first trying the tag that followed the previous one last
 * time: writers log their tags in a fixed cycle, so the guess is usually
 * right and the hash is not needed.  *hash is only set on a miss. */
static long S_tags_lookup(S_tags *t, const uint8_t *p, size_t n, uint64_t *hash) {
  S_tag *prev = t->last ? &t->items[t->last - 1] : NULL;
  long id;
  if (prev && prev->next && t->items[prev->next - 1].len == n &&
      S_same(t->items[prev->next - 1].name, p, n))
    id = (long)prev->next - 1;
  else if ((id = S_tags_find(t, p, n, hash)) >= 0 && prev)
    prev->next = (uint32_t)id + 1;
  if (id >= 0) t->last = (uint32_t)id + 1;
  return id;
}

static uint32_t S_tags_add(S_tags *t, const uint8_t *p, size_t n, uint64_t hash, S_class cls) {
  TP_GROW(t->items, t->cap, t->n + 1);
  t->items[t->n] = (S_tag){tp_xstrndup((const char *)p, n), n, hash, cls, 0};
  t->n++;
  if (t->n * 2 > t->n_slots) S_tags_rehash(t, t->n_slots ? t->n_slots * 2 : 64);
  else {
    size_t s = (size_t)hash & (t->n_slots - 1);
    while (t->slots[s]) s = (s + 1) & (t->n_slots - 1);
    t->slots[s] = (uint32_t)t->n;
  }
  return (uint32_t)(t->n - 1);
}

static void S_tags_free(S_tags *t) {
  for (size_t i = 0; i < t->n; i++) free(t->items[i].name);
  free(t->items);
  free(t->slots);
  *t = (S_tags){0};
}

/* ------------------------------------------------------------------------ */
/* Decoder: one Event payload at a time.                                     */

typedef struct S_dec {
  const char *path;               /* for diagnostics */
  tp_diags *d;
  const tp_tfevents_visitor *v;
  void *ctx;
  S_tags tags;
  tp_buf key, text;               /* scratch for NUL-terminated strings */
  tp_tfevents_stats st;
  size_t n_diags, n_suppressed;   /* diagnostics listed / held back */
  bool tags_full;                 /* S_MAX_TAGS reached (reported once) */
} S_dec;

static void S_diag(S_dec *dc, tp_severity sev, int64_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void S_diag(S_dec *dc, tp_severity sev, int64_t off, const char *fmt, ...) {
  if (dc->n_diags >= S_MAX_DIAGS) {
    dc->n_suppressed++;
    return;
  }
  dc->n_diags++;
  va_list ap;
  va_start(ap, fmt);
  char *msg = tp_xvasprintf(fmt, ap);
  va_end(ap);
  tp_diag_add(dc->d, sev, dc->path, off, -1, "%s", msg);
  free(msg);
}

static const char *S_cstr(tp_buf *b, const uint8_t *p, size_t n) {
  tp_buf_clear(b);
  tp_buf_add(b, (const char *)p, n);
  return tp_buf_str(b);
}

static bool S_is(const uint8_t *p, size_t n, const char *lit) {
  return n == strlen(lit) && memcmp(p, lit, n) == 0;
}

/* IEEE 754 binary16 bits to double, exactly. */
static double S_half(uint32_t h) {
  int sign = (h >> 15) & 1, exp = (h >> 10) & 0x1F;
  unsigned mant = h & 0x3FF;
  double v;
  if (exp == 0) v = ldexp((double)mant, -24);
  else if (exp == 31) v = mant ? NAN : INFINITY;
  else v = ldexp((double)(mant | 0x400), exp - 25);
  return sign ? -v : v;
}

/* Little-endian unsigned integer of n <= 8 bytes. */
static inline uint64_t S_le(const uint8_t *p, size_t n) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (n == 8) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
  }
  if (n == 4) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
  }
#endif
  uint64_t v = 0;
  for (size_t i = n; i-- > 0;) v = v << 8 | p[i];
  return v;
}

/* DataType enum values (tensorflow types.proto) that hold numbers. */
enum { DT_FLOAT = 1, DT_DOUBLE = 2, DT_INT32 = 3, DT_UINT8 = 4, DT_INT16 = 5, DT_INT8 = 6,
       DT_INT64 = 9, DT_BOOL = 10, DT_BFLOAT16 = 14, DT_UINT16 = 17, DT_HALF = 19,
       DT_UINT32 = 22, DT_UINT64 = 23 };

/* Element width in tensor_content and the TensorProto field that carries the
 * dtype as a typed repeated value; 0 for non-numeric dtypes. */
static int S_dtype(uint64_t dtype, size_t *width) {
  switch (dtype) {
    case DT_FLOAT: *width = 4; return 5;
    case DT_DOUBLE: *width = 8; return 6;
    case DT_INT32: *width = 4; return 7;
    case DT_UINT8: case DT_INT8: case DT_BOOL: *width = 1; return dtype == DT_BOOL ? 11 : 7;
    case DT_INT16: case DT_UINT16: *width = 2; return 7;
    case DT_INT64: *width = 8; return 10;
    case DT_BFLOAT16: case DT_HALF: *width = 2; return 13;
    case DT_UINT32: *width = 4; return 16;
    case DT_UINT64: *width = 8; return 17;
    default: *width = 0; return 0;
  }
}

/* The value of one element given as raw bits of its dtype. */
static double S_convert(uint64_t dtype, uint64_t bits) {
  switch (dtype) {
    case DT_FLOAT: return (double)tp_pb_as_float((uint32_t)bits);
    case DT_DOUBLE: return tp_pb_as_double(bits);
    case DT_INT32: return (double)(int32_t)(uint32_t)bits;
    case DT_UINT8: return (double)(uint8_t)bits;
    case DT_INT16: return (double)(int16_t)(uint16_t)bits;
    case DT_INT8: return (double)(int8_t)(uint8_t)bits;
    case DT_INT64: return (double)(int64_t)bits;
    case DT_BOOL: return bits ? 1.0 : 0.0;
    case DT_BFLOAT16: return (double)tp_pb_as_float((uint32_t)(bits & 0xFFFF) << 16);
    case DT_UINT16: return (double)(uint16_t)bits;
    case DT_HALF: return S_half((uint32_t)(bits & 0xFFFF));
    case DT_UINT32: return (double)(uint32_t)bits;
    default: return (double)bits; /* DT_UINT64 */
  }
}

/* Wire type of the elements of the numeric TensorProto fields 5..17. */
static uint32_t S_elem_wire(uint32_t field) {
  switch (field) {
    case 5: return TP_PB_FIXED32;
    case 6: return TP_PB_FIXED64;
    case 7: case 10: case 11: case 13: case 16: case 17: return TP_PB_VARINT;
    default: return 0xFF;
  }
}

/* The elements of typed field `field` of tensor t: how many, and the first. */
static int S_typed(tp_pb t, uint32_t field, uint64_t *count, uint64_t *first) {
  uint32_t ew = S_elem_wire(field);
  *count = 0;
  while (tp_pb_left(&t)) {
    uint32_t f, w;
    uint64_t bits;
    tp_pb packed;
    if (tp_pb_key(&t, &f, &w)) return -1;
    if (f != field) {
      if (tp_pb_skip(&t, w)) return -1;
      continue;
    }
    int r = tp_pb_repeated(&t, w, ew, &bits, &packed);
    if (r < 0) return -1;
    if (r == 0) {
      if (!(*count)++) *first = bits;
      continue;
    }
    while (tp_pb_left(&packed)) {
      if (tp_pb_elem(&packed, ew, &bits)) return -1;
      if (!(*count)++) *first = bits;
    }
  }
  return 0;
}

/* The number of elements a TensorShapeProto describes (UINT64_MAX when it
 * overflows), or -1 when malformed or of unknown rank. */
static int S_shape(tp_pb shape, uint64_t *n_elems) {
  *n_elems = 1;
  while (tp_pb_left(&shape)) {
    uint32_t sf, sw;
    if (tp_pb_key(&shape, &sf, &sw)) return -1;
    if (sf == 2 && sw == TP_PB_LEN) {
      tp_pb dim;
      uint64_t size = 0;
      if (tp_pb_sub(&shape, &dim)) return -1;
      while (tp_pb_left(&dim)) {
        uint32_t df, dw;
        if (tp_pb_key(&dim, &df, &dw)) return -1;
        if (df == 1 && dw == TP_PB_VARINT) {
          if (tp_pb_varint(&dim, &size)) return -1;
        } else if (tp_pb_skip(&dim, dw)) return -1;
      }
      if ((int64_t)size < 0) return -1;
      *n_elems = size == 0 ? 0 : (*n_elems > UINT64_MAX / size ? UINT64_MAX : *n_elems * size);
    } else if (sf == 3 && sw == TP_PB_VARINT) {
      uint64_t unknown;
      if (tp_pb_varint(&shape, &unknown) || unknown) return -1;
    } else if (tp_pb_skip(&shape, sw)) return -1;
  }
  return 0;
}

/* The single numeric value of a one-element TensorProto.  0, or -1 when the
 * tensor is malformed, not numeric or not exactly one element.  tensor_content
 * wins over the typed field, as in TensorFlow's make_ndarray. */
static int S_tensor_scalar(tp_pb t, double *out) {
  uint64_t dtype = 0, n_elems = 1;
  const uint8_t *content = NULL;
  size_t content_n = 0;
  tp_pb all = t;
  while (tp_pb_left(&t)) {
    uint32_t f, w;
    if (tp_pb_key(&t, &f, &w)) return -1;
    if (f == 1 && w == TP_PB_VARINT) {
      if (tp_pb_varint(&t, &dtype)) return -1;
    } else if (f == 2 && w == TP_PB_LEN) {
      tp_pb shape;
      if (tp_pb_sub(&t, &shape) || S_shape(shape, &n_elems)) return -1;
    } else if (f == 4 && w == TP_PB_LEN) {
      if (tp_pb_bytes(&t, &content, &content_n)) return -1;
    } else if (tp_pb_skip(&t, w)) return -1;
  }
  size_t width;
  int field = S_dtype(dtype, &width);
  if (!field || n_elems != 1) return -1;
  if (content_n) {
    if (content_n != width) return -1;
    *out = S_convert(dtype, S_le(content, width));
    return 0;
  }
  uint64_t count, first = 0;
  if (S_typed(all, (uint32_t)field, &count, &first) || count != 1) return -1;
  *out = S_convert(dtype, first);
  return 0;
}

/* A google.protobuf.Value of a session_start_info hparam, to the visitor. */
static int S_hparam_value(S_dec *dc, const char *key, tp_pb val) {
  int have = 0;
  tp_hparam_kind kind = TP_HP_STRING;
  double number = NAN;
  const uint8_t *s = NULL;
  size_t sn = 0;
  while (tp_pb_left(&val)) {
    uint32_t f, w;
    uint64_t bits;
    if (tp_pb_key(&val, &f, &w)) return -1;
    if (f == 1 && w == TP_PB_VARINT) { /* null_value (google.protobuf.NullValue) */
      if (tp_pb_varint(&val, &bits)) return -1;
      kind = TP_HP_NULL, number = NAN, have = 1;
    } else if (f == 2 && w == TP_PB_FIXED64) {
      if (tp_pb_fixed64(&val, &bits)) return -1;
      kind = TP_HP_NUMBER, number = tp_pb_as_double(bits), have = 1;
    } else if (f == 3 && w == TP_PB_LEN) {
      if (tp_pb_bytes(&val, &s, &sn)) return -1;
      kind = TP_HP_STRING, have = 1;
    } else if (f == 4 && w == TP_PB_VARINT) {
      if (tp_pb_varint(&val, &bits)) return -1;
      kind = TP_HP_BOOL, number = bits ? 1 : 0, have = 1;
    } else if (tp_pb_skip(&val, w)) return -1; /* struct and list values */
  }
  if (!have || !dc->v->hparam) return 0;
  char num[32];
  const char *text = kind == TP_HP_STRING ? S_cstr(&dc->text, s, sn)
                     : kind == TP_HP_NULL ? "null"
                     : kind == TP_HP_BOOL ? (number ? "true" : "false")
                                          : tp_fmt_double(num, number);
  dc->v->hparam(dc->ctx, key, kind, text, number);
  return 0;
}

static int S_session_start_info(S_dec *dc, tp_pb c) {
  while (tp_pb_left(&c)) {
    uint32_t f, w;
    if (tp_pb_key(&c, &f, &w)) return -1;
    if (f != 1 || w != TP_PB_LEN) {
      if (tp_pb_skip(&c, w)) return -1;
      continue;
    }
    tp_pb entry, val = {0};
    const uint8_t *k = NULL;
    size_t kn = 0;
    if (tp_pb_sub(&c, &entry)) return -1;
    while (tp_pb_left(&entry)) {
      uint32_t ef, ew;
      if (tp_pb_key(&entry, &ef, &ew)) return -1;
      if (ef == 1 && ew == TP_PB_LEN) {
        if (tp_pb_bytes(&entry, &k, &kn)) return -1;
      } else if (ef == 2 && ew == TP_PB_LEN) {
        if (tp_pb_sub(&entry, &val)) return -1;
      } else if (tp_pb_skip(&entry, ew)) return -1;
    }
    if (k && val.p && S_hparam_value(dc, S_cstr(&dc->key, k, kn), val)) return -1;
  }
  return 0;
}

static int S_experiment(S_dec *dc, tp_pb c) {
  static const char *const types[] = {"", "string", "bool", "number"};
  while (tp_pb_left(&c)) {
    uint32_t f, w;
    if (tp_pb_key(&c, &f, &w)) return -1;
    if (f == 4 && w == TP_PB_LEN) { /* HParamInfo */
      tp_pb info;
      const uint8_t *name = NULL;
      size_t nn = 0;
      uint64_t type = 0;
      if (tp_pb_sub(&c, &info)) return -1;
      while (tp_pb_left(&info)) {
        uint32_t hf, hw;
        if (tp_pb_key(&info, &hf, &hw)) return -1;
        if (hf == 1 && hw == TP_PB_LEN) {
          if (tp_pb_bytes(&info, &name, &nn)) return -1;
        } else if (hf == 4 && hw == TP_PB_VARINT) {
          if (tp_pb_varint(&info, &type)) return -1;
        } else if (tp_pb_skip(&info, hw)) return -1;
      }
      if (name && dc->v->hparam_info)
        dc->v->hparam_info(dc->ctx, S_cstr(&dc->key, name, nn), type < 4 ? types[type] : "");
    } else if (f == 5 && w == TP_PB_LEN) { /* MetricInfo { MetricName name = 1 } */
      tp_pb info, mname = {0};
      if (tp_pb_sub(&c, &info)) return -1;
      while (tp_pb_left(&info)) {
        uint32_t mf, mw;
        if (tp_pb_key(&info, &mf, &mw)) return -1;
        if (mf == 1 && mw == TP_PB_LEN) {
          if (tp_pb_sub(&info, &mname)) return -1;
        } else if (tp_pb_skip(&info, mw)) return -1;
      }
      const uint8_t *g = (const uint8_t *)"", *t = NULL;
      size_t gn = 0, tn = 0;
      while (mname.p && tp_pb_left(&mname)) {
        uint32_t nf, nw;
        if (tp_pb_key(&mname, &nf, &nw)) return -1;
        if (nf == 1 && nw == TP_PB_LEN) {
          if (tp_pb_bytes(&mname, &g, &gn)) return -1;
        } else if (nf == 2 && nw == TP_PB_LEN) {
          if (tp_pb_bytes(&mname, &t, &tn)) return -1;
        } else if (tp_pb_skip(&mname, nw)) return -1;
      }
      if (t && dc->v->metric_info)
        dc->v->metric_info(dc->ctx, S_cstr(&dc->key, g, gn), S_cstr(&dc->text, t, tn));
    } else if (tp_pb_skip(&c, w)) return -1;
  }
  return 0;
}

/* HParamsPluginData from a value's metadata content. */
static int S_hparams_plugin(S_dec *dc, tp_pb c) {
  while (tp_pb_left(&c)) {
    uint32_t f, w;
    tp_pb sub;
    if (tp_pb_key(&c, &f, &w)) return -1;
    if ((f == 2 || f == 3) && w == TP_PB_LEN) {
      if (tp_pb_sub(&c, &sub) || (f == 2 ? S_experiment(dc, sub) : S_session_start_info(dc, sub)))
        return -1;
    } else if (tp_pb_skip(&c, w)) return -1;
  }
  return 0;
}

/* What a Summary.Value holds, as far as the reader cares. */
typedef struct S_value {
  const uint8_t *tag; size_t tag_n;
  const uint8_t *node; size_t node_n;  /* legacy node_name, the tag when tag is empty */
  bool has_simple; uint32_t simple;
  S_class legacy;                      /* class of a legacy oneof (histo, image, audio) */
  bool has_legacy;
  tp_pb tensor; bool has_tensor;
  tp_pb meta; bool has_meta;
} S_value;

/* SummaryMetadata: plugin name, content and data class. */
static int S_metadata(tp_pb m, const uint8_t **plugin, size_t *plugin_n, tp_pb *content,
                      uint64_t *data_class) {
  *plugin = NULL, *plugin_n = 0, *data_class = 0;
  *content = (tp_pb){0};
  while (tp_pb_left(&m)) {
    uint32_t f, w;
    if (tp_pb_key(&m, &f, &w)) return -1;
    if (f == 1 && w == TP_PB_LEN) {
      tp_pb pd;
      if (tp_pb_sub(&m, &pd)) return -1;
      while (tp_pb_left(&pd)) {
        uint32_t pf, pw;
        if (tp_pb_key(&pd, &pf, &pw)) return -1;
        if (pf == 1 && pw == TP_PB_LEN) {
          if (tp_pb_bytes(&pd, plugin, plugin_n)) return -1;
        } else if (pf == 2 && pw == TP_PB_LEN) {
          if (tp_pb_sub(&pd, content)) return -1;
        } else if (tp_pb_skip(&pd, pw)) return -1;
      }
    } else if (f == 4 && w == TP_PB_VARINT) {
      if (tp_pb_varint(&m, data_class)) return -1;
    } else if (tp_pb_skip(&m, w)) return -1;
  }
  return 0;
}

/* The class a tag gets from its first value (see the header). */
static S_class S_classify(const S_value *val, const uint8_t *plugin, size_t pn, uint64_t dclass) {
  if (val->has_simple) return S_SCALAR;
  if (val->has_legacy) return val->legacy;
  if (dclass == 1) return S_SCALAR;
  static const struct { const char *name; S_class cls; } map[] = {
      {"scalars", S_SCALAR}, {"hparams", S_HPARAMS}, {"histograms", S_HISTO},
      {"images", S_IMAGE},   {"audio", S_AUDIO},     {"text", S_TEXT},
      {"pr_curves", S_PR}};
  for (size_t i = 0; i < sizeof map / sizeof *map; i++)
    if (S_is(plugin, pn, map[i].name)) return map[i].cls;
  return pn ? S_OTHER : S_TENSOR;
}

static int S_value_parse(tp_pb c, S_value *val) {
  *val = (S_value){0};
  while (tp_pb_left(&c)) {
    uint32_t f, w;
    if (tp_pb_key(&c, &f, &w)) return -1;
    const uint8_t *skip;
    size_t skip_n;
    switch (f) {
      case 1: if (w != TP_PB_LEN || tp_pb_bytes(&c, &val->tag, &val->tag_n)) return -1; break;
      case 2:
        if (w != TP_PB_FIXED32 || tp_pb_fixed32(&c, &val->simple)) return -1;
        val->has_simple = true, val->has_legacy = val->has_tensor = false;
        break;
      case 3: case 4: case 5: case 6:
        if (w != TP_PB_LEN || tp_pb_bytes(&c, &skip, &skip_n)) return -1;
        val->legacy = f == 4 ? S_IMAGE : f == 6 ? S_AUDIO : S_HISTO;
        val->has_legacy = true, val->has_simple = val->has_tensor = false;
        break;
      case 7: if (w != TP_PB_LEN || tp_pb_bytes(&c, &val->node, &val->node_n)) return -1; break;
      case 8:
        if (w != TP_PB_LEN || tp_pb_sub(&c, &val->tensor)) return -1;
        val->has_tensor = true, val->has_simple = val->has_legacy = false;
        break;
      case 9:
        if (w != TP_PB_LEN || tp_pb_sub(&c, &val->meta)) return -1;
        val->has_meta = true;
        break;
      default: if (tp_pb_skip(&c, w)) return -1;
    }
  }
  if (!val->tag_n) val->tag = val->node, val->tag_n = val->node_n;
  if (!val->tag) val->tag = (const uint8_t *)""; /* an empty tag is still a tag */
  return 0;
}

static void S_value_emit(S_dec *dc, const tp_tfevents_event *ev, tp_pb c) {
  S_value val;
  if (S_value_parse(c, &val)) {
    S_diag(dc, TP_WARN, ev->offset, "malformed summary value in record at byte %lld; value skipped",
           (long long)ev->offset);
    return;
  }
  uint64_t hash;
  long id = S_tags_lookup(&dc->tags, val.tag, val.tag_n, &hash);
  const uint8_t *plugin = NULL;
  size_t pn = 0;
  tp_pb content = {0};
  uint64_t dclass = 0;
  bool meta_ok = false;
  if (id < 0 || (val.has_meta && dc->tags.items[id].cls == S_HPARAMS)) {
    if (val.has_meta && S_metadata(val.meta, &plugin, &pn, &content, &dclass)) {
      S_diag(dc, TP_WARN, ev->offset,
             "malformed summary metadata in record at byte %lld; value skipped",
             (long long)ev->offset);
      return;
    }
    meta_ok = val.has_meta;
  }
  if (id < 0) {
    if (dc->tags.n >= S_MAX_TAGS) {
      if (!dc->tags_full)
        S_diag(dc, TP_WARN, ev->offset,
               "more than %d distinct tags; values of further new tags skipped from byte %lld",
               S_MAX_TAGS, (long long)ev->offset);
      dc->tags_full = true;
      return;
    }
    id = S_tags_add(&dc->tags, val.tag, val.tag_n, hash, S_classify(&val, plugin, pn, dclass));
  }
  const S_tag *tag = &dc->tags.items[id];
  switch (tag->cls) {
    case S_SCALAR: {
      double x;
      if (val.has_simple) x = (double)tp_pb_as_float(val.simple);
      else if (!val.has_tensor || S_tensor_scalar(val.tensor, &x)) {
        S_diag(dc, TP_WARN, ev->offset,
               "scalar '%s' in record at byte %lld holds no single numeric value; value skipped",
               tag->name, (long long)ev->offset);
        return;
      }
      dc->st.scalars++;
      if (dc->v->scalar) dc->v->scalar(dc->ctx, ev, tag->name, (uint32_t)id, x);
      return;
    }
    case S_HPARAMS:
      if (meta_ok && content.p && S_hparams_plugin(dc, content))
        S_diag(dc, TP_WARN, ev->offset,
               "malformed hparams plugin data in record at byte %lld; rest of it skipped",
               (long long)ev->offset);
      return;
    default:
      dc->st.skipped++;
      if (dc->v->skipped) dc->v->skipped(dc->ctx, ev, tag->name, S_kind_name[tag->cls]);
  }
}

/* The interned copy of a tag that is not a Summary.Value's (graphs). */
static const char *S_intern(S_dec *dc, const uint8_t *p, size_t n, S_class cls) {
  uint64_t hash;
  long id = S_tags_find(&dc->tags, p, n, &hash);
  if (id < 0) {
    if (dc->tags.n >= S_MAX_TAGS) return NULL;
    id = S_tags_add(&dc->tags, p, n, hash, cls);
  }
  return dc->tags.items[id].name;
}

static void S_skip_whole(S_dec *dc, const tp_tfevents_event *ev, const char *tag,
                         const char *kind) {
  if (!tag) return;
  dc->st.skipped++;
  if (dc->v->skipped) dc->v->skipped(dc->ctx, ev, tag, kind);
}

/* Which member of Event's oneof `what` a record holds. */
typedef enum S_what { S_NONE, S_SUMMARY, S_SESSION, S_GRAPH, S_META_GRAPH, S_TAGGED,
                      S_TOO_BIG } S_what;

typedef struct S_event {
  tp_tfevents_event ev;
  S_what what;
  tp_pb body;   /* the oneof member's bytes (summary, session log, tagged metadata) */
} S_event;

/* Event.file_version as TensorBoard's event_util.ParseFileVersion reads it:
 * the text after the last "brain.Event:" (the whole text when there is none)
 * as a number, else -1. */
static void S_file_version(tp_tfevents_event *ev, tp_pb body) {
  static const char mark[] = "brain.Event:";
  const char *p = (const char *)body.p;
  size_t n = tp_pb_left(&body), m = sizeof mark - 1;
  for (size_t i = n >= m ? n - m + 1 : 0; i-- > 0;)
    if (memcmp(p + i, mark, m) == 0) {
      p += i + m;
      n -= i + m;
      break;
    }
  double v;
  ev->has_file_version = true;
  ev->file_version = n && n < 64 && tp_parse_double(p, n, &v) == 0 && isfinite(v) ? v : -1;
}

/* Parse an Event's fields.  With `prefix` set, p[0..n) is only the start of
 * a larger payload: a field running past the end ends the parse, and a
 * summary or other member that does not fit is reported as S_TOO_BIG. */
static int S_event_parse(const uint8_t *p, size_t n, bool prefix, S_event *e) {
  tp_pb c = tp_pb_init(p, n);
  while (tp_pb_left(&c)) {
    uint32_t f, w;
    uint64_t x;
    if (tp_pb_key(&c, &f, &w)) return prefix ? 0 : -1;
    if (f == 1 && w == TP_PB_FIXED64) {
      if (tp_pb_fixed64(&c, &x)) return prefix ? 0 : -1;
      e->ev.wall_time_s = tp_pb_as_double(x);
    } else if (f == 2 && w == TP_PB_VARINT) {
      if (tp_pb_varint(&c, &x)) return prefix ? 0 : -1;
      e->ev.step = (int64_t)x;
    } else if (f >= 3 && f <= 9 && w == TP_PB_LEN) {
      static const S_what what[] = {S_NONE,    S_NONE,   S_NONE, S_NONE,       S_GRAPH,
                                    S_SUMMARY, S_NONE,   S_SESSION, S_TAGGED,  S_META_GRAPH};
      tp_pb body;
      e->ev.summary = f == 5; /* one member of a oneof: the last one read counts */
      e->ev.has_file_version = false;
      e->ev.file_version = 0;
      if (tp_pb_sub(&c, &body)) {
        if (!prefix) return -1;
        e->what = (f == 4 || f == 9) ? what[f] : S_TOO_BIG;
        return 0;
      }
      if (f == 3) S_file_version(&e->ev, body);
      if (f == 3 || f == 6) e->what = S_NONE; /* file_version, log_message */
      else e->what = what[f], e->body = body;
    } else if (f <= 9 || tp_pb_skip(&c, w)) {
      if (!prefix) return -1; /* a known field with the wrong wire type, or junk */
      return 0;
    }
  }
  return 0;
}

/* Pass a parsed event and its contents to the visitor. */
static void S_event_emit(S_dec *dc, S_event *e) {
  dc->st.events++;
  const tp_tfevents_event *ev = &e->ev;
  if (dc->v->event) dc->v->event(dc->ctx, ev);
  switch (e->what) {
    case S_SUMMARY: {
      tp_pb c = e->body;
      while (tp_pb_left(&c)) {
        uint32_t f, w;
        tp_pb value;
        if (tp_pb_key(&c, &f, &w) || (f == 1 && w != TP_PB_LEN) ||
            (f == 1 ? tp_pb_sub(&c, &value) : tp_pb_skip(&c, w))) {
          S_diag(dc, TP_WARN, ev->offset,
                 "malformed Summary in record at byte %lld; rest of its values skipped",
                 (long long)ev->offset);
          return;
        }
        if (f == 1) S_value_emit(dc, ev, value);
      }
      return;
    }
    case S_SESSION: {
      tp_pb c = e->body;
      uint64_t status = 0;
      while (tp_pb_left(&c)) {
        uint32_t f, w;
        if (tp_pb_key(&c, &f, &w) ||
            (f == 1 && w == TP_PB_VARINT ? tp_pb_varint(&c, &status) : tp_pb_skip(&c, w))) {
          S_diag(dc, TP_WARN, ev->offset,
                 "malformed SessionLog in record at byte %lld; session log skipped",
                 (long long)ev->offset);
          return;
        }
      }
      if (dc->v->session_log) dc->v->session_log(dc->ctx, ev, (int)status);
      return;
    }
    case S_GRAPH:
      S_skip_whole(dc, ev, S_intern(dc, (const uint8_t *)"__run_graph__", 13, S_OTHER), "graph");
      return;
    case S_META_GRAPH:
      S_skip_whole(dc, ev, S_intern(dc, (const uint8_t *)"__meta_graph__", 14, S_OTHER),
                   "graph");
      return;
    case S_TAGGED: {
      tp_pb c = e->body;
      const uint8_t *t = (const uint8_t *)"";
      size_t tn = 0;
      while (tp_pb_left(&c)) {
        uint32_t f, w;
        if (tp_pb_key(&c, &f, &w) ||
            (f == 1 && w == TP_PB_LEN ? tp_pb_bytes(&c, &t, &tn) : tp_pb_skip(&c, w))) {
          S_diag(dc, TP_WARN, ev->offset,
                 "malformed TaggedRunMetadata in record at byte %lld; skipped",
                 (long long)ev->offset);
          return;
        }
      }
      S_skip_whole(dc, ev, S_intern(dc, t, tn, S_OTHER), "run_metadata");
      return;
    }
    default: return;
  }
}

static int S_decode(S_dec *dc, const uint8_t *p, size_t n, int64_t off) {
  S_event e = {.ev = {.offset = off}};
  if (S_event_parse(p, n, false, &e)) {
    S_diag(dc, TP_WARN, off, "malformed Event in record at byte %lld; event skipped",
           (long long)off);
    return -1;
  }
  S_event_emit(dc, &e);
  return 0;
}

static void S_dec_init(S_dec *dc, const char *path, const tp_tfevents_visitor *v, void *ctx,
                       tp_diags *d) {
  static const tp_tfevents_visitor none = {0};
  *dc = (S_dec){.path = path, .d = d, .v = v ? v : &none, .ctx = ctx};
}

static void S_dec_free(S_dec *dc) {
  if (dc->n_suppressed)
    tp_diag_add(dc->d, TP_NOTE, dc->path, -1, -1, "%zu further problems in this file not listed",
                dc->n_suppressed);
  S_tags_free(&dc->tags);
  tp_buf_free(&dc->key);
  tp_buf_free(&dc->text);
}

int tp_tfevents_decode_event(const void *payload, size_t n, const char *path, int64_t offset,
                             const tp_tfevents_visitor *v, void *ctx, tp_diags *d) {
  S_dec dc;
  S_dec_init(&dc, path, v, ctx, d);
  int rc = S_decode(&dc, payload, n, offset);
  S_dec_free(&dc);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Framer: TFRecord records through a bounded buffer.                        */

typedef struct S_reader {
  S_dec dc;
  int fd;                 /* the file, or -1 when reading memory */
  const uint8_t *mem;     /* the image when reading memory */
  size_t mem_n, mem_pos;
  uint64_t size;          /* file size when opened */
  uint8_t *buf;
  size_t cap, pos, fill;  /* buf[pos..fill) not yet consumed */
  uint64_t base;          /* file offset of buf[0] */
  bool eof;
  int err;                /* errno of a failed read, 0 if none */
  uint64_t good;          /* records framed with both CRCs right */
} S_reader;

static size_t S_src_read(S_reader *r, uint8_t *dst, size_t n) {
  if (r->fd < 0) {
    size_t k = r->mem_n - r->mem_pos < n ? r->mem_n - r->mem_pos : n;
    memcpy(dst, r->mem + r->mem_pos, k);
    r->mem_pos += k;
    return k;
  }
  for (;;) {
    ssize_t k = read(r->fd, dst, n);
    if (k >= 0) return (size_t)k;
    if (errno != EINTR) {
      r->err = errno;
      return 0;
    }
  }
}

/* Make at least n unconsumed bytes available (n <= the decoding limit + 16);
 * returns how many there are, fewer at the end of the file. */
static size_t S_need(S_reader *r, size_t n) {
  if (r->fill - r->pos >= n || r->eof) return r->fill - r->pos;
  if (r->cap - r->pos < n) {
    size_t avail = r->fill - r->pos;
    memmove(r->buf, r->buf + r->pos, avail);
    r->base += r->pos;
    r->pos = 0;
    r->fill = avail;
    if (r->cap < n) {
      size_t cap = r->cap;
      while (cap < n) cap *= 2;
      r->buf = tp_xrealloc(r->buf, cap);
      r->cap = cap;
    }
  }
  while (r->fill - r->pos < n) {
    size_t k = S_src_read(r, r->buf + r->fill, r->cap - r->fill);
    if (!k) {
      r->eof = true;
      break;
    }
    if (r->dc.v->bytes) r->dc.v->bytes(r->dc.ctx, r->buf + r->fill, k);
    r->dc.st.bytes += k;
    r->fill += k;
  }
  return r->fill - r->pos;
}

static uint32_t S_le32(const uint8_t *p) { return (uint32_t)S_le(p, 4); }

/* A record too large to decode: stream its payload through the CRC, decode
 * the event fields found in its first bytes.  Returns 0, or -1 when the file
 * ended inside it. */
static int S_oversized(S_reader *r, int64_t off, uint64_t len) {
  S_event e = {.ev = {.offset = off}};
  size_t avail = S_need(r, S_PREFIX < len ? S_PREFIX : (size_t)len);
  S_event_parse(r->buf + r->pos, avail < len ? avail : (size_t)len, true, &e);
  uint32_t crc = 0;
  uint64_t left = len;
  while (left) {
    avail = S_need(r, 1);
    if (!avail) return -1;
    size_t take = avail < left ? avail : (size_t)left;
    crc = tp_crc32c_update(crc, r->buf + r->pos, take);
    r->pos += take;
    left -= take;
  }
  if (S_need(r, 4) < 4) return -1;
  uint32_t want = S_le32(r->buf + r->pos);
  r->pos += 4;
  r->dc.st.records++;
  if (tp_crc32c_mask(crc) != want) {
    r->dc.st.bad_crc++;
    S_diag(&r->dc, TP_WARN, off, "payload CRC mismatch in record at byte %lld; record skipped",
           (long long)off);
    return 0;
  }
  r->good++;
  if (e.what == S_TOO_BIG || e.what == S_SUMMARY)
    S_diag(&r->dc, TP_NOTE, off,
           "record at byte %lld holds %llu bytes, over the %u MiB decoding limit; "
           "CRC checked, values not decoded",
           (long long)off, (unsigned long long)len, TP_TFEVENTS_MAX_DECODED >> 20);
  if (e.what == S_TOO_BIG) e.what = S_NONE;
  S_event_emit(&r->dc, &e);
  return 0;
}

static void S_stop(S_reader *r, tp_severity sev, int64_t off, const char *what) {
  r->dc.st.stopped = true;
  S_diag(&r->dc, sev, off, "%s; stopped reading this file, kept the %llu records before it",
         what, (unsigned long long)r->good);
}

static void S_frame_all(S_reader *r) {
  for (;;) {
    int64_t off = (int64_t)(r->base + r->pos);
    char what[160];
    if ((uint64_t)off >= r->size) {
      /* A file still being written: what was there when it was opened is read;
       * records appended since are left for the next report. */
      if (S_need(r, 1))
        S_diag(&r->dc, TP_NOTE, off,
               "the file grew while it was read; records after byte %lld (its size when "
               "opened) are left for the next report",
               (long long)off);
      break;
    }
    size_t avail = S_need(r, 12);
    if (avail == 0) break;
    if (avail < 12) {
      snprintf(what, sizeof what, "truncated record header at byte %lld (%zu of 12 bytes)",
               (long long)off, avail);
      S_stop(r, TP_WARN, off, what);
      break;
    }
    const uint8_t *h = r->buf + r->pos;
    uint64_t len = S_le(h, 8);
    if (tp_crc32c_mask(tp_crc32c_update(0, h, 8)) != S_le32(h + 8)) {
      if (off == 0) {
        r->dc.st.stopped = true;
        S_diag(&r->dc, TP_ERROR, 0,
               "not an event file (no valid record header at byte 0); file skipped");
      } else {
        snprintf(what, sizeof what, "length CRC mismatch in record header at byte %lld",
                 (long long)off);
        S_stop(r, TP_WARN, off, what);
      }
      break;
    }
    uint64_t left = r->size - (uint64_t)off - 12; /* off + 12 <= size: the header was read */
    if (r->size < (uint64_t)off + 12 || len > left || left - len < 4) {
      snprintf(what, sizeof what,
               "record at byte %lld declares %llu payload bytes but only %llu bytes remain "
               "(truncated last record)",
               (long long)off, (unsigned long long)len,
               (unsigned long long)(r->size >= (uint64_t)off + 12 ? left : 0));
      S_stop(r, TP_WARN, off, what);
      break;
    }
    if (len > TP_TFEVENTS_MAX_DECODED) {
      r->pos += 12;
      if (S_oversized(r, off, len)) {
        S_stop(r, TP_WARN, off, "file ended inside a record (it shrank while being read)");
        break;
      }
      continue;
    }
    size_t total = 12 + (size_t)len + 4;
    if (S_need(r, total) < total) {
      if (r->err) break;
      snprintf(what, sizeof what, "file ended inside the record at byte %lld", (long long)off);
      S_stop(r, TP_WARN, off, what);
      break;
    }
    const uint8_t *payload = r->buf + r->pos + 12;
    uint32_t want = S_le32(payload + len);
    r->pos += total;
    r->dc.st.records++;
    if (tp_crc32c_mask(tp_crc32c_update(0, payload, (size_t)len)) != want) {
      r->dc.st.bad_crc++;
      S_diag(&r->dc, TP_WARN, off, "payload CRC mismatch in record at byte %lld; record skipped",
             (long long)off);
      continue;
    }
    r->good++;
    S_decode(&r->dc, payload, (size_t)len, off);
  }
  if (r->err)
    S_diag(&r->dc, TP_ERROR, (int64_t)(r->base + r->fill), "read error: %s; kept the %llu records before it",
           strerror(r->err), (unsigned long long)r->good);
  /* Whoever digests the bytes sees the whole file, even after a stop. */
  if (r->dc.v->bytes && !r->err) {
    r->pos = r->fill;
    while (!r->eof) {
      r->pos = r->fill = 0;
      S_need(r, r->cap);
    }
  }
}

static int S_read(S_reader *r) {
  if (r->size == 0) {
    S_diag(&r->dc, TP_WARN, -1, "empty file; nothing read");
  } else {
    r->cap = S_BUF_INITIAL;
    r->buf = tp_xmalloc(r->cap);
    S_frame_all(r);
  }
  int rc = r->good ? 0 : -1;
  if (r->dc.v->done) r->dc.v->done(r->dc.ctx, &r->dc.st);
  free(r->buf);
  S_dec_free(&r->dc);
  return rc;
}

int tp_tfevents_read(const char *path, const tp_tfevents_visitor *v, void *ctx, tp_diags *d) {
  S_reader r = {.fd = -1};
  S_dec_init(&r.dc, path, v, ctx, d);
  struct stat st;
  r.fd = open(path, O_RDONLY | O_CLOEXEC);
  if (r.fd < 0 || fstat(r.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    if (r.fd < 0 || S_ISREG(st.st_mode))
      tp_diag_add(d, TP_ERROR, path, -1, -1, "cannot read: %s; file skipped", strerror(errno));
    else
      tp_diag_add(d, TP_ERROR, path, -1, -1, "not a regular file; skipped");
    if (r.fd >= 0) close(r.fd);
    if (r.dc.v->done) r.dc.v->done(ctx, &r.dc.st);
    S_dec_free(&r.dc);
    return -1;
  }
  r.size = (uint64_t)st.st_size;
  if (r.dc.v->file) r.dc.v->file(ctx, r.size, (int64_t)st.st_mtime);
#ifdef POSIX_FADV_SEQUENTIAL
  posix_fadvise(r.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  int rc = S_read(&r);
  close(r.fd);
  return rc;
}

int tp_tfevents_read_mem(const void *data, size_t n, const char *path,
                         const tp_tfevents_visitor *v, void *ctx, tp_diags *d) {
  S_reader r = {.fd = -1, .mem = data, .mem_n = n, .size = n};
  S_dec_init(&r.dc, path, v, ctx, d);
  if (r.dc.v->file) r.dc.v->file(ctx, n, 0);
  return S_read(&r);
}

/* ------------------------------------------------------------------------ */
/* Loader: visitor calls into a tp_run.                                      */

typedef struct S_load {
  tp_run *run;
  const char *path;
  tp_diags *d;
  bool purge;     /* the current event purges its tags (file_version below 2) */
  tp_sha256 sha;
  uint64_t size;
  int64_t mtime_s;
} S_load;

static void S_l_file(void *ctx, uint64_t size, int64_t mtime_s) {
  S_load *l = ctx;
  l->size = size;
  l->mtime_s = mtime_s;
}

static void S_l_bytes(void *ctx, const void *data, size_t n) {
  tp_sha256_update(&((S_load *)ctx)->sha, data, n);
}

static void S_l_event(void *ctx, const tp_tfevents_event *ev) {
  S_load *l = ctx;
  tp_run *run = l->run;
  tp_run_note_event(run, ev->step, ev->wall_time_s);
  if (ev->has_file_version) {
    if (run->tb.file_version != 0 && run->tb.file_version != ev->file_version)
      tp_diag_add(l->d, TP_NOTE, l->path, -1, -1,
                  "file_version changes from %g to %g at byte %lld; from here on the purge "
                  "rule of the new version applies, as in TensorBoard",
                  run->tb.file_version, ev->file_version, (long long)ev->offset);
    run->tb.file_version = ev->file_version;
  }
  l->purge = false;
  if (run->tb.file_version >= 2) return; /* purges only on SessionLog START */
  if (ev->step < run->tb.recent_step && ev->summary) l->purge = true;
  else run->tb.recent_step = ev->step;
}

static void S_l_scalar(void *ctx, const tp_tfevents_event *ev, const char *tag, uint32_t id,
                       double value) {
  S_load *l = ctx;
  if (l->purge) tp_run_purge_tag(l->run, tag, ev->step);
  tp_run_append_scalar(l->run, tag, ev->step, ev->wall_time_s, value);
}

static void S_l_skipped(void *ctx, const tp_tfevents_event *ev, const char *tag,
                        const char *kind) {
  tp_run_count_skipped(((S_load *)ctx)->run, tag, kind);
}

static void S_l_session(void *ctx, const tp_tfevents_event *ev, int status) {
  tp_run *run = ((S_load *)ctx)->run;
  if (status == TP_SESSION_START && run->tb.file_version >= 2) tp_run_session_start(run, ev->step);
}

static void S_l_hparam(void *ctx, const char *key, tp_hparam_kind kind, const char *text,
                       double number) {
  S_load *l = ctx;
  tp_run_set_hparam(l->run, key, kind, text, number, l->path);
}

int tp_tfevents_load_run(tp_run *run, const char *path, tp_diags *d) {
  static const tp_tfevents_visitor v = {
      .file = S_l_file, .bytes = S_l_bytes, .event = S_l_event, .scalar = S_l_scalar,
      .skipped = S_l_skipped, .session_log = S_l_session, .hparam = S_l_hparam};
  S_load l = {.run = run, .path = path, .d = d};
  const char *was = run->reading;
  run->reading = "tfevents";
  tp_sha256_init(&l.sha);
  tp_run_time_source(run, path, "event wall_time");
  int rc = tp_tfevents_read(path, &v, &l, d);
  tp_input *in = tp_run_add_input(run, path, "tfevents");
  in->size = l.sha.n_bytes;
  in->mtime_s = l.mtime_s;
  if (l.sha.n_bytes || l.size == 0) tp_sha256_hex(&l.sha, in->sha256);
  run->reading = was;
  return rc;
}
