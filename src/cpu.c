/* SPDX-License-Identifier: BSD-3-Clause */
/* CPU feature detection. x86: cpuid says what the core has, xgetbv says what
 * state the OS saves on context switch; an ISA is usable only with both.
 * aarch64: the kernel's HWCAP. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

/* xgetbv through its encoding, so this file needs no -mxsave. */
static unsigned long long xgetbv0(void) {
  unsigned eax, edx;
  __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(eax), "=d"(edx) : "c"(0));
  return ((unsigned long long)edx << 32) | eax;
}

static void append(char *buf, size_t size, const char *word) {
  size_t len = strlen(buf);
  snprintf(buf + len, size - len, "%s%s", len ? " " : "", word);
}

void sg_cpu_detect(struct sg_cpu *cpu) {
  unsigned a, b, c, d;
  memset(cpu, 0, sizeof *cpu);
  snprintf(cpu->model, sizeof cpu->model, "unknown");

  unsigned max_ext = __get_cpuid_max(0x80000000u, NULL);
  if (max_ext >= 0x80000004u) {
    unsigned brand[12];
    for (unsigned i = 0; i < 3; i++)
      __get_cpuid(0x80000002u + i, &brand[4 * i], &brand[4 * i + 1], &brand[4 * i + 2],
                  &brand[4 * i + 3]);
    char text[49];
    memcpy(text, brand, 48);
    text[48] = 0;
    const char *start = text;
    while (*start == ' ') start++;
    for (size_t len = strlen(text); len > 0 && text[len - 1] == ' '; len--) text[len - 1] = 0;
    if (*start) snprintf(cpu->model, sizeof cpu->model, "%s", start);
  }

  if (!__get_cpuid(1, &a, &b, &c, &d)) return;
  int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
  unsigned long long xcr0 = osxsave ? xgetbv0() : 0;
  int ymm_state = (xcr0 & 0x6) == 0x6;             /* SSE and AVX state */
  int zmm_state = ymm_state && (xcr0 & 0xe0) == 0xe0; /* opmask, ZMM_Hi256, Hi16_ZMM */

  unsigned b7 = 0;
  if (__get_cpuid_max(0, NULL) >= 7) __get_cpuid_count(7, 0, &a, &b7, &c, &d);
  int avx2 = (b7 >> 5) & 1;
  int f = (b7 >> 16) & 1, dq = (b7 >> 17) & 1, bw = (b7 >> 30) & 1, vl = (b7 >> 31) & 1;

  char *out = cpu->features;
  size_t size = sizeof cpu->features;
  if (avx) append(out, size, "avx");
  if (fma) append(out, size, "fma");
  if (avx2) append(out, size, "avx2");
  if (f) append(out, size, "avx512f");
  if (dq) append(out, size, "avx512dq");
  if (bw) append(out, size, "avx512bw");
  if (vl) append(out, size, "avx512vl");
  append(out, size, ymm_state ? "os-ymm" : "no-os-ymm");
  append(out, size, zmm_state ? "os-zmm" : "no-os-zmm");

  cpu->avx2_fma = avx && fma && avx2 && ymm_state;
  cpu->avx512 = cpu->avx2_fma && f && dq && bw && vl && zmm_state;
}

#elif defined(__aarch64__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1 << 1)
#endif

void sg_cpu_detect(struct sg_cpu *cpu) {
  memset(cpu, 0, sizeof *cpu);
  snprintf(cpu->model, sizeof cpu->model, "unknown aarch64");
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (f) {
    char line[256];
    unsigned implementer = 0, part = 0;
    while (fgets(line, sizeof line, f)) {
      sscanf(line, "CPU implementer : %x", &implementer);
      sscanf(line, "CPU part : %x", &part);
    }
    fclose(f);
    if (implementer || part)
      snprintf(cpu->model, sizeof cpu->model, "aarch64 implementer 0x%02x part 0x%03x",
               implementer, part);
  }
  unsigned long hwcap = getauxval(AT_HWCAP);
  cpu->neon = (hwcap & HWCAP_ASIMD) != 0;
  snprintf(cpu->features, sizeof cpu->features, "%s", cpu->neon ? "asimd" : "no-asimd");
}

#else
void sg_cpu_detect(struct sg_cpu *cpu) {
  memset(cpu, 0, sizeof *cpu);
  snprintf(cpu->model, sizeof cpu->model, "unknown");
}
#endif
