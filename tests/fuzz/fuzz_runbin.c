/* Fuzz target for model/runbin: any bytes as a cached run.  The input is
 * the body; the target seals it with its fingerprint (as the writer does) so
 * that the decoder's own checks are what is exercised.  A run that is taken
 * must encode back to exactly the bytes it came from, and group and render
 * like any run. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "model/hash.h"
#include "model/runbin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > (1u << 24)) return 0;
  unsigned char *sealed = malloc(size + 32);
  if (!sealed) return 0;
  if (size) memcpy(sealed, data, size);
  tp_hash h;
  tp_hash_init(&h);
  tp_hash_bytes(&h, data, size);
  char hex[TP_HASH_HEX];
  tp_hash_hex(&h, hex);
  memcpy(sealed + size, hex, 32);
  tp_run *run = NULL;
  const char *why;
  size_t at;
  if (tp_runbin_read(sealed, size + 32, &run, &why, &at) == 0) {
    tp_buf again = {0};
    tp_runbin_write(run, &again);
    if (again.len != size + 32 || memcmp(again.data, sealed, size + 32) != 0) abort();
    tp_buf_free(&again);
    tp_fuzz_report_run(run);
  } else if (!why || at > size + 32) {
    abort(); /* a refusal always says why and where */
  }
  free(sealed);
  return 0;
}
