/* SPDX-License-Identifier: BSD-3-Clause */
/* The element-wise kernels of avx2 and its dispatch table: the shared
 * algorithms of simd/common/ over this ISA's layer, named from the registry
 * (simd/common/elementwise.h). Scalar twins: src/sigmoid.c, src/tanh.c,
 * src/relu.c. */
#include <config.h>

#include "internal.h"
#include "vec.h"

#define SG_ISA_TOKEN avx2
#define SG_ISA_ENUM SG_ISA_AVX2
#include "common/elementwise.h"
