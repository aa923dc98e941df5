/* fanout_digest: the fingerprint of what a part of a site is drawn from (see
 * fanout.h), so that --assemble never joins parts of different inputs. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/fanout.h"
#include "model/hash.h"
#include "model/mem.h"

/* Feed the bytes of the file at path to h (framed by their length); a file
 * that cannot be read feeds a marker instead. */
static void S_hash_file(tp_hash *h, const char *path) {
  FILE *f = path ? fopen(path, "rb") : NULL;
  if (!f) {
    tp_hash_str(h, path ? "unreadable" : NULL);
    return;
  }
  char chunk[65536];
  size_t n, total = 0;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    tp_hash_bytes(h, chunk, n);
    total += n;
  }
  tp_hash_u64(h, ferror(f) ? UINT64_MAX : (uint64_t)total);
  fclose(f);
}

static int S_cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The regular files of dir whose names end in suffix ("" for all), not
 * hidden, sorted by name; *n set.  Caller frees each and the list. */
static char **S_list(const char *dir, const char *suffix, size_t *n) {
  char **names = NULL;
  size_t cap = 0, sl = strlen(suffix);
  *n = 0;
  DIR *d = opendir(dir);
  if (!d) return NULL;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (e->d_name[0] == '.' || len < sl || strcmp(e->d_name + len - sl, suffix) != 0) continue;
    TP_GROW(names, cap, *n + 1);
    names[(*n)++] = tp_xasprintf("%s/%s", dir, e->d_name);
  }
  closedir(d);
  if (*n > 1) qsort(names, *n, sizeof *names, S_cmp_str);
  return names;
}

/* The fingerprint of one file's bytes, as hex, appended to *hex. */
static void S_add_fingerprint(char ***hex, size_t *n, size_t *cap, const char *path) {
  tp_hash h;
  tp_hash_init(&h);
  S_hash_file(&h, path);
  TP_GROW(*hex, *cap, *n + 1);
  (*hex)[*n] = tp_xcalloc(1, TP_HASH_HEX);
  tp_hash_hex(&h, (*hex)[(*n)++]);
}

/* The summaries (files, or directories of *.json files, as `render` reads
 * them), as a set: each file's fingerprint, sorted, so that neither the
 * order of the arguments nor the paths matter. */
static void S_hash_summaries(tp_hash *h, char *const *sums, size_t n_sums) {
  char **hex = NULL;
  size_t n = 0, cap = 0;
  for (size_t i = 0; i < n_sums; i++) {
    struct stat st;
    if (stat(sums[i], &st) == 0 && S_ISDIR(st.st_mode)) {
      size_t nf;
      char **files = S_list(sums[i], ".json", &nf);
      for (size_t k = 0; k < nf; k++) {
        S_add_fingerprint(&hex, &n, &cap, files[k]);
        free(files[k]);
      }
      free(files);
    } else {
      S_add_fingerprint(&hex, &n, &cap, sums[i]);
    }
  }
  if (n > 1) qsort(hex, n, sizeof *hex, S_cmp_str);
  tp_hash_u64(h, n);
  for (size_t i = 0; i < n; i++) {
    tp_hash_str(h, hex[i]);
    free(hex[i]);
  }
  free(hex);
}

void tp_fanout_digest(char out[33], char *const *sums, size_t n_sums, const tp_pipeline_opts *po,
                      const tp_cli_site_opts *so) {
  tp_hash h;
  tp_hash_init(&h);
  tp_hash_str(&h, "trainprint-part 1");
  char id[TP_HASH_HEX];
  tp_cli_program_id(id);
  tp_hash_str(&h, id);
  S_hash_summaries(&h, sums, n_sums);
  S_hash_file(&h, po->config_path);
  /* the templates and the reference tables, by name and bytes */
  char *tpl = so->pages.templates_dir ? tp_xstrdup(so->pages.templates_dir)
                                      : tp_xasprintf("%s/templates", tp_cli_datadir());
  char *data = tp_xasprintf("%s/data", tp_cli_datadir());
  const char *dirs[] = {tpl, data};
  for (size_t d = 0; d < 2; d++) {
    size_t nf;
    char **files = S_list(dirs[d], "", &nf);
    tp_hash_u64(&h, nf);
    for (size_t k = 0; k < nf; k++) {
      tp_hash_str(&h, strrchr(files[k], '/') + 1);
      S_hash_file(&h, files[k]);
      free(files[k]);
    }
    free(files);
  }
  free(tpl);
  free(data);
  /* the options that change pages (the exports are the assembler's own) */
  tp_hash_u64(&h, (uint64_t)so->pages.png << 2 | (uint64_t)so->pages.pdf << 1 |
                      (uint64_t)so->stamp);
  tp_hash_str(&h, so->publish.compare_zones);
  tp_hash_double(&h, so->publish.uncertainty.pue_low);
  tp_hash_double(&h, so->publish.uncertainty.pue_high);
  tp_hash_hex(&h, out);
}
