/* pages: the report's HTML pages, from templates and a priced lab (see
 * pages.h).  This file writes the whole site: the templates and the
 * stylesheet, then the front page, each experiment's and each run's page
 * (page_index.c, page_experiment.c, page_run.c; what they share is in
 * pages_impl.h).
 */
#include "render/pages.h"

#include <libxml/parser.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "model/runspill.h"
#include "model/threads.h"
#include "render/pages_impl.h"

char *tp_pages_experiment_path(const char *name) {
  char *slug = tp_site_slug(name);
  char *p = tp_xasprintf("experiments/%s.html", slug);
  free(slug);
  return p;
}

char *tp_pages_run_path(const char *id) {
  char *slug = tp_site_slug(id);
  char *p = tp_xasprintf("runs/%s.html", slug);
  free(slug);
  return p;
}

/* ---- the whole site ---------------------------------------------------- */

static int S_load(tp_pages_ctx *x, tp_template **t, const char *name) {
  char *path = tp_xasprintf("%s/%s", x->opts->templates_dir, name);
  int rc = tp_template_load(t, path, &x->err);
  free(path);
  return rc;
}

static int S_copy_style(tp_pages_ctx *x) {
  char *path = tp_xasprintf("%s/style.css", x->opts->templates_dir);
  FILE *f = fopen(path, "rb");
  tp_buf b = {0};
  int rc = -1;
  if (!f) {
    x->err = tp_xasprintf("%s: cannot read the stylesheet", path);
    goto done;
  }
  char chunk[8192];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) tp_buf_add(&b, chunk, n);
  if (ferror(f)) {
    x->err = tp_xasprintf("%s: cannot read the stylesheet", path);
    goto done;
  }
  rc = tp_pages_put(x, "style.css", &b);
done:
  if (f) fclose(f);
  tp_buf_free(&b);
  free(path);
  return rc;
}

/* ---- drawing on threads -------------------------------------------------
 *
 * The pages to draw form one sequence, in the order one thread draws them:
 * the front (style.css, index.html), each experiment's page, each run's
 * page.  The sequence is cut into chunks in a fixed way; worker threads take
 * the next chunk and draw it with a context and a child site (tp_site_fork)
 * of its own, and the chunks' file lists are joined in sequence order at the
 * end, so the site and its manifest never depend on the number of threads
 * or on which thread drew what.  Shared by all threads, and only read: the
 * lab, the options, the templates, the ranges (u) and the path names. */

typedef struct S_chunk {
  size_t first, n; /* its items of the sequence */
  tp_site site;    /* the child site it writes through */
  char *err;       /* its failure, or NULL */
} S_chunk;

typedef struct S_work {
  const tp_pages_ctx *base; /* what every chunk's context starts from */
  size_t *items;            /* 0: the front; 1 + i: experiment i; 1 + E + i: run i */
  S_chunk *chunks;
  size_t n_chunks, next;    /* next: the first chunk nobody took yet */
  bool failed;              /* a chunk failed: take no more */
  pthread_mutex_t lock;     /* guards next and failed */
} S_work;

static int S_front(tp_pages_ctx *x) { return S_copy_style(x) != 0 ? -1 : tp_pages_index(x); }

/* Draw one item of the sequence.  An experiment's page holds all of its runs
 * and a run's page its run (model/runspill.h), once its key says the page is
 * not taken from the previous site. */
static int S_item(tp_pages_ctx *x, size_t item) {
  const tp_lab *lab = x->lab;
  size_t ne = lab->n_experiments;
  if (item == 0) return S_front(x);
  int rc;
  if (item <= ne) {
    rc = tp_pages_experiment(x, &lab->experiments[item - 1]); /* holds its runs to draw */
  } else {
    rc = tp_pages_run(x, item - 1 - ne); /* holds the run only to draw it */
  }
  return rc;
}

static void S_chunk_draw(const S_work *w, S_chunk *ch) {
  tp_pages_ctx x = *w->base;
  x.site = &ch->site;
  x.pend = NULL;
  x.n_pend = x.cap_pend = 0;
  x.err = NULL;
  for (size_t k = 0; k < ch->n && !x.err; k++)
    if (S_item(&x, w->items[ch->first + k]) != 0 && !x.err)
      x.err = tp_xstrdup("cannot write the pages");
  tp_pages_pending_clear(&x);
  free(x.pend);
  tp_site_dirs_close(&ch->site.old_dirs);
  tp_site_dirs_close(&ch->site.new_dirs);
  ch->err = x.err;
}

static void *S_worker(void *arg) {
  S_work *w = arg;
  for (;;) {
    pthread_mutex_lock(&w->lock);
    size_t c = w->failed ? w->n_chunks : w->next;
    if (c < w->n_chunks) w->next++;
    pthread_mutex_unlock(&w->lock);
    if (c >= w->n_chunks) return NULL;
    S_chunk_draw(w, &w->chunks[c]);
    if (w->chunks[c].err) {
      pthread_mutex_lock(&w->lock);
      w->failed = true;
      pthread_mutex_unlock(&w->lock);
    }
  }
}

/* The sequence of items opts->pick asks for; *n set. */
static size_t *S_items(const tp_lab *lab, const tp_pages_pick *pick, size_t *n) {
  size_t ne = lab->n_experiments, nr = lab->n_runs;
  size_t *items = tp_xcalloc(1 + ne + nr, sizeof *items);
  *n = 0;
  if (!pick || pick->front) items[(*n)++] = 0;
  for (size_t i = 0; i < ne; i++)
    if (!pick || (pick->experiments && pick->experiments[i])) items[(*n)++] = 1 + i;
  for (size_t i = 0; i < nr; i++)
    if (!pick || (pick->runs && pick->runs[i])) items[(*n)++] = 1 + ne + i;
  return items;
}

/* ---- run page keys --------------------------------------------------------
 *
 * While the site keeps a record, the key of every run page that may be
 * needed (the runs drawn, and the runs of the experiments drawn: an
 * experiment's page key is made of theirs) is computed before drawing, on the
 * drawing threads, into x->run_keys. */

typedef struct S_keys {
  const tp_pages_ctx *x;
  size_t *runs, n;       /* the runs whose keys are wanted */
  size_t next;           /* the first not taken yet */
  pthread_mutex_t lock;  /* guards next */
} S_keys;

static void *S_keys_worker(void *arg) {
  S_keys *k = arg;
  tp_buf scratch = {0};
  for (;;) {
    pthread_mutex_lock(&k->lock);
    size_t first = k->next, end = first + 64 < k->n ? first + 64 : k->n;
    k->next = end;
    pthread_mutex_unlock(&k->lock);
    if (first >= end) break;
    for (size_t i = first; i < end; i++)
      tp_pages_run_key(k->x, k->runs[i], &scratch, k->x->run_keys[k->runs[i]]);
  }
  tp_buf_free(&scratch);
  return NULL;
}

/* Fill x->run_keys for the runs that items[0..n) draw or whose experiments
 * they draw, on up to n_threads threads. */
static void S_run_keys(tp_pages_ctx *x, const size_t *items, size_t n, size_t n_threads) {
  const tp_lab *lab = x->lab;
  size_t ne = lab->n_experiments;
  x->run_keys = tp_xcalloc(lab->n_runs ? lab->n_runs : 1, sizeof *x->run_keys);
  bool *want = tp_xcalloc(lab->n_runs ? lab->n_runs : 1, sizeof *want);
  for (size_t k = 0; k < n; k++) {
    if (items[k] == 0) continue;
    if (items[k] <= ne) {
      const tp_experiment *e = &lab->experiments[items[k] - 1];
      for (size_t i = 0; i < e->n_runs; i++) want[e->runs[i]] = true;
    } else {
      want[items[k] - 1 - ne] = true;
    }
  }
  S_keys keys = {.x = x, .runs = tp_xcalloc(lab->n_runs ? lab->n_runs : 1, sizeof *keys.runs)};
  for (size_t i = 0; i < lab->n_runs; i++)
    if (want[i]) keys.runs[keys.n++] = i;
  free(want);
  size_t per = 256; /* runs per thread at least: fewer are not worth a thread */
  if (n_threads > 1 + keys.n / per) n_threads = 1 + keys.n / per;
  pthread_mutex_init(&keys.lock, NULL);
  tp_threads_run(n_threads, S_keys_worker, &keys);
  pthread_mutex_destroy(&keys.lock);
  free(keys.runs);
}

/* Draw the items of x->opts->pick on x->opts->jobs threads; 0, or -1 with
 * x->err (the first failure in sequence order). */
static int S_draw(tp_pages_ctx *x) {
  long jobs = x->opts->jobs > 0 ? x->opts->jobs : sysconf(_SC_NPROCESSORS_ONLN);
  if (jobs < 1) jobs = 1;
  size_t n_items;
  S_work w = {.base = x, .items = S_items(x->lab, x->opts->pick, &n_items)};
  if (tp_site_recording(x->site)) S_run_keys(x, w.items, n_items, (size_t)jobs);
  /* Several chunks per thread, so that a thread that drew light pages takes
   * more of them; one chunk on one thread. */
  w.n_chunks = jobs == 1 ? 1 : (size_t)jobs * 8;
  if (w.n_chunks > n_items) w.n_chunks = n_items ? n_items : 1;
  w.chunks = tp_xcalloc(w.n_chunks, sizeof *w.chunks);
  for (size_t c = 0; c < w.n_chunks; c++) {
    w.chunks[c].first = c * n_items / w.n_chunks;
    w.chunks[c].n = (c + 1) * n_items / w.n_chunks - w.chunks[c].first;
    tp_site_fork(&w.chunks[c].site, x->site);
  }
  pthread_mutex_init(&w.lock, NULL);
  size_t n_threads = (size_t)jobs < w.n_chunks ? (size_t)jobs : w.n_chunks;
  if (n_threads > 1) xmlInitParser(); /* once, here, before any thread parses */
  tp_threads_run(n_threads, S_worker, &w);
  pthread_mutex_destroy(&w.lock);
  for (size_t c = 0; c < w.n_chunks; c++) {
    tp_site_join(x->site, &w.chunks[c].site);
    if (w.chunks[c].err && !x->err) x->err = w.chunks[c].err;
    else free(w.chunks[c].err);
  }
  free(w.chunks);
  free(w.items);
  return x->err ? -1 : 0;
}

int tp_pages_write(tp_site *site, const tp_lab *lab, const tp_pages_opts *opts, char **err) {
  tp_pages_ctx x = {.site = site, .lab = lab, .opts = opts};
  tp_paths_init(&x.paths, lab);
  int rc = -1;
  tp_uncertainty_compute(&x.u, lab, opts->tables, opts->uncertainty);
  if (S_load(&x, &x.tpl_index, "index.xhtml") != 0 ||
      S_load(&x, &x.tpl_exp, "experiment.xhtml") != 0 || S_load(&x, &x.tpl_run, "run.xhtml") != 0)
    goto done;
  rc = S_draw(&x);
done:
  tp_template_free(x.tpl_index);
  tp_template_free(x.tpl_exp);
  tp_template_free(x.tpl_run);
  tp_paths_free(&x.paths);
  tp_uncertainty_free(&x.u);
  free(x.run_keys);
  if (rc != 0 && err) *err = x.err ? x.err : tp_xstrdup("cannot write the pages");
  else free(x.err);
  return rc;
}
