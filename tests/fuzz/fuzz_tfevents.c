/* fuzz_tfevents: the event-file reader on arbitrary bytes.
 *
 * Each input is read twice: as a whole event file (framing, CRCs, decoding;
 * the fuzzer rarely gets a CRC right, so) and as one Event payload without
 * framing, so that the protobuf decoding is reached directly.  Every visitor
 * callback is set, so every decoded path runs.  Then it is loaded from a
 * scratch file into a run, as the report does, and the run is reported.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "parser/logs/tfevents.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t S_sink;

static void S_event(void *ctx, const tp_tfevents_event *ev) { S_sink += (size_t)ev->step; }
static void S_scalar(void *ctx, const tp_tfevents_event *ev, const char *tag, uint32_t id,
                     double v) {
  S_sink += strlen(tag) + id + (v == v);
}
static void S_skipped(void *ctx, const tp_tfevents_event *ev, const char *tag, const char *k) {
  S_sink += strlen(tag) + strlen(k);
}
static void S_session(void *ctx, const tp_tfevents_event *ev, int status) { S_sink += (size_t)status; }
static void S_hparam(void *ctx, const char *key, tp_hparam_kind kind, const char *text,
                     double n) {
  S_sink += strlen(key) + strlen(text) + kind;
}
static void S_info(void *ctx, const char *a, const char *b) { S_sink += strlen(a) + strlen(b); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const tp_tfevents_visitor v = {.event = S_event, .scalar = S_scalar,
                                        .skipped = S_skipped, .session_log = S_session,
                                        .hparam = S_hparam, .hparam_info = S_info,
                                        .metric_info = S_info};
  tp_diags d = {0};
  tp_tfevents_read_mem(data, size, "fuzz", &v, NULL, &d);
  tp_tfevents_decode_event(data, size, "fuzz", 0, &v, NULL, &d);
  tp_diag_free(&d);
  char path[96];
  if (tp_fuzz_scratch(path, "tfevents", data, size) != 0) return 0;
  tp_run *run = tp_run_new("f", ".");
  tp_tfevents_load_run(run, path, &run->diags);
  unlink(path);
  tp_fuzz_report(run);
  return 0;
}
