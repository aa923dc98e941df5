/* Tests for render/pages: a small lab built by hand, with hostile names.
 *
 *   - every page parses as XML (XHTML);
 *   - a run called <script>alert(1)</script> and an experiment called
 *     ../../etc show up as text, never as markup, and their pages get safe
 *     slugs inside the site;
 *   - every local href and src resolves to a file of the site;
 *   - every chart has its SVG and CSV file, and PNG/PDF when asked;
 *   - the same lab gives byte-identical pages;
 *   - figures carry their ranges as `value (low–high)`; the index has the
 *     what-ifs (11 zones by default, PUE, equivalents with their sources) and
 *     the roll-ups; an experiment with a target ranks its configurations by
 *     energy to target, and a run page says where the run reached it;
 *   - the scalars table gives a thinned series' figures as logged;
 *   - without reference tables the what-ifs are left out;
 *   - a missing template fails cleanly.
 */
#include <libxml/parser.h>
#include <math.h>
#include <libxml/xpath.h>
#include <stdlib.h>
#include <unistd.h>

#include "model/lab.h"
#include "model/mem.h"
#include "model/whatif.h"
#include "parser/reftable.h"
#include "render/chart.h"
#include "render/pages.h"
#include "render/site.h"
#include "render/summary.h"
#include "tp_test.h"

#define HOSTILE_RUN "<script>alert(1)</script>"
#define HOSTILE_EXP "../../etc"

static char S_root[256];
static tp_reftables S_tables; /* the shipped reference tables */

static tp_run *S_run(const char *id, const char *exp, double lr, int seed, double t0,
                     double watts) {
  tp_run *r = tp_run_new(id, "/nonexistent");
  r->experiment = tp_xstrdup(exp);
  tp_run_set_tag(r, "project", "<p>roject");
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
  /* IT energy up to each point of the main metric, as the integrator gives it. */
  r->metric_cum_j = tp_xcalloc(10, sizeof *r->metric_cum_j);
  r->n_metric_cum = 10;
  for (int k = 1; k <= 10; k++) r->metric_cum_j[k - 1] = watts * len * k / 10;
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
  /* The first run's trace misses a tenth of its window: a range on IT energy. */
  double covered = seed == 0 && lr < 0.05 ? len * 0.9 : len;
  r->energy.devices[0] = (tp_device_energy){tp_xstrdup("gpu0"), tp_xstrdup("<i>GPU</i>"),
                                            r->energy.it_j, covered, watts, watts * 0.5, 0,
                                            NULL, TP_FIELD_UNSAID};
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
  tp_lab_rule rule = {.experiment = (char *)HOSTILE_EXP, .metric_tag = (char *)"val/acc",
                      .goal_set = true, .goal_max = true, .target = 0.7};
  tp_lab_add_rule(lab, &rule);
  tp_lab_add_run(lab, S_run(HOSTILE_RUN, HOSTILE_EXP, 0.01, 0, t0, 200));
  tp_lab_add_run(lab, S_run("../../etc/passwd", HOSTILE_EXP, 0.01, 1, t0 + 4000, 210));
  tp_lab_add_run(lab, S_run("a/r3", HOSTILE_EXP, 0.1, 0, t0 + 9000, 300));
  tp_lab_add_run(lab, S_run("b/only", "b", 0.1, 0, t0 + 86400 * 9, 250));
  /* A long series, thinned for drawing: the tables give it as logged. */
  tp_run *b = lab->runs[lab->n_runs - 1];
  for (int k = 0; k < 5000; k++)
    tp_run_add_scalar(b, "train/lr", k, t0 + 86400 * 9 + k * 0.5, k == 4321 ? 9.5 : 0.001);
  for (size_t i = 0; i < lab->n_runs; i++) tp_run_finish(lab->runs[i]);
  tp_lab_group(lab);
  for (size_t i = 0; i < lab->n_runs; i++) tp_run_decimate(lab->runs[i], "val/acc", 100);
  /* An hourly intensity series with a daily cycle, for the what-ifs by time. */
  for (int h = -2; h < 24 * 12; h++) {
    TP_GROW(lab->intensity_series.rows, lab->intensity_series.cap, lab->intensity_series.count + 1);
    lab->intensity_series.rows[lab->intensity_series.count++] =
        (tp_intensity_row){t0 + h * 3600.0, 300 + 200 * sin(h * 3.14159265 / 12)};
  }
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

/* Write the site of a fresh lab to dir as the report command does; 0 on
 * success.  tables: the shipped reference tables, or NULL. */
static int S_build(const char *dir, const char *templates, bool figures,
                   const tp_reftables *tables, char **err) {
  tp_lab lab;
  S_lab(&lab);
  tp_site site;
  int rc = tp_site_begin(&site, dir, err);
  tp_uncertainty_opts uo = tp_uncertainty_opts_default();
  uo.pue_low = 1.2;
  uo.pue_high = 1.8;
  tp_pages_opts o = {.templates_dir = templates, .png = figures, .pdf = figures,
                     .generator = "trainprint test", .tables = tables, .uncertainty = &uo};
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
  if (rc == 0) rc = tp_site_commit(&site, NULL, err);
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
  /* The only <script is the template's own, which fills the "SVG" links;
   * any other would be an injected one. */
  static const char own[] = "<script>\n    /* The \"SVG\" link";
  const char *script = strstr(text, "<script");
  CHECK(!script || (strncmp(script, own, sizeof own - 1) == 0 &&
                    strstr(script + 1, "<script") == NULL));
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
  CHECK_INT(S_build(dir, TP_SOURCE_DIR "/templates", false, &S_tables, &err), 0);
  if (err) fprintf(stderr, "%s\n", err);
  free(err);
  err = NULL;
  CHECK_INT(S_build(dir2, TP_SOURCE_DIR "/templates", false, &S_tables, &err), 0);
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
  /* Charts are inline, not files; their numbers are one CSV per page (and
   * one per parallel chart), besides runs.csv and the publish/ CSVs. */
  CHECK_INT(svgs, 0);
  CHECK(csvs >= pages + 1);

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

/* Drop the namespaces of n and its descendants, so that XPath can name
 * elements plainly (table, not xhtml:table). */
static void S_no_ns(xmlNodePtr n) {
  for (; n; n = n->next) {
    if (n->type == XML_ELEMENT_NODE) n->ns = NULL;
    S_no_ns(n->children);
  }
}

/* The page at dir/rel parsed as XML, namespaces dropped (the caller frees it
 * with xmlFreeDoc). */
static xmlDocPtr S_doc(const char *dir, const char *rel) {
  char *path = tp_xasprintf("%s/%s", dir, rel);
  xmlDocPtr doc = xmlReadFile(path, "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                 XML_PARSE_NOWARNING);
  CHECK(doc != NULL);
  if (doc) S_no_ns(xmlDocGetRootElement(doc));
  free(path);
  return doc;
}

/* The number the XPath expression expr gives on doc (count(), ...); -1 on error. */
static double S_xnum(xmlDocPtr doc, const char *expr) {
  if (!doc) return -1;
  xmlXPathContextPtr xc = xmlXPathNewContext(doc);
  xmlXPathObjectPtr res = xmlXPathEvalExpression((const xmlChar *)expr, xc);
  double v = res ? xmlXPathCastToNumber(res) : -1;
  if (res) xmlXPathFreeObject(res);
  xmlXPathFreeContext(xc);
  return v;
}

/* The pages show what the model knows: ranges, what-ifs, roll-ups, energy
 * to target, series as logged. */
static void test_content(void) {
  char *dir = tp_xasprintf("%s/site", S_root); /* written by test_site */
  xmlDocPtr index = S_doc(dir, "index.html");
  /* Totals with their ranges (PUE 1.2–1.8 configured; a gap in one trace). */
  CHECK_INT((int)S_xnum(index, "count(//dl[@class='totals']//dd[@class='range'])"), 3);
  CHECK_INT((int)S_xnum(index, "count(//table[@id='experiments']/tbody/tr/td"
                               "[contains(., ' (') and contains(., '–') and contains(., ')')])"),
            3 + 3); /* b's IT energy has no gap, but its readings' accuracy
                       (data/power_sensor_uncertainty.csv) gives it a range */
  CHECK(S_xnum(index, "count(//dl[@class='inputs']//*[contains(., 'the configured PUE range')])") >= 1);
  /* What-ifs: 11 default zones (table, chart and CSV), PUE, equivalents. */
  CHECK_INT((int)S_xnum(index, "count(//table[@id='whatif-zones']/tbody/tr)"),
            (int)TP_WHATIF_N_DEFAULT_ZONES);
  CHECK_INT((int)TP_WHATIF_N_DEFAULT_ZONES, 11);
  CHECK_INT((int)S_xnum(index, "count(//figure[@id='whatif-zones']//*[local-name()='svg'])"), 1);
  CHECK_INT((int)S_xnum(index, "count(//figure[@id='whatif-zones']//a[@href='charts/lab.csv'])"), 1);
  CHECK_INT((int)S_xnum(index, "count(//table[@id='whatif-pue']/tbody/tr)"), 3);
  CHECK_INT((int)S_xnum(index, "count(//ul[@class='equivalents']/li)"), TP_WHATIF_N_EQUIVALENTS);
  CHECK_INT((int)S_xnum(index, "count(//ul[@class='equivalents']/li/span[@class='detail'][string-length(.) > 10])"),
            TP_WHATIF_N_EQUIVALENTS);
  /* By time, with the lab's intensity series: best start and pausable. */
  CHECK_INT((int)S_xnum(index, "count(//section[h2/@id='whatif-h']//dt[. = 'Best start time' or "
                               ". = 'Pausable' or . = 'As the runs happened'])"),
            3);
  /* Roll-ups: month, GPU model, host, tag; the hostile tag value as text. */
  static const char *const ids[] = {"by-month", "by-gpu", "by-host", "by-tag"};
  for (size_t i = 0; i < 4; i++) {
    char *q = tp_xasprintf("count(//table[@id='%s']/tbody/tr)", ids[i]);
    CHECK(S_xnum(index, q) >= 1);
    free(q);
  }
  CHECK_INT((int)S_xnum(index, "count(//table[@id='by-tag']//th[. = 'project=<p>roject'])"), 1);
  CHECK_INT((int)S_xnum(index, "count(//table[@id='by-month']/tbody/tr)"), 1);
  CHECK_INT((int)S_xnum(index, "sum(//table[@id='by-host']/tbody/tr/td[1])"), 4);
  xmlFreeDoc(index);

  /* The experiment with a target ranks its two configurations; the other has none. */
  char *rel = tp_pages_experiment_path(HOSTILE_EXP);
  xmlDocPtr exp = S_doc(dir, rel);
  free(rel);
  CHECK_INT((int)S_xnum(exp, "count(//table[@id='target-rank']/tbody/tr)"), 2);
  CHECK_INT((int)S_xnum(exp, "count(//table[@id='target-rank']/tbody/tr/td[. = '2 / 2'])"), 1);
  CHECK_INT((int)S_xnum(exp, "count(//table[@id='target-rank']/tbody/tr/td[. = '1 / 1'])"), 1);
  /* lr=0.1 reaches 0.7 at step 400 with 120 Wh, lr=0.01 at step 700 with
   * 140 and 147 Wh: lr=0.1 ranks first. */
  CHECK_INT((int)S_xnum(exp, "count(//table[@id='target-rank']/tbody/tr[1]/th[. = 'lr=0.1'])"), 1);
  CHECK_INT((int)S_xnum(exp, "count(//table[@id='target-rank']/tbody/tr[1]/td[. = '120.0'])"), 1);
  CHECK_INT((int)S_xnum(exp, "count(//table[@id='target-rank']/tbody/tr[2]/td[. = '143.5 ± 4.9'])"), 1);
  /* Configurations: mean ± sd (low–high) for the one with two repeats. */
  CHECK(S_xnum(exp, "count(//table[@id='configurations']//td[contains(., ' ± ') and "
                    "contains(., '–')])") >= 2);
  xmlFreeDoc(exp);
  rel = tp_pages_experiment_path("b");
  exp = S_doc(dir, rel);
  free(rel);
  CHECK_INT((int)S_xnum(exp, "count(//table[@id='target-rank'])"), 0);
  xmlFreeDoc(exp);

  /* Run pages: the target result, ranges, and a thinned series as logged. */
  rel = tp_pages_run_path(HOSTILE_RUN);
  xmlDocPtr run = S_doc(dir, rel);
  free(rel);
  CHECK_INT((int)S_xnum(run, "count(//dd/span[@class='value'][. = 'reached at step 700'])"), 1);
  CHECK(S_xnum(run, "count(//dd/span[@class='value'][contains(., ' (') and contains(., '–')])") >= 3);
  xmlFreeDoc(run);
  rel = tp_pages_run_path("b/only");
  run = S_doc(dir, rel);
  free(rel);
  CHECK_INT((int)S_xnum(run, "count(//table[@id='scalars']/tbody/tr[th = 'train/lr']/td[1][. = '5000'])"), 1);
  CHECK_INT((int)S_xnum(run, "count(//table[@id='scalars']/tbody/tr[th = 'train/lr']/td[2][. = '0–4999'])"), 1);
  CHECK_INT((int)S_xnum(run, "count(//table[@id='scalars']/tbody/tr[th = 'train/lr']/td[6][. = '9.5'])"), 1);
  xmlFreeDoc(run);
  free(dir);

  /* Without reference tables: no what-ifs, the pages still whole. */
  dir = tp_xasprintf("%s/notables", S_root);
  char *err = NULL;
  CHECK_INT(S_build(dir, TP_SOURCE_DIR "/templates", false, NULL, &err), 0);
  free(err);
  S_check_page(dir, "index.html");
  index = S_doc(dir, "index.html");
  CHECK_INT((int)S_xnum(index, "count(//table[@id='whatif-zones'])"), 0);
  CHECK_INT((int)S_xnum(index, "count(//h2[@id='whatif-h'])"), 0);
  CHECK_INT((int)S_xnum(index, "count(//table[@id='by-tag'])"), 1);
  xmlFreeDoc(index);
  free(dir);
}

/* --figures pdf,png: every chart also as PNG and PDF, linked from the pages. */
static void test_figures(void) {
  char *dir = tp_xasprintf("%s/figures", S_root);
  char *err = NULL;
  CHECK_INT(S_build(dir, TP_SOURCE_DIR "/templates", true, &S_tables, &err), 0);
  free(err);
  char *manifest = S_manifest(dir);
  size_t pngs = 0, pdfs = 0;
  for (char *line = manifest; line && *line; line += strlen(line) + 1) {
    pngs += S_ends(line, ".png");
    pdfs += S_ends(line, ".pdf");
  }
  CHECK(pngs > 10);
  CHECK_INT(pdfs, pngs);
  S_check_page(dir, "index.html");
  free(manifest);
  free(dir);
}

static void test_missing_template(void) {
  char *dir = tp_xasprintf("%s/bad", S_root);
  char *err = NULL;
  CHECK_INT(S_build(dir, "/nonexistent/templates", false, NULL, &err), -1);
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
  tp_diags quiet = {0};
  tp_reftable_load(&S_tables, TP_SOURCE_DIR "/data", &quiet);
  tp_diag_free(&quiet);
  test_site();
  test_content();
  test_figures();
  test_missing_template();
  tp_reftables_free(&S_tables);
  tp_chart_cleanup();
  xmlCleanupParser();
  return tp_test_summary();
}
