/* tfsummary: the values of a TensorBoard Summary, and the tag table.
 *
 * A Summary.Value is classed by its tag's first value in the file (see
 * tfevents.h): legacy simple_value and scalar-plugin tensors become scalar
 * callbacks; the hparams plugin's records become hyperparameters; the rest
 * is counted per tag.  The tag table interns each tag once per read and
 * keeps the class its first value fixed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "parser/logs/tfevents_impl.h"
#include "parser/text/protobuf.h"

#define S_MAX_TAGS 100000          /* distinct tags kept per file */

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

typedef struct tp_tfevents_tags {
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
 * overlapping loads cover 4 to 16 bytes, four cover up to 32. */
static inline bool S_same(const void *a, const void *b, size_t n) {
  const uint8_t *x = a, *y = b;
  if (n >= 8 && n <= 32) {
    uint64_t a0, a1, b0, b1, d = 0;
    if (n > 16) {
      memcpy(&a0, x + 8, 8), memcpy(&b0, y + 8, 8);
      memcpy(&a1, x + n - 16, 8), memcpy(&b1, y + n - 16, 8);
      d = (a0 ^ b0) | (a1 ^ b1);
    }
    memcpy(&a0, x, 8), memcpy(&b0, y, 8);
    memcpy(&a1, x + n - 8, 8), memcpy(&b1, y + n - 8, 8);
    return (d | (a0 ^ b0) | (a1 ^ b1)) == 0;
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

/* The tag that followed the previous one last time, when it is p[0..n):
 * its id + 1, else 0.  Writers log their tags in a fixed cycle, so the guess
 * is usually right and no hash is needed. */
static inline uint32_t S_tags_guess(const S_tags *t, const uint8_t *p, size_t n) {
  uint32_t next = t->last ? t->items[t->last - 1].next : 0;
  return next && t->items[next - 1].len == n && S_same(t->items[next - 1].name, p, n) ? next : 0;
}

/* S_tags_find, first trying S_tags_guess.  *hash is only set on a miss. */
static long S_tags_lookup(S_tags *t, const uint8_t *p, size_t n, uint64_t *hash) {
  uint32_t guess = S_tags_guess(t, p, n);
  long id;
  if (guess) id = (long)guess - 1;
  else if ((id = S_tags_find(t, p, n, hash)) >= 0 && t->last)
    t->items[t->last - 1].next = (uint32_t)id + 1;
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

tp_tfevents_tags *tp_tfevents_tags_new(void) { return tp_xcalloc(1, sizeof(S_tags)); }

void tp_tfevents_tags_free(S_tags *t) {
  if (!t) return;
  for (size_t i = 0; i < t->n; i++) free(t->items[i].name);
  free(t->items);
  free(t->slots);
  free(t);
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

/* What TF2 writes for a float scalar, as Summary.Value's field 8: a tensor
 * of 10 bytes holding dtype DT_FLOAT, an empty shape and four bytes of
 * tensor_content, in field order and nothing else (the value follows). */
static const uint8_t S_tf2_float[8] = {8 << 3 | TP_PB_LEN, 10, 1 << 3 | TP_PB_VARINT, DT_FLOAT,
                                       2 << 3 | TP_PB_LEN, 0,  4 << 3 | TP_PB_LEN,   4};

/* The single numeric value of a one-element TensorProto.  0, or -1 when the
 * tensor is malformed, not numeric or not exactly one element.  tensor_content
 * wins over the typed field, as in TensorFlow's make_ndarray. */
static int S_tensor_scalar(tp_pb t, double *out) {
  if (tp_pb_left(&t) == 10 && memcmp(t.p, S_tf2_float + 2, 6) == 0) {
    *out = S_convert(DT_FLOAT, tp_tfevents_le(t.p + 6, 4));
    return 0;
  }
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
    *out = S_convert(dtype, tp_tfevents_le(content, width));
    return 0;
  }
  uint64_t count, first = 0;
  if (S_typed(all, (uint32_t)field, &count, &first) || count != 1) return -1;
  *out = S_convert(dtype, first);
  return 0;
}

/* A google.protobuf.Value of a session_start_info hparam, to the visitor. */
static int S_hparam_value(tp_tfevents_dec *dc, const char *key, tp_pb val) {
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

static int S_session_start_info(tp_tfevents_dec *dc, tp_pb c) {
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

static int S_experiment(tp_tfevents_dec *dc, tp_pb c) {
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
static int S_hparams_plugin(tp_tfevents_dec *dc, tp_pb c) {
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

/* The length of the tag a Summary.Value p[0..n) begins with when it is one
 * byte (a tag of 1 to 127 bytes), else 0. */
static inline size_t S_short_tag(const uint8_t *p, size_t n) {
  return n > 2 && p[0] == (1 << 3 | TP_PB_LEN) && p[1] < 0x80 ? p[1] : 0;
}

/* The simple_value's four bytes when the value p[0..n), whose tag is tn
 * bytes by S_short_tag, is laid out as nearly every legacy scalar is: the
 * tag, then its simple_value and nothing else; else NULL. */
static inline const uint8_t *S_legacy_scalar(const uint8_t *p, size_t n, size_t tn) {
  return tn && tn + 7 == n && p[2 + tn] == (2 << 3 | TP_PB_FIXED32) ? p + 3 + tn : NULL;
}

static int S_value_parse(tp_pb c, S_value *val) {
  *val = (S_value){0};
  /* The legacy layout is taken without the field loop. */
  const uint8_t *p = c.p, *bits;
  size_t n = tp_pb_left(&c), tn = S_short_tag(p, n);
  if ((bits = S_legacy_scalar(p, n, tn))) {
    val->tag = p + 2, val->tag_n = tn;
    val->has_simple = true, val->simple = (uint32_t)tp_tfevents_le(bits, 4);
    return 0;
  }
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

/* tp_tfevents_value_emit for any value (the hot path below takes most). */
static __attribute__((noinline)) void S_value_emit(tp_tfevents_dec *dc,
                                                   const tp_tfevents_event *ev, tp_pb c) {
  S_value val;
  if (S_value_parse(c, &val)) {
    tp_tfevents_diag(dc, TP_WARN, ev->offset,
                     "malformed summary value in record at byte %lld; value skipped",
                     (long long)ev->offset);
    return;
  }
  uint64_t hash;
  long id = S_tags_lookup(dc->tags, val.tag, val.tag_n, &hash);
  const uint8_t *plugin = NULL;
  size_t pn = 0;
  tp_pb content = {0};
  uint64_t dclass = 0;
  bool meta_ok = false;
  if (id < 0 || (val.has_meta && dc->tags->items[id].cls == S_HPARAMS)) {
    if (val.has_meta && S_metadata(val.meta, &plugin, &pn, &content, &dclass)) {
      tp_tfevents_diag(dc, TP_WARN, ev->offset,
                       "malformed summary metadata in record at byte %lld; value skipped",
                       (long long)ev->offset);
      return;
    }
    meta_ok = val.has_meta;
  }
  if (id < 0) {
    if (dc->tags->n >= S_MAX_TAGS) {
      if (!dc->tags_full)
        tp_tfevents_diag(dc, TP_WARN, ev->offset,
                         "more than %d distinct tags; values of further new tags skipped from "
                         "byte %lld",
                         S_MAX_TAGS, (long long)ev->offset);
      dc->tags_full = true;
      return;
    }
    id = S_tags_add(dc->tags, val.tag, val.tag_n, hash, S_classify(&val, plugin, pn, dclass));
  }
  const S_tag *tag = &dc->tags->items[id];
  switch (tag->cls) {
    case S_SCALAR: {
      double x;
      if (val.has_simple) x = (double)tp_pb_as_float(val.simple);
      else if (!val.has_tensor || S_tensor_scalar(val.tensor, &x)) {
        tp_tfevents_diag(dc, TP_WARN, ev->offset,
                         "scalar '%s' in record at byte %lld holds no single numeric value; "
                         "value skipped",
                         tag->name, (long long)ev->offset);
        return;
      }
      dc->st.scalars++;
      if (dc->v->scalar) dc->v->scalar(dc->ctx, ev, tag->name, (uint32_t)id, x);
      return;
    }
    case S_HPARAMS:
      if (meta_ok && content.p && S_hparams_plugin(dc, content))
        tp_tfevents_diag(dc, TP_WARN, ev->offset,
                         "malformed hparams plugin data in record at byte %lld; rest of it skipped",
                         (long long)ev->offset);
      return;
    default:
      dc->st.skipped++;
      if (dc->v->skipped) dc->v->skipped(dc->ctx, ev, tag->name, S_kind_name[tag->cls]);
  }
}

/* Nearly every value is a scalar of a tag that followed the previous tag
 * last time (writers log their tags in a fixed cycle), in one of two layouts,
 * the tag under 128 bytes:
 * - legacy: the tag, then its simple_value;
 * - TF2: the tag, a tensor of DT_FLOAT with an empty shape and four bytes of
 *   tensor_content, then metadata (of which a tag of known class needs no
 *   more than that it fits).
 * Such a value is taken here as S_value_emit would take it, without the
 * general parse; any other goes there. */
void tp_tfevents_value_emit(tp_tfevents_dec *dc, const tp_tfevents_event *ev, tp_pb c) {
  const uint8_t *p = c.p;
  size_t n = tp_pb_left(&c), tn = S_short_tag(p, n);
  S_tags *t = dc->tags;
  const uint8_t *bits = S_legacy_scalar(p, n, tn); /* the float32 value */
  if (!bits && tn && tn + 16 <= n && memcmp(p + 2 + tn, S_tf2_float, 8) == 0 &&
      p[14 + tn] == (9 << 3 | TP_PB_LEN) && p[15 + tn] < 0x80 && tn + 16 + p[15 + tn] == n)
    bits = p + 10 + tn;
  uint32_t guess = bits ? S_tags_guess(t, p + 2, tn) : 0;
  if (guess && t->items[guess - 1].cls == S_SCALAR) {
    t->last = guess;
    dc->st.scalars++;
    if (dc->v->scalar)
      dc->v->scalar(dc->ctx, ev, t->items[guess - 1].name, guess - 1,
                    (double)tp_pb_as_float((uint32_t)tp_tfevents_le(bits, 4)));
    return;
  }
  S_value_emit(dc, ev, c);
}

/* The interned copy of a tag that is not a Summary.Value's (graphs). */
static const char *S_intern(tp_tfevents_dec *dc, const uint8_t *p, size_t n, S_class cls) {
  uint64_t hash;
  long id = S_tags_find(dc->tags, p, n, &hash);
  if (id < 0) {
    if (dc->tags->n >= S_MAX_TAGS) return NULL;
    id = S_tags_add(dc->tags, p, n, hash, cls);
  }
  return dc->tags->items[id].name;
}

void tp_tfevents_skip_named(tp_tfevents_dec *dc, const tp_tfevents_event *ev, const uint8_t *p,
                            size_t n, const char *kind) {
  const char *tag = S_intern(dc, p, n, S_OTHER);
  if (!tag) return;
  dc->st.skipped++;
  if (dc->v->skipped) dc->v->skipped(dc->ctx, ev, tag, kind);
}
