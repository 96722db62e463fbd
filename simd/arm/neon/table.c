/* The entries neon implements; the rest keep the scalar reference. */
#include <config.h>

#include "internal.h"

void sg_table_fill_neon(struct sg_table *t) {
  t->sigmoid = sg_sigmoid_neon;
  t->sigmoid_backward = sg_sigmoid_backward_neon;
  t->isa_of[SG_ENTRY_sigmoid] = t->isa_of[SG_ENTRY_sigmoid_backward] = SG_ISA_NEON;
}
