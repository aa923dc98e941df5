/* keras_csv: Keras CSVLogger files over the shared metrics-CSV core (see keras_csv.h). */
#include "parser/logs/keras_csv.h"

#include <string.h>

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
