/* SPDX-License-Identifier: BSD-3-Clause */
/* The entries avx512 implements; the rest keep the scalar reference. */
#include <config.h>

#include "internal.h"

void sg_table_fill_avx512(struct sg_table *t) {
  SG_USE(t, sigmoid, avx512, SG_ISA_AVX512);
  SG_USE(t, sigmoid_backward, avx512, SG_ISA_AVX512);
  SG_USE(t, tanh, avx512, SG_ISA_AVX512);
  SG_USE(t, tanh_backward, avx512, SG_ISA_AVX512);
  SG_USE(t, sigmoid_fast, avx512, SG_ISA_AVX512);
  SG_USE(t, tanh_fast, avx512, SG_ISA_AVX512);
  SG_USE(t, relu, avx512, SG_ISA_AVX512);
  SG_USE(t, relu_backward, avx512, SG_ISA_AVX512);
  SG_USE(t, softmax, avx512, SG_ISA_AVX512);
  SG_USE(t, log_softmax, avx512, SG_ISA_AVX512);
  SG_USE(t, softmax_backward, avx512, SG_ISA_AVX512);
  SG_USE(t, log_softmax_backward, avx512, SG_ISA_AVX512);
  SG_USE(t, softmax_xent, avx512, SG_ISA_AVX512);
  SG_USE(t, dense_forward, avx512, SG_ISA_AVX512);
  SG_USE(t, dense_backward, avx512, SG_ISA_AVX512);
  SG_USE(t, outer, avx512, SG_ISA_AVX512);
}
