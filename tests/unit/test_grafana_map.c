/* Grafana panel exports whose series names (the panel's legend) do not say
 * the host and GPU: the configuration's `series` mapping (by name or by a
 * pattern with named groups), the diagnostics naming the columns that cannot
 * be mapped, the refusal of a file with none, and naive times read in the
 * configured zone.  Energies worked out by hand through the integrator. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/config.h"
#include "model/energy.h"
#include "model/mem.h"
#include "parser/config.h"
#include "parser/power/grafana_map.h"
#include "parser/power/power.h"
#include "dcgm_check.h"
#include "tp_test.h"

#define T0 DCGM_CHECK_T0 /* 2024-01-01 00:00:00 UTC */

typedef dcgm_result result;

/* Read text as a Grafana export (format forced, as the configuration's
 * `series` makes it) with the mapping of the configuration's first power
 * entry (cfg_text; NULL: none) and zone tz (NULL: UTC). */
static void run(result *r, const char *text, const char *cfg_text, const char *tz) {
  tp_config cfg;
  tp_config_init(&cfg);
  tp_diags cd = {0};
  if (cfg_text) CHECK_INT(tp_config_load_mem(&cfg, cfg_text, strlen(cfg_text), "t.yaml", &cd), 0);
  tp_grafana_map *m = cfg.n_power ? tp_grafana_map_new(cfg.power[0].series, cfg.power[0].n_series)
                                  : NULL;
  const char *err = NULL;
  tp_tz *zone = tz ? tp_tz_open(tz, &err) : NULL;
  tp_power_options o;
  tp_power_options_init(&o);
  o.grafana_map = m;
  o.tz = zone;
  dcgm_check_read(r, text, strlen(text), TP_POWER_GRAFANA_CSV, &o);
  tp_tz_free(zone);
  tp_grafana_map_free(m);
  tp_config_free(&cfg);
  tp_diag_free(&cd);
}

static void done(result *r) { dcgm_check_done(r); }

static bool has_diag(const result *r, const char *word) { return dcgm_check_said(r, word); }

static const char k_cfg_pattern[] =
    "power:\n"
    "  - files: panel.csv\n"
    "    series:\n"
    "      - pattern: '(?<host>[a-z0-9-]+) GPU (?<gpu>\\d+)'\n";

/* A wide export whose legend is "{{Hostname}} GPU {{gpu}}", a sum column
 * beside, times as the browser wrote them in Europe/Berlin (UTC+1 in
 * January). */
static const char k_wide[] =
    "\"Time\",\"node1 GPU 0\",\"node1 GPU 1\",\"total\"\n"
    "2024-01-01 01:00:00,100,50,150\n"
    "2024-01-01 01:00:15,100,50,150\n"
    "2024-01-01 01:00:30,200,50,250\n"
    "2024-01-01 01:00:45,200,50,250\n"
    "2024-01-01 01:01:00,300,50,350\n";

static void test_pattern(void) {
  /* GPU 0: 1500 + 2250 + 3000 + 3750 = 10 500 J; GPU 1: 50 W x 60 s = 3 000 J.
   * "total" says no GPU and no entry matches it: left out, named. */
  result r;
  run(&r, k_wide, k_cfg_pattern, "Europe/Berlin");
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_dev, 2);
  CHECK_STR(r.t.dev[0].id, "node1/gpu0");
  CHECK_STR(r.t.dev[1].id, "node1/gpu1");
  CHECK_NEAR(r.t.dev[0].t_first, T0, 1e-6);
  CHECK_NEAR(r.run->energy.it_j, 13500.0, 13.5);
  CHECK(has_diag(&r, "column 4 \"total\""));
  done(&r);
  /* Without the mapping: nothing says a GPU, the file is refused, and each
   * column is named. */
  run(&r, k_wide, NULL, "Europe/Berlin");
  CHECK_INT(r.rc, -1);
  CHECK_INT(r.t.n_samples, 0);
  CHECK(has_diag(&r, "column 2 \"node1 GPU 0\""));
  CHECK(has_diag(&r, "column 3 \"node1 GPU 1\""));
  CHECK(has_diag(&r, "file not used"));
  done(&r);
  /* The same naive times read in UTC: an hour later, past the window. */
  run(&r, k_wide, k_cfg_pattern, NULL);
  CHECK_NEAR(r.t.dev[0].t_first, T0 + 3600, 1e-6);
  CHECK(!(r.run->energy.it_j > 0));
  done(&r);
}

static void test_names(void) {
  /* A long export, epoch ms, each series named outright: the counter (mJ) of
   * gpu-01's GPU 3 (3 kJ over 30 s: measured), and the power of a GPU known by
   * its UUID with the metric left to the default (power: 50 W x 30 s). */
  static const char cfg[] =
      "power:\n"
      "  - files: panel.csv\n"
      "    series:\n"
      "      - name: A-series\n"
      "        host: gpu-01\n"
      "        gpu: 3\n"
      "        metric: energy\n"
      "      - name: B-series\n"
      "        host: gpu-02\n"
      "        uuid: GPU-1234\n";
  static const char lng[] =
      "Series,Time,Value\n"
      "A-series,1704067200000,5.00 kJ\n"
      "A-series,1704067215000,6.50 kJ\n"
      "A-series,1704067230000,8000000\n"
      "B-series,1704067200000,50 W\n"
      "B-series,1704067215000,50 W\n"
      "B-series,1704067230000,50 W\n"
      "C-series,1704067200000,70\n";
  result r;
  run(&r, lng, cfg, NULL);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_dev, 2);
  CHECK_STR(r.t.dev[0].id, "gpu-01/gpu3");
  CHECK_INT(r.t.dev[0].kind, TP_SAMPLE_ENERGY_J);
  CHECK_STR(r.t.dev[1].id, "gpu-02/GPU-1234");
  CHECK_INT(r.t.dev[1].kind, TP_SAMPLE_POWER_W);
  CHECK_NEAR(r.run->energy.it_j, 3000.0 + 1500.0, 4.5);
  CHECK(has_diag(&r, "series \"C-series\""));
  done(&r);
  /* A legend that does say the labels is read as before, mapping or not. */
  static const char labelled[] =
      "\"Time\",\"DCGM_FI_DEV_POWER_USAGE{Hostname=\"\"node9\"\", gpu=\"\"2\"\"}\"\n"
      "1704067200000,100\n1704067215000,100\n";
  run(&r, labelled, cfg, NULL);
  CHECK_INT(r.rc, 0);
  CHECK_STR(r.t.dev[0].id, "node9/gpu2");
  done(&r);
}

static void test_stale_mid(void) {
  /* The stale rule of Prometheus answers holds for Grafana exports (one
   * code): GPU 0 changes every 15 s to 60 s, repeats 150 W to 300 s (a
   * target gone), then comes back at 315 s.  Kept to 90 s, a gap to 315 s:
   * 9375 + 4500 + 2250 = 16 125 J (as test_prom's test_stale_mid). */
  tp_buf b = {0};
  tp_buf_adds(&b, "\"Time\",\"node1 GPU 0\"\n");
  for (int k = 0; k < 23; k++) {
    double v = k < 4 ? 100.0 * (1 + k % 2) : k < 21 ? 150 : 100.0 * (k - 20);
    tp_buf_printf(&b, "%.0f,%g\n", (T0 + 15.0 * k) * 1000, v);
  }
  result r;
  run(&r, b.data, k_cfg_pattern, NULL);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_samples, 9);
  CHECK_NEAR(r.run->energy.it_j, 16125.0, 16.1);
  CHECK(has_diag(&r, "node1/gpu0 DCGM_FI_DEV_POWER_USAGE"));
  CHECK(has_diag(&r, "a gap there"));
  done(&r);
  tp_buf_free(&b);
}

static void test_corpus(void) {
  /* A real legacy export (Grafana <= 6, `;`, series as columns named by the
   * legend "1024", "128", ...; not power, MANIFEST-logs.md): unread without
   * a mapping, each column named; with a pattern, five devices of host
   * "cloudfunc", the first row 2017-08-15T18:30:00Z. */
  const char *path = TP_SHARED_DIR "/corpus/power/grafana-csv-legacy-wide-cloudfunc/"
                                   "grafana_data_export.csv";
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "  skipped: %s not found\n", path);
    return;
  }
  tp_buf b = {0};
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) tp_buf_add(&b, chunk, n);
  fclose(f);
  result r;
  run(&r, b.data, NULL, NULL);
  CHECK_INT(r.rc, -1);
  CHECK(has_diag(&r, "column 2 \"1024\""));
  CHECK(has_diag(&r, "column 6 \"512\""));
  done(&r);
  run(&r, b.data,
      "power:\n  - files: x.csv\n    series:\n      - {pattern: '(?<gpu>[0-9]+)', host: cloudfunc}\n",
      NULL);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_dev, 5);
  CHECK_STR(r.t.dev[0].id, "cloudfunc/gpu1024");
  CHECK_NEAR(r.t.dev[0].t_first, 1502821800.0, 1e-6);
  CHECK(!has_diag(&r, "unmapped"));
  done(&r);
  tp_buf_free(&b);
}

static void test_config(void) {
  /* series makes the format grafana-csv; entries that break a rule are
   * dropped with a warning saying why. */
  static const char text[] =
      "power:\n"
      "  - files: panel.csv\n"
      "    series:\n"
      "      - name: A\n"
      "        gpu: 0\n"
      "      - {name: B, pattern: 'B'}\n"
      "      - {gpu: 1}\n"
      "      - pattern: '(?<host>x'\n"
      "      - pattern: '(?<node>\\w+)'\n"
      "      - {name: C, gpu: 2, metric: volts}\n"
      "  - files: other.csv\n"
      "    format: prometheus\n"
      "    series: [{name: A, gpu: 0}]\n";
  tp_config cfg;
  tp_config_init(&cfg);
  tp_diags d = {0};
  CHECK_INT(tp_config_load_mem(&cfg, text, strlen(text), "t.yaml", &d), 0);
  CHECK_INT(cfg.n_power, 2);
  CHECK_STR(cfg.power[0].format, "grafana-csv");
  CHECK_INT(cfg.power[0].n_series, 2);
  CHECK_STR(cfg.power[0].series[0].name, "A");
  CHECK_STR(cfg.power[0].series[0].gpu, "0");
  CHECK_STR(cfg.power[0].series[1].name, "C");
  CHECK(cfg.power[0].series[1].metric == NULL);
  const char *want[] = {"both a name and a pattern", "neither a name nor a pattern",
                        "does not compile", "a group 'node'", "neither power (W) nor energy",
                        "used only with format 'grafana-csv'"};
  for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
    bool found = false;
    for (size_t i = 0; i < d.count; i++) found = found || strstr(d.items[i].message, want[k]);
    if (!found) fprintf(stderr, "  missing diagnostic: %s\n", want[k]);
    CHECK(found);
  }
  tp_config_free(&cfg);
  tp_diag_free(&d);
}

int main(void) {
  TP_RUN(test_pattern);
  TP_RUN(test_names);
  TP_RUN(test_stale_mid);
  TP_RUN(test_corpus);
  TP_RUN(test_config);
  return tp_test_summary();
}
