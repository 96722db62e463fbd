/* SPDX-License-Identifier: BSD-3-Clause */
/* Dense layer and outer product, neon: the shared driver and microkernel of
 * simd/common/dense.h over this ISA's layer. Scalar twin: src/dense.c.
 * Tile 8 x 12: 24 q accumulators, 3 for B, broadcasts (32 registers). */
#include <config.h>

#include "internal.h"
#include "vec.h"

#define SG_DENSE_MR 8
#define SG_DENSE_NV 3
#define SG_DENSE_KC 256
#define SG_DENSE_MC 128
#define SG_DENSE_NC 3072
#include "common/dense.h"

SG_DEFINE_DENSE(neon)
