/* publish_zones: the what-if by location (the lab's facility energy priced
 * in each grid zone) as whatif-zones.csv and as a bar chart.
 */
#include "render/publish_impl.h"

#include <math.h>

#include "render/csvout.h"

void tp_publish_zones_csv(tp_buf *b, const tp_publish_ctx *c) {
  tp_buf_adds(b, "zone,name,gco2e_per_kwh,year,facility_kwh,co2e_kg,factor_vs_cleanest,source\n");
  double lo = c->zones.n ? c->zones.rows[c->zones.i_min].co2e_kg : NAN;
  for (size_t i = 0; i < c->zones.n; i++) {
    const tp_whatif_zone *z = &c->zones.rows[i];
    tp_csvout_field(b, z->code);
    tp_buf_addc(b, ',');
    tp_csvout_field(b, z->zone->name);
    tp_buf_addc(b, ',');
    tp_csvout_shortest(b, z->zone->intensity_g_per_kwh);
    tp_buf_printf(b, ",%d,", z->zone->year);
    /* Unknown energy: empty cells, never "nan" or 0. */
    tp_csvout_fixed(b, tp_units_kwh(c->zones.facility_j), 6);
    tp_buf_addc(b, ',');
    tp_csvout_fixed(b, z->co2e_kg, 6);
    tp_buf_addc(b, ',');
    tp_csvout_fixed(b, lo > 0 ? z->co2e_kg / lo : NAN, 4);
    tp_buf_addc(b, ',');
    tp_csvout_field(b, z->zone->source);
    tp_buf_addc(b, '\n');
  }
}

tp_chart *tp_publish_zones_chart(const tp_publish_ctx *c) {
  tp_chart *ch = tp_chart_new(TP_CHART_BAR, "CO2e of the same energy by grid zone",
                              "The lab's facility energy priced at the annual carbon intensity "
                              "of each grid zone.");
  tp_chart_set_id(ch, "whatif-zones");
  tp_chart_axis_set(&ch->x, TP_AXIS_CATEGORY, "Grid zone", NULL);
  tp_chart_axis_set(&ch->y, TP_AXIS_NUMBER, "CO2e", "g");
  tp_chart_series *s = tp_chart_add_series(ch, "CO2e", 0, TP_DRAW_BARS);
  for (size_t i = 0; i < c->zones.n; i++) {
    double x = (double)tp_chart_add_category(&ch->x, c->zones.rows[i].code);
    tp_chart_series_add(s, x, c->zones.rows[i].co2e_kg * 1000);
  }
  return ch;
}
