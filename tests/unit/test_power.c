/* Power readers on small synthetic inputs with exact expected values (the
 * cases that need options or generated input; the others are data files in
 * tests/readers/). */
#include <stdlib.h>

#include "model/mem.h"
#include "parser/text/csv.h"
#include "parser/power/csvmap.h"
#include "parser/power/power.h"
#include "tp_test.h"

typedef struct result {
  int rc;
  tp_power_tally t;
  tp_diags d;
} result;

static void run(result *r, const char *text, tp_power_format fmt, const tp_power_options *o) {
  memset(r, 0, sizeof *r);
  FILE *f = fmemopen((void *)text, strlen(text), "rb");
  tp_trace_sink sink = tp_power_tally_sink(&r->t);
  tp_power_options defaults;
  tp_power_options_init(&defaults);
  r->rc = tp_power_read_stream(f, "test.csv", fmt, o ? o : &defaults, &sink, &r->d);
  fclose(f);
}

static void done(result *r) {
  tp_power_tally_free(&r->t);
  tp_diag_free(&r->d);
}

static size_t warnings(const result *r) { return r->d.n_by_severity[TP_WARN]; }

/* Does some diagnostic at `line` mention `word`? */
static bool has_diag(const result *r, int64_t line, const char *word) {
  for (size_t k = 0; k < r->d.count; k++)
    if (r->d.items[k].line == line && strstr(r->d.items[k].message, word)) return true;
  return false;
}

static void test_units_and_na(void) {
  result r;
  run(&r,
      "timestamp, index, power.limit [W], power.draw [W]\n"
      "2024/01/01 00:00:00.000, 0, 300.00 W, 12.50 W\n"
      "2024/01/01 00:00:00.100, 0, 300.00 W, [N/A]\n"
      "2024/01/01 00:00:00.200, 0, 300.00 W, 13\n"
      "2024/01/01 00:00:00.300, 0, 300.00 W, 1500 mW\n"
      "2024/01/01 00:00:00.400, 0, 300.00 W, [Not Supported]\n",
      TP_POWER_AUTO, NULL);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_dev, 1);
  CHECK_INT(r.t.n_samples, 3);
  CHECK_STR(r.t.dev[0].id, "gpu0");
  CHECK_NEAR(r.t.dev[0].t_first, 1704067200.0, 0);
  CHECK_NEAR(r.t.dev[0].v_first, 12.5, 0);
  CHECK_NEAR(r.t.dev[0].v_last, 1.5, 0);
  CHECK_INT(warnings(&r), 0);
  CHECK(has_diag(&r, 3, "[N/A]"));
  done(&r);

  /* nounits; header in mW; the average column chosen when asked. */
  tp_power_options o;
  tp_power_options_init(&o);
  o.nvsmi_power_field = "power.draw.average";
  run(&r,
      "timestamp, power.draw.instant [W], power.draw.average [mW]\n"
      "2024/01/01 00:00:00.000, 10.00, 9000\n",
      TP_POWER_AUTO, &o);
  CHECK_INT(r.t.n_samples, 1);
  CHECK_NEAR(r.t.dev[0].v_first, 9.0, 0);
  done(&r);
  run(&r,
      "timestamp, power.draw.instant [W], power.draw.average [W]\n"
      "2024/01/01 00:00:00.000, 10.00, 9.5\n",
      TP_POWER_AUTO, NULL);
  CHECK_NEAR(r.t.dev[0].v_first, 9.5, 0); /* power.draw absent: average before instant */
  done(&r);
}

static void test_noheader(void) {
  result r;
  tp_power_options o;
  tp_power_options_init(&o);
  o.nvsmi_columns = "timestamp,index,power.draw";
  const char *text = "2024/01/01 00:00:00.000, 0, 50.25\n2024/01/01 00:00:00.000, 1, 60.5\n";
  run(&r, text, TP_POWER_AUTO, &o);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_dev, 2);
  CHECK_NEAR(r.t.dev[1].v_first, 60.5, 0);
  done(&r);
  /* Not stated: not read as power, with a note (its columns are a guess). */
  run(&r, text, TP_POWER_AUTO, NULL);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_samples, 0);
  CHECK(has_diag(&r, 1, "--format nvidia-smi"));
  CHECK_INT(r.d.n_by_severity[TP_NOTE], 1);
  done(&r);
  /* Stated, without the field list and without units: not guessable. */
  run(&r, text, TP_POWER_NVSMI_CSV, NULL);
  CHECK_INT(r.rc, -1);
  CHECK_INT(r.d.n_by_severity[TP_ERROR], 1);
  CHECK(has_diag(&r, 1, "(3 fields, not the 4 of the query timestamp,index,name,power.draw)"));
  done(&r);
  /* With units the power column can be told. */
  run(&r, "2024/01/01 00:00:00.000, 0, 50.25 W\n", TP_POWER_NVSMI_CSV, NULL);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_samples, 1);
  done(&r);
  /* Four fields: the documented query timestamp,index,name,power.draw, with
   * or without units. */
  run(&r,
      "2024/01/01 00:00:00.000, 1, NVIDIA A100-SXM4-40GB, 50.25 W\n"
      "2024/01/01 00:00:02.000, 1, NVIDIA A100-SXM4-40GB, 70.25 W\n",
      TP_POWER_NVSMI_CSV, NULL);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_dev, 1);
  CHECK_STR(r.t.dev[0].id, "gpu1");
  CHECK_STR(r.t.dev[0].name, "NVIDIA A100-SXM4-40GB");
  CHECK_NEAR(r.t.dev[0].v_last, 70.25, 0);
  CHECK_NEAR(r.t.dev[0].t_last, 1704067202.0, 0);
  CHECK(has_diag(&r, 1, "no header: columns read as the query timestamp,index,name,power.draw"));
  done(&r);
  run(&r, "2024/01/01 00:00:00.000, 0, Tesla T4, 27.5\n", TP_POWER_NVSMI_CSV, NULL);
  CHECK_INT(r.t.n_samples, 1);
  CHECK_NEAR(r.t.dev[0].v_first, 27.5, 0);
  done(&r);
  /* Positions (the configuration's columns) as a field list naming the first
   * fields: rows may have more. */
  o.nvsmi_columns = "-,timestamp,index,power.draw,...";
  run(&r, "x, 2024/01/01 00:00:00.000, 3, 40.5, P0, 33\n", TP_POWER_NVSMI_CSV, &o);
  CHECK_INT(r.t.n_samples, 1);
  CHECK_STR(r.t.dev[0].id, "gpu3");
  CHECK_NEAR(r.t.dev[0].v_first, 40.5, 0);
  done(&r);
  run(&r, "x, 2024/01/01 00:00:00.000, 3\n", TP_POWER_NVSMI_CSV, &o);
  CHECK_INT(r.t.n_samples, 0);
  CHECK(has_diag(&r, 1, "3 fields where the header has 4"));
  done(&r);
}

static void test_bad_input(void) {
  result r;
  tp_power_options o;
  tp_power_options_init(&o);
  o.max_line = 200;
  char long_line[400];
  memset(long_line, 'x', sizeof long_line - 2);
  long_line[sizeof long_line - 2] = '\n';
  long_line[sizeof long_line - 1] = '\0';
  char text[2048];
  snprintf(text, sizeof text,
           "\xEF\xBB\xBFtimestamp, power.draw [W]\r\n"
           "2024/01/01 00:00:01.000, 10.00 W\r\n"        /* line 2 */
           "2024/01/01 00:00:02.000, nan W\r\n"          /* 3: NaN */
           "2024/01/01 00:00:03.000, -5.00 W\r\n"        /* 4: negative */
           "2024/01/01 00:00:00.500, 11.00 W\r\n"        /* 5: backwards */
           "%s"                                          /* 6: too long */
           "2024/13/01 00:00:04.000, 12.00 W\r\n"        /* 7: bad time */
           "2024/01/01 00:00:05.000, 13.00 W, 1\r\n"     /* 8: extra field */
           "2024/01/01 00:00:06.000, lots\r\n"           /* 9: not a number */
           "2024/01/01 00:00:07.000, 14.00 W\r\n"        /* 10: good */
           "2024/01/01 00:00:08.000, 15.0",              /* 11: cut */
           long_line);
  run(&r, text, TP_POWER_AUTO, &o);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_samples, 2);
  CHECK_NEAR(r.t.dev[0].v_last, 14.0, 0);
  CHECK_NEAR(r.t.dev[0].t_last, 1704067207.0, 0);
  CHECK(has_diag(&r, 3, "not finite"));
  CHECK(has_diag(&r, 4, "negative"));
  CHECK(has_diag(&r, 5, "back"));
  CHECK(has_diag(&r, 6, "longer than 200"));
  CHECK(has_diag(&r, 7, "not understood"));
  CHECK(has_diag(&r, 8, "fields"));
  CHECK(has_diag(&r, 9, "not a power"));
  CHECK(has_diag(&r, 11, "middle of this line"));
  CHECK_INT(warnings(&r), 8);
  CHECK_INT(r.d.n_by_severity[TP_ERROR], 0);
  done(&r);

  /* Many bad lines make a bounded number of diagnostics. */
  tp_buf b = {0};
  tp_buf_adds(&b, "timestamp, power.draw [W]\n");
  for (int k = 0; k < 1000; k++) tp_buf_printf(&b, "2024/01/01 00:00:%02d.000, [GPU is lost]\n", k % 60);
  run(&r, tp_buf_str(&b), TP_POWER_AUTO, NULL);
  CHECK(r.d.count <= 12);
  CHECK(has_diag(&r, -1, "990 more"));
  done(&r);
  tp_buf_free(&b);

  /* Unreadable and unknown. */
  run(&r, "hello, world\n", TP_POWER_AUTO, NULL);
  CHECK_INT(r.rc, -1);
  done(&r);
  tp_diags d = {0};
  CHECK_INT(tp_power_read("/nonexistent/trace.csv", TP_POWER_AUTO, NULL, NULL, &d), -1);
  CHECK_INT(d.n_by_severity[TP_ERROR], 1);
  tp_diag_free(&d);
}

static void test_dmon(void) {
  result r;
  const char *dt =
      "#Date       Time        gpu    pwr  gtemp  mtemp     sm    mem \n"
      "#YYYYMMDD   HH:MM:SS    Idx      W      C      C      %      % \n"
      " 20240101   00:00:00      0     61     35      -      0      0 \n"
      " 20240101   00:00:00      1     70     36      -      0      0 \n"
      " 20240101   00:00:01      0     62     35      -      0      0 \n"
      " 20240101   00:00:01      1      -     36      -      0      0 \n"
      "#Date       Time        gpu    pwr  gtemp  mtemp     sm    mem \n"
      "#YYYYMMDD   HH:MM:SS    Idx      W      C      C      %      % \n"
      " 20240101   00:00:02      0     63     35      -      0      0 \n";
  run(&r, dt, TP_POWER_AUTO, NULL);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_dev, 2);
  CHECK_INT(r.t.dev[0].n, 3);
  CHECK_INT(r.t.dev[1].n, 1);
  CHECK_NEAR(r.t.dev[0].t_last, 1704067202.0, 0);
  CHECK_NEAR(r.t.dev[0].v_last, 63.0, 0);
  done(&r);

  const char *plain =
      "# gpu    pwr  gtemp     sm \n"
      "# Idx      W      C      % \n"
      "    0     61     35      0 \n"
      "    1     71     35      0 \n"
      "    0     62     35      0 \n"
      "    1     72     35      0 \n";
  run(&r, plain, TP_POWER_AUTO, NULL);
  CHECK_INT(r.rc, -1); /* no time and no start */
  done(&r);
  tp_power_options o;
  tp_power_options_init(&o);
  o.has_start = true;
  o.start_s = 1000;
  o.dmon_interval_s = 2;
  run(&r, plain, TP_POWER_NVSMI_DMON, &o);
  CHECK_INT(r.t.n_samples, 4);
  CHECK_NEAR(r.t.dev[1].t_last, 1002.0, 0);
  CHECK_NEAR(r.t.dev[1].v_last, 72.0, 0);
  done(&r);
}

static void test_perf(void) {
  result r;
  run(&r,
      "# started on Mon Jan  1 00:00:00 2024\n"
      "\n"
      "#           time             counts unit events\n"
      "     1.001234567              12.50 Joules power/energy-pkg/\n"
      "     1.001234567               2.25 Joules power/energy-ram/\n"
      "     2.002345678              10,25 Joules power/energy-pkg/\n"
      "     3.003456789      <not counted> Joules power/energy-pkg/\n"
      "     4.004567890           2,306.50 Joules power/energy-pkg/\n",
      TP_POWER_AUTO, NULL);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_dev, 2);
  CHECK_STR(r.t.dev[0].id, "energy-pkg");
  CHECK_INT(r.t.dev[0].kind, TP_SAMPLE_ENERGY_J);
  CHECK_INT(r.t.dev[0].n, 4); /* 0 J at the start, then three intervals */
  CHECK_NEAR(r.t.dev[0].t_first, 1704067200.0, 0);
  CHECK_NEAR(r.t.dev[0].v_first, 0.0, 0);
  CHECK_NEAR(r.t.dev[0].t_last, 1704067204.00456789, 1e-6);
  CHECK_NEAR(r.t.dev[0].v_last, 12.5 + 10.25 + 2306.5, 1e-9);
  CHECK(has_diag(&r, 7, "not counted"));
  done(&r);

  /* -x, with --per-socket, start from the options. */
  tp_power_options o;
  tp_power_options_init(&o);
  o.has_start = true;
  o.start_s = 100;
  run(&r,
      "1.000,S0,1,5.00,Joules,power/energy-pkg/,1000000,100.00,,\n"
      "1.000,S1,1,6.00,Joules,power/energy-pkg/,1000000,100.00,,\n"
      "2.000,S0,1,5.50,Joules,power/energy-pkg/,1000000,100.00,,\n",
      TP_POWER_PERF_STAT, &o);
  CHECK_INT(r.t.n_dev, 2);
  CHECK_STR(r.t.dev[1].id, "S1/energy-pkg");
  CHECK_NEAR(r.t.dev[0].v_last, 10.5, 1e-12);
  CHECK_NEAR(r.t.dev[0].t_last, 102.0, 0);
  done(&r);

  /* No start time at all. */
  run(&r, "     1.001234567              12.50 Joules power/energy-pkg/\n", TP_POWER_AUTO, NULL);
  CHECK_INT(r.rc, -1);
  CHECK_INT(r.t.n_samples, 0);
  done(&r);
}

/* The rows of one run and their PUE: tests/readers/codecarbon/pue.csv. */
static void test_codecarbon_many(void) {
  result r;
  /* Many runs: each delivered once, in order, in bounded time. */
  tp_buf b = {0};
  tp_buf_adds(&b, "timestamp,project_name,run_id,duration,emissions,energy_consumed\n");
  for (int k = 0; k < 70000; k++)
    tp_buf_printf(&b, "2024-01-01T00:%02d:%02d,p,r%d,1,0.1,0.001\n", k / 60 % 60, k % 60, k);
  run(&r, tp_buf_str(&b), TP_POWER_AUTO, NULL);
  CHECK_INT(r.t.n_decl, 70000);
  CHECK_INT(r.t.decl[69999].line, 70001);
  done(&r);
  tp_buf_free(&b);
}

/* Whether a row shows CodeCarbon read the CPU: a cpu_power that is half a
 * whole-watt TDP (42.5 W, 32.5 W) or 0 is its guess or its absence; any
 * other power a reading; no cpu_power column says nothing. */
static void test_codecarbon_measured(void) {
  result r;
  run(&r,
      "timestamp,project_name,run_id,duration,emissions,cpu_power,cpu_energy,energy_consumed\n"
      "2024-01-01T00:00:10,p,a,10,0.1,42.5,0.0001,0.001\n"
      "2024-01-01T00:00:10,p,b,10,0.1,32.5,0.0001,0.001\n"
      "2024-01-01T00:00:10,p,c,10,0.1,0.0,0,0.001\n"
      "2024-01-01T00:00:10,p,d,10,0.1,148.92,0.0004,0.001\n"
      "2024-01-01T00:00:10,p,e,10,0.1,6.5949137150000015,0.00002,0.001\n",
      TP_POWER_AUTO, NULL);
  CHECK_INT(r.t.n_decl, 5);
  bool want[] = {false, false, false, true, true};
  for (size_t k = 0; k < r.t.n_decl && k < 5; k++) CHECK(r.t.decl[k].measured == want[k]);
  done(&r);
  run(&r, "timestamp,project_name,run_id,duration,emissions,energy_consumed\n"
          "2024-01-01T00:00:10,p,a,10,0.1,0.001\n",
      TP_POWER_AUTO, NULL);
  CHECK_INT(r.t.n_decl, 1);
  CHECK(r.t.n_decl == 1 && !r.t.decl[0].measured);
  done(&r);
}

static void test_csvmap(void) {
  result r;
  tp_csvmap m = {.no_header = true, .time_index = 1, .time_format = TP_TIME_EPOCH_MS,
                 .value_index = 3, .unit = TP_UNIT_MW, .device_index = 2};
  tp_power_options o;
  tp_power_options_init(&o);
  o.csvmap = &m;
  run(&r, "1700000000000;a;1500\n1700000000500;a;2500\n1700000000500;b;100\n", TP_POWER_CSVMAP, &o);
  CHECK_INT(r.rc, -1); /* ';' is not the separator: one field, no column 3 */
  CHECK_INT(r.t.n_dev, 0);
  done(&r);
  m.sep = ';';
  run(&r, "1700000000000;a;1500\n1700000000500;a;2500\n1700000000500;b;100\n", TP_POWER_CSVMAP, &o);
  CHECK_INT(r.t.n_dev, 2);
  CHECK_NEAR(r.t.dev[0].v_last, 2.5, 1e-15);
  CHECK_NEAR(r.t.dev[0].t_last, 1700000000.5, 0);
  done(&r);

  /* An energy counter in kWh, pattern time, no device column. */
  tp_csvmap e = {.time_column = "when", .time_format = TP_TIME_PATTERN,
                 .time_pattern = "%d.%m.%Y %H:%M", .value_column = "meter", .unit = TP_UNIT_KWH,
                 .device_name = "node1"};
  o.csvmap = &e;
  run(&r, "when,meter\n01.01.2024 00:00,10.5\n01.01.2024 01:00,11.0\n", TP_POWER_AUTO, &o);
  CHECK_INT(r.rc, 0);
  CHECK_STR(r.t.dev[0].id, "node1");
  CHECK_INT(r.t.dev[0].kind, TP_SAMPLE_ENERGY_J);
  CHECK_NEAR(r.t.dev[0].v_last, 11.0 * 3.6e6, 1e-6);
  CHECK_NEAR(r.t.dev[0].t_last, 1704070800.0, 0);
  done(&r);
  e.value_column = "missing";
  run(&r, "when,meter\n01.01.2024 00:00,10.5\n", TP_POWER_AUTO, &o);
  CHECK_INT(r.rc, -1);
  done(&r);
  tp_value_unit u;
  CHECK_INT(tp_value_unit_parse("kWh", &u), 0);
  CHECK_INT(u, TP_UNIT_KWH);
  CHECK(!tp_value_unit_is_energy(TP_UNIT_MW));
}

/* Date and time in two columns, joined by one space; a stated day/month
 * order; header cells matched trimmed. */
static void test_csvmap_dates(void) {
  result r;
  tp_csvmap m = {.time_column = "Date", .time2_column = "Time", .value_column = "power.draw [W]",
                 .unit = TP_UNIT_W};
  tp_power_options o;
  tp_power_options_init(&o);
  o.csvmap = &m;
  const char *text = "Date, Time, \" power.draw [W] \"\n"
                     "03/04/2024, 10:00:00, 100\n"
                     "03/04/2024, 10:00:10, 300\n";
  /* Unstated: refused at the first such date, never guessed. */
  run(&r, text, TP_POWER_CSVMAP, &o);
  CHECK_INT(r.rc, -1);
  CHECK_INT(r.t.n_samples, 0);
  CHECK(has_diag(&r, 2, "date \"03/04/2024 10:00:00\" does not say whether day or month comes "
                        "first, and the mapping states no date_order (dmy, mdy or ymd): file not "
                        "used"));
  done(&r);
  m.date_order = TP_DATE_DMY; /* 3 April */
  run(&r, text, TP_POWER_CSVMAP, &o);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.t.n_samples, 2);
  CHECK_NEAR(r.t.dev[0].t_first, 1712138400.0, 0);
  CHECK_NEAR(r.t.dev[0].v_last, 300, 0);
  done(&r);
  m.date_order = TP_DATE_MDY; /* 4 March */
  run(&r, text, TP_POWER_CSVMAP, &o);
  CHECK_NEAR(r.t.dev[0].t_first, 1709546400.0, 0);
  done(&r);
  /* One pattern over both columns; a name with blanks matches a bare cell. */
  m = (tp_csvmap){.time_column = "Date", .time2_column = "Time", .value_column = " W ",
                  .time_format = TP_TIME_PATTERN, .time_pattern = "%d/%m/%Y %H:%M:%S"};
  run(&r, "Date,Time,W\n03/04/2024,10:00:00,5\n", TP_POWER_CSVMAP, &o);
  CHECK_INT(r.t.n_samples, 1);
  CHECK_NEAR(r.t.dev[0].t_first, 1712138400.0, 0);
  done(&r);
  /* Year first with dots, by position; a bad time of day skips its row. */
  m = (tp_csvmap){.no_header = true, .time_index = 1, .time2_index = 2, .value_index = 3,
                  .date_order = TP_DATE_YMD};
  run(&r, "2024.04.03,10:00,7\n2024.04.03,25:00,8\n", TP_POWER_CSVMAP, &o);
  CHECK_INT(r.t.n_samples, 1);
  CHECK_NEAR(r.t.dev[0].t_first, 1712138400.0, 0);
  CHECK(has_diag(&r, 2, "time \"2024.04.03 25:00\" not understood as auto; row skipped"));
  done(&r);
  m.time2_index = 9;
  run(&r, "2024.04.03,10:00,7\n", TP_POWER_CSVMAP, &o);
  CHECK_INT(r.rc, -1);
  CHECK(has_diag(&r, 1, "the time of day column 9 is past the 3 columns: file not used"));
  done(&r);
}

static void test_sniff(void) {
  struct {
    const char *head;
    tp_power_format want;
  } cases[] = {
      {"timestamp, power.draw [W]\n2024/10/30 18:42:33.189, 22.89 W\n", TP_POWER_NVSMI_CSV},
      {"name, pstate, timestamp, utilization.gpu [%]\n", TP_POWER_NVSMI_CSV},
      {"2024/10/30 18:42:33.189, 0, 22.89\n", TP_POWER_NVSMI_UNSTATED},
      {"timestamp,gpu,index,memory.used,power.draw\n", TP_POWER_UNKNOWN},
      {"# gpu     sm    mem \n# Idx      %      % \n", TP_POWER_NVSMI_DMON},
      {"timestamp,domain,energy_uj\n", TP_POWER_RAPL_CSV},
      {"#           time             counts unit events\n  1.0  1.00 Joules power/energy-pkg/\n",
       TP_POWER_PERF_STAT},
      {"\xEF\xBB\xBFtimestamp,project_name,duration,emissions,energy_consumed\n", TP_POWER_CODECARBON},
      {"epoch,loss\n", TP_POWER_UNKNOWN},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++)
    CHECK_INT(tp_power_sniff((const unsigned char *)cases[k].head, strlen(cases[k].head)), cases[k].want);
  tp_power_format f;
  CHECK_INT(tp_power_format_parse("nvidia-smi-dmon", &f), 0);
  CHECK_INT(f, TP_POWER_NVSMI_DMON);
  CHECK_INT(tp_power_format_parse("nvidia-smi-noheader", &f), -1); /* found, never named */
  /* What discovery asks: the same rows, for a file of that name. */
  CHECK_INT(tp_power_sniff_file("run/emissions.csv", (const unsigned char *)cases[7].head,
                                strlen(cases[7].head)),
            TP_POWER_CODECARBON);
  CHECK_STR(tp_power_format_name(TP_POWER_RAPL_CSV), "rapl");
}

/* The fast number path gives strtod's doubles. */
static void test_numbers(void) {
  unsigned seed = 12345;
  int bad = 0;
  char buf[64];
  for (int k = 0; k < 200000; k++) {
    seed = seed * 1103515245u + 12345u;
    unsigned a = seed >> 8;
    seed = seed * 1103515245u + 12345u;
    int places = (int)(seed >> 28) % 8;
    int n = snprintf(buf, sizeof buf, "%u.%0*u", a % 100000, places, (seed >> 4) % 10000000);
    double got, want = strtod(buf, NULL);
    if (tp_csv_number(buf, (size_t)n, &got) || got != want) bad++;
  }
  CHECK_INT(bad, 0);
  double v;
  CHECK_INT(tp_csv_number(" 0.1 ", 5, &v), 0);
  CHECK(v == 0.1);
  CHECK_INT(tp_csv_number("-007.50", 7, &v), 0);
  CHECK(v == -7.5);
  CHECK_INT(tp_csv_number("1e3", 3, &v), 0);
  CHECK(v == 1000);
  CHECK_INT(tp_csv_number("123456789012345678", 18, &v), 0);
  CHECK(v == 123456789012345678.0);
  CHECK_INT(tp_csv_number("1.2.3", 5, &v), -1);
  CHECK_INT(tp_csv_number("", 0, &v), -1);
  CHECK_INT(tp_csv_number(".", 1, &v), -1);
}

int main(void) {
  TP_RUN(test_units_and_na);
  TP_RUN(test_noheader);
  TP_RUN(test_bad_input);
  TP_RUN(test_dmon);
  TP_RUN(test_perf);
  TP_RUN(test_codecarbon_many);
  TP_RUN(test_codecarbon_measured);
  TP_RUN(test_csvmap);
  TP_RUN(test_csvmap_dates);
  TP_RUN(test_sniff);
  TP_RUN(test_numbers);
  return tp_test_summary();
}
