/* The entries avx512 implements; the rest keep the scalar reference. */
#include <config.h>

#include "internal.h"

void sg_table_fill_avx512(struct sg_table *t) {
  t->sigmoid = sg_sigmoid_avx512;
  t->sigmoid_backward = sg_sigmoid_backward_avx512;
  t->isa_of[SG_ENTRY_sigmoid] = t->isa_of[SG_ENTRY_sigmoid_backward] = SG_ISA_AVX512;
  t->softmax = sg_softmax_avx512;
  t->log_softmax = sg_log_softmax_avx512;
  t->softmax_backward = sg_softmax_backward_avx512;
  t->softmax_xent = sg_softmax_xent_avx512;
  t->isa_of[SG_ENTRY_softmax] = t->isa_of[SG_ENTRY_log_softmax] = SG_ISA_AVX512;
  t->isa_of[SG_ENTRY_softmax_backward] = t->isa_of[SG_ENTRY_softmax_xent] = SG_ISA_AVX512;
}
