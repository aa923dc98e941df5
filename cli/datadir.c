/* datadir: where the program's templates and reference tables are. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cli/cli.h"

static int S_has_tables(const char *dir) {
  char path[4096];
  struct stat st;
  int n = snprintf(path, sizeof path, "%s/data/grid_intensity.csv", dir);
  return n > 0 && (size_t)n < sizeof path && stat(path, &st) == 0;
}

const char *tp_cli_datadir(void) {
  const char *env = getenv("TRAINPRINT_DATADIR");
  if (env && *env) return env;
  /* The source tree first: a build is run from where it was built; an
   * installed copy (or a package on another machine) finds its share dir. */
  if (S_has_tables(TP_DATADIR)) return TP_DATADIR;
  return TP_INSTALL_DATADIR;
}
