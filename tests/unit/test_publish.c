/* Publish: the helpers, and tp_publish_write on a small lab into a real site. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/carbon.h"
#include "model/mem.h"
#include "model/trace.h"
#include "parser/power/power.h"
#include "render/chart.h"
#include "render/publish.h"
#include "render/site.h"
#include "render/summary.h"
#include "render/units.h"
#include "tp_test.h"

static void test_numbers(void) {
  char b[48];
  /* Significant trailing zeros are kept; halves round as printf rounds. */
  CHECK_STR(tp_units_number(b, 1.610893, 3), "1.61");
  CHECK_STR(tp_units_number(b, 0.034923, 3), "0.0349");
  CHECK_STR(tp_units_number(b, 1234.5, 3), "1234");
  CHECK_STR(tp_units_number(b, 0.099996, 3), "0.100");
  CHECK_STR(tp_units_number(b, 0, 3), "0");
  CHECK_STR(tp_units_number(b, NAN, 3), "unknown");
  char t[96];
  CHECK_STR(tp_units_range_text(t, sizeof t, (tp_range){3.6e6, 3.6e6, 7.2e6}, 1 / 3.6e6, 3),
            "1.00 (1.00\xe2\x80\x93" "2.00)");
  CHECK_STR(tp_units_range_text(t, sizeof t, (tp_range){2.2515, 0.396, 4.5824}, 1, 3),
            "2.25 (0.396\xe2\x80\x93" "4.58)");
  CHECK_STR(tp_units_range_text(t, sizeof t, (tp_range){5, 5, 5.0001}, 1, 3), "5.00");
  CHECK_STR(tp_units_range_text(t, sizeof t, (tp_range){5, NAN, NAN}, 1, 3), "5.00");
}

static void test_names(void) {
  char *w = tp_publish_macro_word("precision-sweep");
  CHECK_STR(w, "PrecisionSweep");
  free(w);
  w = tp_publish_macro_word("lab/vit-b16");
  CHECK_STR(w, "LabVitBOneSix");
  free(w);
  w = tp_publish_macro_word("./_");
  CHECK_STR(w, "Unnamed");
  free(w);
  char l[16];
  CHECK_STR(tp_publish_index_letters(l, 0), "A");
  CHECK_STR(tp_publish_index_letters(l, 25), "Z");
  CHECK_STR(tp_publish_index_letters(l, 26), "AA");
  CHECK_STR(tp_publish_index_letters(l, 27), "AB");
  CHECK_STR(tp_publish_index_letters(l, 701), "ZZ");
  CHECK_STR(tp_publish_index_letters(l, 702), "AAA");
}

static void test_escape(void) {
  tp_buf b = {0};
  tp_publish_latex_escape(&b, "a_b & 50% #1 $x^2 {y} ~\\ --r\xc3\xa9");
  CHECK_STR(tp_buf_str(&b), "a\\_b \\& 50\\% \\#1 \\$x\\textasciicircum{}2 \\{y\\} "
                            "\\textasciitilde{}\\textbackslash{} -{}-r?");
  tp_buf_clear(&b);
  tp_publish_md_escape(&b, "a|b *c* [d]");
  CHECK_STR(tp_buf_str(&b), "a\\|b \\*c\\* \\[d\\]");
  tp_buf_free(&b);
}

static char *S_slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  tp_buf b = {0};
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) tp_buf_add(&b, chunk, n);
  fclose(f);
  return tp_buf_detach(&b);
}

static tp_run *S_run(const char *id, double it_kwh, const char *name) {
  tp_run *r = tp_run_new(id, id);
  r->start_s = 1.7e9;
  r->end_s = 1.7e9 + 3600;
  r->energy.method = TP_ENERGY_INTEGRATED;
  r->energy.coverage = 1;
  r->energy.it_j = it_kwh * 3.6e6;
  r->energy.facility_j = r->energy.it_j * 1.58;
  r->energy.co2e_kg = r->energy.facility_j / 3.6e6 * 0.475;
  r->energy.intensity_g_per_kwh = 475;
  r->energy.devices = tp_xcalloc(1, sizeof *r->energy.devices);
  r->energy.n_devices = 1;
  r->energy.devices[0] = (tp_device_energy){tp_xstrdup("gpu0"), tp_xstrdup(name),
                                            r->energy.it_j, 3600, 300, 60, 0, NULL, TP_FIELD_UNSAID};
  tp_run_set_hparam(r, "lr", TP_HP_NUMBER, "0.1", 0.1, "test");
  return r;
}

/* The disclosures of test_write's lab (3.5 kWh IT, 5.53 facility, 2.63 kg):
 * emissions.csv read back by the CodeCarbon reader gives each run's IT
 * energy; the Markdown files and the yearly table hold the totals. */
static void S_check_disclosures(const char *dir) {
  char *path = tp_xasprintf("%s/publish/emissions.csv", dir);
  tp_power_tally t = {0};
  tp_trace_sink sink = tp_power_tally_sink(&t);
  tp_diags d = {0};
  tp_power_options o;
  tp_power_options_init(&o);
  CHECK_INT(tp_power_read(path, TP_POWER_AUTO, &o, &sink, &d), 0);
  CHECK_INT(t.n_decl, 3);
  const double kwh[] = {1, 2, 0.5};
  for (size_t i = 0; i < t.n_decl && i < 3; i++) {
    CHECK_NEAR(t.decl[i].it_energy_j, kwh[i] * 3.6e6, 1e-6);
    CHECK_NEAR(t.decl[i].tool_pue, 1.58, 0);
    CHECK_NEAR(t.decl[i].duration_s, 3600, 0);
    CHECK_NEAR(t.decl[i].end_s, 1.7e9 + 3600, 0);
  }
  if (t.n_decl == 3) CHECK_STR(t.decl[0].run_id, "sweep_#1 & co/a");
  tp_power_tally_free(&t);
  tp_diag_free(&d);
  free(path);
  const char *md_files[] = {"neurips-compute.md", "eu-ai-act-energy.md"};
  for (size_t k = 0; k < 2; k++) {
    path = tp_xasprintf("%s/publish/%s", dir, md_files[k]);
    char *md = S_slurp(path);
    CHECK(md && strstr(md, "3.50") && strstr(md, "5.53") && strstr(md, "2.63"));
    CHECK(md && strstr(md, k == 0 ? "3 training runs in 2 experiments" : "Annex XI") != NULL);
    free(md);
    free(path);
  }
  path = tp_xasprintf("%s/publish/lab-years.csv", dir);
  char *csv = S_slurp(path);
  CHECK(csv && strstr(csv, "\n2023,3,3,3.0000,3.500000,") != NULL);
  free(csv);
  free(path);
}

/* Two experiments, one with LaTeX specials in its name; the defaults (PUE
 * 1.58 assumed, WORLD 475).  The files exist, hold the macros with the
 * lab's numbers, and the text from the inputs is escaped. */
static void test_write(void) {
  tp_lab lab = {0};
  tp_lab_add_run(&lab, S_run("sweep_#1 & co/a", 1, "GPU & co"));
  tp_lab_add_run(&lab, S_run("sweep_#1 & co/b", 2, "GPU & co"));
  tp_lab_add_run(&lab, S_run("vit-b16/a", 0.5, "GPU & co"));
  tp_lab_group(&lab);
  lab.assumptions.pue = 1.58;
  lab.assumptions.pue_source = tp_xstrdup(TP_PUE_DEFAULT_SOURCE);
  lab.assumptions.intensity_g_per_kwh = 475;
  lab.assumptions.intensity_source = tp_xstrdup("IEA 2019 & 100% sure");
  lab.assumptions.intensity_year = 2019;
  lab.assumptions.zone = tp_xstrdup("WORLD");
  tp_zone_intensity zones[] = {{"WORLD", "World average", 475, 2019, "w"},
                               {"FR", "France", 50, 2023, "f"},
                               {"PL", "Poland", 700, 2023, "p"}};
  tp_country_code countries[] = {{"FR", "FRA", "France"}, {"PL", "POL", "Poland"}};
  tp_reftables t = {.zones = zones, .n_zones = 3, .countries = countries, .n_countries = 2};

  char *dir = tp_xasprintf("%s/tests/publish-work", TP_BINARY_DIR);
  tp_site site;
  char *err = NULL;
  int rc = tp_site_begin(&site, dir, &err);
  CHECK_INT(rc, 0);
  tp_publish_opts o = tp_publish_opts_default();
  o.version = "9.9.9";
  o.compare_zones = "FR, PL, XX";
  if (rc == 0) rc = tp_publish_write(&site, &lab, &t, &o, &err);
  CHECK_INT(rc, 0);
  if (err) fprintf(stderr, "%s\n", err);
  if (rc == 0) rc = tp_site_commit(&site, NULL, &err);
  else tp_site_abort(&site);
  CHECK_INT(rc, 0);
  free(err);

  char *path = tp_xasprintf("%s/publish/footprint.tex", dir);
  char *tex = S_slurp(path);
  free(path);
  CHECK(tex != NULL);
  if (tex) {
    /* 3.5 kWh IT; facility 5.53 (3.5 x 1.58), 1.10 is absent here (no
     * regions): 5.53 (5.53-6.27); CO2e 2.63 (range by intensity 120-...). */
    CHECK(strstr(tex, "\\newcommand{\\tpTotalEnergyKWh}{3.50}") != NULL);
    CHECK(strstr(tex, "\\newcommand{\\tpTotalFacilityKWh}{5.53}") != NULL);
    CHECK(strstr(tex, "\\newcommand{\\tpTotalCarbonKg}{2.63}") != NULL);
    CHECK(strstr(tex, "\\newcommand{\\tpTotalRuns}{3}") != NULL);
    CHECK(strstr(tex, "\\newcommand{\\tpExpSweepOneCoEnergyKWh}{3.00}") != NULL);
    CHECK(strstr(tex, "\\newcommand{\\tpExpSweepOneCoCfgAEnergyKWh}{1.50}") != NULL);
    CHECK(strstr(tex, "\\newcommand{\\tpExpVitBOneSixRuns}{1}") != NULL);
    CHECK(strstr(tex, "sweep\\_\\#1 \\& co") != NULL);
    CHECK(strstr(tex, "IEA 2019 \\& 100\\% sure") != NULL);
    CHECK(strstr(tex, "\\newcommand{\\tpWhatifZoneFactor}{14}") != NULL);
    CHECK(strstr(tex, "\\tpFootprintTable") != NULL && strstr(tex, "\\tpMethods") != NULL);
    CHECK(strstr(tex, "tpEquiv") == NULL); /* off by default */
  }
  free(tex);
  const char *files[] = {"footprint.md", "references.bib", "whatif-zones.csv", "whatif-zones.svg",
                         "whatif-zones.pdf", "whatif-zones.png"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    path = tp_xasprintf("%s/publish/%s", dir, files[i]);
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size > 0);
    free(path);
  }
  char *slug = tp_site_slug("vit-b16");
  path = tp_xasprintf("%s/publish/model-card-%s.yaml", dir, slug);
  char *card = S_slurp(path);
  CHECK(card && strstr(card, "co2_eq_emissions:\n  emissions: 375") != NULL);
  CHECK(card && strstr(card, "hardware_used: \"GPU & co\"") != NULL);
  CHECK(card && strstr(card, "geographical_location: \"World average\"") != NULL);
  free(card);
  free(path);
  free(slug);
  path = tp_xasprintf("%s/publish/whatif-zones.csv", dir);
  char *csv = S_slurp(path);
  CHECK(csv && strstr(csv, "\nFR,France,50,2023,5.530000,0.276500,1.0000,f\n") != NULL);
  CHECK(csv && strstr(csv, "\nPL,Poland,700,2023,5.530000,3.871000,14.0000,p\n") != NULL);
  free(csv);
  free(path);
  path = tp_xasprintf("%s/publish/footprint.md", dir);
  char *md = S_slurp(path);
  CHECK(md && strstr(md, "Not in the tables: XX.") != NULL);
  CHECK(md && strstr(md, "sweep\\_\\#1 & co") != NULL);
  free(md);
  free(path);
  S_check_disclosures(dir);
  free(dir);
  tp_lab_free(&lab);
}

int main(void) {
  TP_RUN(test_numbers);
  TP_RUN(test_names);
  TP_RUN(test_escape);
  TP_RUN(test_write);
  tp_chart_cleanup(); /* cairo's and fontconfig's caches, for the leak checker */
  return tp_test_summary();
}
