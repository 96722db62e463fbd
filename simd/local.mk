# SPDX-License-Identifier: BSD-3-Clause
# Hand-written kernels: one convenience library per ISA, each compiled with its
# own flags only and reached only through the dispatch table.
SIMD_LIBS =
SIMD_COMMON = simd/common/vmath.h simd/common/map.h simd/common/sigmoid.h simd/common/tanh.h \
	simd/common/relu.h simd/common/softmax.h simd/common/dense.h

if SG_AVX2
noinst_LTLIBRARIES += libsg_avx2.la
libsg_avx2_la_SOURCES = $(SIMD_COMMON) simd/x86/avx2/vec.h \
	simd/x86/avx2/table.c simd/x86/avx2/sigmoid.c simd/x86/avx2/tanh.c simd/x86/avx2/relu.c simd/x86/avx2/softmax.c \
	simd/x86/avx2/dense.c
libsg_avx2_la_CFLAGS = $(AM_CFLAGS) $(AVX2_CFLAGS)
SIMD_LIBS += libsg_avx2.la
endif

if SG_AVX512
noinst_LTLIBRARIES += libsg_avx512.la
libsg_avx512_la_SOURCES = $(SIMD_COMMON) simd/x86/avx512/vec.h simd/x86/avx512/vec16.h \
	simd/x86/avx512/table.c simd/x86/avx512/sigmoid.c simd/x86/avx512/tanh.c simd/x86/avx512/relu.c simd/x86/avx512/softmax.c \
	simd/x86/avx512/dense.c
libsg_avx512_la_CFLAGS = $(AM_CFLAGS) $(AVX512_CFLAGS)
SIMD_LIBS += libsg_avx512.la
endif

if SG_NEON
noinst_LTLIBRARIES += libsg_neon.la
libsg_neon_la_SOURCES = $(SIMD_COMMON) simd/arm/neon/vec.h \
	simd/arm/neon/table.c simd/arm/neon/sigmoid.c simd/arm/neon/tanh.c simd/arm/neon/relu.c simd/arm/neon/softmax.c \
	simd/arm/neon/dense.c
SIMD_LIBS += libsg_neon.la
endif

# Headers of the ISAs this build skips still belong in the tarball.
EXTRA_DIST += $(SIMD_COMMON) \
	simd/x86/avx2/vec.h simd/x86/avx2/table.c simd/x86/avx2/sigmoid.c \
	simd/x86/avx2/tanh.c simd/x86/avx2/relu.c simd/x86/avx2/softmax.c simd/x86/avx2/dense.c \
	simd/x86/avx512/vec.h simd/x86/avx512/vec16.h simd/x86/avx512/table.c \
	simd/x86/avx512/sigmoid.c simd/x86/avx512/tanh.c simd/x86/avx512/relu.c simd/x86/avx512/softmax.c simd/x86/avx512/dense.c \
	simd/arm/neon/vec.h simd/arm/neon/table.c simd/arm/neon/sigmoid.c \
	simd/arm/neon/tanh.c simd/arm/neon/relu.c simd/arm/neon/softmax.c simd/arm/neon/dense.c
