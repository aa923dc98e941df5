/* tp_test: the few macros the unit tests use.
 *
 * Each test file defines test functions and a main() that runs them with
 * TP_RUN(fn) and ends with `return tp_test_summary();`, which prints
 * "N passed, N failed" and returns 0 or 1 (77 when every check skipped).
 */
#ifndef TP_TEST_H
#define TP_TEST_H

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int tp_test_passed, tp_test_failed, tp_test_skipped;

#define CHECK(cond)                                                                  \
  do {                                                                               \
    if (cond) tp_test_passed++;                                                      \
    else {                                                                           \
      tp_test_failed++;                                                              \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
    }                                                                                \
  } while (0)

#define CHECK_INT(a, b)                                                              \
  do {                                                                               \
    long long tp_a_ = (long long)(a), tp_b_ = (long long)(b);                        \
    if (tp_a_ == tp_b_) tp_test_passed++;                                            \
    else {                                                                           \
      tp_test_failed++;                                                              \
      fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a,  \
              tp_a_, tp_b_);                                                         \
    }                                                                                \
  } while (0)

/* Doubles equal within an absolute tolerance (in the unit of b). */
#define CHECK_NEAR(a, b, tol) TP_CHECK_WITHIN(a, b, (tol), 0.0)
/* Doubles equal within a relative tolerance: |a - b| <= rel * |b|. */
#define CHECK_REL(a, b, rel) TP_CHECK_WITHIN(a, b, 0.0, (rel))

#define TP_CHECK_WITHIN(a, b, abs_tol, rel_tol)                                      \
  do {                                                                               \
    double tp_a_ = (a), tp_b_ = (b);                                                 \
    double tp_d_ = fabs(tp_a_ - tp_b_);                                              \
    if (tp_d_ <= (abs_tol) || tp_d_ <= (rel_tol)*fabs(tp_b_)) tp_test_passed++;      \
    else {                                                                           \
      tp_test_failed++;                                                              \
      fprintf(stderr, "%s:%d: %s == %.17g, expected %.17g\n", __FILE__, __LINE__, #a, \
              tp_a_, tp_b_);                                                         \
    }                                                                                \
  } while (0)

#define CHECK_STR(a, b)                                                              \
  do {                                                                               \
    const char *tp_a_ = (a), *tp_b_ = (b);                                           \
    if (tp_a_ && tp_b_ && strcmp(tp_a_, tp_b_) == 0) tp_test_passed++;               \
    else {                                                                           \
      tp_test_failed++;                                                              \
      fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
              #a, tp_a_ ? tp_a_ : "(null)", tp_b_ ? tp_b_ : "(null)");               \
    }                                                                                \
  } while (0)

#define TP_RUN(fn)                                                                   \
  do {                                                                               \
    fprintf(stderr, "-- %s\n", #fn);                                                 \
    fn();                                                                            \
  } while (0)

/* The shared corpus directory, or NULL (with a message) when it is absent:
 * tests that need it call tp_test_skip() and return. */
static inline const char *tp_test_shared(void) {
  struct stat st;
  if (stat(TP_SHARED_DIR "/corpus", &st) != 0 || !S_ISDIR(st.st_mode)) {
    fprintf(stderr, "skip: shared corpus not found at %s/corpus\n", TP_SHARED_DIR);
    return NULL;
  }
  return TP_SHARED_DIR;
}

/* Check that path, a file or directory a test needs from the shared corpus,
 * is there.  Call it only once tp_test_shared() found the corpus: a corpus
 * that is present but lost a file the test reads is a failure, never a
 * skip.  Returns whether it is there. */
static inline int tp_test_need(const char *path) {
  struct stat st;
  if (stat(path, &st) == 0) {
    tp_test_passed++;
    return 1;
  }
  tp_test_failed++;
  fprintf(stderr, "FAIL: the shared corpus lacks %s, which this test reads\n", path);
  return 0;
}

static inline void tp_test_skip(const char *why) {
  tp_test_skipped++;
  fprintf(stderr, "skip: %s\n", why);
}

static inline int tp_test_summary(void) {
  printf("%d passed, %d failed", tp_test_passed, tp_test_failed);
  if (tp_test_skipped) printf(", %d skipped", tp_test_skipped);
  printf("\n");
  if (tp_test_failed) return 1;
  if (!tp_test_passed && tp_test_skipped) return 77;
  return 0;
}

#endif
