/* SPDX-License-Identifier: BSD-3-Clause */
/* The softmax family, avx2: the shared algorithm of simd/common/softmax.h over
 * this ISA's layer. Scalar twin: src/softmax.c. */
#include <config.h>

#include "internal.h"
#include "vec.h"
#include "common/softmax.h"

SG_DEFINE_SOFTMAX(avx2)
