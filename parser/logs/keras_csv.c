/* keras_csv: Keras CSVLogger files over the shared metrics-CSV core (see keras_csv.h). */
#include "parser/logs/keras_csv.h"

#include <math.h>
#include <string.h>

#include "parser/text/csv.h"

int tp_keras_csv_read(FILE *f, const char *name, tp_clock *clock, double start_s,
                      const tp_metric_sink *sink, tp_diags *d, tp_metrics_csv_stats *st) {
  tp_metrics_csv_opts opt = {.clock = clock, .start_s = start_s, .epoch_is_step = true,
                             .split_on_epoch_reset = true};
  return tp_metrics_csv_read(f, name, &opt, sink, d, st);
}

bool tp_keras_csv_sniff(const char *head, size_t len) {
  size_t skip = len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  head += skip, len -= skip;
  while (len && head[0] == ' ') head++, len--;
  if (len < 7 || memcmp(head, "epoch", 5) != 0) return false;
  char sep = head[5];
  if (sep != ',' && sep != ';' && sep != '\t') return false;
  const char *nl = memchr(head, '\n', len);
  if (!nl) return false;
  size_t hl = (size_t)(nl - head);
  if (tp_lightning_csv_header(head, hl)) return false; /* has a step column */
  const char *row = nl + 1;
  while (row < head + len && *row == ' ') row++;
  return row < head + len && *row >= '0' && *row <= '9';
}

/* ---- histories without an epoch column --------------------------------------- */

const char *const tp_keras_history_names[] = {"*history*.csv", "*History*.csv", "*history*.log",
                                              "training.log", "training_log.csv", NULL};

int tp_keras_history_read(FILE *f, const char *name, const tp_metric_sink *sink, tp_diags *d,
                          tp_metrics_csv_stats *st) {
  /* The index column, when pandas wrote it, is the only one with an empty
   * name; without it the rows are numbered from 0. */
  tp_metrics_csv_opts opt = {.start_s = NAN, .step_col = ""};
  return tp_metrics_csv_read(f, name, &opt, sink, d, st);
}

#define S_HISTORY_MAX_COLS 512

/* Whether the header cell c looks like a Keras history key; *loss is set
 * when it is a loss. */
static bool S_history_key(tp_field c, bool *loss) {
  static const char *const k_not[] = {"epoch", "step", "time", "timestamp", "wall_time",
                                      "created_at"};
  if (!c.n) return false;
  for (size_t i = 0; i < c.n; i++) {
    char ch = c.s[i];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
          ch == '_' || ch == '.'))
      return false;
  }
  for (size_t i = 0; i < sizeof k_not / sizeof *k_not; i++)
    if (tp_field_eq(c, k_not[i])) return false;
  if (tp_field_eq(c, "loss") || (c.n > 5 && memcmp(c.s + c.n - 5, "_loss", 5) == 0)) *loss = true;
  return true;
}

/* Whether line[0..n) is ncols numbers (an empty cell allowed, as NaN is). */
static bool S_numeric_row(const char *line, size_t n, size_t ncols, tp_field *f) {
  if (tp_csv_split(line, n, ',', f, S_HISTORY_MAX_COLS) != ncols) return false;
  size_t filled = 0;
  for (size_t i = 0; i < ncols; i++) {
    double v;
    if (!f[i].n) continue;
    if (tp_csv_number(f[i].s, f[i].n, &v) != 0) return false;
    filled++;
  }
  return filled > 0;
}

bool tp_keras_history_sniff(const char *head, size_t len) {
  if (len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0) head += 3, len -= 3;
  const char *nl = memchr(head, '\n', len);
  if (!nl) return false;
  size_t hl = (size_t)(nl - head);
  if (hl && head[hl - 1] == '\r') hl--;
  tp_field f[S_HISTORY_MAX_COLS];
  size_t n = tp_csv_split(head, hl, ',', f, S_HISTORY_MAX_COLS);
  if (n < 1 || n > S_HISTORY_MAX_COLS) return false;
  bool loss = false;
  for (size_t i = f[0].n ? 0 : 1; i < n; i++)
    if (!S_history_key(f[i], &loss)) return false;
  if (!loss || (!f[0].n && n < 2)) return false;
  size_t rows = 0;
  for (const char *p = nl + 1, *end = head + len; p < end;) {
    const char *e = memchr(p, '\n', (size_t)(end - p));
    if (!e) break; /* a line cut by the head's end is not judged */
    size_t ln = (size_t)(e - p);
    if (ln && p[ln - 1] == '\r') ln--;
    if (ln && !S_numeric_row(p, ln, n, f)) return false;
    rows += ln > 0;
    p = e + 1;
  }
  return rows > 0;
}
