/* SPDX-License-Identifier: BSD-3-Clause */
/* The dispatch API of src/simdgrad.h: names, support, forcing an ISA
 * and the per-entry kernel report. (The first use from many threads at once:
 * verify/test_threads.) */
#include <config.h>

#include "check.h"

int main(void) {
  CHECK(strcmp(sg_isa_name(SG_ISA_SCALAR), "scalar") == 0, "scalar name");
  CHECK(strcmp(sg_isa_name(SG_ISA_AVX2), "avx2") == 0, "avx2 name");
  CHECK(strcmp(sg_isa_name(SG_ISA_AVX512), "avx512") == 0, "avx512 name");
  CHECK(strcmp(sg_isa_name(SG_ISA_NEON), "neon") == 0, "neon name");
  CHECK(sg_isa_name(SG_ISA_COUNT) == NULL && sg_isa_name((sg_isa)-1) == NULL, "out-of-range name");
  CHECK(sg_isa_supported(SG_ISA_SCALAR) == 1, "scalar always supported");
  CHECK(sg_isa_supported(SG_ISA_COUNT) == 0, "out-of-range support");
#if defined(__x86_64__)
  CHECK(sg_isa_supported(SG_ISA_NEON) == 0, "NEON on x86");
#elif defined(__aarch64__)
  CHECK(sg_isa_supported(SG_ISA_AVX2) == 0 && sg_isa_supported(SG_ISA_AVX512) == 0, "x86 on arm");
  CHECK(sg_isa_supported(SG_ISA_NEON) == 1, "NEON is baseline on aarch64");
#endif
  CHECK(sg_cpu_model()[0] != 0, "empty CPU model");
  CHECK(strcmp(sg_version(), PACKAGE_VERSION) == 0, "version %s", sg_version());

  /* Unforced, the widest supported ISA is chosen. */
  sg_isa best = SG_ISA_SCALAR;
  for (int i = 0; i < SG_ISA_COUNT; i++)
    if (sg_isa_supported((sg_isa)i)) best = (sg_isa)i;
  const char *forced = getenv("SIMDGRAD_ISA");
  if (!forced || !*forced)
    CHECK(sg_active_isa() == best, "active %s, best %s", sg_isa_name(sg_active_isa()), sg_isa_name(best));
  printf("active %s (best supported %s)\n", sg_isa_name(sg_active_isa()), sg_isa_name(best));

  /* Entries, and forcing each ISA. */
  size_t entries = 0;
  while (sg_entry_name(entries)) entries++;
  CHECK(entries >= 2 && strcmp(sg_entry_name(0), "sigmoid") == 0 &&
            strcmp(sg_entry_name(1), "sigmoid_backward") == 0, "entry list");
  CHECK(sg_entry_isa(entries) == SG_ISA_COUNT, "entry past the end");
  for (int i = 0; i <= SG_ISA_COUNT; i++) {
    sg_isa before = sg_active_isa(), isa = (sg_isa)i;
    int rc = sg_set_isa(isa);
    if (i < SG_ISA_COUNT && sg_isa_supported(isa)) {
      CHECK(rc == 0 && sg_active_isa() == isa, "set %s", sg_isa_name(isa));
      /* Every ISA that exists has its own sigmoid kernels. */
      CHECK(sg_entry_isa(0) == isa && sg_entry_isa(1) == isa, "sigmoid kernels of %s", sg_isa_name(isa));
      for (size_t e = 0; e < entries; e++)
        CHECK(sg_entry_isa(e) == isa || sg_entry_isa(e) == SG_ISA_SCALAR, "entry %zu", e);
    } else {
      CHECK(rc == -1 && sg_active_isa() == before, "unsupported ISA %d accepted", i);
    }
  }
  return check_summary("test_dispatch");
}
