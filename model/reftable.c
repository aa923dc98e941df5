/* reftable: releasing the reference tables, and looking rows up by name. */
#include "model/reftable.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void tp_reftables_free(tp_reftables *t) {
  for (size_t i = 0; i < t->n_zones; i++) {
    free(t->zones[i].zone);
    free(t->zones[i].name);
    free(t->zones[i].source);
  }
  for (size_t i = 0; i < t->n_countries; i++) free(t->countries[i].name);
  for (size_t i = 0; i < t->n_regions; i++) {
    free(t->regions[i].provider);
    free(t->regions[i].region);
    free(t->regions[i].location);
    free(t->regions[i].zone);
    free(t->regions[i].source);
  }
  for (size_t i = 0; i < t->n_hardware; i++) {
    free(t->hardware[i].model);
    free(t->hardware[i].source);
    free(t->hardware[i].cores_source);
  }
  for (size_t i = 0; i < t->n_equivalences; i++) {
    free(t->equivalences[i].name);
    free(t->equivalences[i].unit);
    free(t->equivalences[i].source);
  }
  for (size_t i = 0; i < t->n_sensors; i++) {
    free(t->sensors[i].device);
    free(t->sensors[i].field);
    free(t->sensors[i].source);
  }
  for (size_t i = 0; i < t->n_embodied; i++) {
    free(t->embodied[i].model);
    free(t->embodied[i].source);
  }
  for (size_t i = 0; i < t->n_water; i++) {
    free(t->water[i].zone);
    free(t->water[i].source);
  }
  free(t->sensors);
  free(t->embodied);
  free(t->water);
  free(t->zones);
  free(t->countries);
  free(t->regions);
  free(t->hardware);
  free(t->equivalences);
  memset(t, 0, sizeof *t);
}

const tp_zone_intensity *tp_reftable_find_zone(const tp_reftables *t, const char *code) {
  if (!code) return NULL;
  for (size_t i = 0; i < t->n_zones; i++)
    if (strcasecmp(t->zones[i].zone, code) == 0) return &t->zones[i];
  if (strlen(code) != 3) return NULL;
  for (size_t i = 0; i < t->n_countries; i++)
    if (strcasecmp(t->countries[i].alpha3, code) == 0)
      return tp_reftable_find_zone(t, t->countries[i].alpha2);
  return NULL;
}

const tp_cloud_region *tp_reftable_find_region(const tp_reftables *t, const char *region) {
  if (!region) return NULL;
  const char *sep = strpbrk(region, ":/");
  const tp_cloud_region *found = NULL;
  for (size_t i = 0; i < t->n_regions; i++) {
    const tp_cloud_region *r = &t->regions[i];
    if (sep) {
      size_t n = (size_t)(sep - region);
      if (strlen(r->provider) == n && strncasecmp(r->provider, region, n) == 0 &&
          strcasecmp(r->region, sep + 1) == 0)
        return r;
    } else if (strcasecmp(r->region, region) == 0) {
      if (found) return NULL; /* ambiguous without a provider */
      found = r;
    }
  }
  return found;
}

const tp_equivalence *tp_reftable_find_equivalence(const tp_reftables *t, const char *name) {
  for (size_t i = 0; name && i < t->n_equivalences; i++)
    if (strcmp(t->equivalences[i].name, name) == 0) return &t->equivalences[i];
  return NULL;
}

const tp_water_intensity *tp_reftable_find_water(const tp_reftables *t, const char *zone) {
  for (size_t i = 0; t && zone && i < t->n_water; i++)
    if (strcasecmp(t->water[i].zone, zone) == 0) return &t->water[i];
  return NULL;
}
