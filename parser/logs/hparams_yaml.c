/* hparams_yaml: flatten a Lightning hparams.yaml through libyaml's event API. */
#include "parser/logs/hparams_yaml.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "model/mem.h"
#include "parser/text/number.h"
#include "parser/text/sha256.h"
#include "parser/text/yamlalias.h"
#include "parser/text/yamldoc.h"

#define S_MAX_FILE (16u << 20) /* hparams files are small; larger ones are refused */

typedef struct S_yaml {
  yaml_parser_t parser;
  tp_yalias *aliases;  /* the parser's events, aliases resolved */
  const char *path;
  tp_diags *d;
  tp_hparams_yaml_fn fn;
  void *ctx;
  tp_buf key;     /* the flattened key of the value being read */
  tp_buf text;    /* a sequence being rendered */
  int depth;      /* open mappings and sequences */
  bool stop;      /* a problem ended the reading */
  bool too_deep;  /* a value nested too deep was skipped (reported once) */
} S_yaml;

typedef enum S_scalar { S_NULL, S_BOOL, S_NUMBER, S_STRING } S_scalar;

static bool S_only(const char *s, size_t n, const char *set) {
  for (size_t i = 0; i < n; i++)
    if (!strchr(set, s[i])) return false;
  return true;
}

static bool S_eq_any(const char *s, const char *const *words) {
  for (; *words; words++)
    if (strcmp(s, *words) == 0) return true;
  return false;
}

/* YAML 1.2 core-schema number syntax: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool S_is_number(const char *s) {
  const char *p = s + (*s == '-' || *s == '+');
  size_t digits = strspn(p, "0123456789");
  p += digits;
  if (*p == '.') {
    size_t frac = strspn(p + 1, "0123456789");
    if (!digits && !frac) return false;
    p += 1 + frac;
  } else if (!digits) return false;
  if (*p == 'e' || *p == 'E') {
    p++;
    p += *p == '-' || *p == '+';
    size_t exp = strspn(p, "0123456789");
    if (!exp) return false;
    p += exp;
  }
  return *p == '\0';
}

/* The type of a scalar event and, for numbers and bools, its value. */
static S_scalar S_classify(const yaml_event_t *ev, double *num) {
  const char *s = (const char *)ev->data.scalar.value;
  size_t n = ev->data.scalar.length;
  static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
  static const char *const trues[] = {"true", "True", "TRUE", NULL};
  static const char *const falses[] = {"false", "False", "FALSE", NULL};
  static const char *const infs[] = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL};
  static const char *const ninfs[] = {"-.inf", "-.Inf", "-.INF", NULL};
  static const char *const nans[] = {".nan", ".NaN", ".NAN", NULL};
  tp_ypytag pt = tp_ydoc_python_tag((const char *)ev->data.scalar.tag, NULL);
  if (pt == TP_YPY_NULL) return S_NULL;
  if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || strlen(s) != n || pt != TP_YPY_OTHER)
    return S_STRING;
  if (S_eq_any(s, nulls)) return S_NULL;
  if (S_eq_any(s, trues)) return *num = 1, S_BOOL;
  if (S_eq_any(s, falses)) return *num = 0, S_BOOL;
  if (S_eq_any(s, infs)) return *num = INFINITY, S_NUMBER;
  if (S_eq_any(s, ninfs)) return *num = -INFINITY, S_NUMBER;
  if (S_eq_any(s, nans)) return *num = NAN, S_NUMBER;
  if (S_only(s, n, "+-0123456789.eE") && S_is_number(s) && tp_parse_double(s, n, num) == 0)
    return S_NUMBER;
  return S_STRING;
}

static int S_line(const yaml_event_t *ev) { return (int)ev->start_mark.line + 1; }

static bool S_next(S_yaml *y, yaml_event_t *ev) {
  if (tp_yalias_next(y->aliases, ev)) return true;
  tp_diag_add(y->d, TP_WARN, y->path, -1, (int64_t)y->parser.problem_mark.line + 1,
              "YAML error: %s; stopped reading", y->parser.problem ? y->parser.problem : "?");
  y->stop = true;
  return false;
}

/* Consume the rest of a node whose start event was just read (iteratively:
 * the nesting may be as deep as the file is long). */
static void S_skip_node(S_yaml *y) {
  for (size_t open = 1; open && !y->stop;) {
    yaml_event_t ev;
    if (!S_next(y, &ev)) return;
    if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) open++;
    else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) open--;
    yaml_event_delete(&ev);
  }
}

/* Enter the mapping or sequence whose start event is ev; past the depth
 * limit, skip it whole (reported) and return false.  The keys around it are
 * still read. */
static bool S_deeper(S_yaml *y, const yaml_event_t *ev) {
  if (++y->depth <= TP_HPARAMS_YAML_MAX_DEPTH) return true;
  y->depth--;
  if (!y->too_deep)
    tp_diag_add(y->d, TP_WARN, y->path, -1, S_line(ev),
                "nesting deeper than %d levels under key '%s'; that value skipped",
                TP_HPARAMS_YAML_MAX_DEPTH, tp_buf_str(&y->key));
  y->too_deep = true;
  S_skip_node(y);
  return false;
}

static void S_refuse_alias(S_yaml *y, const yaml_event_t *ev) {
  tp_diag_add(y->d, TP_WARN, y->path, -1, S_line(ev),
              "alias '*%s' not expanded (%s); key '%s' skipped",
              (const char *)ev->data.alias.anchor, tp_yalias_why(y->aliases), tp_buf_str(&y->key));
}

/* The text of a scalar event: its value, or for !!python/name:x.y the name. */
static const char *S_scalar_text(const yaml_event_t *ev, size_t *len) {
  const char *name;
  if (tp_ydoc_python_tag((const char *)ev->data.scalar.tag, &name) == TP_YPY_NAME) {
    *len = strlen(name);
    return name;
  }
  *len = ev->data.scalar.length;
  return (const char *)ev->data.scalar.value;
}

/* Append one scalar to a rendered sequence as Python's repr would show it. */
static void S_render_scalar(tp_buf *b, const yaml_event_t *ev) {
  double num;
  size_t len;
  const char *text = S_scalar_text(ev, &len);
  switch (S_classify(ev, &num)) {
    case S_NULL: tp_buf_adds(b, "None"); return;
    case S_BOOL: tp_buf_adds(b, num ? "True" : "False"); return;
    case S_NUMBER: tp_buf_adds(b, (const char *)ev->data.scalar.value); return;
    default:
      tp_buf_addc(b, '\'');
      tp_buf_add(b, text, len);
      tp_buf_addc(b, '\'');
  }
}

/* Render the rest of a sequence or mapping whose start event was just read
 * into y->text.  Returns 0, or -1 when the value must be skipped (an alias)
 * or reading stopped. */
static int S_render(S_yaml *y, bool mapping) {
  tp_buf_addc(&y->text, mapping ? '{' : '[');
  int rc = 0;
  for (size_t i = 0;; i++) {
    yaml_event_t ev;
    if (!S_next(y, &ev)) return -1;
    yaml_event_type_t t = ev.type;
    if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT) {
      y->depth--;
      yaml_event_delete(&ev);
      break;
    }
    if (i) tp_buf_adds(&y->text, mapping && i % 2 ? ": " : ", ");
    if (t == YAML_SCALAR_EVENT) S_render_scalar(&y->text, &ev);
    else if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT) {
      if (!S_deeper(y, &ev) || S_render(y, t == YAML_MAPPING_START_EVENT)) rc = -1;
    } else if (t == YAML_ALIAS_EVENT) {
      if (rc == 0) S_refuse_alias(y, &ev);
      rc = -1;
    }
    yaml_event_delete(&ev);
    if (y->stop) return -1;
  }
  tp_buf_addc(&y->text, mapping ? '}' : ']');
  return rc;
}

static void S_emit(S_yaml *y, tp_hparam_kind kind, const char *text, double number) {
  y->fn(y->ctx, tp_buf_str(&y->key), kind, text, number);
}

/* Read the pairs of a mapping whose start event was just read; the key
 * prefix is y->key[0..prefix).  object: the mapping is a Python object's
 * (!!python/object/new:..., TP_YPY_STATE): the mappings under its dictitems
 * and state keys are read in its place, without those keys. */
static void S_mapping(S_yaml *y, size_t prefix, bool object) {
  while (!y->stop) {
    yaml_event_t k, v;
    if (!S_next(y, &k)) return;
    if (k.type == YAML_MAPPING_END_EVENT) {
      y->depth--;
      yaml_event_delete(&k);
      return;
    }
    if (k.type != YAML_SCALAR_EVENT) {
      tp_diag_add(y->d, TP_WARN, y->path, -1, S_line(&k),
                  "a key that is not a plain scalar; stopped reading");
      y->stop = true;
      yaml_event_delete(&k);
      return;
    }
    y->key.len = prefix;
    if (y->key.data) y->key.data[prefix] = '\0';
    bool unwrap = object && (strcmp((const char *)k.data.scalar.value, "dictitems") == 0 ||
                             strcmp((const char *)k.data.scalar.value, "state") == 0);
    if (prefix) tp_buf_addc(&y->key, '/');
    tp_buf_add(&y->key, (const char *)k.data.scalar.value, k.data.scalar.length);
    yaml_event_delete(&k);
    if (!S_next(y, &v)) return;
    if (unwrap && v.type == YAML_MAPPING_START_EVENT) {
      y->key.len = prefix;
      if (y->key.data) y->key.data[prefix] = '\0';
    }
    double num = NAN;
    char nbuf[32];
    switch (v.type) {
      case YAML_SCALAR_EVENT:
        switch (S_classify(&v, &num)) {
          case S_NULL: S_emit(y, TP_HP_NULL, "null", NAN); break;
          case S_BOOL: S_emit(y, TP_HP_BOOL, num ? "true" : "false", num); break;
          case S_NUMBER: S_emit(y, TP_HP_NUMBER, tp_fmt_double(nbuf, num), num); break;
          default: {
            size_t len;
            const char *text = S_scalar_text(&v, &len);
            S_emit(y, TP_HP_STRING, text, NAN);
          }
        }
        break;
      case YAML_MAPPING_START_EVENT:
        if (S_deeper(y, &v))
          S_mapping(y, y->key.len,
                    tp_ydoc_python_tag((const char *)v.data.mapping_start.tag, NULL) ==
                        TP_YPY_STATE);
        break;
      case YAML_SEQUENCE_START_EVENT:
        tp_buf_clear(&y->text);
        if (S_deeper(y, &v) && S_render(y, false) == 0)
          S_emit(y, TP_HP_STRING, tp_buf_str(&y->text), NAN);
        break;
      case YAML_ALIAS_EVENT: S_refuse_alias(y, &v); break;
      default: break;
    }
    yaml_event_delete(&v);
  }
}

static int S_read_parser(S_yaml *y) {
  int rc = -1;
  yaml_event_t ev;
  /* Stream start, document start, then the top-level node. */
  while (!y->stop && S_next(y, &ev)) {
    yaml_event_type_t t = ev.type;
    int line = S_line(&ev);
    bool object = t == YAML_MAPPING_START_EVENT &&
                  tp_ydoc_python_tag((const char *)ev.data.mapping_start.tag, NULL) == TP_YPY_STATE;
    yaml_event_delete(&ev);
    if (t == YAML_STREAM_START_EVENT || t == YAML_DOCUMENT_START_EVENT) continue;
    if (t == YAML_MAPPING_START_EVENT) {
      y->depth = 1;
      S_mapping(y, 0, object);
      rc = 0;
    } else if (t == YAML_STREAM_END_EVENT) {
      tp_diag_add(y->d, TP_WARN, y->path, -1, -1, "empty YAML file; no hyperparameters");
    } else {
      tp_diag_add(y->d, TP_WARN, y->path, -1, line,
                  "the top level is not a mapping of hyperparameters; file skipped");
    }
    break;
  }
  return rc;
}

int tp_hparams_yaml_read_mem(const char *data, size_t n, const char *path, tp_hparams_yaml_fn fn,
                             void *ctx, tp_diags *d) {
  S_yaml y = {.path = path, .d = d, .fn = fn, .ctx = ctx};
  if (!yaml_parser_initialize(&y.parser)) {
    tp_diag_add(d, TP_ERROR, path, -1, -1, "cannot start the YAML parser; file skipped");
    return -1;
  }
  yaml_parser_set_input_string(&y.parser, (const unsigned char *)data, n);
  y.aliases = tp_yalias_new(&y.parser, TP_YALIAS_MAX_REPLAYED);
  int rc = S_read_parser(&y);
  tp_yalias_free(y.aliases);
  yaml_parser_delete(&y.parser);
  tp_buf_free(&y.key);
  tp_buf_free(&y.text);
  return rc;
}

/* The whole file in memory (it is small), or NULL with a diagnostic. */
static char *S_slurp(const char *path, size_t *n, struct stat *st, tp_diags *d) {
  FILE *f = fopen(path, "rb");
  char *data = NULL;
  if (!f || fstat(fileno(f), st) != 0) {
    tp_diag_add(d, TP_ERROR, path, -1, -1, "cannot read: %s; file skipped", strerror(errno));
    goto done;
  }
  if (!S_ISREG(st->st_mode) || (uint64_t)st->st_size > S_MAX_FILE) {
    tp_diag_add(d, TP_ERROR, path, -1, -1, "not a regular file of at most %u MiB; skipped",
                S_MAX_FILE >> 20);
    goto done;
  }
  data = tp_xmalloc((size_t)st->st_size + 1);
  *n = fread(data, 1, (size_t)st->st_size, f);
  if (ferror(f)) {
    tp_diag_add(d, TP_ERROR, path, -1, -1, "read error; file skipped");
    free(data);
    data = NULL;
  }
done:
  if (f) fclose(f);
  return data;
}

int tp_hparams_yaml_read(const char *path, tp_hparams_yaml_fn fn, void *ctx, tp_diags *d) {
  size_t n = 0;
  struct stat st;
  char *data = S_slurp(path, &n, &st, d);
  if (!data) return -1;
  int rc = tp_hparams_yaml_read_mem(data, n, path, fn, ctx, d);
  free(data);
  return rc;
}

typedef struct S_load {
  tp_run *run;
  const char *path;
} S_load;

static void S_load_one(void *ctx, const char *key, tp_hparam_kind kind, const char *text,
                       double number) {
  S_load *l = ctx;
  tp_run_set_hparam(l->run, key, kind, text, number, l->path);
}

int tp_hparams_yaml_load(tp_run *run, const char *path, tp_diags *d) {
  return tp_hparams_yaml_load_as(run, path, "hparams.yaml", d);
}

int tp_hparams_yaml_load_as(tp_run *run, const char *path, const char *format, tp_diags *d) {
  size_t n = 0;
  struct stat st;
  char *data = S_slurp(path, &n, &st, d);
  if (!data) return -1;
  S_load l = {run, path};
  int rc = tp_hparams_yaml_read_mem(data, n, path, S_load_one, &l, d);
  tp_input *in = tp_run_add_input(run, path, format);
  in->size = n;
  in->mtime_s = (int64_t)st.st_mtime;
  tp_sha256 sha;
  tp_sha256_init(&sha);
  tp_sha256_update(&sha, data, n);
  tp_sha256_hex(&sha, in->sha256);
  free(data);
  return rc;
}
