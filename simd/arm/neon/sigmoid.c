/* SPDX-License-Identifier: BSD-3-Clause */
/* sigmoid and its derivative, neon: the shared algorithm of simd/common/sigmoid.h
 * over this ISA's layer. Scalar twin: src/sigmoid.c. */
#include <config.h>

#include "internal.h"
#include "vec.h"
#include "common/sigmoid.h"

SG_DEFINE_MAP1(sg_sigmoid_neon, v_sigmoid)
SG_DEFINE_MAP2(sg_sigmoid_backward_neon, v_sigmoid_backward)
SG_DEFINE_MAP1(sg_sigmoid_fast_neon, v_sigmoid_fast)
