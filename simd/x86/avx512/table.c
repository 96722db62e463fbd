/* The entries avx512 implements; the rest keep the scalar reference. */
#include <config.h>

#include "internal.h"

void sg_table_fill_avx512(struct sg_table *t) {
  t->sigmoid = sg_sigmoid_avx512;
  t->sigmoid_backward = sg_sigmoid_backward_avx512;
  t->isa_of[SG_ENTRY_sigmoid] = t->isa_of[SG_ENTRY_sigmoid_backward] = SG_ISA_AVX512;
}
