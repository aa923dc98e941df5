/* Fuzz target for parser/wandb_binary: the input is written as the run file
 * run-f.wandb of a scratch run directory, which is loaded as a W&B run
 * (history, config, window) and read for its GPU power, and the run is
 * reported.
 *
 * The fuzzer rarely gets a chunk's CRC right, so an input whose first byte
 * is odd is not the file but its records: each a 2-byte little-endian length
 * and that many bytes, which the target frames as W&B does (chunks within
 * 32 KiB blocks, split FIRST/MIDDLE/LAST, checksums right), so that record
 * decoding is reached directly.  An even first byte (':' of a real file):
 * the input is the file. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "model/trace.h"
#include "parser/text/crc32.h"
#include "parser/logs/wandb.h"
#include "parser/logs/wandb_binary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One chunk at *pos of its block. */
static void S_chunk(FILE *f, size_t *pos, uint8_t type, const uint8_t *p, size_t n) {
  uint32_t crc = tp_crc32_update(tp_crc32_update(0, &type, 1), p, n);
  uint8_t h[7] = {(uint8_t)crc, (uint8_t)(crc >> 8), (uint8_t)(crc >> 16), (uint8_t)(crc >> 24),
                  (uint8_t)n, (uint8_t)(n >> 8), type};
  fwrite(h, 1, sizeof h, f);
  fwrite(p, 1, n, f);
  *pos += sizeof h + n;
}

/* The records of data (2-byte length, bytes; a short last one as it is)
 * framed into a run file. */
static void S_frame(FILE *f, const uint8_t *data, size_t size) {
  static const uint8_t zeros[7];
  size_t pos = TP_WANDB_BIN_HEADER;
  fwrite(":W&B\xe1\xbe\x00", 1, TP_WANDB_BIN_HEADER, f);
  while (size >= 2) {
    size_t n = (size_t)data[0] | (size_t)data[1] << 8;
    data += 2, size -= 2;
    if (n > size) n = size;
    for (bool first = true;; first = false) {
      size_t space = TP_WANDB_BIN_BLOCK - pos;
      if (space < 7) { /* padding, and the record goes on in the next block */
        fwrite(zeros, 1, space, f);
        pos = 0;
        space = TP_WANDB_BIN_BLOCK;
      }
      size_t take = n < space - 7 ? n : space - 7;
      uint8_t type = first ? (take == n ? 1 : 2) : (take == n ? 4 : 3);
      S_chunk(f, &pos, type, data, take);
      data += take, size -= take, n -= take;
      if (!n) break;
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char dir[96], path[128];
  snprintf(dir, sizeof dir, "/tmp/tp_fuzz_wandb_binary.%ld", (long)getpid());
  snprintf(path, sizeof path, "%s/run-f.wandb", dir);
  mkdir(dir, 0700);
  FILE *f = fopen(path, "wb");
  if (!f) return 0;
  bool ok = true;
  if (size && (data[0] & 1)) S_frame(f, data + 1, size - 1);
  else ok = fwrite(data, 1, size, f) == size;
  if (fclose(f) != 0 || !ok) {
    unlink(path);
    return 0;
  }
  tp_run *run = tp_run_new("f", dir);
  run->reading = "wandb";
  tp_wandb_load_run(run, dir, &run->diags);
  tp_power_tally tally = {0};
  tp_trace_sink sink = tp_power_tally_sink(&tally);
  tp_wandb_read_power(dir, &sink, &run->diags);
  tp_power_tally_free(&tally);
  unlink(path);
  rmdir(dir);
  tp_fuzz_report(run);
  return 0;
}
