/* SPDX-License-Identifier: BSD-3-Clause */
/* Dense layer and outer product, avx512: the shared driver and microkernel of
 * simd/common/dense.h over the one-zmm layer (vec16.h). Scalar twin:
 * src/dense.c. Tile 8 x 48: 24 zmm accumulators, 3 for B, broadcasts from
 * memory (32 registers). 8 x 48 rather than 12 x 32: batch 32 and 256 are
 * whole tiles, and it measured 1.0-1.9x faster on the layer's shapes (1.0x
 * at 1024^3). NC is a multiple of 48. */
#include <config.h>

#include "internal.h"
#include "vec16.h"

#define SG_DENSE_MR 8
#define SG_DENSE_NV 3
#define SG_DENSE_KC 256
#define SG_DENSE_MC 192
#define SG_DENSE_NC 4080
#include "common/dense.h"

SG_DEFINE_DENSE(avx512)
