# SPDX-License-Identifier: BSD-3-Clause
# Hand-written kernels: one convenience library per ISA, each compiled with its
# own flags only and reached only through the dispatch table. Per ISA: its
# layer, elementwise.c (the element-wise kernels and the table, from the
# registry src/kernels.h), softmax.c and dense.c.
SIMD_LIBS =
SIMD_COMMON = simd/common/vmath.h simd/common/map.h simd/common/elementwise.h simd/common/sigmoid.h \
	simd/common/tanh.h simd/common/relu.h simd/common/softmax.h simd/common/dense.h
SIMD_AVX2 = simd/x86/avx2/vec.h simd/x86/avx2/elementwise.c simd/x86/avx2/softmax.c simd/x86/avx2/dense.c
SIMD_AVX512 = simd/x86/avx512/vec.h simd/x86/avx512/vec16.h simd/x86/avx512/elementwise.c \
	simd/x86/avx512/softmax.c simd/x86/avx512/dense.c
SIMD_NEON = simd/arm/neon/vec.h simd/arm/neon/elementwise.c simd/arm/neon/softmax.c simd/arm/neon/dense.c

if SG_AVX2
noinst_LTLIBRARIES += libsg_avx2.la
libsg_avx2_la_SOURCES = $(SIMD_COMMON) $(SIMD_AVX2)
libsg_avx2_la_CFLAGS = $(AM_CFLAGS) $(AVX2_CFLAGS)
SIMD_LIBS += libsg_avx2.la
endif

if SG_AVX512
noinst_LTLIBRARIES += libsg_avx512.la
libsg_avx512_la_SOURCES = $(SIMD_COMMON) $(SIMD_AVX512)
libsg_avx512_la_CFLAGS = $(AM_CFLAGS) $(AVX512_CFLAGS)
SIMD_LIBS += libsg_avx512.la
endif

if SG_NEON
noinst_LTLIBRARIES += libsg_neon.la
libsg_neon_la_SOURCES = $(SIMD_COMMON) $(SIMD_NEON)
SIMD_LIBS += libsg_neon.la
endif

# The sources of the ISAs this build skips still belong in the tarball.
EXTRA_DIST += $(SIMD_COMMON) $(SIMD_AVX2) $(SIMD_AVX512) $(SIMD_NEON)
