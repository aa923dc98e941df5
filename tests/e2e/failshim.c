/* failshim: an LD_PRELOAD library that makes chosen file operations fail,
 * for tests/e2e/bad_input.sh (built by that script, not by the project).
 *
 *   TP_SHIM_FULL=PREFIX      fopen() for writing of a path starting with PREFIX
 *                            opens /dev/full instead: writes fail with ENOSPC,
 *                            as on a full disk.
 *   TP_SHIM_NOACCESS=DIR     opendir(DIR) and access(DIR, ...) fail with EACCES,
 *                            as for an unreadable directory when not root
 *                            (root reads any directory, so chmod cannot test it).
 *
 * Only those calls are wrapped; everything else goes to the C library.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

FILE *fopen(const char *path, const char *mode);
FILE *fopen64(const char *path, const char *mode);
DIR *opendir(const char *name);
int access(const char *path, int how);

typedef FILE *(*S_fopen_fn)(const char *, const char *);

/* True when path is to be written on the "full disk". */
static int S_full(const char *path, const char *mode) {
  const char *prefix = getenv("TP_SHIM_FULL");
  return prefix && *prefix && path && strchr(mode, 'r') == NULL &&
         strncmp(path, prefix, strlen(prefix)) == 0;
}

static int S_denied(const char *path) {
  const char *dir = getenv("TP_SHIM_NOACCESS");
  return dir && *dir && path && strcmp(path, dir) == 0;
}

static FILE *S_open_with(const char *sym, const char *path, const char *mode) {
  S_fopen_fn real = (S_fopen_fn)dlsym(RTLD_NEXT, sym);
  if (!real) {
    errno = ENOSYS;
    return NULL;
  }
  return real(S_full(path, mode) ? "/dev/full" : path, mode);
}

FILE *fopen(const char *path, const char *mode) { return S_open_with("fopen", path, mode); }
FILE *fopen64(const char *path, const char *mode) { return S_open_with("fopen64", path, mode); }

DIR *opendir(const char *name) {
  if (S_denied(name)) {
    errno = EACCES;
    return NULL;
  }
  DIR *(*real)(const char *) = (DIR * (*)(const char *)) dlsym(RTLD_NEXT, "opendir");
  return real ? real(name) : NULL;
}

int access(const char *path, int how) {
  if (S_denied(path)) {
    errno = EACCES;
    return -1;
  }
  int (*real)(const char *, int) = (int (*)(const char *, int))dlsym(RTLD_NEXT, "access");
  return real ? real(path, how) : -1;
}
