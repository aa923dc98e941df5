/* Reference tables: the shipped data/ loads cleanly; bad rows and intensity
 * series are handled as documented. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "model/mem.h"
#include "parser/reftable.h"
#include "tp_test.h"

static void test_shipped(void) {
  tp_reftables t = {0};
  tp_diags d = {0};
  CHECK_INT(tp_reftable_load(&t, TP_SOURCE_DIR "/data", &d), 0);
  tp_diag_print_all(stderr, &d);
  CHECK_INT(d.count, 0);
  CHECK_INT(t.n_zones, 314);
  CHECK_INT(t.n_countries, 213);
  CHECK_INT(t.n_regions, 133);
  CHECK_INT(t.n_hardware, 4951);
  CHECK_INT(t.n_equivalences, 23);
  const tp_zone_intensity *w = tp_reftable_find_zone(&t, "world");
  CHECK(w && w->intensity_g_per_kwh == 475 && w->year == 2019);
  const tp_zone_intensity *fr = tp_reftable_find_zone(&t, "FRA");
  CHECK(fr && strcmp(fr->zone, "FR") == 0);
  CHECK(tp_reftable_find_zone(&t, "camx") != NULL);
  CHECK(tp_reftable_find_zone(&t, "XX-NOPE") == NULL);
  const tp_cloud_region *r = tp_reftable_find_region(&t, "AWS:us-east-1");
  CHECK(r && strcmp(r->zone, "SRVC") == 0 && r->pue == 1.15);
  CHECK(tp_reftable_find_region(&t, "us-east-1") == r);
  CHECK(tp_reftable_find_region(&t, "gcp/us-east-1") == NULL);
  CHECK(tp_reftable_find_equivalence(&t, "car_km_us_epa") != NULL);
  /* cpu_cores.csv: 115 CPUs get a core count, each with its source. */
  size_t with_cores = 0;
  for (size_t i = 0; i < t.n_hardware; i++) {
    const tp_hardware *h = &t.hardware[i];
    if (h->cores) {
      with_cores++;
      CHECK(h->kind == TP_HW_CPU && h->cores_source && h->cores_source[0]);
    }
    if (strcmp(h->model, "AMD EPYC 7763") == 0) CHECK_INT(h->cores, 64);
    if (strcmp(h->model, "Intel Xeon Platinum 8480+") == 0) CHECK_INT(h->cores, 56);
    if (strcmp(h->model, "Intel Xeon E5-2680 v3") == 0) CHECK_INT(h->cores, 12);
  }
  CHECK_INT(with_cores, 115);
  /* The footprint tables: every row with a source. */
  CHECK_INT(t.n_sensors, 11);
  CHECK_INT(t.n_embodied, 4);
  CHECK_INT(t.n_water, 3);
  for (size_t i = 0; i < t.n_sensors; i++) CHECK(t.sensors[i].source[0] != '\0');
  for (size_t i = 0; i < t.n_embodied; i++) CHECK(strstr(t.embodied[i].source, "JMLR") != NULL);
  const tp_water_intensity *wue = tp_reftable_find_water(&t, "wue");
  CHECK(wue && wue->l_per_kwh == 0.55);
  CHECK(tp_reftable_find_water(&t, "DEFAULT") != NULL);
  tp_reftables_free(&t);
  tp_diag_free(&d);
}

static char S_dir[64];

static void S_write(const char *name, const char *text) {
  char *path = tp_xasprintf("%s/%s", S_dir, name);
  FILE *fp = fopen(path, "wb");
  if (fp) {
    fputs(text, fp);
    fclose(fp);
  }
  free(path);
}

static void test_bad_rows(void) {
  S_write("grid_intensity.csv",
          "zone,name,gco2e_per_kwh,year,source\r\n"
          "WORLD,World,475,2019,src\r\n"
          "XA,Bad,abc,2020,src\r\n"         /* line 3: number */
          "XB,Short,100\r\n"                /* line 4: fields */
          "XC,Neg,-5,2020,src\r\n"          /* line 5: negative */
          "\r\n"
          "XD,Ok,12.5,2021,src\r\n");
  S_write("country_codes.csv", "alpha2,alpha3,name\nFR,FRA,France\nFRA,FR,Swapped\n");
  S_write("cloud_regions.csv", "provider,region,location,zone,gco2e_per_kwh,pue,source\n"
                               "aws,x-1,Somewhere,XD,12.5,0.9,src\n");
  S_write("hardware_tdp.csv", "kind,model,tdp_watts,source\nfpga,Thing,30,src\n"
                              "gpu,Card,0,src\ngpu,Card 2,70,src\n");
  S_write("cpu_cores.csv", "model,cores,source\nCard 2,4,src\n"); /* not a CPU row */
  /* An interval band that ends before it starts; a good row. */
  S_write("power_sensor_uncertainty.csv",
          "device,field,interval_min_s,interval_max_s,rel_low,rel_high,source\n"
          "A100,power.draw,1,0.5,-0.1,0.1,src\n*,counter,0,inf,-0.05,0.05,ok\n");
  /* equivalences.csv is missing; embodied.csv and water_intensity.csv are
   * optional and missing. */
  tp_reftables t = {0};
  tp_diags d = {0};
  CHECK_INT(tp_reftable_load(&t, S_dir, &d), -1);
  CHECK_INT(t.n_zones, 2);
  CHECK_INT(t.n_countries, 1);
  CHECK_INT(t.n_regions, 0);
  CHECK_INT(t.n_hardware, 1);
  CHECK_INT(t.n_equivalences, 0);
  CHECK_INT(t.n_sensors, 1);
  CHECK_INT(t.n_embodied, 0);
  CHECK_INT(d.n_by_severity[TP_WARN], 9);
  CHECK_INT(d.n_by_severity[TP_ERROR], 1);
  CHECK_INT(d.items[0].line, 3);
  CHECK_INT(d.items[1].line, 4);
  tp_reftables_free(&t);
  tp_diag_free(&d);

  /* A table without a required column is not used. */
  S_write("grid_intensity.csv", "zone,name,intensity\nWORLD,World,475\n");
  d = (tp_diags){0};
  t = (tp_reftables){0};
  tp_reftable_load(&t, S_dir, &d);
  CHECK_INT(t.n_zones, 0);
  CHECK(d.count > 0 && strstr(d.items[0].message, "gco2e_per_kwh") != NULL);
  tp_reftables_free(&t);
  tp_diag_free(&d);
}

static void test_series(void) {
  S_write("series.csv", "time,gco2e_per_kwh\n"
                        "2024-01-01T00:00:00Z,100\n"
                        "2024-01-01 01:00,300\n"        /* naive: the zone given, UTC here */
                        "2024-01-01T00:30:00Z,999\n"    /* back in time */
                        "1704074400,200\n"              /* epoch: 02:00 */
                        "2024-01-01T03:00:00Z,nan\n");
  char *path = tp_xasprintf("%s/series.csv", S_dir);
  tp_intensity_series s = {0};
  tp_diags d = {0};
  CHECK_INT(tp_reftable_load_series(&s, path, NULL, &d), 0);
  CHECK_INT(s.count, 3);
  CHECK_NEAR(s.interval_s, 3600, 0);
  if (s.count == 3) {
    CHECK_NEAR(s.rows[0].t_s, 1704067200.0, 1e-9);
    CHECK_NEAR(s.rows[1].t_s, 1704070800.0, 1e-9);
    CHECK_NEAR(s.rows[1].intensity_g_per_kwh, 300, 1e-9);
    CHECK_NEAR(s.rows[2].t_s, 1704074400.0, 1e-9);
  }
  CHECK_INT(d.n_by_severity[TP_WARN], 2);
  tp_intensity_series_free(&s);
  tp_diag_free(&d);

  S_write("empty.csv", "time,gco2e_per_kwh\n");
  free(path);
  path = tp_xasprintf("%s/empty.csv", S_dir);
  d = (tp_diags){0};
  CHECK_INT(tp_reftable_load_series(&s, path, NULL, &d), -1);
  CHECK_INT(d.n_by_severity[TP_ERROR], 1);
  tp_diag_free(&d);
  free(path);

  /* Naive times follow the zone given (--timezone): 12:00 in Berlin in
   * January (UTC+1) is 11:00 UTC = 1704106800; a time with its own offset
   * keeps it; a bare number before 1990 is refused. */
  S_write("berlin.csv", "time,gco2e_per_kwh\n"
                        "2024-01-01 12:00,400\n"
                        "2024-01-01T13:00:00+01:00,500\n"
                        "3600,1\n");
  path = tp_xasprintf("%s/berlin.csv", S_dir);
  const char *err = NULL;
  tp_tz *tz = tp_tz_open("Europe/Berlin", &err);
  CHECK(tz != NULL);
  d = (tp_diags){0};
  CHECK_INT(tp_reftable_load_series(&s, path, tz, &d), 0);
  CHECK_INT(s.count, 2);
  if (s.count == 2) {
    CHECK_NEAR(s.rows[0].t_s, 1704106800.0, 0);
    CHECK_NEAR(s.rows[1].t_s, 1704110400.0, 0);
  }
  CHECK_INT(d.n_by_severity[TP_WARN], 1);
  CHECK(d.count && strstr(d.items[0].message, "before 1990") != NULL);
  tp_intensity_series_free(&s);
  tp_diag_free(&d);
  tp_tz_free(tz);
  free(path);
}

int main(void) {
  snprintf(S_dir, sizeof S_dir, "reftable-work-%ld", (long)getpid());
  char *cmd = tp_xasprintf("mkdir -p %s", S_dir);
  if (system(cmd) != 0) return 1;
  free(cmd);
  TP_RUN(test_shipped);
  TP_RUN(test_bad_rows);
  TP_RUN(test_series);
  cmd = tp_xasprintf("rm -rf %s", S_dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", S_dir);
  free(cmd);
  return tp_test_summary();
}
