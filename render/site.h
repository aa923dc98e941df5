/* site: writing the report directory safely.
 *
 * A site is built in a fresh temporary directory beside the target
 * ("DIR.tmp-XXXXXX") and moved into place only when every file was written,
 * so a failed run never leaves a half-written site and the previous one stays
 * intact.  The site holds a manifest (".trainprint-site") listing the files
 * trainprint wrote.  Replacing an earlier site removes only the files its
 * manifest lists; trainprint never deletes a file it did not write.  A target
 * that exists, is not empty and has no manifest is refused.
 *
 * Paths inside the site are relative, '/'-separated, and checked: no "..",
 * no absolute paths, no empty components; a name from the inputs must first
 * go through tp_site_slug().
 */
#ifndef TP_SITE_H
#define TP_SITE_H

#include <stdbool.h>
#include <stddef.h>

#define TP_SITE_MANIFEST ".trainprint-site"

typedef struct tp_site {
  char *dir;        /* the target directory, as given */
  char *tmp;        /* the directory being written */
  char **files;     /* relative paths written so far, in order */
  size_t n_files, cap_files;
} tp_site;

/* Start a site for dir.  Returns 0, or -1 with *err set (caller frees) when dir
 * is a file, exists without a manifest and is not empty, or its parent cannot
 * be written. */
int tp_site_begin(tp_site *s, const char *dir, char **err);
/* Write data to relpath in the site, creating sub-directories.  0 or -1 with *err. */
int tp_site_write(tp_site *s, const char *relpath, const void *data, size_t n, char **err);
/* The absolute-or-relative path on disk for relpath inside the temporary site
 * (for writers that need a file name, such as cairo); caller frees.  Creates
 * the parent directories and records the file as written.  NULL with *err when
 * relpath is unsafe. */
char *tp_site_path(tp_site *s, const char *relpath, char **err);
/* Move the finished site into place.  0, or -1 with *err (the temporary site is
 * removed and the previous site is left as it was). */
int tp_site_commit(tp_site *s, char **err);
/* Give up: remove the temporary site.  Safe after commit (does nothing). */
void tp_site_abort(tp_site *s);

/* A file-name-safe slug of name: ASCII letters, digits, '-', '_' and '.' kept
 * (lowercased), runs of anything else become one '-', no leading '.', at most
 * 60 characters, followed by '-' and 8 hex digits of a hash of the full name so
 * that distinct names never share a slug.  Caller frees. */
char *tp_site_slug(const char *name);
/* True when relpath is safe as a path inside a site. */
bool tp_site_path_ok(const char *relpath);

#endif
