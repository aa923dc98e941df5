/* tally: the readers' tests as data.
 *
 *   tally [--update] DIR...
 *
 * Each DIR is tests/readers/<reader>/: its inputs (a file each for power
 * traces and event files, a run directory each for framework logs) and,
 * beside each input, its expected tally: <input minus its extension>.expect.
 * The tally is what the reader made of the input, written as text: the
 * devices with their sample counts and first and last samples, the declared
 * figures, or the run's window, hyperparameters and series with their counts
 * and first and last points; then every diagnostic with its line or byte.
 * A difference is printed as a unified diff and fails the test.
 *
 * A power case may have a sidecar, <input less its extension>.map.yaml: a
 * configuration whose first power entry states the format and columns to
 * read it with (see S_stated_format).
 *
 * --update (or TP_READERS_UPDATE=1 in the environment) writes the tallies as
 * the .expect files instead.  An expect file is only worth what its checking
 * was: read a new one against its input by hand before committing it.
 *
 * Which reader a folder is for is the table k_families below: one function per
 * family, each a thin call of that family's front door (parser/power/power.h,
 * parser/logs/framework.h, parser/logs/tfevents.h).
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/mem.h"
#include "model/run.h"
#include "model/utctime.h"
#include "parser/config.h"
#include "parser/logs/framework.h"
#include "parser/power/csvmap.h"
#include "parser/power/power.h"
#include "parser/logs/tfevents.h"

extern char **environ;

/* ---- Writing values ------------------------------------------------------ */

/* A number in its shortest exact form ("nan" and "inf" included). */
static const char *S_num(char buf[32], double v) { return tp_fmt_double(buf, v); }

/* An epoch time, exactly, and as a UTC date to the millisecond for the reader
 * of the file: "1704067200.5 (2024-01-01 00:00:00.500)". */
static void S_time(tp_buf *out, double t_s) {
  char n[32];
  struct tm tm;
  tp_buf_adds(out, S_num(n, t_s));
  if (!tp_utc_tm(t_s, &tm)) return;
  double ms = round((t_s - floor(t_s)) * 1000);
  if (ms >= 1000) ms = 999; /* a fraction that rounds up stays in its second */
  tp_buf_printf(out, " (%04d-%02d-%02d %02d:%02d:%02d.%03d)", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)ms);
}

static const char *S_str(const char *s) { return s ? s : "-"; }

static void S_diags(tp_buf *out, const tp_diags *d) {
  for (size_t i = 0; i < d->count; i++) {
    char *s = tp_diag_format(&d->items[i]);
    tp_buf_printf(out, "diag %s\n", s);
    free(s);
  }
}

/* ---- Power traces (parser/power/power.h) --------------------------------------- */

static void S_declared(tp_buf *out, const tp_declared *c) {
  char a[32], b[32], e[32], f[32], g[32], h[32];
  tp_buf_printf(out, "declared line %ld: run_name=%s run_id=%s experiment_id=%s\n", c->line,
                S_str(c->run_name), S_str(c->run_id), S_str(c->experiment_id));
  tp_buf_adds(out, "  start ");
  S_time(out, c->start_s);
  tp_buf_adds(out, "\n  end ");
  S_time(out, c->end_s);
  tp_buf_printf(out, "\n  duration_s=%s it_energy_j=%s tool_pue=%s\n", S_num(a, c->duration_s),
                S_num(b, c->it_energy_j), S_num(e, c->tool_pue));
  tp_buf_printf(out, "  cpu_j=%s gpu_j=%s ram_j=%s hardware=%s country=%s\n", S_num(f, c->cpu_j),
                S_num(g, c->gpu_j), S_num(h, c->ram_j), S_str(c->hardware), S_str(c->country));
}

/* The format the sniffer sees in the first 4 KiB of path, by name. */
static const char *S_sniffed(const char *path) {
  unsigned char head[4096];
  FILE *f = fopen(path, "rb");
  if (!f) return "unreadable";
  size_t n = fread(head, 1, sizeof head, f);
  fclose(f);
  tp_power_format fmt = tp_power_sniff(head, n);
  return fmt == TP_POWER_UNKNOWN ? "unknown" : tp_power_format_name(fmt);
}

/* What a case's sidecar <input less its extension>.map.yaml states, read as
 * the program reads its configuration: the first `power` entry's format, and
 * its columns as a mapping (format csv) or as nvidia-smi positions. */
typedef struct S_stated {
  tp_config cfg;
  tp_csvmap map;
  char fields[TP_NVSMI_FIELDS_MAX];
} S_stated;

/* The format to read name in (TP_POWER_AUTO without a sidecar), with opt
 * filled from the sidecar; its problems go to d. */
static tp_power_format S_stated_format(const char *name, S_stated *s, tp_power_options *opt,
                                       tp_diags *d) {
  const char *dot = strrchr(name, '.');
  char *side = tp_xasprintf("%.*s.map.yaml", (int)(dot ? dot - name : (long)strlen(name)), name);
  struct stat st;
  tp_power_format fmt = TP_POWER_AUTO;
  if (stat(side, &st) != 0 || tp_config_load(&s->cfg, side, d) != 0 || s->cfg.n_power == 0) {
    free(side);
    return fmt;
  }
  free(side);
  const tp_config_power *pw = &s->cfg.power[0];
  char err[160];
  if (pw->format && tp_power_format_parse(pw->format, &fmt) != 0) fmt = TP_POWER_AUTO;
  if (pw->has_columns && fmt == TP_POWER_CSVMAP) {
    if (tp_csvmap_of_config(&s->map, &pw->columns, err, sizeof err) == 0) opt->csvmap = &s->map;
    else tp_diag_add(d, TP_ERROR, NULL, -1, -1, "map: %s", err);
  } else if (pw->has_columns && fmt == TP_POWER_NVSMI_CSV) {
    if (tp_csvmap_nvsmi_fields(s->fields, &pw->columns, err, sizeof err) == 0)
      opt->nvsmi_columns = s->fields;
    else tp_diag_add(d, TP_WARN, NULL, -1, -1, "map: %s", err);
  }
  return fmt;
}

static int S_power(tp_buf *out, const char *name) {
  tp_power_tally t = {0};
  tp_diags d = {0};
  tp_trace_sink sink = tp_power_tally_sink(&t);
  tp_power_options opt;
  tp_power_options_init(&opt);
  S_stated stated = {0};
  tp_power_format fmt = S_stated_format(name, &stated, &opt, &d);
  if (fmt != TP_POWER_AUTO) tp_buf_printf(out, "stated %s\n", tp_power_format_name(fmt));
  int rc = tp_power_read(name, fmt, &opt, &sink, &d);
  tp_config_free(&stated.cfg);
  tp_buf_printf(out, "read %s as %s: rc %d, %zu samples, %zu devices, %zu declared\n", name,
                S_sniffed(name), rc, t.n_samples, t.n_dev, t.n_decl);
  for (size_t i = 0; i < t.n_dev; i++) {
    const tp_power_tally_dev *v = &t.dev[i];
    const char *unit = v->kind == TP_SAMPLE_ENERGY_J ? "J" : "W";
    char a[32], b[32], c[32];
    tp_buf_printf(out, "device %s: name=%s kind=%s wrap_j=%s samples=%zu\n", v->id, S_str(v->name),
                  v->kind == TP_SAMPLE_ENERGY_J ? "energy" : "power", S_num(a, v->wrap_j), v->n);
    if (!v->n) continue;
    tp_buf_adds(out, "  first ");
    S_time(out, v->t_first);
    tp_buf_printf(out, " %s %s\n  last ", S_num(b, v->v_first), unit);
    S_time(out, v->t_last);
    tp_buf_printf(out, " %s %s\n", S_num(c, v->v_last), unit);
  }
  for (size_t i = 0; i < t.n_decl; i++) S_declared(out, &t.decl[i]);
  for (size_t i = 0; i < t.n_holds; i++) {
    tp_buf_printf(out, "hold %s by job %s\n  from ", t.holds[i].id, t.holds[i].job);
    S_time(out, t.holds[i].start_s);
    tp_buf_adds(out, "\n  to ");
    S_time(out, t.holds[i].end_s);
    tp_buf_adds(out, "\n");
  }
  S_diags(out, &d);
  tp_power_tally_free(&t);
  tp_diag_free(&d);
  return 0;
}

/* ---- Runs: framework logs and event files -------------------------------- */

static void S_point(tp_buf *out, const char *which, const tp_point *p) {
  char v[32];
  tp_buf_printf(out, "  %s step %lld at ", which, (long long)p->step);
  S_time(out, p->wall_time_s);
  tp_buf_printf(out, ": %s\n", S_num(v, p->value));
}

/* What the model holds of a run after reading, with the diagnostics of the
 * reader (d) and of the run itself. */
static void S_run(tp_buf *out, tp_run *run, int rc, tp_diags *d) {
  tp_run_finish(run);
  char n[32];
  tp_buf_printf(out, "read %s: rc %d, %zu series, %zu hparams\n", run->id, rc, run->n_series,
                run->n_hparams);
  tp_buf_adds(out, "window ");
  S_time(out, run->start_s);
  tp_buf_adds(out, " .. ");
  S_time(out, run->end_s);
  tp_buf_printf(out, " from %s; declared duration %s s; restarts %d\n", S_str(run->window_source),
                S_num(n, run->declared_duration_s), run->restarts);
  for (size_t i = 0; i < run->n_inputs; i++)
    tp_buf_printf(out, "input %s as %s\n", run->inputs[i].path, run->inputs[i].format);
  for (size_t i = 0; i < run->n_hparams; i++) {
    static const char *const kinds[] = {"string", "number", "bool", "null"};
    const tp_hparam *h = &run->hparams[i];
    tp_buf_printf(out, "hparam %s = %s %s (from %s)\n", h->key, kinds[h->kind], h->text,
                  S_str(h->source));
  }
  for (size_t i = 0; i < run->n_series; i++) {
    const tp_series *s = &run->series[i];
    tp_buf_printf(out, "series %s: %zu points, %d restarts, %zu dropped\n", s->tag, s->count,
                  s->restarts, s->dropped + s->doubled);
    if (!s->count) continue;
    S_point(out, "first", &s->points[0]);
    S_point(out, "last", &s->points[s->count - 1]);
  }
  for (size_t i = 0; i < run->n_skipped; i++)
    tp_buf_printf(out, "skipped %s: %llu %s\n", run->skipped[i].tag,
                  (unsigned long long)run->skipped[i].count, run->skipped[i].kind);
  S_diags(out, d);
  S_diags(out, &run->diags);
}

static int S_framework(tp_buf *out, const char *name) {
  tp_run *run = tp_run_new(name, name);
  tp_diags d = {0};
  int rc = tp_framework_load_run(run, name, NULL, &d);
  S_run(out, run, rc, &d);
  tp_diag_free(&d);
  tp_run_free(run);
  return 0;
}

static int S_tfevents(tp_buf *out, const char *name) {
  tp_run *run = tp_run_new(name, ".");
  tp_diags d = {0};
  int rc = tp_tfevents_load_run(run, name, &d);
  S_run(out, run, rc, &d);
  tp_diag_free(&d);
  tp_run_free(run);
  return 0;
}

/* The folder name of each reader's cases, and the family that reads them. */
static const struct {
  const char *folder;
  int (*tally)(tp_buf *out, const char *name); /* name: the input, relative to the folder */
  int dirs;                                    /* 1: the inputs are run directories */
} k_families[] = {
    {"nvsmi", S_power, 0},          {"rapl", S_power, 0},           {"codecarbon", S_power, 0},
    {"csvmap", S_power, 0},
    {"keras", S_framework, 1},      {"lightning", S_framework, 1},  {"hf_trainer", S_framework, 1},
    {"mlflow", S_framework, 1},     {"textlog", S_framework, 1},    {"tfevents", S_tfevents, 0},
    {"jsonlines", S_framework, 1},
    {"sacred", S_framework, 1},     {"dvclive", S_framework, 1},    {"ultralytics", S_framework, 1},
    {"prometheus", S_power, 0},     {"grafana", S_power, 0},
};

/* ---- Comparing ----------------------------------------------------------- */

/* 1 when the file at path holds exactly text[0..n), 0 when it holds something
 * else, -1 when it cannot be read. */
static int S_same(const char *path, const char *text, size_t n) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  char *held = tp_xmalloc(n + 1); /* one byte more: a longer file differs */
  size_t got = fread(held, 1, n + 1, f);
  int same = !ferror(f) && got == n && memcmp(held, text, n) == 0;
  fclose(f);
  free(held);
  return same;
}

static int S_write(const char *path, const char *text, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  int bad = fwrite(text, 1, n, f) != n;
  return fclose(f) || bad ? -1 : 0;
}

/* Show how got differs from the file expect: diff -u, or got in full when
 * diff cannot be run. */
static void S_show_diff(const char *expect, const char *got, size_t n) {
  char tmp[] = "/tmp/tp-tally-XXXXXX";
  int fd = mkstemp(tmp);
  pid_t pid;
  char *argv[] = {"diff", "-u", "--label", (char *)expect, "--label", "got", (char *)expect, tmp, NULL};
  if (fd >= 0 && close(fd) == 0 && S_write(tmp, got, n) == 0 &&
      posix_spawnp(&pid, "diff", NULL, NULL, argv, environ) == 0) {
    fflush(stdout);
    int st;
    waitpid(pid, &st, 0);
  } else {
    printf("--- got:\n%s", got);
  }
  if (fd >= 0) unlink(tmp);
}

/* The expect file of an input: its name less its last extension, + .expect. */
static char *S_expect_name(const char *input, int is_dir) {
  const char *dot = is_dir ? NULL : strrchr(input, '.');
  size_t n = dot && dot != input ? (size_t)(dot - input) : strlen(input);
  return tp_xasprintf("%.*s.expect", (int)n, input);
}

/* One case: 0 when its tally is as expected (or was written), 1 if not. */
static int S_case(int (*tally)(tp_buf *, const char *), const char *input, int is_dir,
                  int update) {
  tp_buf got = {0};
  tally(&got, input);
  char *expect = S_expect_name(input, is_dir);
  int bad = 0, same = update ? 0 : S_same(expect, tp_buf_str(&got), got.len);
  if (update) {
    bad = S_write(expect, tp_buf_str(&got), got.len) != 0;
    if (bad) fprintf(stderr, "tally: cannot write %s: %s\n", expect, strerror(errno));
  } else if (same < 0) {
    printf("FAIL %s: no %s (run with --update, then check it by hand)\n", input, expect);
    bad = 1;
  } else if (!same) {
    printf("FAIL %s: the tally differs from %s\n", input, expect);
    S_show_diff(expect, tp_buf_str(&got), got.len);
    bad = 1;
  } else {
    printf("ok   %s\n", input);
  }
  free(expect);
  tp_buf_free(&got);
  return bad;
}

static int S_cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every case of one reader's folder, in name order; the number that failed. */
static int S_folder(const char *dir, int update) {
  size_t len = strlen(dir);
  while (len > 1 && dir[len - 1] == '/') len--;
  size_t start = len;
  while (start > 0 && dir[start - 1] != '/') start--;
  char *base = tp_xstrndup(dir + start, len - start); /* the folder's name */
  size_t f = 0, n_fam = sizeof k_families / sizeof *k_families;
  while (f < n_fam && strcmp(k_families[f].folder, base) != 0) f++;
  DIR *dh = f < n_fam && chdir(dir) == 0 ? opendir(".") : NULL;
  if (!dh) {
    fprintf(stderr, "tally: %s: %s\n", dir, f < n_fam ? strerror(errno) : "no reader for this folder");
    free(base);
    return 1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  for (struct dirent *e; (e = readdir(dh));) {
    size_t nlen = strlen(e->d_name);
    if (e->d_name[0] == '.' || (nlen > 7 && strcmp(e->d_name + nlen - 7, ".expect") == 0) ||
        (nlen > 9 && strcmp(e->d_name + nlen - 9, ".map.yaml") == 0)) /* a case's statement */
      continue;
    TP_GROW(names, cap, n + 1);
    names[n++] = tp_xstrdup(e->d_name);
  }
  closedir(dh);
  qsort(names, n, sizeof *names, S_cmp_names);
  int failed = 0;
  for (size_t i = 0; i < n; i++) {
    struct stat st;
    int is_dir = stat(names[i], &st) == 0 && S_ISDIR(st.st_mode);
    if (is_dir != k_families[f].dirs) {
      printf("FAIL %s/%s: a %s, where this folder holds %s\n", base, names[i],
             is_dir ? "directory" : "file", k_families[f].dirs ? "run directories" : "files");
      failed++;
    } else {
      failed += S_case(k_families[f].tally, names[i], is_dir, update);
    }
    free(names[i]);
  }
  free(names);
  free(base);
  if (!n) printf("FAIL %s: no cases\n", dir);
  return failed + !n;
}

int main(int argc, char **argv) {
  int update = getenv("TP_READERS_UPDATE") && strcmp(getenv("TP_READERS_UPDATE"), "1") == 0;
  int i = 1, failed = 0;
  if (i < argc && strcmp(argv[i], "--update") == 0) update = 1, i++;
  if (i == argc) {
    fprintf(stderr, "usage: tally [--update] DIR...\n");
    return 2;
  }
  char *cwd = getcwd(NULL, 0);
  for (; i < argc; i++) {
    failed += S_folder(argv[i], update);
    if (!cwd || chdir(cwd) != 0) return 2;
  }
  free(cwd);
  printf("%d failed\n", failed);
  return failed ? 1 : 0;
}
