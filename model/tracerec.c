/* tracerec: a recording of what reading a power trace delivered, read back;
 * see tracerec.h. */
#include "model/tracerec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/hash.h"
#include "model/lebytes.h"
#include "model/mem.h"

/* A cursor over the records; the first failure sticks. */
typedef struct S_in {
  const unsigned char *p;
  size_t left;
  bool bad;
} S_in;

static const unsigned char *S_take(S_in *in, size_t n) {
  if (in->bad || n > in->left) {
    in->bad = true;
    return NULL;
  }
  const unsigned char *p = in->p;
  in->p += n;
  in->left -= n;
  return p;
}

/* n (at most 8) bytes as a little-endian number; 0 past the end. */
static inline uint64_t S_get(S_in *in, int n) {
  const unsigned char *c = S_take(in, (size_t)n);
  return c ? tp_le_load(c, (size_t)n) : 0;
}

static double S_get_f64(S_in *in) {
  uint64_t u = S_get(in, 8);
  double v;
  memcpy(&v, &u, 8);
  return v;
}

/* A string of the records (new, caller frees; only when keep), NULL for none
 * or on failure (in->bad tells them apart). */
static char *S_get_str(S_in *in, bool keep) {
  uint32_t n = (uint32_t)S_get(in, 4);
  if (in->bad || n == UINT32_MAX) return NULL;
  const unsigned char *c = S_take(in, n);
  if (!c || memchr(c, '\0', n)) {
    in->bad = true;
    return NULL;
  }
  return keep ? tp_xstrndup((const char *)c, n) : NULL;
}

/* Does the fingerprint at the end of buf[0..n) match the bytes before it? */
static bool S_sealed(const unsigned char *buf, size_t n) {
  if (n < TP_TRACEREC_TAIL || buf[n - TP_TRACEREC_TAIL] != 'E') return false;
  tp_hash h;
  tp_hash_init(&h);
  tp_hash_bytes(&h, buf, n - 32);
  char hex[TP_HASH_HEX];
  tp_hash_hex(&h, hex);
  return memcmp(hex, buf + n - 32, 32) == 0;
}

/* One 'D' record: the device announced (when sink) and its handle mapped. */
static void S_device(S_in *in, const tp_trace_sink *sink, int **map, size_t *n_map,
                     size_t *cap_map) {
  uint32_t rec = (uint32_t)S_get(in, 4);
  char *id = S_get_str(in, sink != NULL), *name = S_get_str(in, sink != NULL);
  uint64_t kind = S_get(in, 1);
  double wrap_j = S_get_f64(in);
  if (kind != TP_SAMPLE_POWER_W && kind != TP_SAMPLE_ENERGY_J) in->bad = true;
  if (!in->bad && sink && id) {
    int h = sink->device(sink->ctx, id, name, (tp_sample_kind)kind, wrap_j);
    if ((int32_t)rec >= 0 && rec < 1u << 20) {
      TP_GROW(*map, *cap_map, (size_t)rec + 1);
      while (*n_map <= rec) (*map)[(*n_map)++] = -1;
      (*map)[rec] = h;
    }
  }
  free(id);
  free(name);
}

/* One 'G' record: the diagnostic added (when diags). */
static void S_diag(S_in *in, tp_diags *diags) {
  uint64_t sev = S_get(in, 1);
  char *file = S_get_str(in, diags != NULL);
  int64_t offset = (int64_t)S_get(in, 8), line = (int64_t)S_get(in, 8);
  char *msg = S_get_str(in, diags != NULL);
  if (sev > TP_ERROR) in->bad = true;
  if (!in->bad && diags && msg) tp_diag_add(diags, (tp_severity)sev, file, offset, line, "%s", msg);
  free(file);
  free(msg);
}

/* Walk the records of in; with sink (and diags) deliver them, without only
 * check them.  Returns whether every record was whole and of known values. */
static bool S_walk(S_in in, const tp_trace_sink *sink, tp_diags *diags) {
  int *map = NULL;
  size_t n_map = 0, cap_map = 0;
  while (!in.bad && in.left > TP_TRACEREC_TAIL) {
    uint64_t tag = S_get(&in, 1);
    if (tag == 'D') {
      S_device(&in, sink, &map, &n_map, &cap_map);
    } else if (tag == 'S' || tag == 'F') {
      uint32_t rec = (uint32_t)S_get(&in, 4);
      int dev = rec < n_map ? map[rec] : -1; /* a handle never announced: no device */
      if (tag == 'S') {
        double t_s = S_get_f64(&in), value = S_get_f64(&in);
        if (!in.bad && sink) sink->sample(sink->ctx, dev, t_s, value);
      } else {
        uint64_t f = S_get(&in, 4);
        if (f > TP_FIELD_DRAW_INSTANT) in.bad = true;
        if (!in.bad && sink && sink->field) sink->field(sink->ctx, dev, (tp_power_field)f);
      }
    } else if (tag == 'G') {
      S_diag(&in, diags);
    } else {
      in.bad = true;
    }
  }
  free(map);
  return !in.bad && in.left == TP_TRACEREC_TAIL;
}

bool tp_tracerec_replay(const unsigned char *buf, size_t n, size_t body_at,
                        const tp_trace_sink *sink, tp_diags *diags) {
  if (!buf || body_at > n || !S_sealed(buf, n)) return false;
  S_in in = {.p = buf + body_at, .left = n - body_at};
  if (!S_walk(in, NULL, NULL)) return false; /* checked whole first: all or nothing */
  S_walk(in, sink, diags);
  return true;
}
