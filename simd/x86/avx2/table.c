/* SPDX-License-Identifier: BSD-3-Clause */
/* The entries avx2 implements; the rest keep the scalar reference. */
#include <config.h>

#include "internal.h"

void sg_table_fill_avx2(struct sg_table *t) {
  SG_USE(t, sigmoid, avx2, SG_ISA_AVX2);
  SG_USE(t, sigmoid_backward, avx2, SG_ISA_AVX2);
  SG_USE(t, tanh, avx2, SG_ISA_AVX2);
  SG_USE(t, tanh_backward, avx2, SG_ISA_AVX2);
  SG_USE(t, sigmoid_fast, avx2, SG_ISA_AVX2);
  SG_USE(t, tanh_fast, avx2, SG_ISA_AVX2);
  SG_USE(t, relu, avx2, SG_ISA_AVX2);
  SG_USE(t, relu_backward, avx2, SG_ISA_AVX2);
  SG_USE(t, softmax, avx2, SG_ISA_AVX2);
  SG_USE(t, log_softmax, avx2, SG_ISA_AVX2);
  SG_USE(t, softmax_backward, avx2, SG_ISA_AVX2);
  SG_USE(t, log_softmax_backward, avx2, SG_ISA_AVX2);
  SG_USE(t, softmax_xent, avx2, SG_ISA_AVX2);
  SG_USE(t, dense_forward, avx2, SG_ISA_AVX2);
  SG_USE(t, dense_backward, avx2, SG_ISA_AVX2);
  SG_USE(t, outer, avx2, SG_ISA_AVX2);
}
