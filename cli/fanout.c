/* fanout: `render --part I/N` and `render --assemble PARTS...`, a site drawn
 * in parts and put together (see fanout.h). */
#include "cli/fanout.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "model/mem.h"
#include "parser/parser.h"

int tp_fanout_parse(const char *arg, size_t *i, size_t *n) {
  const char *slash = strchr(arg, '/');
  int64_t a, b;
  if (!slash || tp_parse_int64(arg, (size_t)(slash - arg), &a) != 0 ||
      tp_parse_int64(slash + 1, strlen(slash + 1), &b) != 0 || b < 1 ||
      b > TP_FANOUT_MAX_PARTS || a < 1 || a > b)
    return -1;
  for (const char *p = arg; *p; p++) /* decimal digits only: no signs, no spaces */
    if (p != slash && (*p < '0' || *p > '9')) return -1;
  *i = (size_t)a;
  *n = (size_t)b;
  return 0;
}

/* The part of the k-th of nr runs of the sequence among n parts (k == nr,
 * after the last run: the last part). */
static size_t S_part_of(size_t k, size_t nr, size_t n) {
  if (nr == 0) return 0;
  return (k < nr ? k : nr - 1) * n / nr;
}

void tp_fanout_split(const tp_lab *lab, size_t n, size_t *exp_part, size_t *run_part) {
  size_t nr = lab->n_runs, k = 0;
  bool *placed = tp_xcalloc(nr ? nr : 1, sizeof *placed);
  for (size_t e = 0; e < lab->n_experiments; e++) {
    const tp_experiment *x = &lab->experiments[e];
    exp_part[e] = S_part_of(k, nr, n);
    for (size_t j = 0; j < x->n_runs; j++) {
      size_t r = x->runs[j];
      if (r >= nr || placed[r]) continue;
      placed[r] = true;
      run_part[r] = S_part_of(k, nr, n);
      k++;
    }
  }
  for (size_t r = 0; r < nr; r++)
    if (!placed[r]) run_part[r] = S_part_of(k++, nr, n);
  free(placed);
}

/* ---- the parts' manifests ------------------------------------------------ */

/* One part directory as its manifest describes it. */
typedef struct S_part {
  const char *dir;  /* as given */
  size_t i, n;      /* part i of n */
  char digest[33];
  char **pages;     /* each page's path, in drawing order */
  size_t *first, *count; /* each page's files: a range of files */
  size_t n_pages, cap_pages;
  char **files;
  size_t n_files, cap_files;
  size_t want;      /* reading: the files the last page's G line announced */
  size_t next;      /* assembling: the next page expected */
} S_part;

struct S_fanout_state {
  S_part *parts;        /* assemble: by part number - 1 */
  bool *exp_sel, *run_sel; /* part: the pages it draws */
  tp_pages_pick pick;
};

static void S_part_free(S_part *p) {
  for (size_t k = 0; k < p->n_pages; k++) free(p->pages[k]);
  for (size_t k = 0; k < p->n_files; k++) free(p->files[k]);
  free(p->pages);
  free(p->first);
  free(p->count);
  free(p->files);
}

/* Parse one manifest line into p; false when it is not what line `no`
 * must be. */
static bool S_part_line(S_part *p, char *line, size_t no) {
  if (no == 1) return strcmp(line, "trainprint-part 1") == 0;
  if (no == 2) {
    /* "part I N": as --part's "I/N" */
    char *sp = strncmp(line, "part ", 5) == 0 ? strchr(line + 5, ' ') : NULL;
    if (!sp) return false;
    *sp = '/';
    return tp_fanout_parse(line + 5, &p->i, &p->n) == 0;
  }
  if (no == 3)
    return strncmp(line, "inputs ", 7) == 0 && strlen(line + 7) == 32 &&
           (memcpy(p->digest, line + 7, 33), true);
  if (line[0] == 'G' && line[1] == ' ') {
    char *sp = strchr(line + 2, ' ');
    int64_t want;
    if (!sp || tp_parse_int64(line + 2, (size_t)(sp - line - 2), &want) != 0 || want < 1 ||
        !tp_site_path_ok(sp + 1) || (p->n_pages && p->count[p->n_pages - 1] != p->want))
      return false;
    p->want = (size_t)want;
    TP_GROW(p->pages, p->cap_pages, p->n_pages + 1);
    p->first = tp_xrealloc(p->first, p->cap_pages * sizeof *p->first);
    p->count = tp_xrealloc(p->count, p->cap_pages * sizeof *p->count);
    p->first[p->n_pages] = p->n_files;
    p->count[p->n_pages] = 0;
    p->pages[p->n_pages++] = tp_xstrdup(sp + 1);
    return true;
  }
  if (line[0] == 'F' && line[1] == ' ' && p->n_pages && tp_site_path_ok(line + 2)) {
    TP_GROW(p->files, p->cap_files, p->n_files + 1);
    p->files[p->n_files++] = tp_xstrdup(line + 2);
    p->count[p->n_pages - 1]++;
    return true;
  }
  return false;
}

/* Read the manifest of the part at dir; 0, or -1 after printing why. */
static int S_part_read(S_part *p, const char *dir) {
  *p = (S_part){.dir = dir};
  char *path = tp_xasprintf("%s/%s", dir, TP_FANOUT_MANIFEST);
  FILE *f = fopen(path, "r");
  free(path);
  if (!f) {
    fprintf(stderr,
            "trainprint: error: %s: not a part of a site (no readable %s; give the "
            "directories that 'render --part' wrote); nothing written\n",
            dir, TP_FANOUT_MANIFEST);
    return -1;
  }
  char line[8192];
  size_t no = 0;
  bool ok = true;
  while (ok && fgets(line, sizeof line, f)) {
    size_t len = strlen(line);
    ok = len > 0 && line[len - 1] == '\n';
    if (ok) line[len - 1] = '\0';
    ok = ok && S_part_line(p, line, ++no);
  }
  ok = ok && !ferror(f) && no >= 3 && (!p->n_pages || p->count[p->n_pages - 1] == p->want);
  fclose(f);
  if (!ok)
    fprintf(stderr, "trainprint: error: %s/%s:%zu: not a part manifest of this version; "
                    "nothing written\n",
            dir, TP_FANOUT_MANIFEST, no ? no : 1);
  return ok ? 0 : -1;
}

/* Check the parts read against each other and against this command's
 * inputs; 0, or 1 after printing an error. */
static int S_parts_agree(const tp_fanout *f, S_part *read) {
  size_t n = read[0].n;
  for (size_t k = 0; k < f->n_parts; k++) {
    if (read[k].n != n) {
      fprintf(stderr,
              "trainprint: error: %s is part %zu of %zu, but %s is part %zu of %zu: parts of "
              "different splits; nothing written\n",
              read[0].dir, read[0].i, read[0].n, read[k].dir, read[k].i, read[k].n);
      return 1;
    }
    for (size_t j = 0; j < k; j++)
      if (read[j].i == read[k].i) {
        fprintf(stderr, "trainprint: error: %s and %s are both part %zu of %zu; nothing written\n",
                read[j].dir, read[k].dir, read[k].i, n);
        return 1;
      }
  }
  if (f->n_parts != n) {
    bool *have = tp_xcalloc(n, sizeof *have);
    for (size_t k = 0; k < f->n_parts; k++) have[read[k].i - 1] = true;
    size_t miss = 0;
    while (miss < n && have[miss]) miss++;
    free(have);
    fprintf(stderr,
            "trainprint: error: part %zu of %zu is missing (%zu of %zu parts given); nothing "
            "written\n",
            miss + 1, n, f->n_parts, n);
    return 1;
  }
  return 0;
}

int tp_fanout_check_parts(tp_fanout *f) {
  S_part *read = tp_xcalloc(f->n_parts, sizeof *read);
  int rc = 0;
  size_t got = 0;
  for (; got < f->n_parts && rc == 0; got++)
    if (S_part_read(&read[got], f->parts[got]) != 0) rc = 1;
  if (rc == 0) rc = S_parts_agree(f, read);
  if (rc != 0) {
    for (size_t k = 0; k < got; k++) S_part_free(&read[k]);
    free(read);
    return rc;
  }
  /* in part order */
  f->state = tp_xcalloc(1, sizeof *f->state);
  f->state->parts = tp_xcalloc(f->n_parts, sizeof *f->state->parts);
  for (size_t k = 0; k < f->n_parts; k++) f->state->parts[read[k].i - 1] = read[k];
  free(read);
  return 0;
}

/* ---- the digest, computed while the summaries are read ------------------ */

struct S_digest_job {
  char *const *sums;
  size_t n_sums;
  tp_pipeline_opts po; /* copies: the options as they were at the start */
  tp_cli_site_opts so;
  char *out;
  pthread_t th;
  bool threaded;
};

static void *S_digest_run(void *arg) {
  struct S_digest_job *j = arg;
  tp_fanout_digest(j->out, j->sums, j->n_sums, &j->po, &j->so);
  return NULL;
}

void tp_fanout_digest_start(tp_fanout *f, char *const *sums, size_t n_sums,
                            const tp_pipeline_opts *po, const tp_cli_site_opts *so) {
  struct S_digest_job *j = f->job = tp_xcalloc(1, sizeof *j);
  *j = (struct S_digest_job){.sums = sums, .n_sums = n_sums, .po = *po, .so = *so, .out = f->digest};
  j->threaded = pthread_create(&j->th, NULL, S_digest_run, j) == 0;
  if (!j->threaded) S_digest_run(j);
}

/* Wait for the digest (once). */
static void S_digest_wait(tp_fanout *f) {
  if (!f->job) return;
  if (f->job->threaded) pthread_join(f->job->th, NULL);
  free(f->job);
  f->job = NULL;
}

/* ---- writing a part ------------------------------------------------------ */

static int S_part_before(void *arg, const tp_lab *lab, tp_pages_opts *pages, char **err) {
  tp_fanout *f = arg;
  struct S_fanout_state *st = f->state = tp_xcalloc(1, sizeof *f->state);
  size_t *ep = tp_xcalloc(lab->n_experiments + 1, sizeof *ep);
  size_t *rp = tp_xcalloc(lab->n_runs + 1, sizeof *rp);
  tp_fanout_split(lab, f->n_parts, ep, rp);
  st->exp_sel = tp_xcalloc(lab->n_experiments + 1, sizeof *st->exp_sel);
  st->run_sel = tp_xcalloc(lab->n_runs + 1, sizeof *st->run_sel);
  for (size_t e = 0; e < lab->n_experiments; e++) st->exp_sel[e] = ep[e] == f->part - 1;
  for (size_t r = 0; r < lab->n_runs; r++) st->run_sel[r] = rp[r] == f->part - 1;
  free(ep);
  free(rp);
  st->pick = (tp_pages_pick){.experiments = st->exp_sel, .runs = st->run_sel};
  pages->pick = &st->pick;
  return 0;
}

/* True when rel is a page (the last file of its group), not a chart. */
static bool S_is_page(const char *rel) {
  return strncmp(rel, "experiments/", 12) == 0 || strncmp(rel, "runs/", 5) == 0;
}

static int S_part_after(void *arg, const tp_lab *lab, tp_site *site, char **err) {
  tp_fanout *f = arg;
  S_digest_wait(f);
  tp_buf b = {0};
  tp_buf_printf(&b, "trainprint-part 1\npart %zu %zu\ninputs %s\n", f->part, f->n_parts,
                f->digest);
  size_t first = 0;
  for (size_t i = 0; i < site->n_files; i++) {
    if (!S_is_page(site->files[i])) continue;
    tp_buf_printf(&b, "G %zu %s\n", i + 1 - first, site->files[i]);
    for (size_t k = first; k <= i; k++) tp_buf_printf(&b, "F %s\n", site->files[k]);
    first = i + 1;
  }
  int rc = 0;
  if (first != site->n_files) {
    *err = tp_xasprintf("%s: a file outside every page; part not written", site->files[first]);
    rc = -1;
  }
  if (rc == 0) rc = tp_site_write(site, TP_FANOUT_MANIFEST, tp_buf_str(&b), b.len, err);
  tp_buf_free(&b);
  return rc;
}

/* ---- assembling ---------------------------------------------------------- */

static int S_assemble_before(void *arg, const tp_lab *lab, tp_pages_opts *pages, char **err) {
  tp_fanout *f = arg;
  S_digest_wait(f);
  for (size_t k = 0; k < f->n_parts; k++)
    if (strcmp(f->state->parts[k].digest, f->digest) != 0) {
      *err = tp_xasprintf("%s: drawn from other summaries or options than these (draw it again "
                          "with the same SUMMARIES, -c, --templates, --figures, --stamp, "
                          "--compare-zones and --pue-range, by this program); nothing written",
                          f->state->parts[k].dir);
      return -1;
    }
  f->state->pick = (tp_pages_pick){.front = true};
  pages->pick = &f->state->pick;
  return 0;
}

/* Take page rel and its files from part p, where it must come next. */
static int S_take_page(tp_site *site, S_part *p, char *rel, char **err) {
  int rc = 0;
  if (p->next >= p->n_pages || strcmp(p->pages[p->next], rel) != 0) {
    *err = tp_xasprintf("%s: does not hold the page %s where part %zu of %zu must (the part is "
                        "incomplete or its manifest was changed); draw it again",
                        p->dir, rel, p->i, p->n);
    rc = -1;
  }
  for (size_t k = 0; rc == 0 && k < p->count[p->next]; k++)
    rc = tp_site_import(site, p->dir, p->files[p->first[p->next] + k], err);
  p->next++;
  free(rel);
  return rc;
}

static int S_assemble_after(void *arg, const tp_lab *lab, tp_site *site, char **err) {
  tp_fanout *f = arg;
  S_part *parts = f->state->parts;
  size_t *ep = tp_xcalloc(lab->n_experiments + 1, sizeof *ep);
  size_t *rp = tp_xcalloc(lab->n_runs + 1, sizeof *rp);
  tp_fanout_split(lab, f->n_parts, ep, rp);
  int rc = 0;
  for (size_t e = 0; rc == 0 && e < lab->n_experiments; e++)
    rc = S_take_page(site, &parts[ep[e]], tp_pages_experiment_path(lab->experiments[e].name),
                     err);
  for (size_t r = 0; rc == 0 && r < lab->n_runs; r++)
    rc = S_take_page(site, &parts[rp[r]], tp_pages_run_path(lab->runs[r]->id), err);
  for (size_t k = 0; rc == 0 && k < f->n_parts; k++)
    if (parts[k].next != parts[k].n_pages) {
      *err = tp_xasprintf("%s: holds the page %s, which no part of these summaries has",
                          parts[k].dir, parts[k].pages[parts[k].next]);
      rc = -1;
    }
  free(ep);
  free(rp);
  return rc;
}

void tp_fanout_hook(tp_fanout *f, tp_cli_site_hook *hook) {
  if (f->assemble) {
    *hook = (tp_cli_site_hook){.before = S_assemble_before, .after = S_assemble_after, .arg = f};
  } else {
    snprintf(f->what, sizeof f->what, "part %zu of %zu", f->part, f->n_parts);
    *hook = (tp_cli_site_hook){.before = S_part_before,
                               .after = S_part_after,
                               .pages_only = true,
                               .what = f->what,
                               .arg = f};
  }
}

void tp_fanout_free(tp_fanout *f) {
  S_digest_wait(f);
  struct S_fanout_state *st = f->state;
  if (!st) return;
  if (st->parts)
    for (size_t k = 0; k < f->n_parts; k++) S_part_free(&st->parts[k]);
  free(st->parts);
  free(st->exp_sel);
  free(st->run_sel);
  free(st);
  f->state = NULL;
}
