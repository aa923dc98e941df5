/* textlog: PCRE2 pattern sets over plain-text logs (see textlog.h). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "parser/logs/textlog.h"

#include <math.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "parser/text/csv.h"
#include "parser/logs/lightning_csv.h"
#include "parser/text/number.h"

/* ---- built-in sets --------------------------------------------------------- */

/* A number as logs print it (Python floats, exponents, nan/inf). */
#define NUM "[-+]?(?:(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?|(?i:nan|inf))"

/* The pairs patterns of the built-in sets (also matched by hand, see S_scan). */
#define S_PAIRS_FAIRSEQ "(?:^|[\\s|,])(?<name>[A-Za-z_]\\w*)[= ](?<value>" NUM ")(?=[\\s,|]|$)"
#define S_PAIRS_EPOCH_STEP \
  "(?<name>[A-Za-z_][\\w/.-]*)\\s*[:=]\\s*(?<value>" NUM ")(?![\\w.])"
#define S_PAIRS_KEY_VALUE \
  "(?:^|[\\s,;|])(?<name>[A-Za-z_][\\w/.-]*)=(?<value>" NUM ")(?=[\\s,;|]|$)"
#define S_PAIRS_COLON "(?<name>[A-Za-z_][\\w/.]*):\\s+(?<value>" NUM ")(?=\\s|$)"

static const tp_textlog_rule k_fairseq[] = {
    {"fairseq", /* >= 0.10: "2021-01-01 12:00:00 | INFO | train_inner | epoch 001:  100 / 1000 loss=..." */
     "^(?<time>\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d) \\| INFO \\| (?<_logger>[\\w.]+) \\| "
     "epoch (?<epoch>\\d+)",
     S_PAIRS_FAIRSEQ, NULL, NULL},
    {"fairseq-legacy", /* <= 0.9: "| epoch 001 | loss 4.200 | ... | wall 52" */
     "^\\| epoch (?<epoch>\\d+)(?=[\\s|:])",
     S_PAIRS_FAIRSEQ, NULL, NULL},
};

static const tp_textlog_rule k_epoch_step[] = {
    {"epoch-step", /* "Epoch [1/10] Step [100/500] loss: 0.23, acc: 0.91" */
     "(?i)\\bepoch\\s*\\[?\\s*(?<epoch>\\d+)\\s*(?:/\\s*\\d+\\s*)?\\]?\\s*[,:|-]?\\s*"
     "(?:step|iter(?:ation)?|batch)\\s*\\[?\\s*(?<step>\\d+)\\s*(?:/\\s*\\d+\\s*)?\\]?",
     S_PAIRS_EPOCH_STEP, NULL, NULL},
};

static const tp_textlog_rule k_key_value[] = {
    {"key-value", /* "[2024-01-01T12:00:00Z] step=100 loss=0.5 lr=1e-4" */
     "^\\[?(?:(?<time>\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?"
     "(?:Z|[+-]\\d\\d:?\\d\\d)?)\\]?)?",
     S_PAIRS_KEY_VALUE, NULL, NULL},
};

static const tp_textlog_rule k_nanogpt[] = {
    {"nanogpt-iter", "^iter (?<step>\\d+): loss (?<loss>" NUM "), time (?<iter_time_ms>" NUM
                     ")ms(?:, mfu (?<mfu_percent>" NUM ")%)?",
     NULL, NULL, NULL},
    {"nanogpt-eval", "^step (?<step>\\d+): train loss (?<train_loss>" NUM "), val loss (?<val_loss>" NUM
                     ")",
     NULL, NULL, NULL},
};

static const tp_textlog_rule k_detectron2[] = {
    {"detectron2", /* time has no year: not read */
     "^\\[\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d\\] d2\\.utils\\.events INFO:",
     S_PAIRS_COLON, NULL, NULL},
};

static const tp_textlog_rule k_mmengine[] = {
    {"mmengine-train",
     "^(?<time>\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d) - mmengine - INFO - "
     "Epoch\\(train\\)\\s*\\[(?<epoch>\\d+)\\]\\[\\s*(?<step>\\d+)/\\d+\\]",
     S_PAIRS_COLON, NULL, NULL},
    {"mmengine-iter",
     "^(?<time>\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d) - mmengine - INFO - "
     "Iter\\(train\\)\\s*\\[\\s*(?<step>\\d+)/\\d+\\]",
     S_PAIRS_COLON, NULL, NULL},
    {"mmengine-val",
     "^(?<time>\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d) - mmengine - INFO - "
     "(?:Epoch|Iter)\\(val\\)\\s*\\[(?<_epoch>\\d+)\\](?:\\[\\s*\\d+/\\d+\\])?\\s",
     S_PAIRS_COLON, NULL,"val/"},
};

#define S_SET(n, r) {n, r, sizeof r / sizeof *r}
static const tp_textlog_set k_builtins[] = {
    S_SET("fairseq", k_fairseq),       S_SET("epoch-step", k_epoch_step),
    S_SET("key-value", k_key_value),   S_SET("nanogpt", k_nanogpt),
    S_SET("detectron2", k_detectron2), S_SET("mmengine", k_mmengine),
};

const tp_textlog_set *tp_textlog_builtins(size_t *n) {
  *n = sizeof k_builtins / sizeof *k_builtins;
  return k_builtins;
}

const tp_textlog_set *tp_textlog_builtin(const char *name) {
  for (size_t i = 0; i < sizeof k_builtins / sizeof *k_builtins; i++)
    if (strcmp(k_builtins[i].name, name) == 0) return &k_builtins[i];
  return NULL;
}

/* ---- the built-in pairs patterns by hand -------------------------------------- */

/* A pairs pattern of the form
 *   [before] name [ws] sep [ws] value (?=after)
 * scanned without PCRE2, with the same leftmost match.  The match is unique
 * where it exists: the separator and spaces are never name characters, so
 * the name is the longest run; the longest number is the only one the
 * lookahead can accept (a shorter one stops before a digit, '.', 'e' or a
 * sign, none of which may follow a value). */
typedef struct S_scan {
  const char *pattern;   /* the pairs pattern it stands for, byte for byte */
  const char *before;    /* NULL: a name starts anywhere; else the line start, \s or one of these */
  const char *name_more; /* name characters besides \w after the first */
  const char *sep;       /* one of these between name and value */
  bool ws_before_sep;    /* \s* before the separator */
  int ws_after_sep;      /* 0: nothing, 1: \s*, 2: \s+ after it */
  const char *after;     /* (?=[\s + these]|$); NULL: (?![\w.]) */
} S_scan;

static const S_scan k_scans[] = {
    {S_PAIRS_FAIRSEQ, "|,", "", "= ", false, 0, ",|"},
    {S_PAIRS_EPOCH_STEP, NULL, "/.-", ":=", true, 1, NULL},
    {S_PAIRS_KEY_VALUE, ",;|", "/.-", "=", false, 0, ",;|"},
    {S_PAIRS_COLON, NULL, "/.", ":", false, 2, ""},
};

static const S_scan *S_scan_for(const char *pattern) {
  for (size_t i = 0; i < sizeof k_scans / sizeof *k_scans; i++)
    if (strcmp(k_scans[i].pattern, pattern) == 0) return &k_scans[i];
  return NULL;
}

/* PCRE2's default (C locale) classes. */
static inline bool S_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static inline bool S_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static inline bool S_alpha_(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static inline bool S_word(unsigned char c) { return S_alpha_(c) || S_digit(c); }
static inline bool S_in(unsigned char c, const char *set) { return c && strchr(set, c); }

/* Length of the longest NUM at s[0..n), 0 when none. */
static size_t S_num_len(const unsigned char *s, size_t n) {
  size_t i = 0;
  if (i < n && (s[i] == '-' || s[i] == '+')) i++;
  size_t d = i;
  while (i < n && S_digit(s[i])) i++;
  if (i > d) {
    if (i < n && s[i] == '.')
      for (i++; i < n && S_digit(s[i]);) i++;
  } else if (i + 1 < n && s[i] == '.' && S_digit(s[i + 1])) {
    for (i += 2; i < n && S_digit(s[i]);) i++;
  } else {
    if (n - i >= 3) {
      char w[3] = {(char)(s[i] | 0x20), (char)(s[i + 1] | 0x20), (char)(s[i + 2] | 0x20)};
      if (memcmp(w, "nan", 3) == 0 || memcmp(w, "inf", 3) == 0) return i + 3;
    }
    return 0;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < n && (s[j] == '-' || s[j] == '+')) j++;
    size_t k = j;
    while (j < n && S_digit(s[j])) j++;
    if (j > k) i = j;
  }
  return i;
}

/* Try a pair whose name starts at line[i].  Returns the end of the value, or
 * 0 with *run set to the end of the name run (no pair starts inside it). */
static size_t S_scan_at(const S_scan *sc, const unsigned char *l, size_t len, size_t i,
                        size_t *ns, size_t *nn, size_t *vs, size_t *vn, size_t *run) {
  *run = i + 1;
  if (i >= len || !S_alpha_(l[i])) return 0;
  size_t j = i + 1;
  while (j < len && (S_word(l[j]) || S_in(l[j], sc->name_more))) j++;
  *run = j;
  size_t name_end = j;
  if (sc->ws_before_sep)
    while (j < len && S_space(l[j])) j++;
  if (j >= len || !S_in(l[j], sc->sep)) return 0;
  j++;
  if (sc->ws_after_sep) {
    size_t k = j;
    while (j < len && S_space(l[j])) j++;
    if (sc->ws_after_sep == 2 && j == k) return 0;
  }
  size_t v = S_num_len(l + j, len - j);
  if (!v) return 0;
  size_t e = j + v;
  if (sc->after ? (e < len && !S_space(l[e]) && !S_in(l[e], sc->after))
                : (e < len && (S_word(l[e]) || l[e] == '.')))
    return 0;
  *ns = i, *nn = name_end - i, *vs = j, *vn = v;
  return e;
}

/* The leftmost pair at or after line[start]: 0 and the spans, or -1. */
static int S_scan_next(const S_scan *sc, const char *line, size_t len, size_t start, size_t *ns,
                       size_t *nn, size_t *vs, size_t *vn, size_t *end) {
  const unsigned char *l = (const unsigned char *)line;
  size_t run;
  if (!sc->before) {
    for (size_t i = start; i < len;) {
      if ((*end = S_scan_at(sc, l, len, i, ns, nn, vs, vn, &run))) return 0;
      i = run; /* a name starting inside the run ends where it ends */
    }
    return -1;
  }
  if (start == 0 && (*end = S_scan_at(sc, l, len, 0, ns, nn, vs, vn, &run))) return 0;
  for (size_t i = start; i < len; i++)
    if ((S_space(l[i]) || S_in(l[i], sc->before)) &&
        (*end = S_scan_at(sc, l, len, i + 1, ns, nn, vs, vn, &run)))
      return 0;
  return -1;
}

/* ---- compiling --------------------------------------------------------------- */

typedef enum S_role { S_METRIC, S_STEP, S_EPOCH, S_TIME, S_IGNORE } S_role;

typedef struct S_group {
  uint32_t number; /* capture group number */
  S_role role;
  char *tag;       /* METRIC: prefix + name */
} S_group;

typedef struct S_rule {
  const tp_textlog_rule *src;
  pcre2_code *line, *pairs;
  const S_scan *scan;             /* pairs scanned by hand, NULL: by PCRE2 */
  uint32_t pair_name, pair_value; /* group numbers in pairs */
  S_group *groups;
  size_t n_groups;
  unsigned gave_up;
  bool off;
} S_rule;

struct tp_textlog {
  S_rule *rules;
  size_t n_rules;
  pcre2_match_context *mctx;
  pcre2_match_data *md, *md_pairs;
  bool pcre2_only;                /* tp_textlog_force_pcre2 */
};

static pcre2_code *S_compile(const char *pat, const char *set, const char *rule, const char *what,
                             tp_diags *d) {
  int err;
  PCRE2_SIZE off;
  pcre2_code *c = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
  if (!c) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(err, msg, sizeof msg);
    tp_diag_add(d, TP_ERROR, NULL, -1, -1,
                "pattern set '%s', rule '%s': %s pattern does not compile at offset %zu: %s; "
                "rule left out",
                set, rule, what, (size_t)off, (const char *)msg);
    return NULL;
  }
  pcre2_jit_compile(c, PCRE2_JIT_COMPLETE); /* where JIT is not available, interpret */
  return c;
}

static S_role S_role_of(const char *name) {
  if (name[0] == '_') return S_IGNORE;
  if (strcmp(name, "step") == 0 || strcmp(name, "iter") == 0) return S_STEP;
  if (strcmp(name, "epoch") == 0) return S_EPOCH;
  if (strcmp(name, "time") == 0) return S_TIME;
  return S_METRIC;
}

tp_textlog *tp_textlog_compile(const tp_textlog_set *set, tp_diags *d) {
  tp_textlog *tl = tp_xcalloc(1, sizeof *tl);
  tl->rules = tp_xcalloc(set->n_rules ? set->n_rules : 1, sizeof *tl->rules);
  const char *sname = set->name ? set->name : "?";
  for (size_t i = 0; i < set->n_rules; i++) {
    const tp_textlog_rule *r = &set->rules[i];
    const char *rname = r->name ? r->name : "?";
    if (!r->line) continue;
    S_rule *c = &tl->rules[tl->n_rules];
    memset(c, 0, sizeof *c);
    c->src = r;
    c->line = S_compile(r->line, sname, rname, "line", d);
    if (!c->line) continue;
    if (r->pairs) {
      c->pairs = S_compile(r->pairs, sname, rname, "pairs", d);
      int nn = c->pairs ? pcre2_substring_number_from_name(c->pairs, (PCRE2_SPTR) "name") : -1;
      int nv = c->pairs ? pcre2_substring_number_from_name(c->pairs, (PCRE2_SPTR) "value") : -1;
      if (c->pairs && (nn <= 0 || nv <= 0)) {
        tp_diag_add(d, TP_ERROR, NULL, -1, -1,
                    "pattern set '%s', rule '%s': the pairs pattern needs groups named 'name' "
                    "and 'value'; rule left out",
                    sname, rname);
      }
      if (!c->pairs || nn <= 0 || nv <= 0) {
        pcre2_code_free(c->pairs);
        pcre2_code_free(c->line);
        continue;
      }
      c->pair_name = (uint32_t)nn;
      c->pair_value = (uint32_t)nv;
      c->scan = S_scan_for(r->pairs);
    }
    uint32_t count = 0, esize = 0;
    PCRE2_SPTR table = NULL;
    pcre2_pattern_info(c->line, PCRE2_INFO_NAMECOUNT, &count);
    pcre2_pattern_info(c->line, PCRE2_INFO_NAMEENTRYSIZE, &esize);
    pcre2_pattern_info(c->line, PCRE2_INFO_NAMETABLE, &table);
    c->groups = tp_xcalloc(count ? count : 1, sizeof *c->groups);
    for (uint32_t k = 0; k < count; k++) {
      PCRE2_SPTR e = table + (size_t)k * esize;
      const char *gname = (const char *)e + 2;
      S_group *g = &c->groups[c->n_groups++];
      g->number = ((uint32_t)e[0] << 8) | e[1];
      g->role = S_role_of(gname);
      if (g->role == S_METRIC) g->tag = tp_xasprintf("%s%s", r->prefix ? r->prefix : "", gname);
    }
    tl->n_rules++;
  }
  if (!tl->n_rules) {
    tp_diag_add(d, TP_ERROR, NULL, -1, -1, "pattern set '%s' has no usable rule", sname);
    tp_textlog_free(tl);
    return NULL;
  }
  tl->mctx = pcre2_match_context_create(NULL);
  pcre2_set_match_limit(tl->mctx, TP_TEXTLOG_MATCH_LIMIT);
  pcre2_set_depth_limit(tl->mctx, TP_TEXTLOG_DEPTH_LIMIT);
  pcre2_set_heap_limit(tl->mctx, TP_TEXTLOG_HEAP_LIMIT_KIB);
  tl->md = pcre2_match_data_create(64, NULL);
  tl->md_pairs = pcre2_match_data_create(8, NULL);
  if (!tl->mctx || !tl->md || !tl->md_pairs) {
    fprintf(stderr, "trainprint: out of memory (pcre2)\n");
    abort();
  }
  return tl;
}

void tp_textlog_free(tp_textlog *tl) {
  if (!tl) return;
  for (size_t i = 0; i < tl->n_rules; i++) {
    S_rule *c = &tl->rules[i];
    pcre2_code_free(c->line);
    pcre2_code_free(c->pairs);
    for (size_t k = 0; k < c->n_groups; k++) free(c->groups[k].tag);
    free(c->groups);
  }
  free(tl->rules);
  pcre2_match_context_free(tl->mctx);
  pcre2_match_data_free(tl->md);
  pcre2_match_data_free(tl->md_pairs);
  free(tl);
}

void tp_textlog_force_pcre2(tp_textlog *tl, bool on) { tl->pcre2_only = on; }

size_t tp_textlog_scanned_rules(const tp_textlog *tl) {
  size_t n = 0;
  for (size_t i = 0; i < tl->n_rules; i++) n += tl->rules[i].scan != NULL;
  return n;
}

/* ---- reading ------------------------------------------------------------------ */

#define S_MAX_VALUES 128

typedef struct S_value {
  const char *tag;   /* NUL-terminated: a group's tag, or in tagbuf */
  double v;
} S_value;

typedef struct S_state {
  int64_t last_step, offset, last_raw_step, last_epoch;
  bool any;
} S_state;

static bool S_is_step_name(const char *s, size_t n) {
  static const char *const names[] = {"step", "iter", "iteration", "global_step", "num_updates"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (strlen(names[i]) == n && memcmp(s, names[i], n) == 0) return true;
  return false;
}

static bool S_int(const char *s, size_t n, int64_t *out) {
  return tp_metrics_csv_int(s, n, out) == 0;
}

/* Handle a pcre2 result that is neither a match nor "no match". */
static void S_match_error(tp_textlog *tl, S_rule *c, int rc, tp_rdiag *rd, int64_t line,
                          tp_textlog_stats *st) {
  PCRE2_UCHAR msg[256];
  pcre2_get_error_message(rc, msg, sizeof msg);
  st->gave_up++;
  tp_rdiag_add(rd, TP_WARN, "pattern gave up", line,
               "rule '%s' gave up on this line (%s); line skipped",
               c->src->name ? c->src->name : "?", (const char *)msg);
  if (++c->gave_up >= TP_TEXTLOG_MAX_GIVEUPS && !c->off) {
    c->off = true;
    tp_rdiag_add(rd, TP_ERROR, "rule switched off", line,
                 "rule '%s' gave up on %d lines: switched off for the rest of the file",
                 c->src->name ? c->src->name : "?", TP_TEXTLOG_MAX_GIVEUPS);
  }
  (void)tl;
}

int tp_textlog_read(tp_textlog *tl, FILE *f, const char *name, tp_clock *clock,
                    const tp_metric_sink *sink, tp_diags *d, tp_textlog_stats *st) {
  tp_clock utc;
  if (!clock) {
    tp_clock_init(&utc, NULL, 0);
    clock = &utc;
  }
  tp_textlog_stats local;
  if (!st) st = &local;
  memset(st, 0, sizeof *st);
  st->first_time_s = st->last_time_s = NAN;
  tp_metric_sink_time_source(sink, name, "time group");
  tp_rdiag rd;
  tp_rdiag_init(&rd, d, name);
  tp_lines lr;
  tp_lines_init(&lr, f, &rd, 0);
  S_state s = {.last_epoch = INT64_MIN, .last_raw_step = INT64_MIN};
  S_value vals[S_MAX_VALUES];
  char tagbuf[S_MAX_VALUES][96];
  const char *line;
  size_t len;
  while (tp_lines_next(&lr, &line, &len)) {
    st->lines++;
    S_rule *c = NULL;
    for (size_t i = 0; i < tl->n_rules; i++) {
      if (tl->rules[i].off) continue;
      int rc = pcre2_match(tl->rules[i].line, (PCRE2_SPTR)line, len, 0, 0, tl->md, tl->mctx);
      if (rc > 0) {
        c = &tl->rules[i];
        break;
      }
      if (rc != PCRE2_ERROR_NOMATCH) S_match_error(tl, &tl->rules[i], rc, &rd, lr.line, st);
    }
    if (!c) continue;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(tl->md);
    uint32_t npairs = pcre2_get_ovector_count(tl->md);
    size_t nv = 0;
    bool has_step = false, has_epoch = false;
    int64_t raw_step = 0, epoch = 0;
    double t = NAN;
    bool bad = false;
    for (size_t k = 0; k < c->n_groups; k++) {
      S_group *g = &c->groups[k];
      if (g->number >= npairs || ov[2 * g->number] == PCRE2_UNSET || g->role == S_IGNORE)
        continue;
      const char *gs = line + ov[2 * g->number];
      size_t gn = ov[2 * g->number + 1] - ov[2 * g->number];
      if (g->role == S_TIME) {
        tp_timestamp ts;
        int prc = c->src->time_format
                      ? tp_time_parse_pattern(gs, gn, c->src->time_format, &ts)
                      : tp_time_parse(gs, gn, TP_TIME_AUTO, &ts);
        if (prc == 0) t = tp_clock_utc(clock, &ts);
        else
          tp_rdiag_add(&rd, TP_WARN, "bad time", lr.line, "'%.*s' is not a time; time ignored",
                       (int)(gn > 40 ? 40 : gn), gs);
        /* A bare number read as an epoch, or a format without a year (1970
         * by default), gives a time before 1990: not a date, so not used. */
        if (prc == 0 && !(t >= TP_TIME_PLAUSIBLE_FROM_S)) {
          tp_rdiag_add(&rd, TP_WARN, "implausible time", lr.line,
                       "time '%.*s' reads as before 1990 (an offset, or a format without a "
                       "year?), not a plausible wall-clock time; time ignored",
                       (int)(gn > 40 ? 40 : gn), gs);
          t = NAN;
        }
      } else if (g->role == S_STEP || g->role == S_EPOCH) {
        int64_t v;
        if (!S_int(gs, gn, &v)) {
          bad = true;
          break;
        }
        if (g->role == S_STEP) raw_step = v, has_step = true;
        else epoch = v, has_epoch = true;
      } else if (nv < S_MAX_VALUES) {
        if (tp_csv_number(gs, gn, &vals[nv].v) != 0) {
          tp_rdiag_add(&rd, TP_WARN, "not a number", lr.line,
                       "rule '%s': %s '%.*s' is not a number; value skipped",
                       c->src->name ? c->src->name : "?", g->tag, (int)(gn > 40 ? 40 : gn), gs);
          continue;
        }
        vals[nv++].tag = g->tag;
      }
    }
    if (bad) {
      tp_rdiag_add(&rd, TP_WARN, "bad step", lr.line, "step or epoch is not an integer; line skipped");
      continue;
    }
    if (c->pairs) {
      PCRE2_SIZE start = ov[1];
      const S_scan *sc = tl->pcre2_only ? NULL : c->scan;
      while (start <= len && nv < S_MAX_VALUES) {
        const char *ns, *vs;
        size_t nn, vn;
        if (sc) {
          size_t nso, vso, end;
          if (S_scan_next(sc, line, len, start, &nso, &nn, &vso, &vn, &end)) break;
          ns = line + nso, vs = line + vso, start = end;
        } else {
          int rc = pcre2_match(c->pairs, (PCRE2_SPTR)line, len, start, 0, tl->md_pairs, tl->mctx);
          if (rc == PCRE2_ERROR_NOMATCH) break;
          if (rc < 0) {
            S_match_error(tl, c, rc, &rd, lr.line, st);
            break;
          }
          PCRE2_SIZE *po = pcre2_get_ovector_pointer(tl->md_pairs);
          start = po[1] > po[0] ? po[1] : po[0] + 1;
          /* a group that took no part in the match is PCRE2_UNSET: no offset */
          if (po[2 * c->pair_name] == PCRE2_UNSET || po[2 * c->pair_value] == PCRE2_UNSET)
            continue;
          ns = line + po[2 * c->pair_name];
          nn = po[2 * c->pair_name + 1] - po[2 * c->pair_name];
          vs = line + po[2 * c->pair_value];
          vn = po[2 * c->pair_value + 1] - po[2 * c->pair_value];
        }
        int64_t iv;
        if (S_is_step_name(ns, nn) && S_int(vs, vn, &iv)) {
          raw_step = iv, has_step = true;
          continue;
        }
        if (nn == 5 && memcmp(ns, "epoch", 5) == 0 && S_int(vs, vn, &iv)) {
          epoch = iv, has_epoch = true;
          continue;
        }
        double v;
        if (tp_csv_number(vs, vn, &v) != 0) continue;
        const char *pre = c->src->prefix ? c->src->prefix : "";
        size_t np = strlen(pre);
        if (np + nn >= sizeof tagbuf[nv]) continue; /* name too long */
        memcpy(tagbuf[nv], pre, np);
        memcpy(tagbuf[nv] + np, ns, nn);
        tagbuf[nv][np + nn] = '\0';
        vals[nv].tag = tagbuf[nv];
        vals[nv++].v = v;
      }
    }
    if (!nv) continue;
    /* The step of this record. */
    int64_t step;
    if (has_step) {
      if (has_epoch && s.any && epoch > s.last_epoch && raw_step <= s.last_raw_step)
        s.offset = s.last_step + 1 - raw_step; /* counted within each epoch */
      step = s.offset + raw_step;
      s.last_raw_step = raw_step;
    } else if (has_epoch) {
      step = epoch;
    } else {
      step = s.any ? s.last_step : (int64_t)st->records;
    }
    if (has_epoch) s.last_epoch = epoch;
    s.last_step = step;
    s.any = true;
    if (isfinite(t)) {
      if (isnan(st->first_time_s)) st->first_time_s = t;
      st->last_time_s = t;
    }
    if (sink->event) sink->event(sink->ctx, step, t);
    for (size_t k = 0; k < nv; k++) sink->scalar(sink->ctx, vals[k].tag, step, t, vals[k].v);
    st->records++;
    st->values += nv;
  }
  int rc = lr.read_error ? -1 : 0;
  tp_rdiag_finish(&rd);
  tp_lines_free(&lr);
  return rc;
}

/* ---- sniffing ------------------------------------------------------------------- */

static void S_null_scalar(void *ctx, const char *tag, int64_t step, double t, double v) {
  (void)ctx, (void)tag, (void)step, (void)t, (void)v;
}

const tp_textlog_set *tp_textlog_sniff(const char *head, size_t len, unsigned min_records) {
  const tp_textlog_set *best = NULL;
  uint64_t best_n = 0;
  if (!len) return NULL;
  for (size_t i = 0; i < sizeof k_builtins / sizeof *k_builtins; i++) {
    /* key=value lines are too common to guess from; that set is chosen by name. */
    if (strcmp(k_builtins[i].name, "key-value") == 0) continue;
    tp_diags scratch = {0};
    tp_textlog *tl = tp_textlog_compile(&k_builtins[i], &scratch);
    FILE *f = tl ? fmemopen((void *)head, len, "rb") : NULL;
    if (f) {
      tp_metric_sink sink = {.scalar = S_null_scalar};
      tp_textlog_stats st;
      tp_textlog_read(tl, f, "head", NULL, &sink, &scratch, &st);
      fclose(f);
      if (st.records >= min_records && st.records > best_n) {
        best = &k_builtins[i];
        best_n = st.records;
      }
    }
    tp_textlog_free(tl);
    tp_diag_free(&scratch);
  }
  return best;
}
