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

#include "model/diag.h"
#include "model/sitemark.h" /* TP_SITE_MANIFEST */

/* What is known of a file written into a site, to tell later whether it is
 * still as written. */
typedef struct tp_site_stamp {
  bool known;        /* false until taken */
  unsigned long long size, ino;
  long long mtime_s; /* modification time, seconds and nanoseconds */
  long mtime_ns;
} tp_site_stamp;

/* A group of files (a page and its charts) and the fingerprint of what made
 * them; files are a range of the site's file list. */
typedef struct tp_site_group {
  char *name;                 /* the page's path */
  char digest[33];            /* the caller's fingerprint of what the files are made of */
  char key[33];               /* optional: a fingerprint of what that is computed from,
                                 cheaper to tell (tp_site_group_take_key); "" when none */
  size_t first, n;            /* the files */
} tp_site_group;

typedef struct tp_site_record tp_site_record; /* the previous site's groups (opaque) */

/* Directories of a site kept open, by their path inside it, so that the files
 * in them are reached without walking the whole path each time. */
#define TP_SITE_DIRS 8
typedef struct tp_site_dirs {
  char *rel[TP_SITE_DIRS]; /* "" for the site's top */
  int fd[TP_SITE_DIRS];
  size_t n;
} tp_site_dirs;

typedef struct tp_site {
  char *dir;        /* the target directory, as given */
  char *tmp;        /* the directory being written */
  char **files;     /* relative paths written so far, in order */
  tp_site_stamp *stamps; /* parallel to files (only with a record) */
  size_t n_files, cap_files, cap_stamps;
  char *made_dir;   /* the last directory created inside tmp (saves mkdir calls) */
  /* reuse (tp_site_reuse_from); all NULL/0 without */
  char *record;     /* where the record of this site's groups is written */
  tp_site_record *old;     /* the previous site's record, or NULL */
  tp_site_group *groups;   /* this site's groups, in order */
  size_t n_groups, cap_groups;
  bool in_group;    /* between tp_site_group_begin and _end */
  size_t n_reused;  /* groups taken from the previous site */
  tp_site_dirs old_dirs, new_dirs; /* open directories of the previous and new site */
} tp_site;

/* Make directory path and those above it that are missing (mode 0755), like
 * `mkdir -p`: 0, or -1 with errno set. */
int tp_site_mkdirs(const char *path);

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
 * removed and the previous site is left as it was).  What went wrong without
 * failing (the record of the pages could not be written, the previous report
 * held files of its own) is added to notes for the caller to print; notes may
 * be NULL, then it is dropped. */
int tp_site_commit(tp_site *s, tp_diags *notes, char **err);
/* Give up: remove the temporary site.  Safe after commit (does nothing). */
void tp_site_abort(tp_site *s);

/* ---- reuse of unchanged files --------------------------------------------
 *
 * A page and the files that belong to it (its charts) form a group, named by
 * the page's path and fingerprinted by the caller with a digest of
 * everything that determines their bytes.  When the previous site (the one
 * this site replaces) has a group of that name and digest, and each of its
 * files is still as it was written (size, modification time and inode
 * unchanged, so an edited or replaced file is never taken), the files are
 * hard-linked into the new site (copied where linking fails) instead of
 * being drawn again.  The record of groups lives outside the site, in a file
 * the caller names (in the cache directory), so a site's bytes never depend
 * on whether it reused anything.  The record is replaced only when the site
 * is committed. */

/* Use the record at record_path (it need not exist yet) for s, whose
 * tp_site_begin succeeded.  Returns 0, or -1 with *err (caller frees) when
 * the record exists but is unreadable or corrupt: it is then ignored (nothing
 * is reused) and replaced at commit. */
int tp_site_reuse_from(tp_site *s, const char *record_path, char **err);
/* True when s keeps a record (digests are worth computing). */
bool tp_site_recording(const tp_site *s);
/* Take the group `name` from the previous site when its digest is `digest`
 * and its files are intact; true when taken (its files are then in the site),
 * false when the caller must write them (nothing was added). */
bool tp_site_group_reuse(tp_site *s, const char *name, const char *digest);
/* The same in two steps: take checks and links the files of group `name`
 * into the temporary site, add then records them in the site's file list.  A
 * group taken and not added is undone by tp_site_taken_drop. */
typedef struct tp_site_taken {
  const tp_site_group *group; /* the previous site's group, NULL when none taken */
  tp_site_stamp *stamps;      /* what is known of its files now */
  char key[33];               /* the key to record with it ("" when taken by digest) */
} tp_site_taken;
bool tp_site_group_take(tp_site *s, const char *name, const char *digest, tp_site_taken *t);
/* Take group `name` when the key recorded with it is `key` (see
 * tp_site_group_key): the caller vouches that equal keys make equal files,
 * so nothing needs to be built to compute the digest. */
bool tp_site_group_take_key(tp_site *s, const char *name, const char *key, tp_site_taken *t);
void tp_site_group_add(tp_site *s, tp_site_taken *t);
void tp_site_taken_drop(tp_site *s, tp_site_taken *t);
/* The files written between begin and end form the group `name`. */
void tp_site_group_begin(tp_site *s, const char *name, const char *digest);
void tp_site_group_end(tp_site *s);
/* Record key with the group begun or taken last. */
void tp_site_group_key(tp_site *s, const char *key);

/* A file-name-safe slug of name: ASCII letters, digits, '-', '_' and '.' kept
 * (lowercased), runs of anything else become one '-', no leading '.', at most
 * 60 characters, followed by '-' and 8 hex digits of a hash of the full name so
 * that distinct names never share a slug.  Caller frees. */
char *tp_site_slug(const char *name);
/* True when relpath is safe as a path inside a site. */
bool tp_site_path_ok(const char *relpath);

/* ---- drawing on threads, and sites made of parts --------------------------
 *
 * Threads drawing the pages of one site each write through a child site: it
 * writes into the same temporary directory (and takes from the same previous
 * site) but keeps a file list of its own, which tp_site_join appends to the
 * parent's.  Joining the children in a fixed order gives the same site and
 * manifest whatever thread drew what. */

/* Start child for s (whose tp_site_begin succeeded); it borrows s's
 * directories and record, which must outlive it. */
void tp_site_fork(tp_site *child, const tp_site *s);
/* Close the directories a site keeps open (they are opened again when
 * needed): a child done drawing holds no descriptors until it is joined. */
void tp_site_dirs_close(tp_site_dirs *c);
/* Append child's files and groups to s's and release child (always call it,
 * also after a failure: s is then aborted as a whole). */
void tp_site_join(tp_site *s, tp_site *child);
/* Put the file src_root/rel into the site as rel: a hard link where the file
 * system allows, else a copy.  0, or -1 with *err (caller frees). */
int tp_site_import(tp_site *s, const char *src_root, const char *rel, char **err);
/* Copy the file src to a new file dst; 0 or -1 (dst may then be partial). */
int tp_site_copy_file(const char *src, const char *dst);

#endif
