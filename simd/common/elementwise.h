/* SPDX-License-Identifier: BSD-3-Clause */
/* Every element-wise kernel of one ISA, and that ISA's table, from the
 * registry (src/kernels.h): the file simd/<arch>/<isa>/elementwise.c
 * includes its layer, defines SG_ISA_TOKEN (avx2) and SG_ISA_ENUM
 * (SG_ISA_AVX2), then this. Each MAP1 or MAP2 kernel <name> is the loop of
 * map.h over the vector function v_<name> of the family headers below: a
 * new element-wise kernel is its registry line and its v_<name>. */
#ifndef SG_ELEMENTWISE_BODY_H
#define SG_ELEMENTWISE_BODY_H

#include "relu.h"
#include "sigmoid.h"
#include "tanh.h"

#define SG_EW_MAP1(name) SG_DEFINE_MAP1(SG_KERNEL_OF(name, SG_ISA_TOKEN), v_##name)
#define SG_EW_MAP2(name) SG_DEFINE_MAP2(SG_KERNEL_OF(name, SG_ISA_TOKEN), v_##name)
#define SG_EW_ROWS1(name) /* simd/common/softmax.h */
#define SG_EW_ROWS2(name)
#define SG_EW_XENT(name)
#define SG_EW_DENSE_FORWARD(name) /* simd/common/dense.h */
#define SG_EW_DENSE_BACKWARD(name)
#define SG_EW_OUTER(name)
#define SG_EW(name, shape, ...) SG_EW_##shape(name)
SG_KERNELS(SG_EW)
#undef SG_EW

/* The table: this ISA's kernel for every entry (the row-wise and dense ones
 * from its softmax.c and dense.c). */
void SG_PASTE3(sg_table_fill, _, SG_ISA_TOKEN)(struct sg_table *t) { SG_KERNELS(SG_FILL_ENTRY) }

#endif
