/* SPDX-License-Identifier: BSD-3-Clause */
/* The element-wise kernels of avx512 and its dispatch table: the shared
 * algorithms of simd/common/ over this ISA's layer, named from the registry
 * (simd/common/elementwise.h). Scalar twins: src/sigmoid.c, src/tanh.c,
 * src/relu.c. */
#include <config.h>

#include "internal.h"
/* The pair layer: each vector is two zmm, so every step of the algorithms
 * issues two independent chains side by side. The one-zmm layer of the
 * row-wise and dense kernels (vec16.h), with map.h's loop unrolled twice
 * instead, measured 5-13% slower on sigmoid and tanh (AMD EPYC, Zen 4): the
 * compiler runs the two calls one after the other. */
#include "vec.h"

#define SG_ISA_TOKEN avx512
#define SG_ISA_ENUM SG_ISA_AVX512
#include "common/elementwise.h"
