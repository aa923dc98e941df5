/* fspath: what a path names on disk (see fspath.h). */
#include "parser/logs/fspath.h"

#include <sys/stat.h>

bool tp_fspath_is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool tp_fspath_is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}
