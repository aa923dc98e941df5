/* fuzz_common: what every fuzz target does after its reader has run.
 *
 * A reader that survives its input is only half the promise: what it parsed
 * must also survive the model and the renderers.  tp_fuzz_report() takes the
 * run a target filled, finishes it, integrates a synthetic power trace over
 * its window (so the energy model sees whatever window the input produced),
 * puts it in a lab, groups it (tp_lab_group) and renders summary.json,
 * runs.csv and the HTML pages with their charts (into a temporary site that
 * is then discarded).  It checks what the renderers promise: summary.json is
 * valid UTF-8 with no raw control characters and no bare NaN/Inf tokens, and
 * runs.csv is valid UTF-8.  A broken promise aborts, which the fuzzer reports.
 *
 * The pages need the templates: TP_FUZZ_TEMPLATES (set by the build to the
 * source tree's templates/) or the environment variable of the same name.
 * Writing pages and charts costs some 50 ms an input, so while fuzzing they
 * are written for one lab in 8, picked by a hash of its summary.json (so a
 * find reproduces); TP_FUZZ_PAGES=all (set for the replay tests) writes
 * them for every input, TP_FUZZ_PAGES=none for none.
 *
 * tp_fuzz_scratch() writes an input to a per-process scratch file for the
 * readers that take a path.
 *
 * Everything here is static inline: each target is one translation unit.
 */
#ifndef TP_FUZZ_COMMON_H
#define TP_FUZZ_COMMON_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/energy.h"
#include "model/lab.h"
#include "model/mem.h"
#include "model/run.h"
#include "render/chart.h"
#include "render/pages.h"
#include "render/site.h"
#include "render/summary.h"

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 when invalid. */
static inline size_t tp_fuzz_utf8_len(const unsigned char *s, size_t n) {
  unsigned c = s[0], cp, min;
  size_t len;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) len = 2, min = 0x80;
  else if ((c & 0xF0) == 0xE0) len = 3, min = 0x800;
  else if ((c & 0xF8) == 0xF0) len = 4, min = 0x10000;
  else return 0;
  if (len > n) return 0;
  cp = c & (0xFFu >> (len + 1));
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

/* Abort unless s[0..n) is valid UTF-8 without NUL bytes. */
static inline void tp_fuzz_check_utf8(const char *s, size_t n, const char *what) {
  const unsigned char *p = (const unsigned char *)s;
  for (size_t i = 0; i < n;) {
    size_t len = tp_fuzz_utf8_len(p + i, n - i);
    if (!len || p[i] == 0) {
      fprintf(stderr, "fuzz: %s: invalid UTF-8 or NUL at byte %zu\n", what, i);
      abort();
    }
    i += len;
  }
}

/* Abort unless json is UTF-8, strings hold no raw control characters, and
 * every bare word outside strings is true, false or null (no nan, inf). */
static inline void tp_fuzz_check_json(const char *json, size_t n) {
  tp_fuzz_check_utf8(json, n, "summary.json");
  bool in_str = false;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)json[i];
    if (in_str) {
      if (c < 0x20) {
        fprintf(stderr, "fuzz: summary.json: raw control character at byte %zu\n", i);
        abort();
      }
      if (c == '\\') i++;
      else if (c == '"') in_str = false;
      continue;
    }
    if (c == '"') {
      in_str = true;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      size_t k = i;
      while (k < n && ((json[k] >= 'a' && json[k] <= 'z') || (json[k] >= 'A' && json[k] <= 'Z')))
        k++;
      size_t len = k - i;
      bool e_exp = len == 1 && (c == 'e' || c == 'E') && i > 0 && json[i - 1] >= '0' &&
                   json[i - 1] <= '9';
      if (!e_exp && !(len == 4 && memcmp(json + i, "true", 4) == 0) &&
          !(len == 5 && memcmp(json + i, "false", 5) == 0) &&
          !(len == 4 && memcmp(json + i, "null", 4) == 0)) {
        fprintf(stderr, "fuzz: summary.json: bare word '%.*s' at byte %zu\n", (int)len, json + i,
                i);
        abort();
      }
      i = k - 1;
    }
  }
  if (in_str) {
    fprintf(stderr, "fuzz: summary.json: unterminated string\n");
    abort();
  }
}

/* A flat 250 W trace on two devices over the run's window (when it has a
 * finite one), integrated by the energy model into run->energy. */
static inline void tp_fuzz_energy(tp_run *run) {
  if (!isfinite(run->start_s) || !isfinite(run->end_s)) return;
  tp_energy_window w = {.start_s = run->start_s, .end_s = run->end_s};
  tp_energy *e = tp_energy_new(&w, 1, NULL, 0);
  int dev[2] = {tp_energy_device(e, "gpu0", "fuzz", TP_SAMPLE_POWER_W, 0),
                tp_energy_device(e, "gpu1", NULL, TP_SAMPLE_POWER_W, 0)};
  double span = run->end_s - run->start_s;
  for (int k = 0; k <= 8; k++)
    for (int d = 0; d < 2; d++)
      tp_energy_sample(e, dev[d], run->start_s - 1 + (span + 2) * k / 8.0, 250.0 + d);
  tp_energy_finish(e, &run, 1);
  tp_energy_free(e);
}

static inline void tp_fuzz_pages(const tp_lab *lab);

/* Once per process: render a small lab, so that cairo and fontconfig set up
 * their caches before the first input (libFuzzer would take that for a leak
 * of the input), and release them at exit (LeakSanitizer checks at exit,
 * after handlers registered later than its own). */
static inline void tp_fuzz_setup(void) {
  static bool done;
  if (done) return;
  done = true;
  atexit(tp_chart_cleanup);
  tp_lab lab = {0};
  tp_run *run = tp_run_new("setup/run", "setup/run");
  for (int s = 0; s < 3; s++) tp_run_add_scalar(run, "val/acc", s, 1.7e9 + 60.0 * s, 0.5);
  tp_run_finish(run);
  tp_fuzz_energy(run);
  tp_lab_add_run(&lab, run);
  tp_lab_group(&lab);
  tp_fuzz_pages(&lab);
  tp_lab_free(&lab);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  tp_fuzz_setup();
  return 0;
}

/* Render lab's pages and charts into a temporary site, then discard it. */
static inline void tp_fuzz_pages(const tp_lab *lab) {
  tp_fuzz_setup();
  const char *templates = getenv("TP_FUZZ_TEMPLATES");
#ifdef TP_FUZZ_TEMPLATES
  if (!templates) templates = TP_FUZZ_TEMPLATES;
#endif
  if (!templates) return;
  char dir[96];
  snprintf(dir, sizeof dir, "/tmp/tp_fuzz_site.%ld", (long)getpid());
  /* One drawing thread: libFuzzer counts every thread's allocations against
   * the input, and the threads are tested elsewhere (e2e render_parts). */
  tp_pages_opts o = {.templates_dir = templates, .generator = "trainprint fuzz", .jobs = 1};
  tp_site site;
  char *err = NULL;
  if (tp_site_begin(&site, dir, &err) == 0) {
    tp_pages_write(&site, lab, &o, &err);
    tp_site_abort(&site);
  }
  free(err);
}

/* Whether to write the pages of a lab whose summary.json is json (see above). */
static inline bool tp_fuzz_want_pages(const char *json) {
  const char *mode = getenv("TP_FUZZ_PAGES");
  if (mode && strcmp(mode, "all") == 0) return true;
  if (mode && strcmp(mode, "none") == 0) return false;
  uint32_t h = 2166136261u; /* FNV-1a */
  for (const char *p = json; *p; p++) h = (h ^ (uint8_t)*p) * 16777619u;
  return h % 8 == 0;
}

/* Render lab's outputs and check the machine-readable ones. */
static inline void tp_fuzz_render(const tp_lab *lab) {
  tp_buf out = {0};
  tp_summary_json(lab, &out);
  tp_fuzz_check_json(tp_buf_str(&out), strlen(tp_buf_str(&out)));
  bool pages = tp_fuzz_want_pages(tp_buf_str(&out));
  tp_buf_clear(&out);
  tp_summary_runs_csv(lab, &out);
  tp_fuzz_check_utf8(tp_buf_str(&out), strlen(tp_buf_str(&out)), "runs.csv");
  tp_buf_free(&out);
  if (pages) tp_fuzz_pages(lab);
}

/* Group a lab of run (taking ownership) and render it. */
static inline void tp_fuzz_report_run(tp_run *run) {
  tp_lab lab = {0};
  tp_lab_add_run(&lab, run);
  tp_lab_group(&lab);
  tp_fuzz_render(&lab);
  tp_lab_free(&lab);
}

/* Finish run (taking ownership), run the model on it and render it. */
static inline void tp_fuzz_report(tp_run *run) {
  tp_run_finish(run);
  tp_fuzz_energy(run);
  tp_fuzz_report_run(run);
}

/* Write data to a scratch file named after tag and the process; path gets its
 * name.  Returns 0, or -1 when it cannot be written. */
static inline int tp_fuzz_scratch(char path[96], const char *tag, const uint8_t *data,
                                  size_t size) {
  snprintf(path, 96, "/tmp/tp_fuzz_%s.%ld", tag, (long)getpid());
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  bool ok = fwrite(data, 1, size, f) == size;
  if (fclose(f) != 0) ok = false;
  return ok ? 0 : -1;
}

#endif
