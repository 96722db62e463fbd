/* SPDX-License-Identifier: BSD-3-Clause */
/* The ReLU and its derivative, neon: the shared selects of simd/common/relu.h
 * over this ISA's layer. Scalar twin: src/relu.c. */
#include <config.h>

#include "internal.h"
#include "vec.h"
#include "common/relu.h"

SG_DEFINE_MAP1(sg_relu_neon, v_relu)
SG_DEFINE_MAP2(sg_relu_backward_neon, v_relu_backward)
