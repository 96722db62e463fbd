/* The entries neon implements; the rest keep the scalar reference. */
#include <config.h>

#include "internal.h"

void sg_table_fill_neon(struct sg_table *t) {
  t->sigmoid = sg_sigmoid_neon;
  t->sigmoid_backward = sg_sigmoid_backward_neon;
  t->isa_of[SG_ENTRY_sigmoid] = t->isa_of[SG_ENTRY_sigmoid_backward] = SG_ISA_NEON;
  t->softmax = sg_softmax_neon;
  t->log_softmax = sg_log_softmax_neon;
  t->softmax_backward = sg_softmax_backward_neon;
  t->softmax_xent = sg_softmax_xent_neon;
  t->isa_of[SG_ENTRY_softmax] = t->isa_of[SG_ENTRY_log_softmax] = SG_ISA_NEON;
  t->isa_of[SG_ENTRY_softmax_backward] = t->isa_of[SG_ENTRY_softmax_xent] = SG_ISA_NEON;
}
