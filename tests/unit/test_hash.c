/* Tests for model/hash: pieces equal the whole, framing tells values apart,
 * every bit matters. */
#include <math.h>
#include <string.h>

#include "model/hash.h"
#include "tp_test.h"

static void S_hex_of(const void *data, size_t n, char out[TP_HASH_HEX]) {
  tp_hash h;
  tp_hash_init(&h);
  tp_hash_bytes(&h, data, n);
  tp_hash_hex(&h, out);
}

static void test_pieces(void) {
  unsigned char data[1000];
  for (size_t i = 0; i < sizeof data; i++) data[i] = (unsigned char)(i * 131 + 7);
  char whole[TP_HASH_HEX];
  S_hex_of(data, sizeof data, whole);
  CHECK_INT((int)strlen(whole), 32);
  CHECK(strspn(whole, "0123456789abcdef") == 32);
  /* Fed in pieces of every size from 1 to 40: the same fingerprint. */
  for (size_t step = 1; step <= 40; step++) {
    tp_hash h;
    tp_hash_init(&h);
    for (size_t i = 0; i < sizeof data; i += step)
      tp_hash_bytes(&h, data + i, i + step <= sizeof data ? step : sizeof data - i);
    char got[TP_HASH_HEX];
    tp_hash_hex(&h, got);
    CHECK_STR(got, whole);
  }
  /* Values one by one equal their bytes (little-endian). */
  tp_hash h;
  tp_hash_init(&h);
  tp_hash_u64(&h, 0x0807060504030201ull);
  tp_hash_u64(&h, 0x100f0e0d0c0b0a09ull);
  tp_hash_u64(&h, 0x1817161514131211ull);
  char a[TP_HASH_HEX], b[TP_HASH_HEX];
  tp_hash_hex(&h, a);
  unsigned char bytes[24];
  for (int i = 0; i < 24; i++) bytes[i] = (unsigned char)(i + 1);
  S_hex_of(bytes, 24, b);
  CHECK_STR(a, b);
  /* tp_hash_hex leaves the state alone: more data may follow. */
  tp_hash_hex(&h, b);
  CHECK_STR(a, b);
}

static void test_every_bit(void) {
  /* Flipping any one bit of a 64-byte input changes the fingerprint, and
   * inputs of different lengths with the same bytes differ. */
  unsigned char data[64] = {0};
  char base[TP_HASH_HEX], got[TP_HASH_HEX];
  S_hex_of(data, sizeof data, base);
  int same = 0;
  for (size_t bit = 0; bit < 8 * sizeof data; bit++) {
    data[bit / 8] ^= (unsigned char)(1u << (bit % 8));
    S_hex_of(data, sizeof data, got);
    same += strcmp(got, base) == 0;
    data[bit / 8] ^= (unsigned char)(1u << (bit % 8));
  }
  CHECK_INT(same, 0);
  S_hex_of(data, 63, got);
  CHECK(strcmp(got, base) != 0);
  S_hex_of(data, 0, got);
  CHECK(strcmp(got, base) != 0);
}

static void test_framing(void) {
  /* "ab" + "c" and "a" + "bc" are different sequences of strings. */
  tp_hash h1, h2, h3, h4;
  tp_hash_init(&h1);
  tp_hash_str(&h1, "ab");
  tp_hash_str(&h1, "c");
  tp_hash_init(&h2);
  tp_hash_str(&h2, "a");
  tp_hash_str(&h2, "bc");
  char a[TP_HASH_HEX], b[TP_HASH_HEX];
  tp_hash_hex(&h1, a);
  tp_hash_hex(&h2, b);
  CHECK(strcmp(a, b) != 0);
  /* NULL is not "". */
  tp_hash_init(&h3);
  tp_hash_str(&h3, NULL);
  tp_hash_init(&h4);
  tp_hash_str(&h4, "");
  tp_hash_hex(&h3, a);
  tp_hash_hex(&h4, b);
  CHECK(strcmp(a, b) != 0);
  /* A list of doubles carries its length: {1,2},{3} differs from {1},{2,3}. */
  double v[] = {1, 2, 3};
  tp_hash_init(&h1);
  tp_hash_doubles(&h1, v, 2);
  tp_hash_doubles(&h1, v + 2, 1);
  tp_hash_init(&h2);
  tp_hash_doubles(&h2, v, 1);
  tp_hash_doubles(&h2, v + 1, 2);
  tp_hash_hex(&h1, a);
  tp_hash_hex(&h2, b);
  CHECK(strcmp(a, b) != 0);
}

static void test_known_answers(void) {
  /* Fixed fingerprints, as the first (byte-by-byte) implementation gave them:
   * a faster reading of the same bytes must not change them (the figures'
   * names and the cache's keys are made of them). */
  unsigned char b[100];
  for (int i = 0; i < 100; i++) b[i] = (unsigned char)(i * 37 + 11);
  char got[TP_HASH_HEX];
  S_hex_of(b, 100, got);
  CHECK_STR(got, "a052dd137d034d4a98c535ff7c106f96");
  tp_hash h;
  tp_hash_init(&h);
  tp_hash_bytes(&h, b + 1, 3); /* unaligned pieces across the blocks */
  tp_hash_u64(&h, 0x0123456789abcdefull);
  tp_hash_bytes(&h, b + 5, 50);
  tp_hash_hex(&h, got);
  CHECK_STR(got, "a40b3905c860b4ec339af2d57a08b897");
}

int main(void) {
  TP_RUN(test_known_answers);
  TP_RUN(test_pieces);
  TP_RUN(test_every_bit);
  TP_RUN(test_framing);
  return tp_test_summary();
}
