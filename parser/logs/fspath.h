/* fspath: what a path names on disk, for the framework readers that look
 * for a run's files by name (run.json, args.yaml, plots/metrics/, ...).
 * Symbolic links are followed. */
#ifndef TP_FSPATH_H
#define TP_FSPATH_H

#include <stdbool.h>

/* Whether path names a regular file. */
bool tp_fspath_is_file(const char *path);
/* Whether path names a directory. */
bool tp_fspath_is_dir(const char *path);

#endif
