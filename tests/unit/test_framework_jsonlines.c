/* Tests for parser/logs/jsonlines: sniffing, a resumed DETR log, an MMEngine
 * validation line, bad lines, and the real DETR, detectron2 and MMEngine files
 * (values checked by hand against the files). */
#include "fw_check.h"
#include "parser/logs/jsonlines.h"

static tp_run *S_read(const char *text, tp_diags *d, tp_jsonlines_stats *st) {
  tp_run *run = tp_run_new("t", ".");
  FILE *f = fmemopen((void *)text, strlen(text), "rb");
  tp_metric_sink sink = tp_metric_sink_run(run);
  tp_jsonlines_read(f, "log.txt", run, &sink, d, st);
  fclose(f);
  return run;
}

static void test_sniff(void) {
  const char *detr = "{\"train_lr\": 0.0001, \"train_loss\": 1.5, \"epoch\": 0}\n";
  CHECK(tp_jsonlines_sniff(detr, strlen(detr)));
  CHECK(tp_jsonlines_sniff(detr, 20)); /* a first line longer than the head */
  const char *d2 = "{\"data_time\": 0.1, \"iteration\": 19, \"lr\": 0.01}\r\n{";
  CHECK(tp_jsonlines_sniff(d2, strlen(d2)));
  CHECK(!tp_jsonlines_sniff("{\n  \"step\": 1\n}\n", 16)); /* pretty-printed JSON */
  CHECK(!tp_jsonlines_sniff("{\"a\": 1}\n", 9));           /* no step key */
  CHECK(!tp_jsonlines_sniff("{\"step\": 1} x\n", 14));    /* not one object */
  CHECK(!tp_jsonlines_sniff("[05/23 23:57:47] d2.utils.events INFO: iter: 19\n", 48));
}

static void test_resumed_and_bad(void) {
  const char *text =
      "{\"train_loss\": 2.0, \"test_coco_eval_bbox\": [0.1, 0.2, -1], \"epoch\": 0, "
      "\"n_parameters\": 41}\n"
      "{\"train_loss\": 1.5, \"test_coco_eval_bbox\": [0.2, 0.3, -1], \"epoch\": 1, "
      "\"n_parameters\": 41}\n"
      "not json\n"
      "\n"
      "{\"train_loss\": 1.0}\n"
      "{\"train_loss\": 1.3, \"test_coco_eval_bbox\": [0.22, 0.32, 0.45], \"epoch\": 2}\n"
      "{\"train_loss\": 1.4, \"name\": \"x\", \"test_coco_eval_bbox\": [0.25, 0.35, 0.5], "
      "\"epoch\": 1}\n"
      "{\"train_loss\": 1.2, \"test_coco_eval_bbox\": [0.3, 0.4, 0.6], \"epoch\": 2}\n";
  tp_diags d = {0};
  tp_jsonlines_stats st;
  tp_run *run = S_read(text, &d, &st);
  CHECK_INT(st.records, 5);
  CHECK_INT(st.bad_lines, 2);
  CHECK_INT(d.n_by_severity[TP_WARN], 2);
  /* resumed at epoch 1: the model keeps the newest segment and counts a restart */
  fw_check_series(run, "train_loss", 3, 0, 2.0, 2, 1.2);
  const tp_series *s = tp_run_find_series(run, "train_loss");
  CHECK_INT(s ? s->restarts : -1, 1);
  CHECK_NEAR(s ? s->points[1].value : 0, 1.4, 1e-12);
  fw_check_series(run, "test_coco_eval_bbox/0", 3, 0, 0.1, 2, 0.3);
  fw_check_series(run, "test_coco_eval_bbox/2", 2, 1, 0.5, 2, 0.6); /* -1 is unknown */
  CHECK(!tp_run_find_series(run, "epoch"));
  CHECK(!tp_run_find_series(run, "n_parameters"));
  fw_check_hparam(run, "n_parameters", "41");
  tp_run_free(run);
  tp_diag_free(&d);
}

static void test_mmengine_val(void) {
  const char *text =
      "{\"lr\": 0.1, \"loss\": 3.0, \"time\": 0.2, \"epoch\": 1, \"iter\": 20, \"step\": 20}\n"
      "{\"lr\": 0.1, \"loss\": 2.0, \"time\": 0.3, \"epoch\": 1, \"iter\": 40, \"step\": 40}\n"
      "{\"accuracy/top1\": 80.5, \"time\": 0.25, \"step\": 1}\n";
  tp_diags d = {0};
  tp_jsonlines_stats st;
  tp_run *run = S_read(text, &d, &st);
  CHECK_INT(st.records, 3);
  fw_check_series(run, "time", 2, 20, 0.2, 40, 0.3);
  fw_check_series(run, "val/time", 1, 1, 0.25, 1, 0.25);
  fw_check_series(run, "accuracy/top1", 1, 1, 80.5, 1, 80.5);
  CHECK(!tp_run_find_series(run, "iter"));
  CHECK_INT(d.count + 0, 0);
  tp_run_free(run);
  tp_diag_free(&d);
}

static void test_corpus(void) {
  size_t err = 0;
  tp_run *run = fw_load_corpus("framework/detr-jsonl-rarefin/outputs", &err);
  if (!run) return;
  CHECK_INT(err, 0);
  fw_check_series(run, "train_loss", 46, 0, 8.84055568377177, 45, 0.6613116097755921);
  fw_check_series(run, "test_loss", 46, 0, 5.596650479715081, 45, 0.6104065466530716);
  fw_check_hparam(run, "n_parameters", "11777871");
  CHECK_INT(run->restarts, 0);
  CHECK(isnan(run->start_s)); /* no wall time anywhere */
  tp_run_free(run);

  run = fw_load_corpus("framework/detr-jsonl-smy1999/outputs", &err);
  CHECK_INT(err, 0);
  fw_check_series(run, "train_loss", 100, 0, 8.85111717744307, 99, 6.856253027915955);
  fw_check_series(run, "test_coco_eval_bbox/0", 100, 0, 0.021234504752601344, 99,
                  0.04494272000914137);
  CHECK(!tp_run_find_series(run, "test_coco_eval_bbox/11")); /* always -1 */
  tp_run_free(run);

  run = fw_load_corpus("framework/detectron2-medical-waste/output", &err);
  CHECK_INT(err, 0);
  fw_check_series(run, "total_loss", 200, 19, 2.725107299629599, 3999, 1.0374564621597528);
  fw_check_series(run, "time", 200, 19, 2.235912486999979, 3999, 2.4338669990002018);
  fw_check_series(run, "lr", 200, 19, 1.9310000000000002e-06, 3999, 2.5000000000000006e-06);
  CHECK(isnan(run->start_s));
  tp_run_free(run);

  run = fw_load_corpus("framework/detectron2-train-levi/output", &err);
  CHECK_INT(err, 0);
  fw_check_series(run, "total_loss", 5, 19, 2.0359768134658225, 99, 1.280293806164991);
  fw_check_series(run, "loss_mask", 5, 19, 0.6871292293071747, 99, 0.27252553403377533);
  tp_run_free(run);

  run = fw_load_corpus(
      "framework/mmengine-visdata-aicamp/task2/mmpretrain/exp_lr1e-3/20230608_014129/vis_data",
      &err);
  CHECK_INT(err, 0);
  fw_check_series(run, "loss", 50, 20, 3.2852962255477904, 1081, 0.18192107379436492);
  fw_check_series(run, "accuracy/top1", 10, 1, 79.27928161621094, 10, 93.01802062988281);
  fw_check_series(run, "lr", 50, 20, 0.001, 1081, 0.001);
  fw_check_series(run, "time", 50, 20, 0.2423637866973877, 1081, 0.24062018394470214);
  fw_check_series(run, "val/time", 10, 1, 0.24392053059169225, 10, 0.22845514889421134);
  CHECK_INT(run->restarts, 0);
  CHECK_INT(run->n_inputs, 1); /* scalars.json, not its <timestamp>.json copy */
  tp_run_free(run);
}

int main(void) {
  TP_RUN(test_sniff);
  TP_RUN(test_resumed_and_bad);
  TP_RUN(test_mmengine_val);
  TP_RUN(test_corpus);
  return tp_test_summary();
}
