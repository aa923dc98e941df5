/* slurmjobs: the jobs of Slurm accounting files become runs.
 *
 * The files the configuration names (slurm: files, with its columns), then
 * every other sacct file discovery found, are read (times without a zone in
 * the zone of naive times); each job that started and has no run of its id yet
 * becomes a run "slurm/<job id>" in the file's folder (model/slurmjob.h), so
 * that the traces of that folder reach it by time and the estimate, when
 * hardware is known, uses its GPUs.  A run folder is a job's run when it holds
 * the job's output file (slurm-<id>.out), records its id (tp_slurm_run_job_id),
 * or its path ends with the job's WorkDir (tp_slurm_jobs_by_workdir). */
#include "cli/pipeline_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include "model/jobgpus.h"
#include "model/mem.h"
#include "model/run.h"
#include "model/slurmjob.h"

/* The end of the data of a file of jobs: the latest time its records name.
 * Not the file's modification time: a file copied off the cluster (or
 * checked out) has the time of the copy, years after the jobs. */
static double S_data_end(const tp_slurm_jobs *jobs) {
  double end = NAN;
  for (size_t i = 0; i < jobs->count; i++)
    for (size_t k = 0; k < jobs->items[i].n_segments; k++) {
      const tp_job_segment *g = &jobs->items[i].segments[k];
      if (!(g->start_s <= end)) end = g->start_s;
      if (!isnan(g->end_s) && !(g->end_s <= end)) end = g->end_s;
    }
  return end;
}

/* The job id a Slurm output file name gives ("slurm-4242.out": 4242;
 * "slurm-4240_7.out": 4240_7), newly allocated, or NULL. */
static char *S_out_name_id(const char *name) {
  size_t n = strlen(name);
  if (n < 11 || strncmp(name, "slurm-", 6) != 0 || strcmp(name + n - 4, ".out") != 0)
    return NULL;
  size_t digits = 0, unders = 0;
  for (size_t i = 6; i < n - 4; i++) {
    if (name[i] >= '0' && name[i] <= '9') digits++;
    else if (name[i] == '_' && digits && !unders && i + 1 < n - 4) unders++;
    else return NULL;
  }
  return tp_xstrndup(name + 6, n - 10);
}

/* The job whose output file a run folder holds (the first such file by
 * name), or NULL; newly allocated. */
static char *S_folder_job_id(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return NULL;
  char *best = NULL, *best_name = NULL;
  struct dirent *e;
  while ((e = readdir(d))) {
    char *id = S_out_name_id(e->d_name);
    if (!id) continue;
    if (!best_name || strcmp(e->d_name, best_name) < 0) {
      free(best);
      free(best_name);
      best = id;
      best_name = tp_xstrdup(e->d_name);
    } else {
      free(id);
    }
  }
  closedir(d);
  free(best_name);
  return best;
}

/* Runs of folders that hold a job's output file become that job's runs;
 * claimed[i] is set for each job i so taken.  folder_ids[r]: the job id of
 * run r's folder (lab index), or NULL. */
static void S_claim_folders(tp_pipeline_state *st, tp_slurm_jobs *jobs, char **folder_ids,
                            size_t n_runs, const char *path, double data_end_s,
                            double mtime_s, bool *claimed) {
  for (size_t r = 0; r < n_runs; r++) {
    tp_run *run = st->lab->runs[r];
    if (!folder_ids[r] || run->job) continue;
    tp_slurm_job *job = tp_slurm_jobs_find(jobs, folder_ids[r]);
    if (!job || tp_slurm_job_claim(run, job, path, data_end_s) != 0) continue;
    tp_run_check_window(run, mtime_s);
    claimed[job - jobs->items] = true;
  }
}

/* Runs of folders that no job's output file or recorded id names become the
 * run of the one job whose WorkDir their path ends with (a folder copied off
 * the cluster); a path that fits several jobs is a note, and no job's. */
static void S_claim_workdirs(tp_pipeline_state *st, tp_slurm_jobs *jobs, char **folder_ids,
                             size_t n_runs, const char *path, double data_end_s,
                             double mtime_s, bool *claimed) {
  for (size_t r = 0; r < n_runs; r++) {
    tp_run *run = st->lab->runs[r];
    if (folder_ids[r] || run->job) continue;
    size_t n = 0;
    tp_slurm_job *job = tp_slurm_jobs_by_workdir(jobs, run->dir, claimed, &n);
    if (n > 1)
      tp_diag_add(&run->diags, TP_NOTE, path, -1, -1,
                  "the run's folder ends with the working directory of %zu Slurm jobs: "
                  "taken as none's run", n);
    if (!job || tp_slurm_job_claim(run, job, path, data_end_s) != 0) continue;
    tp_diag_add(&run->diags, TP_NOTE, path, -1, job->line,
                "Slurm job %s's run: its folder ends with the job's working directory %s",
                job->job_id, job->workdir);
    tp_run_check_window(run, mtime_s);
    claimed[job - jobs->items] = true;
  }
}

static bool S_has_run(const tp_lab *lab, const char *id) {
  for (size_t i = 0; i < lab->n_runs; i++)
    if (strcmp(lab->runs[i]->id, id) == 0) return true;
  return false;
}

/* The jobs of one accounting file (path, in folder dir; columns: the
 * configured column list, or NULL) as runs of the lab. */
static void S_apply_file(tp_pipeline_state *st, const char *path, const char *dir,
                         const char *columns, char **folder_ids, size_t n_runs) {
  tp_lab *lab = st->lab;
  tp_clock clock;
  tp_clock_init(&clock, st->tz, st->opts->clock_offset_s);
  tp_sacct_options opt = {.columns = columns, .clock = &clock};
  tp_slurm_jobs jobs = {0};
  if (tp_sacct_load(path, &opt, &jobs, &lab->diags) < 0) {
    tp_slurm_jobs_free(&jobs);
    return;
  }
  double data_end_s = S_data_end(&jobs);
  tp_input info = {0};
  tp_traces_file_info(st->cache_dir, path, true, info.sha256, &info.size, &info.mtime_s);
  bool *claimed = tp_xcalloc(jobs.count + 1, sizeof *claimed);
  S_claim_folders(st, &jobs, folder_ids, n_runs, path, data_end_s, (double)info.mtime_s,
                  claimed);
  S_claim_workdirs(st, &jobs, folder_ids, n_runs, path, data_end_s, (double)info.mtime_s,
                   claimed);
  size_t made = 0, unstarted = 0;
  for (size_t i = 0; i < jobs.count; i++) {
    const tp_slurm_job *job = &jobs.items[i];
    if (claimed[i]) continue;
    char *id = tp_xasprintf("slurm/%s", job->job_id);
    bool dup = S_has_run(lab, id);
    free(id);
    tp_run *run = dup ? NULL : tp_slurm_job_run(job, dir, path, data_end_s);
    if (dup)
      tp_diag_add(&lab->diags, TP_WARN, path, -1, job->line,
                  "job %s is already a run (another accounting file): this record not used",
                  job->job_id);
    else if (!run) unstarted++;
    else {
      tp_input *in = &run->inputs[run->n_inputs - 1];
      memcpy(in->sha256, info.sha256, sizeof in->sha256);
      in->size = info.size;
      in->mtime_s = info.mtime_s;
      tp_run_check_window(run, (double)info.mtime_s);
      tp_lab_add_run(lab, run);
      made++;
    }
  }
  tp_diag_add(&lab->diags, TP_NOTE, path, -1, -1,
              "Slurm accounting: %zu job%s as runs%s", made, made == 1 ? "" : "s",
              unstarted ? "; jobs that never started are not runs" : "");
  free(claimed);
  tp_slurm_jobs_free(&jobs);
}

/* The folder of path, newly allocated. */
static char *S_dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return tp_xstrdup(".");
  return tp_xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
}

/* Each job's run starts with the GPUs its own records give (model/jobgpus.h:
 * SLURM_JOB_GPUS, CUDA_VISIBLE_DEVICES within it, else the allocation); a
 * trace's job labels may say more when it is read. */
static void S_base_gpus(tp_lab *lab) {
  for (size_t i = 0; i < lab->n_runs; i++) {
    tp_run *run = lab->runs[i];
    if (!run->job || run->job->gpu_source) continue;
    tp_job_gpus g;
    tp_job_gpus_pick(&g, run, NULL, 0);
    run->job->gpu_source = g.source;
    tp_job_gpus_free(&g);
  }
}

void tp_slurmjobs_apply(tp_pipeline_state *st, const tp_discovery *disc) {
  const tp_config_slurm *cs = &st->cfg->slurm;
  if (!cs->files.count && !disc->n_clusters) return;
  size_t n_runs = st->lab->n_runs; /* the runs of folders: jobs' runs come after */
  char **folder_ids = tp_xcalloc(n_runs + 1, sizeof *folder_ids);
  for (size_t r = 0; r < n_runs; r++) {
    folder_ids[r] = S_folder_job_id(st->lab->runs[r]->dir);
    const char *recorded = tp_slurm_run_job_id(st->lab->runs[r]);
    if (!folder_ids[r] && recorded) folder_ids[r] = tp_xstrdup(recorded);
  }
  for (size_t i = 0; i < cs->files.count; i++) {
    char *dir = S_dir_of(cs->files.items[i]);
    S_apply_file(st, cs->files.items[i], dir, cs->columns, folder_ids, n_runs);
    free(dir);
  }
  for (size_t i = 0; i < disc->n_clusters; i++) {
    bool named = false;
    for (size_t k = 0; k < cs->files.count && !named; k++)
      named = strcmp(cs->files.items[k], disc->clusters[i].path) == 0;
    if (!named)
      S_apply_file(st, disc->clusters[i].path, disc->clusters[i].dir, NULL, folder_ids, n_runs);
  }
  for (size_t r = 0; r < n_runs; r++) free(folder_ids[r]);
  free(folder_ids);
  S_base_gpus(st->lab);
}

void tp_slurmjobs_declare(tp_pipeline_state *st) {
  const char *scope = st->cfg->slurm.energy_scope;
  bool cpu_only = scope && strcmp(scope, "cpu") == 0;
  for (size_t i = 0; i < st->lab->n_runs; i++) tp_slurm_job_declare(st->lab->runs[i], cpu_only);
}
