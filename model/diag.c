/* diag: collected diagnostics about the inputs. */
#include "model/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"

static const char *S_sev_name(tp_severity s) {
  switch (s) {
    case TP_NOTE: return "note";
    case TP_WARN: return "warning";
    default: return "error";
  }
}

void tp_diag_add(tp_diags *d, tp_severity sev, const char *file, int64_t offset, int64_t line,
                 const char *fmt, ...) {
  TP_GROW(d->items, d->cap, d->count + 1);
  tp_diag *g = &d->items[d->count++];
  g->severity = sev;
  g->file = file ? tp_xstrdup(file) : NULL;
  g->offset = offset;
  g->line = line;
  va_list ap;
  va_start(ap, fmt);
  g->message = tp_xvasprintf(fmt, ap);
  va_end(ap);
  if ((unsigned)sev < 3) d->n_by_severity[sev]++;
}

void tp_diag_move(tp_diags *dst, tp_diags *src) {
  for (size_t i = 0; i < src->count; i++) {
    TP_GROW(dst->items, dst->cap, dst->count + 1);
    dst->items[dst->count++] = src->items[i];
    if ((unsigned)src->items[i].severity < 3) dst->n_by_severity[src->items[i].severity]++;
  }
  free(src->items);
  *src = (tp_diags){0};
}

char *tp_diag_format(const tp_diag *d) {
  tp_buf b = {0};
  tp_buf_printf(&b, "%s: ", S_sev_name(d->severity));
  if (d->file) {
    tp_buf_printf(&b, "%s: ", d->file);
    if (d->line >= 0) tp_buf_printf(&b, "line %lld: ", (long long)d->line);
    else if (d->offset >= 0) tp_buf_printf(&b, "byte %lld: ", (long long)d->offset);
  }
  tp_buf_adds(&b, d->message);
  return tp_buf_detach(&b);
}

void tp_diag_print(FILE *out, const tp_diag *d) {
  char *s = tp_diag_format(d);
  fprintf(out, "trainprint: %s\n", s);
  free(s);
}

void tp_diag_print_all(FILE *out, const tp_diags *d) {
  for (size_t i = 0; i < d->count; i++) tp_diag_print(out, &d->items[i]);
}

void tp_diag_free(tp_diags *d) {
  for (size_t i = 0; i < d->count; i++) {
    free(d->items[i].file);
    free(d->items[i].message);
  }
  free(d->items);
  *d = (tp_diags){0};
}

static int S_cmp_str0(const char *a, const char *b) {
  if (!a || !b) return a ? 1 : b ? -1 : 0;
  return strcmp(a, b);
}

static int S_cmp_diag(const void *pa, const void *pb) {
  const tp_diag *a = pa, *b = pb;
  int c = S_cmp_str0(a->file, b->file);
  if (c) return c;
  if (a->line != b->line) return a->line < b->line ? -1 : 1;
  if (a->offset != b->offset) return a->offset < b->offset ? -1 : 1;
  if (a->severity != b->severity) return a->severity < b->severity ? -1 : 1;
  return strcmp(a->message, b->message);
}

void tp_diag_sort_unique(tp_diags *d) {
  if (d->count < 2) return;
  qsort(d->items, d->count, sizeof *d->items, S_cmp_diag);
  size_t w = 1;
  for (size_t r = 1; r < d->count; r++) {
    if (S_cmp_diag(&d->items[r], &d->items[w - 1]) == 0) {
      if ((unsigned)d->items[r].severity < 3) d->n_by_severity[d->items[r].severity]--;
      free(d->items[r].file);
      free(d->items[r].message);
      continue;
    }
    d->items[w++] = d->items[r];
  }
  d->count = w;
}
