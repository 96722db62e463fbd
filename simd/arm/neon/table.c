/* SPDX-License-Identifier: BSD-3-Clause */
/* The entries neon implements; the rest keep the scalar reference. */
#include <config.h>

#include "internal.h"

void sg_table_fill_neon(struct sg_table *t) {
  SG_USE(t, sigmoid, neon, SG_ISA_NEON);
  SG_USE(t, sigmoid_backward, neon, SG_ISA_NEON);
  SG_USE(t, tanh, neon, SG_ISA_NEON);
  SG_USE(t, tanh_backward, neon, SG_ISA_NEON);
  SG_USE(t, sigmoid_fast, neon, SG_ISA_NEON);
  SG_USE(t, tanh_fast, neon, SG_ISA_NEON);
  SG_USE(t, relu, neon, SG_ISA_NEON);
  SG_USE(t, relu_backward, neon, SG_ISA_NEON);
  SG_USE(t, softmax, neon, SG_ISA_NEON);
  SG_USE(t, log_softmax, neon, SG_ISA_NEON);
  SG_USE(t, softmax_backward, neon, SG_ISA_NEON);
  SG_USE(t, log_softmax_backward, neon, SG_ISA_NEON);
  SG_USE(t, softmax_xent, neon, SG_ISA_NEON);
  SG_USE(t, dense_forward, neon, SG_ISA_NEON);
  SG_USE(t, dense_backward, neon, SG_ISA_NEON);
  SG_USE(t, outer, neon, SG_ISA_NEON);
}
