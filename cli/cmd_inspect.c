/* cmd_inspect: `trainprint inspect PATH...`: what the logs hold, as CSV.
 *
 * Three views of the same reader: the scalar records as stored (file order,
 * before restarts are resolved), the hyperparameters, or one row of
 * statistics per run and tag (the fast path the benchmark measures).  Runs are
 * found by discover; each run's event files are read in its order.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "model/mem.h"
#include "model/run.h"
#include "parser/parser.h"

static void S_help(FILE *out) {
  fputs("Usage: trainprint inspect [--hparams | --stats] PATH...\n"
        "\n"
        "Print what TensorBoard event files hold, as CSV on stdout.  PATH is an event\n"
        "file (a run named after its directory) or a directory (every run below it).\n"
        "\n"
        "Default: run,tag,step,wall_time,value, one row per scalar record as stored,\n"
        "in file order (before restarts are resolved).\n"
        "\n"
        "Options:\n"
        "  --hparams   print run,key,value: hyperparameters (hparams plugin, hparams.yaml)\n"
        "  --stats     print run,tag,kind,count,first_step,last_step,min,max,last\n"
        "              (min and max of the values that are not NaN; nan when none is)\n"
        "  -h, --help  show this help and exit\n"
        "\n"
        "Problems with the input are reported on stderr; the exit status is 1 only\n"
        "when no input at all could be read.\n",
        out);
}

/* Write s as one CSV field, quoted when it holds a comma, quote or newline. */
static void S_csv(FILE *out, const char *s) {
  if (!strpbrk(s, ",\"\n\r")) {
    fputs(s, out);
    return;
  }
  putc('"', out);
  for (; *s; s++) {
    if (*s == '"') putc('"', out);
    putc(*s, out);
  }
  putc('"', out);
}

/* ---- default view: the scalar records ---------------------------------- */

typedef struct S_rows {
  FILE *out;
  const char *run;
} S_rows;

static void S_row(void *ctx, const tp_tfevents_event *ev, const char *tag, uint32_t tag_id,
                  double value) {
  S_rows *r = ctx;
  char wt[32], v[32];
  S_csv(r->out, r->run);
  putc(',', r->out);
  S_csv(r->out, tag);
  fprintf(r->out, ",%lld,%s,%s\n", (long long)ev->step, tp_fmt_double(wt, ev->wall_time_s),
          tp_fmt_double(v, value));
}

/* ---- --stats: one row per run and tag ---------------------------------- */

typedef struct S_tagstat {
  const char *kind;       /* "scalar" or the kind of a skipped value (static text) */
  uint64_t count;
  uint64_t numbers;       /* scalars that are not NaN */
  int64_t first_step, last_step;
  double min, max, last;  /* scalars only; min and max of the numbers (+inf and -inf
                           * while there are none: printed as NaN then) */
} S_tagstat;

/* Stats of one run.  Tags are numbered through a tp_run's series index (no
 * points are stored in it); per file, the reader's dense tag ids map to those
 * numbers once per tag. */
typedef struct S_stats {
  tp_run *names;          /* tag -> index (series order), nothing else */
  S_tagstat *tags;
  size_t cap;
  uint32_t *map;          /* reader tag id -> index + 1, 0 = not looked up yet */
  size_t map_cap;
} S_stats;

static S_tagstat *S_stat_for(S_stats *s, const char *tag, const char *kind) {
  size_t i = (size_t)(tp_run_series(s->names, tag) - s->names->series);
  if (i >= s->cap) {
    size_t old = s->cap;
    TP_GROW(s->tags, s->cap, i + 1);
    memset(s->tags + old, 0, (s->cap - old) * sizeof *s->tags);
  }
  S_tagstat *t = &s->tags[i];
  if (!t->kind) *t = (S_tagstat){.kind = kind, .min = INFINITY, .max = -INFINITY};
  return t;
}

static void S_stat_point(S_tagstat *t, int64_t step) {
  if (!t->count++) t->first_step = step;
  t->last_step = step;
}

/* The stats of the scalar tag numbered tag_id in this file, found through the
 * series index the first time. */
static S_tagstat *S_stat_scalar_tag(S_stats *s, const char *tag, uint32_t tag_id) {
  if (tag_id >= s->map_cap) {
    size_t old = s->map_cap;
    TP_GROW(s->map, s->map_cap, (size_t)tag_id + 1);
    memset(s->map + old, 0, (s->map_cap - old) * sizeof *s->map);
  }
  S_tagstat *t = S_stat_for(s, tag, "scalar");
  s->map[tag_id] = (uint32_t)(t - s->tags) + 1;
  return t;
}

static void S_stat_scalar(void *ctx, const tp_tfevents_event *ev, const char *tag,
                          uint32_t tag_id, double value) {
  S_stats *s = ctx;
  S_tagstat *t = tag_id < s->map_cap && s->map[tag_id] ? &s->tags[s->map[tag_id] - 1]
                                                        : S_stat_scalar_tag(s, tag, tag_id);
  S_stat_point(t, ev->step);
  t->last = value;
  t->numbers += !isnan(value);
  /* NaN compares false both ways, so it leaves min and max as they are. */
  t->min = value < t->min ? value : t->min;
  t->max = value > t->max ? value : t->max;
}

static void S_stat_skipped(void *ctx, const tp_tfevents_event *ev, const char *tag,
                           const char *kind) {
  S_stat_point(S_stat_for(ctx, tag, kind), ev->step);
}

static void S_stat_done(void *ctx, const tp_tfevents_stats *st) {
  S_stats *s = ctx;
  if (s->map_cap) memset(s->map, 0, s->map_cap * sizeof *s->map); /* ids are per file */
}

static void S_stats_print(FILE *out, const char *run, const S_stats *s) {
  for (size_t i = 0; i < s->names->n_series; i++) {
    const S_tagstat *t = &s->tags[i];
    char a[32], b[32], c[32];
    S_csv(out, run);
    putc(',', out);
    S_csv(out, s->names->series[i].tag);
    fprintf(out, ",%s,%llu,%lld,%lld", t->kind, (unsigned long long)t->count,
            (long long)t->first_step, (long long)t->last_step);
    if (strcmp(t->kind, "scalar") == 0)
      fprintf(out, ",%s,%s,%s\n", tp_fmt_double(a, t->numbers ? t->min : NAN),
              tp_fmt_double(b, t->numbers ? t->max : NAN), tp_fmt_double(c, t->last));
    else
      fputs(",,,\n", out);
  }
}

/* ---- --hparams ---------------------------------------------------------- */

static bool S_is_hparams_yaml(const char *path) {
  const char *base = strrchr(path, '/');
  return strcmp(base ? base + 1 : path, "hparams.yaml") == 0;
}

/* ---- the command -------------------------------------------------------- */

/* A regular file given as an argument whose name does not say "tfevents":
 * discover would not take it, but the user named it, so it is read as an
 * event file (and reported if it is not one).  Its run is named after the
 * directory holding it.  The caller frees the result. */
static char *S_file_run_id(const char *path) {
  char *real = realpath(path, NULL);
  if (!real) return tp_xstrdup(".");
  char *slash = strrchr(real, '/');
  if (slash) *slash = '\0';
  slash = strrchr(real, '/');
  char *id = tp_xstrdup(slash && slash[1] ? slash + 1 : "/");
  free(real);
  return id;
}

static bool S_plain_file(const char *path) {
  struct stat st;
  const char *base = strrchr(path, '/');
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && !strstr(base ? base + 1 : path, "tfevents") &&
         !S_is_hparams_yaml(path);
}

enum { S_MODE_ROWS, S_MODE_HPARAMS, S_MODE_STATS };

/* Read one run in the chosen mode; returns the number of inputs read. */
static int S_inspect_run(FILE *out, const tp_found_run *fr, int mode, tp_diags *diags) {
  int n_ok = 0;
  if (mode == S_MODE_ROWS) {
    static const tp_tfevents_visitor v = {.scalar = S_row};
    S_rows r = {out, fr->id};
    for (size_t i = 0; i < fr->n_event_files; i++)
      n_ok += tp_tfevents_read(fr->event_files[i], &v, &r, diags) == 0;
  } else if (mode == S_MODE_STATS) {
    static const tp_tfevents_visitor v = {
        .scalar = S_stat_scalar, .skipped = S_stat_skipped, .done = S_stat_done};
    S_stats s = {.names = tp_run_new(fr->id, fr->dir)};
    for (size_t i = 0; i < fr->n_event_files; i++)
      n_ok += tp_tfevents_read(fr->event_files[i], &v, &s, diags) == 0;
    S_stats_print(out, fr->id, &s);
    tp_run_free(s.names);
    free(s.tags);
    free(s.map);
  } else {
    /* The run loader: hparams of every file, conflicts diagnosed, sorted. */
    tp_run *run = tp_run_new(fr->id, fr->dir);
    for (size_t i = 0; i < fr->n_event_files; i++)
      n_ok += tp_tfevents_load_run(run, fr->event_files[i], diags) == 0;
    for (size_t i = 0; i < fr->n_other_files; i++)
      if (S_is_hparams_yaml(fr->other_files[i]))
        n_ok += tp_hparams_yaml_load(run, fr->other_files[i], diags) == 0;
    tp_run_finish(run);
    for (size_t i = 0; i < run->n_hparams; i++) {
      S_csv(out, fr->id);
      putc(',', out);
      S_csv(out, run->hparams[i].key);
      putc(',', out);
      S_csv(out, run->hparams[i].text);
      putc('\n', out);
    }
    tp_diag_move(diags, &run->diags);
    tp_run_free(run);
  }
  return n_ok;
}

int tp_cmd_inspect(int argc, char **argv) {
  static const struct option longopts[] = {{"hparams", no_argument, NULL, 'H'},
                                           {"stats", no_argument, NULL, 'S'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  int mode = S_MODE_ROWS, c;
  optind = 1;
  while ((c = getopt_long(argc, argv, TP_GETOPT_QUIET "h", longopts, NULL)) != -1) {
    switch (c) {
      case 'H': mode = S_MODE_HPARAMS; break;
      case 'S': mode = S_MODE_STATS; break;
      case 'h': S_help(stdout); return 0;
      case ':': return tp_cli_usage_error("inspect", "option '%s' needs a value", argv[optind - 1]);
      default: return tp_cli_usage_error("inspect", "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind >= argc) return tp_cli_usage_error("inspect", "no PATH given");

  tp_diags diags = {0};
  tp_discovery disc = {0};
  char **walk = tp_xcalloc((size_t)argc, sizeof *walk);
  size_t n_walk = 0, n_walk_files = 0;
  for (int i = optind; i < argc; i++)
    if (!S_plain_file(argv[i])) walk[n_walk++] = argv[i];
    else n_walk_files++;
  if (n_walk) tp_discover(&disc, walk, n_walk, &diags);
  free(walk);
  static char obuf[1 << 16];
  setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
  puts(mode == S_MODE_HPARAMS ? "run,key,value"
       : mode == S_MODE_STATS ? "run,tag,kind,count,first_step,last_step,min,max,last"
                              : "run,tag,step,wall_time,value");
  int n_ok = 0;
  for (size_t i = 0; i < disc.n_runs; i++) n_ok += S_inspect_run(stdout, &disc.runs[i], mode, &diags);
  for (int i = optind; i < argc; i++) {
    if (!S_plain_file(argv[i])) continue;
    tp_found_run fr = {.id = S_file_run_id(argv[i]), .dir = ".", .event_files = &argv[i],
                       .n_event_files = 1};
    n_ok += S_inspect_run(stdout, &fr, mode, &diags);
    free(fr.id);
  }
  int rc = fflush(stdout) != 0 || ferror(stdout);
  if (rc) fputs("trainprint: inspect: cannot write the output\n", stderr);
  if (!disc.n_runs && disc.n_paths_ok && n_ok == 0 && n_walk_files == 0)
    tp_discovery_explain_empty(&disc, &diags);
  else if (disc.n_paths_ok && n_ok == 0)
    tp_diag_add(&diags, TP_ERROR, NULL, -1, -1,
                disc.n_runs ? "no event file could be read (each is empty or unreadable)"
                            : "no event files found");
  tp_diag_print_all(stderr, &diags);
  tp_diag_free(&diags);
  tp_discovery_free(&disc);
  return rc || n_ok == 0 ? 1 : 0;
}
