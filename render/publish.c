/* publish: writes every export into publish/ (see publish.h); one file per
 * format does the writing (publish_impl.h lists them).
 */
#include "render/publish.h"

#include <stdlib.h>

#include "render/publish_impl.h"

tp_publish_opts tp_publish_opts_default(void) {
  tp_publish_opts o = {.uncertainty = tp_uncertainty_opts_default()};
  return o;
}

static int S_put(tp_site *site, const char *path, tp_buf *b, char **err) {
  int rc = tp_site_write(site, path, tp_buf_str(b), b->len, err);
  tp_buf_clear(b);
  return rc;
}

int tp_publish_write(tp_site *site, const tp_lab *lab, const tp_reftables *tables,
                     const tp_publish_opts *opts, char **err) {
  tp_publish_opts def = tp_publish_opts_default();
  tp_publish_ctx c;
  tp_publish_ctx_init(&c, lab, tables, opts ? opts : &def);
  tp_buf b = {0};
  int rc = 0;
  tp_publish_tex(&b, &c);
  rc = S_put(site, "publish/footprint.tex", &b, err);
  if (rc == 0) {
    tp_publish_md(&b, &c);
    rc = S_put(site, "publish/footprint.md", &b, err);
  }
  for (size_t i = 0; rc == 0 && i < lab->n_experiments; i++) {
    char *slug = tp_site_slug(lab->experiments[i].name);
    char *path = tp_xasprintf("publish/model-card-%s.yaml", slug);
    tp_publish_model_card_file(&b, &c, i);
    rc = S_put(site, path, &b, err);
    free(path);
    free(slug);
  }
  if (rc == 0) {
    tp_publish_bib(&b, &c);
    rc = S_put(site, "publish/references.bib", &b, err);
  }
  /* The disclosures, the CodeCarbon-compatible runs and the yearly table. */
  static const struct {
    const char *path;
    void (*write)(tp_buf *, const tp_publish_ctx *);
  } more[] = {{"publish/neurips-compute.md", tp_publish_neurips},
              {"publish/eu-ai-act-energy.md", tp_publish_eu_ai_act},
              {"publish/emissions.csv", tp_publish_codecarbon_csv},
              {"publish/lab-years.csv", tp_publish_years_csv},
              {"publish/lab-years.md", tp_publish_years_md}};
  for (size_t k = 0; rc == 0 && k < sizeof more / sizeof *more; k++) {
    more[k].write(&b, &c);
    rc = S_put(site, more[k].path, &b, err);
  }
  if (rc == 0 && c.zones.n) {
    tp_publish_zones_csv(&b, &c);
    rc = S_put(site, "publish/whatif-zones.csv", &b, err);
    tp_chart *ch = tp_publish_zones_chart(&c);
    static const struct {
      const char *path;
      tp_chart_format fmt;
    } outs[] = {{"publish/whatif-zones.svg", TP_CHART_SVG},
                {"publish/whatif-zones.pdf", TP_CHART_PDF},
                {"publish/whatif-zones.png", TP_CHART_PNG}};
    for (size_t k = 0; rc == 0 && k < sizeof outs / sizeof outs[0]; k++) {
      char *p = tp_site_path(site, outs[k].path, err);
      rc = p ? tp_chart_write(ch, outs[k].fmt, p, err) : -1;
      free(p);
    }
    tp_chart_free(ch);
  }
  tp_buf_free(&b);
  tp_publish_ctx_free(&c);
  return rc;
}
