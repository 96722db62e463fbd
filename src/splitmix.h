/* SPDX-License-Identifier: BSD-3-Clause */
/* splitmix64 (Steele, Lea and Flood's generator): a seeded stream with the
 * same values on every platform, for the MLP's initial weights, the
 * experiments' shuffles and data, the gradient checker and the tests. */
#ifndef SG_SPLITMIX_H
#define SG_SPLITMIX_H

#include <stdint.h>

static inline uint64_t sg_splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* A float in [lo, hi) with uniformly random bits below, for magnitudes. */
static inline float sg_uniform(uint64_t *state, float lo, float hi) {
  return lo + (hi - lo) * (float)((sg_splitmix64(state) >> 40) * 0x1p-24);
}

#endif
