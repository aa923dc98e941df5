/* Fuzz target for model/tracerec: any bytes as the records of a trace
 * recording (`--cache`'s replay of what reading a power trace delivered).
 * The target seals the input with 'E' and its fingerprint, as the writer
 * does, so that the record checks are what is exercised.  A recording is
 * taken whole or not at all: when refused, nothing reached the sink or the
 * diagnostics; when taken, everything did, and a copy with one byte of its
 * fingerprint changed is refused. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "model/hash.h"
#include "model/tracerec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > (1u << 24)) return 0;
  size_t n = size + TP_TRACEREC_TAIL;
  unsigned char *buf = malloc(n);
  if (!buf) return 0;
  if (size) memcpy(buf, data, size);
  buf[size] = 'E';
  tp_hash h;
  tp_hash_init(&h);
  tp_hash_bytes(&h, buf, size + 1);
  char hex[TP_HASH_HEX];
  tp_hash_hex(&h, hex);
  memcpy(buf + size + 1, hex, 32);

  tp_power_tally t = {0};
  tp_trace_sink sink = tp_power_tally_sink(&t);
  tp_diags diags = {0};
  bool taken = tp_tracerec_replay(buf, n, 0, &sink, &diags);
  if (!taken && (t.n_dev || t.n_samples || diags.count)) abort(); /* all or nothing */
  if (taken) {
    buf[n - 1] = buf[n - 1] == '0' ? '1' : '0';
    tp_power_tally t2 = {0};
    tp_trace_sink sink2 = tp_power_tally_sink(&t2);
    if (tp_tracerec_replay(buf, n, 0, &sink2, NULL)) abort(); /* the seal is checked */
    tp_power_tally_free(&t2);
  }
  tp_power_tally_free(&t);
  tp_diag_free(&diags);
  free(buf);
  return 0;
}
