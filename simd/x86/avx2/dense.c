/* SPDX-License-Identifier: BSD-3-Clause */
/* Dense layer and outer product, avx2: the shared driver and microkernel of
 * simd/common/dense.h over this ISA's layer. Scalar twin: src/dense.c.
 * Tile 6 x 16: 12 ymm accumulators, 2 for B, 1 broadcast (16 registers). */
#include <config.h>

#include "internal.h"
#include "vec.h"

#define SG_DENSE_MR 6
#define SG_DENSE_NV 2
#define SG_DENSE_KC 256
#define SG_DENSE_MC 96
#define SG_DENSE_NC 4096
#include "common/dense.h"

SG_DEFINE_DENSE(avx2)
