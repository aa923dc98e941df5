/* Tests for render/pages: a small lab built by hand, with hostile names.
 *
 *   - every page parses as XML (XHTML);
 *   - a run called <script>alert(1)</script> and an experiment called
 *     ../../etc show up as text, never as markup, and their pages get safe
 *     slugs inside the site;
 *   - every local href and src resolves to a file of the site;
 *   - every chart has its SVG and CSV file, and PNG/PDF when asked;
 *   - the same lab gives byte-identical pages;
 *   - a missing template fails cleanly.
 */
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <stdlib.h>
#include <unistd.h>

#include "model/lab.h"
#include "model/mem.h"
#include "render/chart.h"
#include "render/pages.h"
#include "render/site.h"
#include "render/summary.h"
#include "tp_test.h"

#define HOSTILE_RUN "<script>alert(1)</script>"
#define HOSTILE_EXP "../../etc"

static char S_root[256];

static tp_run *S_run(const char *id, const char *exp, double lr, int seed, double t0,
                     double watts) {
  tp_run *r = tp_run_new(id, "/nonexistent");
  r->experiment = tp_xstrdup(exp);
  char buf[32];
  tp_run_set_hparam(r, "lr", TP_HP_NUMBER, tp_fmt_double(buf, lr), lr, "hparams.yaml");
  tp_run_set_hparam(r, "seed", TP_HP_NUMBER, tp_fmt_double(buf, seed), seed, "hparams.yaml");
  tp_run_set_hparam(r, "note", TP_HP_STRING, "<b>bold</b> & \"quoted\"", NAN, "hparams.yaml");
  const double len = 3600;
  tp_run_note_event(r, 0, t0);
  tp_run_note_event(r, 1000, t0 + len);
  for (int k = 1; k <= 10; k++) {
    tp_run_add_scalar(r, "val/acc", k * 100, t0 + len * k / 10, 0.5 + 0.03 * k + lr);
    tp_run_add_scalar(r, "train/loss", k * 100, t0 + len * k / 10, 2.0 / k);
  }
  tp_power_profile *p = tp_run_power_profile(r, "gpu0");
  if (p)
    for (double t = t0 - 300; t < t0 + len + 300; t += 5) tp_power_profile_add(p, t, watts);
  r->energy.method = TP_ENERGY_INTEGRATED;
  r->energy.it_j = watts * len;
  r->energy.facility_j = r->energy.it_j * 1.5;
  r->energy.co2e_kg = r->energy.facility_j / 3.6e6 * 0.4;
  r->energy.intensity_g_per_kwh = 400;
  r->energy.coverage = 1.0;
  r->energy.n_devices = 1;
  r->energy.devices = tp_xcalloc(1, sizeof *r->energy.devices);
  r->energy.devices[0] = (tp_device_energy){tp_xstrdup("gpu0"), tp_xstrdup("<i>GPU</i>"),
                                            r->energy.it_j, len, watts, watts};
  tp_input *in = tp_run_add_input(r, "/data/<script>/events.out.tfevents.1", "tfevents");
  in->size = 12345;
  in->mtime_s = 1767225600;
  snprintf(in->sha256, sizeof in->sha256, "%064d", 0);
  tp_diag_add(&r->diags, TP_WARN, "/data/x", 10, -1, "a <diagnostic> & more");
  return r;
}

static void S_lab(tp_lab *lab) {
  memset(lab, 0, sizeof *lab);
  const double t0 = 1767225600.0; /* 2026-01-01 */
  tp_lab_add_run(lab, S_run(HOSTILE_RUN, HOSTILE_EXP, 0.01, 0, t0, 200));
  tp_lab_add_run(lab, S_run("../../etc/passwd", HOSTILE_EXP, 0.01, 1, t0 + 4000, 210));
  tp_lab_add_run(lab, S_run("a/r3", HOSTILE_EXP, 0.1, 0, t0 + 9000, 300));
  tp_lab_add_run(lab, S_run("b/only", "b", 0.1, 0, t0 + 86400 * 9, 250));
  for (size_t i = 0; i < lab->n_runs; i++) tp_run_finish(lab->runs[i]);
  tp_lab_group(lab);
  lab->assumptions.pue = 1.5;
  lab->assumptions.pue_source = tp_xstrdup("<pue source>");
  lab->assumptions.intensity_g_per_kwh = 400;
  lab->assumptions.intensity_source = tp_xstrdup("test & table");
  lab->assumptions.timezone = tp_xstrdup("UTC");
  lab->assumptions.timezone_source = tp_xstrdup("default");
}

static char *S_slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  tp_buf b = {0};
  char chunk[4096];
  size_t k;
  while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) tp_buf_add(&b, chunk, k);
  fclose(f);
  if (n) *n = b.len;
  return b.data ? tp_buf_detach(&b) : tp_xstrdup("");
}

/* Write the site of a fresh lab to dir as the report command does; 0 on success. */
static int S_build(const char *dir, const char *templates, bool figures, char **err) {
  tp_lab lab;
  S_lab(&lab);
  tp_site site;
  int rc = tp_site_begin(&site, dir, err);
  tp_pages_opts o = {templates, figures, figures, NULL, "trainprint test"};
  tp_buf b = {0};
  if (rc == 0) {
    tp_summary_json(&lab, &b);
    rc = tp_site_write(&site, "summary.json", b.data, b.len, err);
    tp_buf_clear(&b);
  }
  if (rc == 0) {
    tp_summary_runs_csv(&lab, &b);
    rc = tp_site_write(&site, "runs.csv", b.data, b.len, err);
  }
  tp_buf_free(&b);
  if (rc == 0) rc = tp_pages_write(&site, &lab, &o, err);
  if (rc == 0) rc = tp_site_commit(&site, err);
  else tp_site_abort(&site);
  tp_lab_free(&lab);
  return rc;
}

/* Check one page: parses as XML, hostile text escaped, local links resolve. */
static void S_check_page(const char *dir, const char *rel) {
  char *path = tp_xasprintf("%s/%s", dir, rel);
  size_t n;
  char *text = S_slurp(path, &n);
  CHECK(text != NULL);
  if (!text) {
    free(path);
    return;
  }
  /* The only <script anywhere would be an injected one. */
  CHECK(strstr(text, "<script") == NULL);
  CHECK(strstr(text, "<b>bold") == NULL);
  CHECK(strstr(text, "<i>GPU") == NULL);
  CHECK(strstr(text, "<diagnostic>") == NULL);
  xmlDocPtr doc = xmlReadMemory(text, (int)n, rel, "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                               XML_PARSE_NOWARNING);
  CHECK(doc != NULL);
  if (!doc) fprintf(stderr, "%s does not parse as XML\n", rel);
  if (doc) {
    xmlXPathContextPtr xc = xmlXPathNewContext(doc);
    xmlXPathObjectPtr res = xmlXPathEvalExpression((const xmlChar *)"//@href | //@src", xc);
    char *base = tp_xstrdup(rel);
    char *slash = strrchr(base, '/');
    if (slash) slash[1] = '\0';
    else base[0] = '\0';
    for (int i = 0; res && res->nodesetval && i < res->nodesetval->nodeNr; i++) {
      xmlChar *v = xmlNodeGetContent(res->nodesetval->nodeTab[i]);
      const char *link = (const char *)v;
      if (link[0] == '#') {
        xmlFree(v);
        continue;
      }
      CHECK(strstr(link, "://") == NULL); /* nothing from the network */
      char *target = tp_xasprintf("%s/%s%s", dir, base, link);
      char *hash = strchr(target + strlen(dir), '#');
      if (hash) *hash = '\0';
      char *real = realpath(target, NULL);
      char *rdir = realpath(dir, NULL);
      bool ok = real && rdir && strncmp(real, rdir, strlen(rdir)) == 0;
      CHECK(ok);
      if (!ok) fprintf(stderr, "%s: link %s does not resolve inside the site\n", rel, link);
      free(real);
      free(rdir);
      free(target);
      xmlFree(v);
    }
    free(base);
    xmlXPathFreeObject(res);
    xmlXPathFreeContext(xc);
    xmlFreeDoc(doc);
  }
  free(text);
  free(path);
}

/* The files a site's manifest lists, one string with a NUL after each name;
 * checks that each is a safe path. */
static char *S_manifest(const char *dir) {
  char *mpath = tp_xasprintf("%s/%s", dir, TP_SITE_MANIFEST);
  char *manifest = S_slurp(mpath, NULL);
  free(mpath);
  CHECK(manifest != NULL);
  for (char *p = manifest; p && *p; p++)
    if (*p == '\n') *p = '\0';
  return manifest;
}

static bool S_ends(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n > k && strcmp(s + n - k, suffix) == 0;
}

static void test_site(void) {
  char *dir = tp_xasprintf("%s/site", S_root);
  char *dir2 = tp_xasprintf("%s/site2", S_root);
  char *err = NULL;
  CHECK_INT(S_build(dir, TP_SOURCE_DIR "/templates", false, &err), 0);
  if (err) fprintf(stderr, "%s\n", err);
  free(err);
  err = NULL;
  CHECK_INT(S_build(dir2, TP_SOURCE_DIR "/templates", false, &err), 0);
  free(err);

  /* Every file of the manifest is a safe path, every page is checked, and
   * the second site is byte-identical to the first. */
  char *manifest = S_manifest(dir);
  size_t pages = 0, svgs = 0, csvs = 0, same = 0, files = 0;
  for (char *line = manifest; line && *line; line += strlen(line) + 1) {
    files++;
    CHECK(tp_site_path_ok(line));
    CHECK(strstr(line, "..") == NULL);
    CHECK(strchr(line, '<') == NULL);
    if (S_ends(line, ".html")) {
      pages++;
      S_check_page(dir, line);
    }
    svgs += S_ends(line, ".svg");
    csvs += S_ends(line, ".csv");
    char *p1 = tp_xasprintf("%s/%s", dir, line), *p2 = tp_xasprintf("%s/%s", dir2, line);
    size_t n1 = 0, n2 = 0;
    char *a1 = S_slurp(p1, &n1), *a2 = S_slurp(p2, &n2);
    same += a1 && a2 && n1 == n2 && memcmp(a1, a2, n1) == 0;
    free(a1);
    free(a2);
    free(p1);
    free(p2);
  }
  CHECK_INT(same, files);
  CHECK_INT(pages, 1 + 2 + 4); /* index, 2 experiments, 4 runs */
  CHECK(svgs > 10);
  CHECK_INT(csvs, svgs + 1); /* and runs.csv */

  /* The hostile names are shown, as text. */
  char *ipath = tp_xasprintf("%s/index.html", dir);
  char *index = S_slurp(ipath, NULL);
  CHECK(index && strstr(index, ">../../etc</a>"));
  CHECK(index && strstr(index, "&lt;pue source&gt;"));
  char *rel = tp_pages_run_path(HOSTILE_RUN);
  char *rpath = tp_xasprintf("%s/%s", dir, rel);
  char *run = S_slurp(rpath, NULL);
  CHECK(run && strstr(run, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  CHECK(run && strstr(run, "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"));
  CHECK(strncmp(rel, "runs/", 5) == 0 && strchr(rel + 5, '/') == NULL);
  free(run);
  free(rpath);
  free(rel);
  rel = tp_pages_experiment_path(HOSTILE_EXP);
  CHECK(strncmp(rel, "experiments/", 12) == 0 && strchr(rel + 12, '/') == NULL);
  CHECK(strstr(rel, "..") == NULL);
  free(rel);
  free(index);
  free(ipath);
  free(manifest);
  free(dir2);
  free(dir);
}

/* --figures pdf,png: every chart also as PNG and PDF, linked from the pages. */
static void test_figures(void) {
  char *dir = tp_xasprintf("%s/figures", S_root);
  char *err = NULL;
  CHECK_INT(S_build(dir, TP_SOURCE_DIR "/templates", true, &err), 0);
  free(err);
  char *manifest = S_manifest(dir);
  size_t svgs = 0, pngs = 0, pdfs = 0;
  for (char *line = manifest; line && *line; line += strlen(line) + 1) {
    svgs += S_ends(line, ".svg");
    pngs += S_ends(line, ".png");
    pdfs += S_ends(line, ".pdf");
  }
  CHECK(svgs > 10);
  CHECK_INT(pngs, svgs);
  CHECK_INT(pdfs, svgs);
  S_check_page(dir, "index.html");
  free(manifest);
  free(dir);
}

static void test_missing_template(void) {
  char *dir = tp_xasprintf("%s/bad", S_root);
  char *err = NULL;
  CHECK_INT(S_build(dir, "/nonexistent/templates", false, &err), -1);
  CHECK(err && strstr(err, "index.xhtml"));
  free(err);
  CHECK(access(dir, F_OK) != 0); /* nothing moved into place */
  free(dir);
}

int main(void) {
  snprintf(S_root, sizeof S_root, "%s/test_pages.XXXXXX", TP_BINARY_DIR);
  if (!mkdtemp(S_root)) {
    perror("mkdtemp");
    return 1;
  }
  test_site();
  test_figures();
  test_missing_template();
  tp_chart_cleanup();
  xmlCleanupParser();
  return tp_test_summary();
}
