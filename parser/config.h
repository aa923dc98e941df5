/* config: trainprint.yaml read into a tp_config (model/config.h).
 *
 * The file is read through yamldoc (bounded depth and size, aliases refused),
 * then walked key by key.  Every key is optional.  What cannot be used is
 * reported and skipped, and the rest of the file is still used:
 *
 * - an unknown key: "line L, column C: unknown key 'x' in 'defaults'; ignored";
 * - a value of the wrong type: "... 'pue' in 'defaults' should be a number,
 *   not a string; ignored";
 * - a value out of range or not one of the allowed words (pue outside
 *   [1, 10], goal other than max|min, a negative count, an unknown time
 *   zone, unit or format, a pattern that does not compile): said so, ignored;
 * - a key given twice: the later value is used, with a warning.
 *
 * A null value (`key:` with nothing after it, or `~`) leaves the key unset.
 * Relative file paths in the file (defaults.intensity, power files) are
 * resolved against the directory of the configuration file.  The full list
 * of keys is docs/configuration.md.
 */
#ifndef TP_PARSER_CONFIG_H
#define TP_PARSER_CONFIG_H

#include <stddef.h>

#include "model/config.h"
#include "model/diag.h"

#define TP_CONFIG_NAME "trainprint.yaml"
#define TP_CONFIG_NAME_ALT "trainprint.yml"

/* Read the configuration at path into cfg (which is initialised here; free it
 * with tp_config_free whatever the result).  Problems go to d as diagnostics
 * naming path.  Returns 0 when the file was used (possibly with warnings:
 * unusable keys skipped, or a syntax error after which what came before is
 * used), -1 when nothing of it could be used (cannot be read, not YAML, or
 * not a mapping at the top), with an error in d; cfg is then empty. */
int tp_config_load(tp_config *cfg, const char *path, tp_diags *d);

/* The same over buf[0..len).  path names the input in diagnostics and gives
 * the directory relative paths are resolved against; NULL means
 * "trainprint.yaml" in the current directory. */
int tp_config_load_mem(tp_config *cfg, const char *buf, size_t len, const char *path,
                       tp_diags *d);

/* The configuration file that belongs to a command's first path argument:
 * trainprint.yaml, else trainprint.yml, in that directory (when first_arg is
 * a directory) or in the directory holding it (when it is a file).  Returns a
 * new path (the caller frees it), or NULL when there is none. */
char *tp_config_find(const char *first_arg);

#endif
