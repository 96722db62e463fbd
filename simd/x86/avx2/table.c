/* The entries avx2 implements; the rest keep the scalar reference. */
#include <config.h>

#include "internal.h"

void sg_table_fill_avx2(struct sg_table *t) {
  t->sigmoid = sg_sigmoid_avx2;
  t->sigmoid_backward = sg_sigmoid_backward_avx2;
  t->isa_of[SG_ENTRY_sigmoid] = t->isa_of[SG_ENTRY_sigmoid_backward] = SG_ISA_AVX2;
  t->softmax = sg_softmax_avx2;
  t->log_softmax = sg_log_softmax_avx2;
  t->softmax_backward = sg_softmax_backward_avx2;
  t->softmax_xent = sg_softmax_xent_avx2;
  t->isa_of[SG_ENTRY_softmax] = t->isa_of[SG_ENTRY_log_softmax] = SG_ISA_AVX2;
  t->isa_of[SG_ENTRY_softmax_backward] = t->isa_of[SG_ENTRY_softmax_xent] = SG_ISA_AVX2;
}
