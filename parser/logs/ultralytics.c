/* ultralytics: results.csv and args.yaml of an Ultralytics run folder (see ultralytics.h). */
#include "parser/logs/ultralytics.h"
#include "parser/logs/fspath.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "parser/logs/hparams_yaml.h"
#include "parser/logs/lightning_csv.h"
#include "parser/text/csv.h"

const char *const tp_ultralytics_names[] = {"results.csv", NULL};

#define S_MAX_COLS 256

bool tp_ultralytics_sniff(const char *head, size_t len) {
  if (len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0) head += 3, len -= 3;
  const char *nl = memchr(head, '\n', len);
  if (!nl) return false;
  tp_field f[S_MAX_COLS];
  size_t n = tp_csv_split(head, (size_t)(nl - head), ',', f, S_MAX_COLS);
  if (n < 2 || n > S_MAX_COLS || !tp_field_eq(f[0], "epoch")) return false;
  bool ours = false;
  for (size_t i = 1; i < n && !ours; i++)
    ours = (f[i].n > 6 && memcmp(f[i].s, "train/", 6) == 0) ||
           (f[i].n > 8 && memcmp(f[i].s, "metrics/", 8) == 0);
  const char *row = nl + 1, *end = head + len;
  while (row < end && *row == ' ') row++;
  return ours && row < end && *row >= '0' && *row <= '9';
}

int tp_ultralytics_load_run(tp_run *run, const char *dir, tp_clock *clock, double start_s,
                            const tp_metric_sink *sink, tp_diags *d, double *duration_s) {
  int n = 0;
  char *p = tp_xasprintf("%s/results.csv", dir);
  FILE *f = fopen(p, "rb");
  if (!f) {
    tp_diag_add(d, TP_WARN, p, -1, -1, "cannot open (%s); skipped", strerror(errno));
  } else {
    /* A later training into the same folder starts again at epoch 1: its
     * rows continue the step axis, as Keras phases do. */
    tp_metrics_csv_opts mo = {.clock = clock, .start_s = start_s, .epoch_is_step = true,
                              .split_on_epoch_reset = true};
    tp_metrics_csv_stats st;
    tp_metrics_csv_read(f, p, &mo, sink, d, &st);
    fclose(f);
    if (st.time_is_offset && isfinite(st.last_offset_s)) *duration_s = st.last_offset_s;
    tp_run_add_input(run, p, "ultralytics-csv");
    n++;
  }
  free(p);
  p = tp_xasprintf("%s/args.yaml", dir);
  if (tp_fspath_is_file(p) && tp_hparams_yaml_load_as(run, p, "ultralytics-args", d) == 0) n++;
  free(p);
  return n;
}
