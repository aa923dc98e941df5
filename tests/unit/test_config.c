/* Tests for the configuration file: model/config (globs, lookups) and
 * parser/config (every key, diagnostics with line and column, hostile input). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model/config.h"
#include "model/mem.h"
#include "parser/config.h"
#include "tp_test.h"

/* The diagnostic whose message contains needle, or NULL. */
static const tp_diag *S_find(const tp_diags *d, const char *needle) {
  for (size_t i = 0; i < d->count; i++)
    if (strstr(d->items[i].message, needle)) return &d->items[i];
  return NULL;
}

static void S_dump(const tp_diags *d) {
  for (size_t i = 0; i < d->count; i++) fprintf(stderr, "  diag: %s\n", d->items[i].message);
}

static int S_load(tp_config *cfg, const char *text, tp_diags *d) {
  return tp_config_load_mem(cfg, text, strlen(text), "conf/trainprint.yaml", d);
}

/* ---- every key ---------------------------------------------------------------- */

static const char k_full[] =
    "site:\n"
    "  title: Vision group energy\n"
    "  description: \"Training runs of 2026\"\n"
    "  authors: [Ada Lovelace, Alan Turing]\n"
    "  lab: Vision Lab\n"
    "defaults:\n"
    "  pue: 1.25\n"
    "  zone: DE\n"
    "  intensity: 380.5\n"
    "  timezone: Europe/Berlin\n"
    "experiments:\n"
    "  - name: precision-sweep\n"
    "    runs: [\"**/precision-sweep/*\", \"extra/run-?\"]\n"
    "    compare_by: [precision, batch_size]\n"
    "    metric: {tag: val/acc, goal: max, target: 0.64}\n"
    "  - runs: \"**/lr-sweep/*\"\n"
    "    metric:\n"
    "      tag: val/loss\n"
    "      goal: min\n"
    "  - name: distill\n"
    "    metric: val/acc\n"
    "power:\n"
    "  - files: [traces/node3.csv, /abs/trace.csv]\n"
    "    host: gpu-a100-03\n"
    "    devices: [0, 1, gpu2]\n"
    "    runs: \"**/precision-sweep/*\"\n"
    "    clock_offset: -2.5\n"
    "    format: nvidia-smi\n"
    "    timezone: UTC\n"
    "  - files: bmc/*.csv\n"
    "    columns:\n"
    "      time: ts\n"
    "      time_format: \"%Y-%m-%d %H:%M:%S\"\n"
    "      value: 3\n"
    "      unit: kW\n"
    "      device: sensor\n"
    "      separator: tab\n"
    "      header: false\n"
    "hardware:\n"
    "  - runs: \"**/distill/*\"\n"
    "    gpu: {model: A100-SXM4-40GB, count: 2, util: 0.9}\n"
    "    cpu: {model: EPYC 7742, cores: 16, util: 0.5}\n"
    "    memory_gb: 64\n"
    "  - gpu: V100\n"
    "parsers:\n"
    "  - name: mytrainer\n"
    "    patterns:\n"
    "      - 'step (?<step>\\d+) loss (?<loss>\\S+)'\n"
    "      - '^(?<time>\\S+ \\S+) epoch'\n"
    "    time_format: iso8601\n"
    "    files: [\"*.log\", train.txt]\n"
    "  - set: lightning-text\n"
    "tags:\n"
    "  - runs: \"**/lr-sweep/*\"\n"
    "    key: project\n"
    "    value: language\n"
    "  - key: person\n"
    "    value: ada\n"
    "equivalents: off\n"
    "placement_keys: [slurm_job_id, trainer.strategy]\n";

static void test_every_key(void) {
  tp_config cfg;
  tp_diags d = {0};
  CHECK_INT(S_load(&cfg, k_full, &d), 0);
  S_dump(&d);
  CHECK_INT(d.count, 0);
  CHECK_STR(cfg.path, "conf/trainprint.yaml");
  CHECK_STR(cfg.dir, "conf");

  CHECK_STR(cfg.site.title, "Vision group energy");
  CHECK_STR(cfg.site.description, "Training runs of 2026");
  CHECK_INT(cfg.site.authors.count, 2);
  CHECK_STR(cfg.site.authors.items[1], "Alan Turing");
  CHECK_STR(cfg.site.lab, "Vision Lab");

  CHECK_NEAR(cfg.defaults.pue, 1.25, 0);
  CHECK_STR(cfg.defaults.zone, "DE");
  CHECK_NEAR(cfg.defaults.intensity_value, 380.5, 0);
  CHECK(cfg.defaults.intensity_file == NULL);
  CHECK_STR(cfg.defaults.timezone, "Europe/Berlin");

  CHECK_INT(cfg.n_experiments, 3);
  const tp_config_experiment *e = &cfg.experiments[0];
  CHECK_STR(e->name, "precision-sweep");
  CHECK_INT(e->line, 12);
  CHECK_INT(e->runs.count, 2);
  CHECK_STR(e->runs.items[0], "**/precision-sweep/*");
  CHECK_STR(e->runs.items[1], "extra/run-?");
  CHECK_INT(e->compare_by.count, 2);
  CHECK_STR(e->compare_by.items[0], "precision");
  CHECK_STR(e->compare_by.items[1], "batch_size");
  CHECK_STR(e->metric.tag, "val/acc");
  CHECK(e->metric.goal_set && e->metric.goal_max);
  CHECK_NEAR(e->metric.target, 0.64, 0);
  e = &cfg.experiments[1];
  CHECK_STR(e->name, "**/lr-sweep/*"); /* named after its runs */
  CHECK_STR(e->metric.tag, "val/loss");
  CHECK(e->metric.goal_set && !e->metric.goal_max);
  CHECK(isnan(e->metric.target));
  CHECK_INT(e->compare_by.count, 0);
  e = &cfg.experiments[2];
  CHECK_STR(e->name, "distill");
  CHECK_INT(e->runs.count, 0);
  CHECK_STR(e->metric.tag, "val/acc");
  CHECK(!e->metric.goal_set);

  CHECK_INT(cfg.n_power, 2);
  const tp_config_power *p = &cfg.power[0];
  CHECK_INT(p->files.count, 2);
  CHECK_STR(p->files.items[0], "conf/traces/node3.csv");
  CHECK_STR(p->files.items[1], "/abs/trace.csv");
  CHECK_STR(p->host, "gpu-a100-03");
  CHECK_INT(p->devices.count, 3);
  CHECK_STR(p->devices.items[0], "0");
  CHECK_STR(p->devices.items[2], "gpu2");
  CHECK_INT(p->runs.count, 1);
  CHECK_NEAR(p->clock_offset_s, -2.5, 0);
  CHECK_STR(p->format, "nvidia-smi");
  CHECK(!p->has_columns);
  CHECK_STR(p->timezone, "UTC");
  p = &cfg.power[1];
  CHECK_STR(p->files.items[0], "conf/bmc/*.csv");
  CHECK(p->has_columns);
  CHECK_STR(p->format, "csv");
  CHECK_STR(p->columns.time_column, "ts");
  CHECK_INT(p->columns.time_index, 0);
  CHECK_STR(p->columns.time_format, "%Y-%m-%d %H:%M:%S");
  CHECK(p->columns.value_column == NULL);
  CHECK_INT(p->columns.value_index, 3);
  CHECK_STR(p->columns.unit, "kW");
  CHECK_STR(p->columns.device_column, "sensor");
  CHECK_INT(p->columns.separator, '\t');
  CHECK(p->columns.no_header);
  CHECK_NEAR(p->clock_offset_s, 0, 0);
  CHECK(p->timezone == NULL);

  CHECK_INT(cfg.n_hardware, 2);
  const tp_config_hardware *h = &cfg.hardware[0];
  CHECK_STR(h->runs, "**/distill/*");
  CHECK_STR(h->gpu_model, "A100-SXM4-40GB");
  CHECK_INT(h->gpu_count, 2);
  CHECK_NEAR(h->gpu_util, 0.9, 0);
  CHECK_STR(h->cpu_model, "EPYC 7742");
  CHECK_INT(h->cpu_cores, 16);
  CHECK_NEAR(h->cpu_util, 0.5, 0);
  CHECK_NEAR(h->memory_gb, 64, 0);
  h = &cfg.hardware[1];
  CHECK_STR(h->runs, "**");
  CHECK_STR(h->gpu_model, "V100");
  CHECK_INT(h->gpu_count, 1);
  CHECK_NEAR(h->gpu_util, 1.0, 0);
  CHECK(h->cpu_model == NULL);
  CHECK_INT(h->cpu_cores, 0);
  CHECK(isnan(h->memory_gb));

  CHECK_INT(cfg.n_parsers, 2);
  const tp_config_parser *q = &cfg.parsers[0];
  CHECK_STR(q->name, "mytrainer");
  CHECK(q->set == NULL);
  CHECK_INT(q->patterns.count, 2);
  CHECK_STR(q->patterns.items[0], "step (?<step>\\d+) loss (?<loss>\\S+)");
  CHECK_STR(q->time_format, "iso8601");
  CHECK_INT(q->files.count, 2);
  CHECK_STR(q->files.items[0], "*.log"); /* file-name globs are not resolved */
  q = &cfg.parsers[1];
  CHECK_STR(q->set, "lightning-text");
  CHECK_STR(q->name, "lightning-text");

  CHECK_INT(cfg.n_tags, 2);
  CHECK_STR(cfg.tags[0].runs, "**/lr-sweep/*");
  CHECK_STR(cfg.tags[0].key, "project");
  CHECK_STR(cfg.tags[0].value, "language");
  CHECK_STR(cfg.tags[1].runs, "**");
  CHECK(!cfg.equivalents);
  CHECK_INT(cfg.placement_keys.count, 2);
  CHECK_STR(cfg.placement_keys.items[0], "slurm_job_id");
  CHECK_STR(cfg.placement_keys.items[1], "trainer.strategy");

  /* Lookups over the loaded file. */
  CHECK(tp_config_experiment_of(&cfg, "lab/precision-sweep/fp32-bs128-s0") == &cfg.experiments[0]);
  CHECK(tp_config_experiment_of(&cfg, "precision-sweep/amp-bf16-bs256-s1") == &cfg.experiments[0]);
  CHECK(tp_config_experiment_of(&cfg, "extra/run-7") == &cfg.experiments[0]);
  CHECK(tp_config_experiment_of(&cfg, "lab/lr-sweep/lr1e-3-s2") == &cfg.experiments[1]);
  CHECK(tp_config_experiment_of(&cfg, "lab/distill/teacher-vit-b") == NULL);
  CHECK(tp_config_experiment_named(&cfg, "distill") == &cfg.experiments[2]);
  CHECK(tp_config_hardware_of(&cfg, "lab/distill/teacher-vit-b") == &cfg.hardware[0]);
  CHECK(tp_config_hardware_of(&cfg, "lab/lr-sweep/lr1e-3-s2") == &cfg.hardware[1]);
  CHECK_STR(tp_config_tag_of(&cfg, "lab/lr-sweep/lr1e-3-s2", "project"), "language");
  CHECK(tp_config_tag_of(&cfg, "lab/distill/teacher-vit-b", "project") == NULL);
  CHECK_STR(tp_config_tag_of(&cfg, "lab/distill/teacher-vit-b", "person"), "ada");

  tp_config_free(&cfg);
  CHECK_INT(cfg.n_experiments, 0);
  CHECK(cfg.equivalents);
  tp_diag_free(&d);
}

static void test_defaults(void) {
  tp_config cfg;
  tp_diags d = {0};
  CHECK_INT(S_load(&cfg, "", &d), 0);
  CHECK_INT(d.count, 0);
  CHECK(isnan(cfg.defaults.pue));
  CHECK(isnan(cfg.defaults.intensity_value));
  CHECK(cfg.equivalents);
  CHECK(cfg.site.title == NULL);
  tp_config_free(&cfg);

  CHECK_INT(S_load(&cfg, "# only a comment\n", &d), 0);
  tp_config_free(&cfg);
  CHECK_INT(S_load(&cfg, "~\n", &d), 0);
  CHECK_INT(d.count, 0);
  tp_config_free(&cfg);

  /* Null values leave keys unset; an intensity file is resolved. */
  CHECK_INT(S_load(&cfg, "defaults:\n  pue:\n  zone: ~\n  intensity: grid/de-2026.csv\n"
                         "equivalents: yes\n", &d), 0);
  CHECK_INT(d.count, 0);
  CHECK(isnan(cfg.defaults.pue));
  CHECK(cfg.defaults.zone == NULL);
  CHECK(isnan(cfg.defaults.intensity_value));
  CHECK_STR(cfg.defaults.intensity_file, "conf/grid/de-2026.csv");
  CHECK(cfg.equivalents);
  tp_config_free(&cfg);

  /* JSON is YAML too; a complex key is reported, not used. */
  CHECK_INT(S_load(&cfg, "{\"site\": {\"title\": \"json\"}, \"defaults\": {\"pue\": 1.1}, "
                         "\"equivalents\": true, \"experiments\": [{\"name\": \"a\"}]}", &d), 0);
  CHECK_INT(d.count, 0);
  CHECK_STR(cfg.site.title, "json");
  CHECK_NEAR(cfg.defaults.pue, 1.1, 0);
  CHECK_INT(cfg.n_experiments, 1);
  tp_config_free(&cfg);
  CHECK_INT(S_load(&cfg, "? [a, b]\n: 1\nequivalents: no\n", &d), 0);
  CHECK(S_find(&d, "line 1, column 3: a key at the top level is a list, not a name; ignored"));
  CHECK(!cfg.equivalents);
  tp_config_free(&cfg);
  tp_diag_free(&d);

  /* Without a directory, paths stay as written. */
  const char *t = "defaults: {intensity: de.csv}\n";
  CHECK_INT(tp_config_load_mem(&cfg, t, strlen(t), NULL, &d), 0);
  CHECK_STR(cfg.defaults.intensity_file, "de.csv");
  CHECK_STR(cfg.dir, ".");
  tp_config_free(&cfg);
  tp_diag_free(&d);
}

/* ---- diagnostics ------------------------------------------------------------------- */

static void test_unknown_and_wrong_types(void) {
  static const char text[] =
      "site:\n"                      /* 1 */
      "  title: [not, a, string]\n"  /* 2 */
      "  colour: blue\n"             /* 3 */
      "defaults:\n"                  /* 4 */
      "  pue: high\n"                /* 5 */
      "  zone: FR\n"                 /* 6 */
      "  timezon: UTC\n"             /* 7 */
      "experiments:\n"               /* 8 */
      "  - name: a\n"                /* 9 */
      "    metric: {tag: acc, goal: up, target: x}\n" /* 10 */
      "  - 42\n"                     /* 11 */
      "  - name: b\n"                /* 12 */
      "    runs: {x: 1}\n"           /* 13 */
      "hardware:\n"                  /* 14 */
      "  - runs: 'x/*'\n"            /* 15 */
      "    gpu: {model: A100, count: -1, util: 1.5}\n" /* 16 */
      "    memory_gb: lots\n"        /* 17 */
      "equivalents: maybe\n"         /* 18 */
      "plugins: []\n"                /* 19 */
      "power: {files: a.csv}\n";     /* 20 */
  tp_config cfg;
  tp_diags d = {0};
  CHECK_INT(S_load(&cfg, text, &d), 0);
  S_dump(&d);
  const tp_diag *g;
  CHECK((g = S_find(&d, "line 2, column 10: 'title' in 'site' should be a string, not a list; "
                        "ignored")) != NULL);
  CHECK(g && g->severity == TP_WARN && g->file && strcmp(g->file, "conf/trainprint.yaml") == 0);
  CHECK(S_find(&d, "line 3, column 3: unknown key 'colour' in 'site'; ignored"));
  CHECK(S_find(&d, "line 5, column 8: 'pue' in 'defaults' should be a number, not a string; "
                   "ignored"));
  CHECK(S_find(&d, "line 7, column 3: unknown key 'timezon' in 'defaults'; ignored"));
  CHECK(S_find(&d, "line 10, column 30: 'goal' in 'experiments[0].metric' should be max or min, "
                   "not 'up'; ignored"));
  CHECK(S_find(&d, "line 10, column 42: 'target' in 'experiments[0].metric' should be a number"));
  CHECK(S_find(&d, "line 11, column 5: 'experiments[1]' should be a mapping, not a number; "
                   "ignored"));
  CHECK(S_find(&d, "line 13, column 11: 'runs' in 'experiments[2]' should be a string or a list "
                   "of strings, not a mapping; ignored"));
  CHECK(S_find(&d, "line 16, column 31: 'count' in 'hardware[0].gpu' is -1, not a whole number "
                   "in [0, 65536]; ignored"));
  CHECK(S_find(&d, "line 16, column 41: 'util' in 'hardware[0].gpu' is 1.5, outside [0, 1]"));
  CHECK(S_find(&d, "line 17, column 16: 'memory_gb' in 'hardware[0]' should be a number"));
  CHECK(S_find(&d, "line 18, column 14: 'equivalents' should be a boolean"));
  CHECK(S_find(&d, "line 19, column 1: unknown key 'plugins' at the top level; ignored"));
  CHECK(S_find(&d, "line 20, column 8: 'power' should be a list of mappings, not a mapping"));
  CHECK_INT(d.count, 14);
  CHECK_INT(d.n_by_severity[TP_WARN], 14);

  /* The rest is kept. */
  CHECK(cfg.site.title == NULL);
  CHECK(isnan(cfg.defaults.pue));
  CHECK_STR(cfg.defaults.zone, "FR");
  CHECK_INT(cfg.n_experiments, 2);
  CHECK_STR(cfg.experiments[0].name, "a");
  CHECK_STR(cfg.experiments[0].metric.tag, "acc");
  CHECK(!cfg.experiments[0].metric.goal_set);
  CHECK(isnan(cfg.experiments[0].metric.target));
  CHECK_STR(cfg.experiments[1].name, "b");
  CHECK_INT(cfg.n_hardware, 1);
  CHECK_STR(cfg.hardware[0].gpu_model, "A100");
  CHECK_INT(cfg.hardware[0].gpu_count, 1); /* the bad count left the default */
  CHECK_NEAR(cfg.hardware[0].gpu_util, 1.0, 0);
  CHECK(cfg.equivalents);
  tp_config_free(&cfg);
  tp_diag_free(&d);
}

static void test_values_checked(void) {
  static const char text[] =
      "defaults:\n"
      "  pue: 0.8\n"
      "  intensity: -5\n"
      "  timezone: Mars/Olympus_Mons\n"
      "  pue: 1.1\n"
      "power:\n"
      "  - host: h\n"
      "  - files: t.csv\n"
      "    format: excel\n"
      "    columns: {time: 0, unit: furlongs, separator: ';;', time_format: sometimes}\n"
      "parsers:\n"
      "  - patterns: ['step (\\d+']\n"
      "  - patterns: ['step (\\d+)', '(?<loss>\\S+)']\n"
      "tags:\n"
      "  - runs: '*'\n"
      "    key: project\n"
      "hardware:\n"
      "  - runs: x\n"
      "experiments:\n"
      "  - compare_by: lr\n"
      "  - name: x\n"
      "  - name: x\n";
  tp_config cfg;
  tp_diags d = {0};
  CHECK_INT(S_load(&cfg, text, &d), 0);
  S_dump(&d);
  CHECK(S_find(&d, "line 2, column 8: 'pue' in 'defaults' is 0.8, outside [1, 10]; ignored"));
  CHECK(S_find(&d, "line 3, column 14: 'intensity' in 'defaults' is -5, outside [0, 5000]"));
  CHECK(S_find(&d, "line 4, column 13: 'timezone' in 'defaults': 'Mars/Olympus_Mons' is not a "
                   "known time zone"));
  CHECK(S_find(&d, "line 5, column 3: 'pue' in 'defaults' is given twice; the later value is "
                   "used"));
  CHECK_NEAR(cfg.defaults.pue, 1.1, 0);
  CHECK(cfg.defaults.timezone == NULL);
  CHECK(isnan(cfg.defaults.intensity_value));

  CHECK(S_find(&d, "line 7, column 5: 'power[0]' names no trace files; ignored"));
  CHECK(S_find(&d, "'format' in 'power[1]': 'excel' is not a trace format"));
  CHECK(S_find(&d, "'time' in 'power[1].columns' is 0, not a column number in [1, 4096]"));
  CHECK(S_find(&d, "'unit' in 'power[1].columns': 'furlongs' is not a unit"));
  CHECK(S_find(&d, "'separator' in 'power[1].columns' should be one character"));
  CHECK(S_find(&d, "'time_format' in 'power[1].columns': 'sometimes' is not a time format"));
  CHECK(S_find(&d, "'power[1].columns' names no time column"));
  CHECK(S_find(&d, "'power[1].columns' names no value column"));
  CHECK_INT(cfg.n_power, 1);
  CHECK_STR(cfg.power[0].format, "csv");
  CHECK(cfg.power[0].columns.unit == NULL);

  CHECK(S_find(&d, "line 12, column 16: 'patterns' in 'parsers[0]': the pattern does not compile"));
  CHECK(S_find(&d, "'parsers[0]' has neither a pattern set nor usable patterns; ignored"));
  CHECK(S_find(&d, "line 13, column 16: 'patterns' in 'parsers[1]': the pattern has no named "
                   "group"));
  CHECK_INT(cfg.n_parsers, 1);
  CHECK_INT(cfg.parsers[0].patterns.count, 1);
  CHECK_STR(cfg.parsers[0].patterns.items[0], "(?<loss>\\S+)");
  CHECK_STR(cfg.parsers[0].name, "parsers[1]");

  CHECK(S_find(&d, "line 15, column 5: 'tags[0]' needs a key and a value; ignored"));
  CHECK_INT(cfg.n_tags, 0);
  CHECK(S_find(&d, "line 18, column 5: 'hardware[0]' declares no gpu, cpu or memory; ignored"));
  CHECK_INT(cfg.n_hardware, 0);
  CHECK(S_find(&d, "line 20, column 5: 'experiments[0]' has neither a name nor runs; ignored"));
  CHECK(S_find(&d, "line 22, column 5: experiment 'x' was already declared on line 21"));
  CHECK_INT(cfg.n_experiments, 2);
  tp_config_free(&cfg);
  tp_diag_free(&d);
}

/* ---- hostile and malformed input ---------------------------------------------------- */

static void test_not_a_mapping(void) {
  tp_config cfg;
  tp_diags d = {0};
  CHECK_INT(S_load(&cfg, "- site\n- defaults\n", &d), -1);
  CHECK_INT(d.n_by_severity[TP_ERROR], 1);
  CHECK(S_find(&d, "line 1, column 1: the configuration should be a mapping of keys"));
  CHECK(S_find(&d, "not a list; file not used"));
  CHECK_INT(cfg.n_experiments, 0);
  CHECK_STR(cfg.path, "conf/trainprint.yaml");
  tp_config_free(&cfg);
  tp_diag_free(&d);

  CHECK_INT(S_load(&cfg, "just words\n", &d), -1);
  CHECK(S_find(&d, "not a string"));
  tp_config_free(&cfg);
  tp_diag_free(&d);

  /* A syntax error: what came before is used. */
  CHECK_INT(S_load(&cfg, "site: {title: T}\ndefaults: {pue: 1.3}\nexperiments: [ {name: a\n", &d),
            0);
  CHECK(d.count >= 1);
  CHECK_STR(cfg.site.title, "T");
  CHECK_NEAR(cfg.defaults.pue, 1.3, 0);
  tp_config_free(&cfg);
  tp_diag_free(&d);

  /* Nothing readable at all. */
  CHECK_INT(S_load(&cfg, "]\n", &d), -1);
  CHECK(d.n_by_severity[TP_ERROR] >= 1);
  tp_config_free(&cfg);
  tp_diag_free(&d);

  CHECK_INT(tp_config_load(&cfg, "/nonexistent/trainprint.yaml", &d), -1);
  CHECK_INT(d.n_by_severity[TP_ERROR], 1);
  CHECK(S_find(&d, "cannot open"));
  tp_config_free(&cfg);
  tp_diag_free(&d);
}

static void test_deep_nesting(void) {
  tp_buf b = {0};
  tp_buf_adds(&b, "site: {title: deep}\nexperiments: ");
  for (int i = 0; i < 5000; i++) tp_buf_adds(&b, "[");
  for (int i = 0; i < 5000; i++) tp_buf_adds(&b, "]");
  tp_buf_adds(&b, "\ndefaults: {zone: SE}\n");
  tp_config cfg;
  tp_diags d = {0};
  CHECK_INT(S_load(&cfg, tp_buf_str(&b), &d), 0);
  S_dump(&d);
  CHECK(S_find(&d, "nesting deeper than"));
  CHECK_STR(cfg.site.title, "deep");
  CHECK_STR(cfg.defaults.zone, "SE");
  CHECK_INT(cfg.n_experiments, 0);
  tp_config_free(&cfg);
  tp_diag_free(&d);

  /* Deep block mappings under a known key. */
  tp_buf_clear(&b);
  tp_buf_adds(&b, "defaults:\n");
  for (int i = 0; i < 200; i++) {
    for (int k = 0; k <= i; k++) tp_buf_adds(&b, " ");
    tp_buf_printf(&b, "k%d:\n", i);
  }
  CHECK_INT(S_load(&cfg, tp_buf_str(&b), &d), 0);
  CHECK(S_find(&d, "unknown key 'k0' in 'defaults'"));
  tp_config_free(&cfg);
  tp_diag_free(&d);
  tp_buf_free(&b);
}

static void test_alias_bomb(void) {
  static const char bomb[] =
      "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
      "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
      "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
      "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
      "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
      "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
      "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
      "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
      "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
      "experiments: [{name: x, runs: [*i, *i]}]\n"
      "site: {title: &t Lab, description: *t}\n";
  tp_config cfg;
  tp_diags d = {0};
  clock_t t0 = clock();
  CHECK_INT(S_load(&cfg, bomb, &d), 0);
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  CHECK(secs < 1.0);
  CHECK(S_find(&d, "refused"));
  CHECK(S_find(&d, "unknown key 'a' at the top level"));
  CHECK_INT(cfg.n_experiments, 1);
  CHECK_INT(cfg.experiments[0].runs.count, 0); /* the aliases read as null */
  CHECK_STR(cfg.site.title, "Lab");
  CHECK(cfg.site.description == NULL); /* the bomb spent the copies: refused */
  tp_config_free(&cfg);
  tp_diag_free(&d);

  /* Alone, an alias is a copy of its anchor. */
  CHECK_INT(S_load(&cfg, "site: {title: &t Lab, description: *t}\n", &d), 0);
  CHECK_STR(cfg.site.description, "Lab");
  CHECK_INT(d.count, 0);
  tp_config_free(&cfg);
  tp_diag_free(&d);

  /* A self-referencing anchor. */
  CHECK_INT(S_load(&cfg, "a: &a [*a, *a]\nequivalents: false\n", &d), 0);
  CHECK(!cfg.equivalents);
  tp_config_free(&cfg);
  tp_diag_free(&d);
}

static void test_many_problems_capped(void) {
  tp_buf b = {0};
  for (int i = 0; i < 5000; i++) tp_buf_printf(&b, "k%d: 1\n", i);
  tp_config cfg;
  tp_diags d = {0};
  CHECK_INT(S_load(&cfg, tp_buf_str(&b), &d), 0);
  CHECK(d.count <= 201);
  CHECK(S_find(&d, "the rest are not reported"));
  tp_config_free(&cfg);
  tp_diag_free(&d);
  tp_buf_free(&b);
}

/* ---- globs ---------------------------------------------------------------------------- */

static void test_globs(void) {
  CHECK(tp_config_glob_match("lab/*", "lab/run1"));
  CHECK(!tp_config_glob_match("lab/*", "lab/a/run1"));
  CHECK(tp_config_glob_match("lab/**", "lab/a/run1"));
  CHECK(tp_config_glob_match("**/run1", "run1"));
  CHECK(tp_config_glob_match("**/run1", "a/b/run1"));
  CHECK(!tp_config_glob_match("**/run1", "a/brun1"));
  CHECK(tp_config_glob_match("a/**/z", "a/z"));
  CHECK(tp_config_glob_match("a/**/z", "a/b/c/z"));
  CHECK(tp_config_glob_match("**", ""));
  CHECK(tp_config_glob_match("**", "x/y/z"));
  CHECK(tp_config_glob_match("*", "xyz"));
  CHECK(!tp_config_glob_match("*", "x/z"));
  CHECK(tp_config_glob_match("", ""));
  CHECK(!tp_config_glob_match("", "a"));
  CHECK(tp_config_glob_match("run-?", "run-7"));
  CHECK(!tp_config_glob_match("run-?", "run-"));
  CHECK(!tp_config_glob_match("a?b", "a/b"));
  CHECK(tp_config_glob_match("lr[13]e-4-s*", "lr3e-4-s2"));
  CHECK(!tp_config_glob_match("lr[13]e-4-s*", "lr2e-4-s2"));
  CHECK(tp_config_glob_match("s[0-9]", "s5"));
  CHECK(!tp_config_glob_match("s[!0-9]", "s5"));
  CHECK(tp_config_glob_match("s[^0-9]", "sx"));
  CHECK(tp_config_glob_match("[]]", "]"));
  CHECK(tp_config_glob_match("a[", "a["));         /* unterminated: literal */
  CHECK(tp_config_glob_match("a\\*", "a*"));
  CHECK(!tp_config_glob_match("a\\*", "ab"));
  CHECK(tp_config_glob_match("*-s[0-9]", "fp32-bs128-s1"));
  CHECK(tp_config_glob_match("*precision*", "precision-sweep"));
  CHECK(!tp_config_glob_match(NULL, "x"));
  CHECK(!tp_config_glob_match("x", NULL));

  /* No exponential backtracking. */
  char subject[4001];
  memset(subject, 'a', 4000);
  subject[4000] = '\0';
  clock_t t0 = clock();
  CHECK(!tp_config_glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", subject));
  CHECK(!tp_config_glob_match("**a**a**a**a**a**a**a**a**a**a**a**b", subject));
  CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
}

/* ---- finding the file, and the sample ---------------------------------------------------- */

static void S_write(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f) return;
  fputs(text, f);
  fclose(f);
}

static void test_find(void) {
  char dir[] = "cfgtest-XXXXXX";
  if (!mkdtemp(dir)) {
    tp_test_skip("cannot make a temporary directory");
    return;
  }
  char *sub = tp_xasprintf("%s/exp", dir), *yml = tp_xasprintf("%s/trainprint.yml", dir),
       *yaml = tp_xasprintf("%s/trainprint.yaml", dir), *file = tp_xasprintf("%s/x.csv", dir);
  mkdir(sub, 0700);
  CHECK(tp_config_find(dir) == NULL);
  S_write(yml, "site: {title: yml}\n");
  char *got = tp_config_find(dir);
  CHECK_STR(got, yml);
  free(got);
  S_write(yaml, "site: {title: yaml}\n");
  got = tp_config_find(dir);
  CHECK_STR(got, yaml);
  free(got);
  char *slashed = tp_xasprintf("%s/", dir);
  got = tp_config_find(slashed);
  CHECK_STR(got, yaml);
  free(got);
  free(slashed);
  S_write(file, "x\n");
  got = tp_config_find(file); /* a file: its directory */
  CHECK_STR(got, yaml);
  free(got);
  CHECK(tp_config_find(sub) == NULL); /* not searched upwards */
  CHECK(tp_config_find(NULL) == NULL);

  tp_config cfg;
  tp_diags d = {0};
  CHECK_INT(tp_config_load(&cfg, yaml, &d), 0);
  CHECK_STR(cfg.site.title, "yaml");
  CHECK_STR(cfg.dir, dir);
  tp_config_free(&cfg);
  tp_diag_free(&d);

  remove(file);
  remove(yml);
  remove(yaml);
  rmdir(sub);
  rmdir(dir);
  free(sub);
  free(yml);
  free(yaml);
  free(file);
}

static void test_sample(void) {
  const char *path = TP_SOURCE_DIR "/samples/trainprint.yaml";
  tp_config cfg;
  tp_diags d = {0};
  CHECK_INT(tp_config_load(&cfg, path, &d), 0);
  S_dump(&d);
  CHECK_INT(d.count, 0);
  CHECK_STR(cfg.defaults.timezone, "Europe/Berlin");
  CHECK(cfg.site.title != NULL);
  const tp_config_experiment *e =
      tp_config_experiment_of(&cfg, "lab/precision-sweep/fp32-bs128-s0");
  CHECK(e && strcmp(e->name, "precision-sweep") == 0);
  CHECK(e && e->metric.tag && strcmp(e->metric.tag, "val/acc") == 0 && e->metric.goal_max);
  CHECK(e && isfinite(e->metric.target));
  e = tp_config_experiment_of(&cfg, "lab/lr-sweep/lr3e-4-s1");
  CHECK(e && strcmp(e->name, "lr-sweep") == 0);
  CHECK(e && e->metric.goal_set && !e->metric.goal_max && isfinite(e->metric.target));
  tp_config_free(&cfg);
  tp_diag_free(&d);
}

/* Every ```yaml example of docs/configuration.md loads without a warning. */
static void test_doc_examples(void) {
  const char *path = TP_SOURCE_DIR "/docs/configuration.md";
  FILE *f = fopen(path, "rb");
  CHECK(f != NULL);
  if (!f) return;
  tp_buf doc = {0};
  char chunk[4096];
  size_t got;
  while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) tp_buf_add(&doc, chunk, got);
  fclose(f);
  int n_examples = 0;
  const char *p = tp_buf_str(&doc);
  while ((p = strstr(p, "```yaml\n")) != NULL) {
    p += 8;
    const char *end = strstr(p, "```");
    if (!end) break;
    tp_config cfg;
    tp_diags d = {0};
    CHECK_INT(tp_config_load_mem(&cfg, p, (size_t)(end - p), "docs/trainprint.yaml", &d), 0);
    if (d.count) fprintf(stderr, "example %d:\n%.*s", n_examples + 1, (int)(end - p), p);
    S_dump(&d);
    CHECK_INT(d.count, 0);
    tp_config_free(&cfg);
    tp_diag_free(&d);
    n_examples++;
    p = end + 3;
  }
  CHECK(n_examples >= 8);
  tp_buf_free(&doc);
}

/* power[].start and interval: traces without dates (dmon, perf stat). */
static void test_power_start(void) {
  tp_config cfg;
  tp_diags d = {0};
  CHECK_INT(S_load(&cfg,
                   "power:\n"
                   "  - files: [dmon.log]\n"
                   "    start: 2026-03-01T09:00:00\n"
                   "    interval: 2\n"
                   "  - files: [b.log]\n"
                   "    start: yesterday\n",
                   &d),
            0);
  CHECK_INT(cfg.n_power, 2);
  CHECK_STR(cfg.power[0].start, "2026-03-01T09:00:00");
  CHECK_NEAR(cfg.power[0].interval_s, 2.0, 0);
  CHECK(cfg.power[1].start == NULL);
  CHECK(isnan(cfg.power[1].interval_s));
  CHECK(S_find(&d, "line 6, column 12:"));
  tp_config_free(&cfg);
  tp_diag_free(&d);
}

/* power[].columns: a date and a time column, a date order, and positions of
 * a headerless nvidia-smi log. */
static void test_power_columns(void) {
  tp_config cfg;
  tp_diags d = {0};
  CHECK_INT(S_load(&cfg,
                   "power:\n"
                   "  - files: [a.csv]\n"
                   "    columns: {time: [Date, 2], date_order: DMY, value: Power}\n"
                   "  - files: [b.log]\n"
                   "    format: nvidia-smi\n"
                   "    columns: {time: 1, value: 4, device: 2}\n"
                   "  - files: [c.log]\n"
                   "    format: nvidia-smi\n"
                   "    columns: {time: ts, value: 4, unit: mW}\n"
                   "  - files: [d.csv]\n"
                   "    columns: {time: [a, b, c], date_order: yesterday, value: 2}\n",
                   &d),
            0);
  CHECK_INT(cfg.n_power, 4);
  const tp_config_columns *c = &cfg.power[0].columns;
  CHECK_STR(c->time_column, "Date");
  CHECK(c->time2_column == NULL);
  CHECK_INT(c->time2_index, 2);
  CHECK_STR(c->date_order, "dmy");
  CHECK_STR(cfg.power[0].format, "csv");
  c = &cfg.power[1].columns;
  CHECK_STR(cfg.power[1].format, "nvidia-smi");
  CHECK_INT(c->time_index, 1);
  CHECK_INT(c->value_index, 4);
  CHECK_INT(c->device_index, 2);
  CHECK(S_find(&d, "line 7, column 5: 'power[2]' has format 'nvidia-smi': its columns name the "
                   "1-based positions of time, value (power) and device (index) only; the rest "
                   "is ignored"));
  CHECK(S_find(&d, "'time' in 'power[3].columns' should be one column or a list of two (the "
                   "date's and the time of day's), not a list of 3; ignored"));
  CHECK(S_find(&d, "'date_order' in 'power[3].columns': 'yesterday' is not a date order (dmy, "
                   "mdy, ymd); ignored"));
  CHECK(cfg.power[3].columns.date_order == NULL);
  S_dump(&d);
  CHECK_INT(d.count, 4); /* the three above, and power[3] names no time column */
  tp_config_free(&cfg);
  tp_diag_free(&d);
}

/* parsers[].columns: a CSV log parser's column roles. */
static void test_csv_parser(void) {
  tp_config cfg;
  tp_diags d = {0};
  const char *text = "parsers:\n"
                     "  - name: mycsv\n"
                     "    files: [\"log*.csv\"]\n"
                     "    columns: {step: iter, step_base: 1, time: wall, time_format: elapsed-s,\n"
                     "              metrics: [loss, acc]}\n"
                     "  - columns: {step: it, step_base: 2, time_format: fortnightly}\n"
                     "  - name: both\n"
                     "    patterns: ['(?<loss>\\S+)']\n"
                     "    columns: {step: it}\n";
  CHECK_INT(S_load(&cfg, text, &d), 0);
  CHECK_INT(cfg.n_parsers, 3);
  const tp_config_parser *q = &cfg.parsers[0];
  CHECK(q->has_columns);
  CHECK_STR(q->columns.step, "iter");
  CHECK_INT(q->columns.step_base, 1);
  CHECK_STR(q->columns.time, "wall");
  CHECK_STR(q->columns.time_format, "elapsed-s");
  CHECK_INT(q->columns.metrics.count, 2);
  CHECK_STR(q->columns.metrics.items[1], "acc");
  q = &cfg.parsers[1]; /* a bad base and format are ignored, with warnings */
  CHECK(q->has_columns);
  CHECK_INT(q->columns.step_base, 0);
  CHECK(q->columns.time_format == NULL);
  CHECK(S_find(&d, "names no files"));
  CHECK(S_find(&d, "not a whole number in [0, 1]"));
  CHECK(S_find(&d, "'fortnightly' is not a time format"));
  q = &cfg.parsers[2]; /* patterns win over columns */
  CHECK(!q->has_columns);
  CHECK(S_find(&d, "has both columns"));
  tp_config_free(&cfg);
  tp_diag_free(&d);
}

int main(void) {
  TP_RUN(test_every_key);
  TP_RUN(test_csv_parser);
  TP_RUN(test_power_start);
  TP_RUN(test_power_columns);
  TP_RUN(test_defaults);
  TP_RUN(test_unknown_and_wrong_types);
  TP_RUN(test_values_checked);
  TP_RUN(test_not_a_mapping);
  TP_RUN(test_deep_nesting);
  TP_RUN(test_alias_bomb);
  TP_RUN(test_many_problems_capped);
  TP_RUN(test_globs);
  TP_RUN(test_find);
  TP_RUN(test_sample);
  TP_RUN(test_doc_examples);
  return tp_test_summary();
}
