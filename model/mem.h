/* mem: allocation that never returns NULL, and a growable string buffer.
 *
 * Running out of memory is not a diagnostic: the allocators print a message
 * and abort.  Every other module allocates through here.
 */
#ifndef TP_MEM_H
#define TP_MEM_H

#include <stdarg.h>
#include <stddef.h>

/* Like malloc/calloc/realloc/strdup, but abort with a message on failure.
 * The caller frees the result with free(). */
void *tp_xmalloc(size_t n);
void *tp_xcalloc(size_t count, size_t size);
void *tp_xrealloc(void *p, size_t n);
char *tp_xstrdup(const char *s);
char *tp_xstrndup(const char *s, size_t n);
/* printf into a fresh string; the caller frees it. */
char *tp_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *tp_xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Grow *pv (an array of elements of `size` bytes with capacity *cap) so that
 * it holds at least `need` elements.  Capacity doubles; overflow aborts. */
void tp_grow(void **pv, size_t *cap, size_t need, size_t size);
#define TP_GROW(arr, cap, need) tp_grow((void **)&(arr), &(cap), (need), sizeof *(arr))

/* A NUL-terminated byte string that grows as it is appended to. */
typedef struct tp_buf {
  char *data; /* always NUL-terminated once anything was added; NULL before */
  size_t len; /* bytes in data, not counting the NUL */
  size_t cap; /* bytes allocated */
} tp_buf;

void tp_buf_add(tp_buf *b, const char *s, size_t n);
void tp_buf_adds(tp_buf *b, const char *s);
void tp_buf_addc(tp_buf *b, char c);
void tp_buf_printf(tp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tp_buf_clear(tp_buf *b); /* keep the allocation, empty the string */
void tp_buf_free(tp_buf *b);
/* The contents (never NULL: "" when empty). */
const char *tp_buf_str(const tp_buf *b);
/* Hand the string to the caller (who frees it) and reset the buffer. */
char *tp_buf_detach(tp_buf *b);

#endif
