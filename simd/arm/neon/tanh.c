/* SPDX-License-Identifier: BSD-3-Clause */
/* tanh and its derivative, neon: the shared algorithm of simd/common/tanh.h
 * over this ISA's layer. Scalar twin: src/tanh.c. */
#include <config.h>

#include "internal.h"
#include "vec.h"
#include "common/tanh.h"

SG_DEFINE_MAP1(sg_tanh_neon, v_tanh)
SG_DEFINE_MAP2(sg_tanh_backward_neon, v_tanh_backward)
SG_DEFINE_MAP1(sg_tanh_fast_neon, v_tanh_fast)
