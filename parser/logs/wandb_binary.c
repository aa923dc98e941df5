/* wandb_binary: the run-<id>.wandb reader (see wandb_binary.h): blocks and
 * chunks first, then records, then what each record kind holds. */
#include "parser/logs/wandb_binary.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "parser/text/crc32.h"
#include "parser/text/number.h"
#include "parser/text/protobuf.h"

#define S_MAX_KEY 1024 /* bytes of a (joined) item key; longer items are skipped */

/* Record numbers of the oneof in wandb_internal.proto's Record. */
enum { S_REC_HISTORY = 2, S_REC_SUMMARY = 3, S_REC_CONFIG = 5, S_REC_STATS = 7, S_REC_RUN = 17,
       S_REC_EXIT = 18 };
enum { S_FULL = 1, S_FIRST = 2, S_MIDDLE = 3, S_LAST = 4 };

typedef struct S_reader {
  FILE *f;
  const char *path;
  tp_diags *d;                      /* NULL in the first pass: diagnostics once */
  const tp_wandb_bin_handlers *h;   /* NULL in the first pass */
  tp_wandb_bin_info *info;          /* filled in the first pass */
  unsigned char block[TP_WANDB_BIN_BLOCK];
  unsigned char *rec;               /* a FIRST..LAST record being put together */
  size_t rec_len, rec_cap;
  int64_t rec_off;                  /* file offset of its FIRST chunk */
  bool in_record;                   /* rec holds a FIRST and maybe MIDDLEs */
  bool skipping;                    /* continuations of a dropped record follow */
  double stats_now_s;               /* time of the last stats record read, NAN */
  double ts_first;                  /* first pass: first history _timestamp */
  size_t ts_rows;                   /* ... rows carrying one */
  bool ts_differ;                   /* ... some row's differs from the first */
  char key[S_MAX_KEY];
} S_reader;

/* ---- items ---------------------------------------------------------------------- */

typedef struct S_item {
  const char *key;   /* r->key, NUL-terminated */
  const char *json;  /* value_json, not terminated */
  size_t json_n;
} S_item;

/* Decode one {key 1, nested_key 2, value_json 16} message into *it. */
static int S_item_read(S_reader *r, tp_pb m, S_item *it) {
  size_t kn = 0;
  bool have_key = false, too_long = false;
  it->json = "";
  it->json_n = 0;
  uint32_t f, w;
  while (tp_pb_left(&m)) {
    const uint8_t *s;
    size_t n;
    if (tp_pb_key(&m, &f, &w)) return -1;
    if (w != TP_PB_LEN || (f != 1 && f != 2 && f != 16)) {
      if (tp_pb_skip(&m, w)) return -1;
      continue;
    }
    if (tp_pb_bytes(&m, &s, &n)) return -1;
    if (f == 16) {
      it->json = (const char *)s;
      it->json_n = n;
    } else if (f == 1 || !have_key) { /* key, or a part of nested_key */
      if (f == 1) kn = 0, have_key = true;
      size_t sep = kn && f == 2 ? 1 : 0;
      if (kn + sep + n >= S_MAX_KEY) too_long = true;
      else {
        if (sep) r->key[kn++] = '.';
        memcpy(r->key + kn, s, n);
        kn += n;
      }
    }
  }
  r->key[kn] = '\0';
  it->key = r->key;
  return too_long || memchr(r->key, '\0', kn) ? 1 : 0;
}

static bool S_number(const S_item *it, double *v) {
  return it->json_n && tp_parse_double(it->json, it->json_n, v) == 0;
}

static const char *S_kind(const S_item *it) {
  switch (it->json_n ? it->json[0] : ' ') {
    case '"': return "string";
    case '{': return "object";
    case '[': return "list";
    default: return "value";
  }
}

/* Walk the items (field `field`) of message m, calling fn for each whole one. */
typedef void (*S_item_fn)(S_reader *r, const S_item *it, void *arg);
static int S_items(S_reader *r, tp_pb m, uint32_t field, S_item_fn fn, void *arg) {
  uint32_t f, w;
  while (tp_pb_left(&m)) {
    if (tp_pb_key(&m, &f, &w)) return -1;
    if (f != field || w != TP_PB_LEN) {
      if (tp_pb_skip(&m, w)) return -1;
      continue;
    }
    tp_pb sub;
    S_item it;
    int rc;
    if (tp_pb_sub(&m, &sub) || (rc = S_item_read(r, sub, &it)) < 0) return -1;
    if (rc == 0 && fn) fn(r, &it, arg);
  }
  return 0;
}

/* A google.protobuf.Timestamp as UTC epoch seconds; NAN when malformed. */
static double S_timestamp(tp_pb m) {
  uint64_t sec = 0, nanos = 0, v;
  uint32_t f, w;
  while (tp_pb_left(&m)) {
    if (tp_pb_key(&m, &f, &w)) return NAN;
    if (w == TP_PB_VARINT && (f == 1 || f == 2)) {
      if (tp_pb_varint(&m, &v)) return NAN;
      if (f == 1) sec = v;
      else nanos = v;
    } else if (tp_pb_skip(&m, w)) {
      return NAN;
    }
  }
  if ((int64_t)sec <= 0 || (int64_t)sec > (int64_t)1e11 || nanos >= 1000000000u) return NAN;
  return (double)(int64_t)sec + (double)nanos * 1e-9;
}

/* ---- history -------------------------------------------------------------------- */

typedef struct S_row {
  double step_v, ts, runtime; /* _step, _timestamp, _runtime; NAN if absent */
  int64_t step;
  double t_s;
} S_row;

static void S_row_special(S_reader *r, const S_item *it, void *arg) {
  (void)r;
  S_row *row = arg;
  double v;
  if (it->key[0] != '_' || !S_number(it, &v)) return;
  if (strcmp(it->key, "_step") == 0) row->step_v = v;
  else if (strcmp(it->key, "_timestamp") == 0) row->ts = v;
  else if (strcmp(it->key, "_runtime") == 0) row->runtime = v;
}

static bool S_is_special(const char *key) {
  return strcmp(key, "_step") == 0 || strcmp(key, "_timestamp") == 0 ||
         strcmp(key, "_runtime") == 0;
}

static void S_row_item(S_reader *r, const S_item *it, void *arg) {
  const S_row *row = arg;
  double v;
  if (S_is_special(it->key)) return;
  if (S_number(it, &v)) {
    if (r->h->scalar) r->h->scalar(r->h->ctx, it->key, row->step, row->t_s, v);
  } else if (r->h->skipped) {
    r->h->skipped(r->h->ctx, it->key, S_kind(it));
  }
}

/* The HistoryStep's num (field 2 {num 1}), or -1. */
static int64_t S_history_step(tp_pb m) {
  uint32_t f, w;
  tp_pb sub;
  uint64_t v;
  int64_t step = -1;
  while (tp_pb_left(&m) && !tp_pb_key(&m, &f, &w)) {
    if (f == 2 && w == TP_PB_LEN && !tp_pb_sub(&m, &sub)) {
      step = 0;
      while (tp_pb_left(&sub) && !tp_pb_key(&sub, &f, &w))
        if (f == 1 && w == TP_PB_VARINT && !tp_pb_varint(&sub, &v)) step = (int64_t)v;
        else if (tp_pb_skip(&sub, w)) break;
    } else if (tp_pb_skip(&m, w)) {
      break;
    }
  }
  return step;
}

/* The time of a row whose _timestamp is frozen or absent (see the header). */
static double S_row_time(const S_reader *r, const S_row *row) {
  bool own = isfinite(row->ts) && row->ts > 0 && !r->info->frozen_time;
  if (own) return row->ts;
  if (isfinite(r->stats_now_s)) return r->stats_now_s;
  if (isfinite(r->info->start_s) && isfinite(row->runtime) && row->runtime >= 0)
    return r->info->start_s + row->runtime;
  return NAN;
}

static int S_history(S_reader *r, tp_pb m) {
  S_row row = {.step_v = NAN, .ts = NAN, .runtime = NAN};
  if (S_items(r, m, 1, S_row_special, &row)) return -1;
  if (!r->h) { /* first pass: is _timestamp frozen? */
    r->info->n_history++;
    if (isfinite(row.ts)) {
      if (r->ts_rows++ == 0) r->ts_first = row.ts;
      else if (row.ts != r->ts_first) r->ts_differ = true;
    }
    return 0;
  }
  if (isfinite(row.step_v) && fabs(row.step_v) < 9e15 && row.step_v == floor(row.step_v))
    row.step = (int64_t)row.step_v;
  else
    row.step = (row.step = S_history_step(m)) < 0 ? 0 : row.step;
  row.t_s = S_row_time(r, &row);
  if (isfinite(row.t_s)) r->info->last_history_s = row.t_s;
  if (r->h->row) r->h->row(r->h->ctx, row.step, row.t_s);
  return S_items(r, m, 1, S_row_item, &row);
}

/* ---- stats, summary, config ------------------------------------------------------- */

static void S_stat_mark(S_reader *r, const S_item *it, void *arg) {
  (void)arg;
  static const char pre[] = "gpu.process.";
  if (strncmp(it->key, pre, sizeof pre - 1) != 0) return;
  const char *p = it->key + sizeof pre - 1;
  long n = 0;
  if (*p < '0' || *p > '9') return;
  while (*p >= '0' && *p <= '9' && n < TP_WANDB_BIN_MAX_GPUS) n = n * 10 + (*p++ - '0');
  if (*p != '.' || n >= TP_WANDB_BIN_MAX_GPUS) return;
  r->info->any_process_gpu = true;
  r->info->process_gpu[n] = true;
}

static void S_stat_item(S_reader *r, const S_item *it, void *arg) {
  double v, t_s = *(const double *)arg;
  if (r->h->stat && S_number(it, &v)) r->h->stat(r->h->ctx, t_s, it->key, v);
}

static int S_stats(S_reader *r, tp_pb m) {
  uint32_t f, w;
  uint64_t type = 0;
  double t_s = NAN;
  tp_pb c = m, sub;
  while (tp_pb_left(&c)) {
    if (tp_pb_key(&c, &f, &w)) return -1;
    if (f == 1 && w == TP_PB_VARINT) {
      if (tp_pb_varint(&c, &type)) return -1;
    } else if (f == 2 && w == TP_PB_LEN) {
      if (tp_pb_sub(&c, &sub)) return -1;
      t_s = S_timestamp(sub);
    } else if (tp_pb_skip(&c, w)) {
      return -1;
    }
  }
  if (type != 0 || !isfinite(t_s)) return 0; /* not system metrics, or no time */
  r->stats_now_s = t_s;
  if (!r->h) {
    tp_wandb_bin_info *in = r->info;
    in->n_stats++;
    if (isnan(in->first_stats_s)) in->first_stats_s = t_s;
    in->last_stats_s = t_s;
    return S_items(r, m, 3, S_stat_mark, NULL);
  }
  if (r->h->stats) r->h->stats(r->h->ctx, t_s);
  return S_items(r, m, 3, S_stat_item, &t_s);
}

static void S_summary_item(S_reader *r, const S_item *it, void *arg) {
  (void)arg;
  double v;
  if (r->h && r->h->summary && S_number(it, &v)) r->h->summary(r->h->ctx, it->key, v);
}

static void S_config_item(S_reader *r, const S_item *it, void *arg) {
  (void)arg;
  if (r->h && r->h->config) r->h->config(r->h->ctx, it->key, it->json, it->json_n);
}

/* ---- run and exit ----------------------------------------------------------------- */

static void S_set_str(char **dst, const uint8_t *s, size_t n) {
  if (*dst || !n || memchr(s, '\0', n)) return;
  *dst = tp_xstrndup((const char *)s, n);
}

static int S_run(S_reader *r, tp_pb m) {
  tp_wandb_bin_info *in = r->info;
  uint32_t f, w;
  while (tp_pb_left(&m)) {
    const uint8_t *s;
    size_t n;
    if (tp_pb_key(&m, &f, &w)) return -1;
    if (w != TP_PB_LEN || !(f == 1 || f == 3 || f == 4 || f == 8 || f == 13 || f == 17)) {
      if (tp_pb_skip(&m, w)) return -1;
      continue;
    }
    if (tp_pb_bytes(&m, &s, &n)) return -1;
    if (f == 4 && S_items(r, tp_pb_init(s, n), 1, S_config_item, NULL)) return -1;
    if (r->h) continue; /* the facts are the first pass's */
    if (f == 1) S_set_str(&in->run_id, s, n);
    else if (f == 3) S_set_str(&in->project, s, n);
    else if (f == 8) S_set_str(&in->display_name, s, n);
    else if (f == 13) S_set_str(&in->host, s, n);
    else if (f == 17 && isnan(in->start_s)) in->start_s = S_timestamp(tp_pb_init(s, n));
  }
  return 0;
}

static int S_exit(S_reader *r, tp_pb m) {
  uint32_t f, w;
  uint64_t v, code = 0, runtime = 0;
  while (tp_pb_left(&m)) {
    if (tp_pb_key(&m, &f, &w)) return -1;
    if (w == TP_PB_VARINT && (f == 1 || f == 2)) {
      if (tp_pb_varint(&m, &v)) return -1;
      if (f == 1) code = v;
      else runtime = v;
    } else if (tp_pb_skip(&m, w)) {
      return -1;
    }
  }
  if (!r->h) {
    r->info->n_exits++;
    r->info->exit_code = (int)(int32_t)(uint32_t)code; /* int32, sign-extended on the wire */
    r->info->runtime_s = (double)(int32_t)(uint32_t)runtime;
  }
  return 0;
}

/* ---- records and chunks ----------------------------------------------------------- */

/* One damage event: diagnosed in the second pass, counted in the first. */
#define S_DAMAGE(r, off, ...)                                                  \
  do {                                                                         \
    if ((r)->d) tp_diag_add((r)->d, TP_WARN, (r)->path, (off), -1, __VA_ARGS__); \
    if (!(r)->h) (r)->info->n_damaged++;                                       \
  } while (0)

static void S_record(S_reader *r, int64_t off, const uint8_t *data, size_t n) {
  tp_pb m = tp_pb_init(data, n), sub;
  uint32_t f, w;
  int rc = 0;
  while (rc == 0 && tp_pb_left(&m)) {
    if (tp_pb_key(&m, &f, &w)) rc = -1;
    else if (w != TP_PB_LEN) rc = tp_pb_skip(&m, w);
    else if (tp_pb_sub(&m, &sub)) rc = -1;
    else if (f == S_REC_HISTORY) rc = S_history(r, sub);
    else if (f == S_REC_STATS) rc = S_stats(r, sub);
    else if (f == S_REC_RUN) rc = S_run(r, sub);
    else if (f == S_REC_EXIT) rc = S_exit(r, sub);
    else if (f == S_REC_SUMMARY) {
      if (!r->h) r->info->n_summary++;
      rc = S_items(r, sub, 1, S_summary_item, NULL);
    } else if (f == S_REC_CONFIG) {
      if (!r->h) r->info->n_config++;
      rc = S_items(r, sub, 1, S_config_item, NULL);
    }
  }
  if (rc)
    S_DAMAGE(r, off, "the record here (%zu bytes) does not decode: what of it came before the "
                     "fault is kept, the rest dropped", n);
  else if (!r->h)
    r->info->n_records++;
}

/* A damaged chunk at off: the rest of its block goes (rest bytes), and the
 * record it was part of. */
static void S_damage(S_reader *r, int64_t off, const char *what, size_t rest) {
  if (r->in_record)
    S_DAMAGE(r, off, "%s: the rest of its block (%zu bytes) dropped, with the record begun at "
                     "byte %lld", what, rest, (long long)r->rec_off);
  else
    S_DAMAGE(r, off, "%s: the rest of its block (%zu bytes) dropped", what, rest);
  r->in_record = false;
  r->skipping = true;
}

/* A record left unfinished (why: another begins, the file ends). */
static void S_unfinished(S_reader *r, const char *why) {
  if (!r->in_record) return;
  S_DAMAGE(r, r->rec_off, "the record begun here (%zu bytes of it read) %s: dropped", r->rec_len,
           why);
  r->in_record = false;
}

static void S_chunk(S_reader *r, int64_t off, int type, const uint8_t *data, size_t n) {
  if (type == S_FULL || type == S_FIRST) {
    S_unfinished(r, "never ended (another begins)");
    r->skipping = false;
    if (type == S_FULL) {
      S_record(r, off, data, n);
      return;
    }
    r->in_record = true;
    r->rec_off = off;
    r->rec_len = 0;
  } else if (!r->in_record) {
    if (!r->skipping) {
      S_DAMAGE(r, off, "a %s chunk (%zu bytes) with no record begun: dropped",
               type == S_LAST ? "last" : "middle", n);
    }
    if (type == S_LAST) r->skipping = false;
    return;
  }
  if (r->rec_len + n > TP_WANDB_BIN_MAX_RECORD) {
    S_DAMAGE(r, r->rec_off, "the record begun here is longer than %u bytes: dropped",
             (unsigned)TP_WANDB_BIN_MAX_RECORD);
    r->in_record = false;
    r->skipping = true;
    return;
  }
  TP_GROW(r->rec, r->rec_cap, r->rec_len + n);
  memcpy(r->rec + r->rec_len, data, n);
  r->rec_len += n;
  if (type == S_LAST) {
    r->in_record = false;
    S_record(r, r->rec_off, r->rec, r->rec_len);
  }
}

static uint32_t S_le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The chunks of one block (n bytes at file offset base; the file's last
 * block when n < TP_WANDB_BIN_BLOCK), from pos. */
static void S_block(S_reader *r, int64_t base, size_t pos, size_t n) {
  const uint8_t *b = r->block;
  bool last = n < TP_WANDB_BIN_BLOCK;
  while (pos + TP_WANDB_BIN_HEADER <= n) {
    int64_t off = base + (int64_t)pos;
    uint32_t crc = S_le32(b + pos);
    size_t len = (size_t)b[pos + 4] | (size_t)b[pos + 5] << 8;
    uint8_t type = b[pos + 6];
    size_t rest = n - pos, have = rest - TP_WANDB_BIN_HEADER;
    if (crc == 0 && len == 0 && type == 0) return; /* zero fill to the block's end */
    const char *bad = type < S_FULL || type > S_LAST ? "chunk of unknown type" : NULL;
    if (!bad && len > have && last) {
      if (r->in_record)
        S_DAMAGE(r, off, "the file ends inside this chunk (%zu of its %zu bytes written): "
                         "dropped, with the record begun at byte %lld", have, len,
                 (long long)r->rec_off);
      else
        S_DAMAGE(r, off, "the file ends inside this chunk (%zu of its %zu bytes written): "
                         "dropped", have, len);
      r->in_record = false;
      r->skipping = true;
      return;
    }
    const uint8_t *data = b + pos + TP_WANDB_BIN_HEADER;
    if (!bad && len > have) bad = "chunk longer than its block";
    if (!bad && tp_crc32_update(tp_crc32_update(0, &type, 1), data, len) != crc)
      bad = "chunk checksum mismatch";
    if (bad) {
      S_damage(r, off, bad, rest);
      return;
    }
    S_chunk(r, off, type, data, len);
    pos += TP_WANDB_BIN_HEADER + len;
  }
  if (last && pos < n)
    S_DAMAGE(r, base + (int64_t)pos, "the file ends inside a chunk header (%zu bytes): dropped",
             n - pos);
}

/* One pass over the file: 0, or -1 when it is not a W&B run file. */
static int S_pass(S_reader *r) {
  rewind(r->f);
  r->in_record = r->skipping = false;
  r->stats_now_s = NAN;
  size_t n = fread(r->block, 1, TP_WANDB_BIN_BLOCK, r->f);
  static const uint8_t magic[TP_WANDB_BIN_HEADER] = {':', 'W', '&', 'B', 0xE1, 0xBE, 0};
  if (n < TP_WANDB_BIN_HEADER || memcmp(r->block, magic, 4) != 0) {
    if (r->d)
      tp_diag_add(r->d, TP_WARN, r->path, 0, -1, "not a W&B run file (no :W&B header); ignored");
    return -1;
  }
  if (memcmp(r->block + 4, magic + 4, 3) != 0) {
    if (r->d)
      tp_diag_add(r->d, TP_WARN, r->path, 4, -1,
                  "W&B run file of an unknown version (%02x %02x %02x); ignored", r->block[4],
                  r->block[5], r->block[6]);
    return -1;
  }
  int64_t base = 0;
  size_t pos = TP_WANDB_BIN_HEADER;
  while (n) {
    S_block(r, base, pos, n);
    if (n < TP_WANDB_BIN_BLOCK) break;
    base += TP_WANDB_BIN_BLOCK;
    pos = 0;
    n = fread(r->block, 1, TP_WANDB_BIN_BLOCK, r->f);
  }
  if (ferror(r->f) && r->d)
    tp_diag_add(r->d, TP_WARN, r->path, base, -1, "read error; the rest of the file not read");
  S_unfinished(r, "never ended (the file ends)");
  return 0;
}

int tp_wandb_bin_read(const char *path, const tp_wandb_bin_handlers *h, tp_wandb_bin_info *info,
                      tp_diags *d) {
  memset(info, 0, sizeof *info);
  info->start_s = info->runtime_s = info->first_stats_s = info->last_stats_s = NAN;
  info->last_history_s = NAN;
  S_reader *r = tp_xcalloc(1, sizeof *r);
  r->path = path;
  r->info = info;
  r->f = fopen(path, "rb");
  int rc = -1;
  if (!r->f) {
    tp_diag_add(d, TP_WARN, path, -1, -1, "cannot open (%s); skipped", strerror(errno));
    goto done;
  }
  if (S_pass(r) != 0) { /* first pass: the facts, silently */
    r->d = d;
    S_pass(r);          /* ... and once more to say why */
    goto done;
  }
  info->frozen_time = r->ts_rows >= 2 && !r->ts_differ;
  static const tp_wandb_bin_handlers none = {0};
  r->h = h ? h : &none;
  r->d = d;
  rc = S_pass(r);
done:
  if (r->f) fclose(r->f);
  free(r->rec);
  free(r);
  return rc;
}

void tp_wandb_bin_info_free(tp_wandb_bin_info *info) {
  free(info->run_id);
  free(info->project);
  free(info->display_name);
  free(info->host);
  info->run_id = info->project = info->display_name = info->host = NULL;
}

bool tp_wandb_is_run_file_name(const char *name) {
  size_t n = strlen(name);
  return n > 10 && strncmp(name, "run-", 4) == 0 && strcmp(name + n - 6, ".wandb") == 0;
}

/* The first run-*.wandb by name in dir; *count how many. */
static char *S_find_in(const char *dir, int *count) {
  DIR *dh = opendir(dir);
  if (!dh) return NULL;
  char *best = NULL;
  struct dirent *e;
  while ((e = readdir(dh)))
    if (tp_wandb_is_run_file_name(e->d_name)) {
      (*count)++;
      if (!best || strcmp(e->d_name, best) < 0) {
        free(best);
        best = tp_xstrdup(e->d_name);
      }
    }
  closedir(dh);
  if (!best) return NULL;
  char *p = tp_xasprintf("%s/%s", dir, best);
  free(best);
  return p;
}

char *tp_wandb_bin_find(const char *dir, int *count) {
  int n = 0;
  char *p = S_find_in(dir, &n);
  size_t len = strlen(dir);
  while (len > 1 && dir[len - 1] == '/') len--;
  if (!p && len >= 6 && strncmp(dir + len - 6, "/files", 6) == 0) {
    char *parent = tp_xstrndup(dir, len - 6);
    p = S_find_in(parent, &n);
    free(parent);
  }
  if (count) *count = n;
  return p;
}

int tp_wandb_bin_gpu_key(const char *key, const char **what) {
  if (strncmp(key, "gpu.", 4) != 0) return -1;
  const char *p = key + 4;
  int n = 0;
  if (*p < '0' || *p > '9') return -1;
  while (*p >= '0' && *p <= '9') {
    n = n * 10 + (*p++ - '0');
    if (n >= TP_WANDB_BIN_MAX_GPUS) return -1;
  }
  if (*p != '.') return -1;
  *what = p + 1;
  return n;
}
