/* pages: the report's HTML pages, from templates and a priced lab (see
 * pages.h).  This file writes the whole site: the templates and the
 * stylesheet, then the front page, each experiment's and each run's page
 * (page_index.c, page_experiment.c, page_run.c; what they share is in
 * pages_impl.h).
 */
#include "render/pages.h"

#include <stdio.h>
#include <stdlib.h>

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

int tp_pages_write(tp_site *site, const tp_lab *lab, const tp_pages_opts *opts, char **err) {
  tp_pages_ctx x = {.site = site, .lab = lab, .opts = opts};
  tp_paths_init(&x.paths, lab);
  int rc = -1;
  tp_uncertainty_compute(&x.u, lab, opts->tables, opts->uncertainty);
  if (S_load(&x, &x.tpl_index, "index.xhtml") != 0 ||
      S_load(&x, &x.tpl_exp, "experiment.xhtml") != 0 ||
      S_load(&x, &x.tpl_run, "run.xhtml") != 0 || S_copy_style(&x) != 0)
    goto done;
  if (tp_pages_index(&x) != 0) goto done;
  for (size_t i = 0; i < lab->n_experiments; i++)
    if (tp_pages_experiment(&x, &lab->experiments[i]) != 0) goto done;
  for (size_t i = 0; i < lab->n_runs; i++)
    if (tp_pages_run(&x, i) != 0) goto done;
  rc = x.err ? -1 : 0;
done:
  tp_template_free(x.tpl_index);
  tp_template_free(x.tpl_exp);
  tp_template_free(x.tpl_run);
  tp_pages_pending_clear(&x);
  free(x.pend);
  tp_buf_free(&x.keybuf);
  tp_paths_free(&x.paths);
  tp_uncertainty_free(&x.u);
  if (rc != 0 && err) *err = x.err ? x.err : tp_xstrdup("cannot write the pages");
  else free(x.err);
  return rc;
}
