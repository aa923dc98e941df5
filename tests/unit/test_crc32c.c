/* test_crc32c: CRC-32C and SHA-256 vectors, masking, and hardware vs portable agreement. */
#include <stdint.h>
#include <stdlib.h>

#include "parser/text/crc32c.h"
#include "parser/text/sha256.h"
#include "tp_test.h"

static void test_vectors(void) {
  for (int forced = 0; forced < 2; forced++) {
    tp_crc32c_force_portable(forced);
    CHECK_INT(tp_crc32c_update(0, "123456789", 9), 0xE3069283u); /* the standard check value */
    unsigned char zeros[32] = {0}, ones[32];
    memset(ones, 0xFF, sizeof ones);
    CHECK_INT(tp_crc32c_update(0, zeros, 32), 0x8A9136AAu);  /* RFC 3720 B.4 */
    CHECK_INT(tp_crc32c_update(0, ones, 32), 0x62A8AB43u);
    CHECK_INT(tp_crc32c_update(0, "", 0), 0);
    /* TensorBoard's masked_crc.rs test vector. */
    const char data[] = "\x1a\x11" "CRC test, one two";
    CHECK_INT(tp_crc32c_mask(tp_crc32c_update(0, data, sizeof data - 1)), 0x5794d08au);
  }
  tp_crc32c_force_portable(false);
}

#ifdef TP_CRC32C_INLINE_HW
__attribute__((target("sse4.2"))) static uint32_t S_inline_hw(const void *p, size_t n) {
  return tp_crc32c_hw(p, n);
}
#endif

/* Every length and alignment: hardware (when present, the inline form too)
 * equals portable, and checksumming in pieces equals one pass. */
static void test_agreement(void) {
  unsigned char buf[1100];
  srand(7);
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)rand();
  fprintf(stderr, "hardware CRC32C: %s\n", tp_crc32c_hardware() ? "yes" : "no");
  int bad = 0;
  for (size_t off = 0; off < 9; off++)
    for (size_t n = 0; n + off <= sizeof buf; n += 13) {
      tp_crc32c_force_portable(false);
      uint32_t a = tp_crc32c_update(0, buf + off, n);
      uint32_t split = tp_crc32c_update(tp_crc32c_update(0, buf + off, n / 3), buf + off + n / 3,
                                        n - n / 3);
#ifdef TP_CRC32C_INLINE_HW
      if (tp_crc32c_hardware()) bad += S_inline_hw(buf + off, n) != a;
#endif
      tp_crc32c_force_portable(true);
      uint32_t b = tp_crc32c_update(0, buf + off, n);
      bad += a != b || a != split;
    }
  tp_crc32c_force_portable(false);
  CHECK_INT(bad, 0);
  tp_crc32c_force_portable(true);
  CHECK(!tp_crc32c_hardware());
  tp_crc32c_force_portable(false);
}

static void test_sha256(void) {
  static const struct { const char *in; const char *hex; } v[] = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"}};
  for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
    tp_sha256 s;
    char hex[65];
    tp_sha256_init(&s);
    /* Fed one byte at a time, to cross block boundaries in pieces. */
    for (const char *p = v[i].in; *p; p++) tp_sha256_update(&s, p, 1);
    tp_sha256_hex(&s, hex);
    CHECK_STR(hex, v[i].hex);
  }
  /* One million 'a' (FIPS 180-2 appendix B.3). */
  tp_sha256 s;
  char hex[65], block[1000];
  memset(block, 'a', sizeof block);
  tp_sha256_init(&s);
  for (int i = 0; i < 1000; i++) tp_sha256_update(&s, block, sizeof block);
  tp_sha256_hex(&s, hex);
  CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* The SHA instructions (when present) give the portable code's digests, for
 * every length around the block size and fed in uneven pieces. */
static void test_sha256_agreement(void) {
  unsigned char buf[700];
  srand(11);
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)rand();
  fprintf(stderr, "hardware SHA-256: %s\n", tp_sha256_hardware() ? "yes" : "no");
  int bad = 0;
  for (size_t n = 0; n <= sizeof buf; n += n < 200 ? 1 : 37) {
    char hex[2][65];
    for (int forced = 0; forced < 2; forced++) {
      tp_sha256_force_portable(forced);
      tp_sha256 s;
      tp_sha256_init(&s);
      tp_sha256_update(&s, buf, n / 5);
      tp_sha256_update(&s, buf + n / 5, n - n / 5);
      tp_sha256_hex(&s, hex[forced]);
    }
    bad += strcmp(hex[0], hex[1]) != 0;
  }
  tp_sha256_force_portable(false);
  CHECK_INT(bad, 0);
  tp_sha256_force_portable(true);
  CHECK(!tp_sha256_hardware());
  tp_sha256_force_portable(false);
}

int main(void) {
  TP_RUN(test_vectors);
  TP_RUN(test_agreement);
  TP_RUN(test_sha256);
  TP_RUN(test_sha256_agreement);
  return tp_test_summary();
}
