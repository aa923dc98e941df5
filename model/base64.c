/* base64: arrays of doubles as text (see base64.h). */
#include "model/base64.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char S_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The value of base64 digit c, or -1. */
static int S_digit(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

void tp_base64_put_doubles(tp_buf *out, const double *v, size_t n) {
  unsigned char bytes[3];
  size_t have = 0;
  for (size_t i = 0; i < n; i++) {
    uint64_t u;
    memcpy(&u, &v[i], sizeof u);
    for (int k = 0; k < 8; k++) {
      bytes[have++] = (unsigned char)(u >> (8 * k));
      if (have < 3) continue;
      char q[4] = {S_alphabet[bytes[0] >> 2], S_alphabet[((bytes[0] & 3) << 4) | (bytes[1] >> 4)],
                   S_alphabet[((bytes[1] & 15) << 2) | (bytes[2] >> 6)],
                   S_alphabet[bytes[2] & 63]};
      tp_buf_add(out, q, 4);
      have = 0;
    }
  }
  if (have == 1) {
    char q[4] = {S_alphabet[bytes[0] >> 2], S_alphabet[(bytes[0] & 3) << 4], '=', '='};
    tp_buf_add(out, q, 4);
  } else if (have == 2) {
    char q[4] = {S_alphabet[bytes[0] >> 2], S_alphabet[((bytes[0] & 3) << 4) | (bytes[1] >> 4)],
                 S_alphabet[(bytes[1] & 15) << 2], '='};
    tp_buf_add(out, q, 4);
  }
}

double *tp_base64_get_doubles(const char *text, size_t len, size_t *n) {
  *n = 0;
  if (len % 4) return NULL;
  size_t pad = 0;
  if (len && text[len - 1] == '=') pad++;
  if (len > 1 && text[len - 2] == '=') pad++;
  size_t nbytes = len / 4 * 3 - pad;
  if (nbytes % 8) return NULL;
  unsigned char *b = tp_xmalloc(nbytes + 3);
  size_t o = 0;
  for (size_t i = 0; i < len; i += 4) {
    int d[4];
    for (int k = 0; k < 4; k++) {
      bool tail = i + 4 == len && (size_t)k >= 4 - pad;
      d[k] = tail ? 0 : S_digit((unsigned char)text[i + k]);
      if (d[k] < 0) {
        free(b);
        return NULL;
      }
    }
    unsigned q = (unsigned)d[0] << 18 | (unsigned)d[1] << 12 | (unsigned)d[2] << 6 | (unsigned)d[3];
    b[o++] = (unsigned char)(q >> 16);
    b[o++] = (unsigned char)(q >> 8);
    b[o++] = (unsigned char)q;
  }
  size_t count = nbytes / 8;
  double *v = tp_xmalloc((count ? count : 1) * sizeof *v);
  for (size_t i = 0; i < count; i++) {
    uint64_t u = 0;
    for (int k = 0; k < 8; k++) u |= (uint64_t)b[8 * i + (size_t)k] << (8 * k);
    memcpy(&v[i], &u, sizeof u);
  }
  free(b);
  *n = count;
  return v;
}
