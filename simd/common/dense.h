/* SPDX-License-Identifier: BSD-3-Clause */
/* The dense layer and outer products, written once for every ISA: the vector
 * twin of src/dense.c (see there for the bit-identity rules). Everything is
 * one GEMM driver, C (M x N) = init + A (M x K) B (K x N), with A and B read
 * through row and column strides so the three products need no transposed
 * copies of their own:
 *   forward  Y  = bias + X W    A = X (row-major),    B = W (row-major)
 *   dW       dW = X^T dY        A = X^T (col-major),  B = dY (row-major)
 *   dX       dX = dY W^T        A = dY (row-major),   B = W^T (col-major)
 *
 * Blocking (the usual three-level scheme): N in NC columns, K in KC steps, M
 * in MC rows. A KC x NC block of B is packed into panels of NR = NV * SG_VL
 * columns (k-major, zero-padded), an MC x KC block of A into panels of MR rows
 * (k-major, zero-padded), or, for operands small enough to stay in cache,
 * read in place (SG_DENSE_DIRECT); the microkernel keeps an MR x NR tile of C in
 * MR * NV vector accumulators, loads NV vectors of B and broadcasts MR
 * elements of A per k. Each accumulator lane is one output element and gets
 * exactly one FMA per k, in increasing k: one sequential FMA chain per
 * output, whatever MR, NR and the vector width. Across K blocks the chain is
 * stored in C and reloaded, which changes nothing (the stored float is the
 * chain's value). So every ISA, and every tuning, returns the scalar bits.
 * Every store of a result below goes through v_canon_nan (the outer product
 * rewrites only the rows found to hold a NaN: see there): which NaN an FMA
 * returns depends on the ISA and the instruction form, so the NaN is
 * replaced by SG_DEFAULT_NAN as src/dense.c does. Partial chains stored
 * between K blocks may be canonicalised too: a NaN stays NaN through the
 * later FMAs, and the last store canonicalises again.
 *
 * An ISA's dense.c includes its layer, defines SG_DENSE_MR, SG_DENSE_NV,
 * SG_DENSE_KC, SG_DENSE_MC, SG_DENSE_NC (MC and NC multiples of MR and NR),
 * then includes this and names the kernels with SG_DEFINE_DENSE(isa). */
#ifndef SG_DENSE_BODY_H
#define SG_DENSE_BODY_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmath.h"

#define SG_DENSE_NR (SG_DENSE_NV * SG_VL)

#if SG_DENSE_MC % SG_DENSE_MR || SG_DENSE_NC % SG_DENSE_NR
#error "SG_DENSE_MC and SG_DENSE_NC must be multiples of MR and NR"
#endif

/* A matrix read through strides: element (r, c) is p[r * rs + c * cs]. */
struct sg_strided {
  const float *p;
  size_t rs, cs;
};

/* Lanes [0, cnt) of p into a vector, the others 0 (cnt may be >= SG_VL or <= 0). */
SG_INLINE vf dn_load_part(const float *p, ptrdiff_t cnt) {
  if (cnt >= SG_VL) return v_load(p);
  if (cnt <= 0) return v_set(0.0f);
  return v_load_n(p, (size_t)cnt);
}

SG_INLINE void dn_store_part(float *p, ptrdiff_t cnt, vf a) {
  if (cnt >= SG_VL) v_store(p, a);
  else if (cnt > 0) v_store_n(p, (size_t)cnt, a);
}

/* One MR x (NV * SG_VL) tile: c (rows < mr, columns < nr are real) gets
 * init (first K block: the row vector init, or 0 when init is NULL) or its own
 * value, then kc FMA steps. A is read in place or packed, through one stride:
 * with AR1 (adjacent rows) element (r, k) is a[k * as + r] (a packed panel,
 * as = MR, or X^T in place), else a[r * as + k] (a row-major X or dY in place); all MR
 * rows must be readable. B row k is the NV vectors at b + k * ldb (a packed
 * panel, or the rows of a row-major W or dY read in place); with MASKB only
 * the nr columns of the row are read (a tail panel read in place: lanes past
 * nr load 0 and are never stored). */
SG_INLINE void dn_tile(const int NV, const int AR1, const int MASKB, size_t kc, const float *restrict a,
                       size_t as, const float *restrict b, size_t ldb, float *c, size_t ldc, size_t mr,
                       size_t nr, int first, const float *init) {
  vf acc[SG_DENSE_MR][SG_DENSE_NV];
  const size_t nrp = (size_t)NV * SG_VL;
  const size_t btail = nr - (size_t)(NV - 1) * SG_VL; /* lanes of the last vector with MASKB */
  const int full = mr == SG_DENSE_MR && nr == nrp;
  if (first) {
    vf iv[SG_DENSE_NV];
#pragma GCC unroll 8
    for (int v = 0; v < NV; v++)
      iv[v] = init ? dn_load_part(init + v * SG_VL, (ptrdiff_t)nr - v * SG_VL) : v_set(0.0f);
#pragma GCC unroll 32
    for (int r = 0; r < SG_DENSE_MR; r++)
#pragma GCC unroll 8
      for (int v = 0; v < NV; v++) acc[r][v] = iv[v];
  } else if (full) {
#pragma GCC unroll 32
    for (int r = 0; r < SG_DENSE_MR; r++)
#pragma GCC unroll 8
      for (int v = 0; v < NV; v++) acc[r][v] = v_load(c + r * ldc + v * SG_VL);
  } else {
#pragma GCC unroll 32
    for (int r = 0; r < SG_DENSE_MR; r++)
#pragma GCC unroll 8
      for (int v = 0; v < NV; v++)
        acc[r][v] = (size_t)r < mr ? dn_load_part(c + r * ldc + v * SG_VL, (ptrdiff_t)nr - v * SG_VL)
                                   : v_set(0.0f);
  }

  for (size_t k = 0; k < kc; k++) {
    vf bv[SG_DENSE_NV];
#pragma GCC unroll 8
    for (int v = 0; v < NV; v++)
      bv[v] = MASKB && v == NV - 1 ? v_load_n(b + v * SG_VL, btail) : v_load(b + v * SG_VL);
#pragma GCC unroll 32
    for (int r = 0; r < SG_DENSE_MR; r++) {
      vf ar = v_set(AR1 ? a[r] : a[(size_t)r * as]);
#pragma GCC unroll 8
      for (int v = 0; v < NV; v++) acc[r][v] = v_fma(ar, bv[v], acc[r][v]);
    }
    a += AR1 ? as : 1;
    b += ldb;
  }

  if (full) {
#pragma GCC unroll 32
    for (int r = 0; r < SG_DENSE_MR; r++)
#pragma GCC unroll 8
      for (int v = 0; v < NV; v++) v_store(c + r * ldc + v * SG_VL, v_canon_nan(acc[r][v]));
  } else {
#pragma GCC unroll 32
    for (int r = 0; r < SG_DENSE_MR; r++)
      if ((size_t)r < mr)
#pragma GCC unroll 8
        for (int v = 0; v < NV; v++)
          dn_store_part(c + r * ldc + v * SG_VL, (ptrdiff_t)nr - v * SG_VL, v_canon_nan(acc[r][v]));
  }
}

/* One compiled tile per vector count nv = 1..NV (the last column panel is as
 * narrow as it can be: N = 100 on AVX-512 is 2 panels of 48 and one of 16,
 * 4 lanes of it used) and per way of reading A and B. */
#define DN_TILE_NV(NVC)                                                                            \
  static __attribute__((noinline)) void dn_tile_##NVC(int ar1, int maskb, size_t kc, const float *a, \
                                                      size_t as, const float *b, size_t ldb,         \
                                                      float *c, size_t ldc, size_t mr, size_t nr,    \
                                                      int first, const float *init) {                \
    if (ar1 && maskb)                                                                              \
      dn_tile(NVC, 1, 1, kc, a, as, b, ldb, c, ldc, mr, nr, first, init);                          \
    else if (ar1)                                                                                  \
      dn_tile(NVC, 1, 0, kc, a, as, b, ldb, c, ldc, mr, nr, first, init);                          \
    else if (maskb)                                                                                \
      dn_tile(NVC, 0, 1, kc, a, as, b, ldb, c, ldc, mr, nr, first, init);                          \
    else                                                                                           \
      dn_tile(NVC, 0, 0, kc, a, as, b, ldb, c, ldc, mr, nr, first, init);                          \
  }
DN_TILE_NV(1)
#if SG_DENSE_NV >= 2
DN_TILE_NV(2)
#endif
#if SG_DENSE_NV >= 3
DN_TILE_NV(3)
#endif
#if SG_DENSE_NV >= 4
DN_TILE_NV(4)
#endif
#if SG_DENSE_NV > 4
#error "SG_DENSE_NV > 4: add tiles"
#endif

static void dn_tile_nv(size_t nv, int ar1, int maskb, size_t kc, const float *a, size_t as,
                       const float *b, size_t ldb, float *c, size_t ldc, size_t mr, size_t nr,
                       int first, const float *init) {
  switch (nv) {
#if SG_DENSE_NV >= 4
    case 4: dn_tile_4(ar1, maskb, kc, a, as, b, ldb, c, ldc, mr, nr, first, init); break;
#endif
#if SG_DENSE_NV >= 3
    case 3: dn_tile_3(ar1, maskb, kc, a, as, b, ldb, c, ldc, mr, nr, first, init); break;
#endif
#if SG_DENSE_NV >= 2
    case 2: dn_tile_2(ar1, maskb, kc, a, as, b, ldb, c, ldc, mr, nr, first, init); break;
#endif
    default: dn_tile_1(ar1, maskb, kc, a, as, b, ldb, c, ldc, mr, nr, first, init); break;
  }
}

/* The SG_VL x SG_VL block at W (rows ldw apart; rows < nrow and columns <
 * ncol real, the rest 0) transposed into t: t[c] holds column c. */
SG_INLINE void dn_load_block_t(vf t[SG_VL], const float *W, size_t ldw, int nrow, ptrdiff_t ncol) {
  if (nrow == SG_VL && ncol >= SG_VL) {
    v_load_t(t, W, ldw);
    return;
  }
  for (int r = 0; r < SG_VL; r++) t[r] = r < nrow ? dn_load_part(W + (size_t)r * ldw, ncol) : v_set(0.0f);
  v_transpose(t);
}

/* Rows of the source the packers copy into every panel per round (see
 * dn_pack_a and dn_pack_b), and floats per 64-byte cache line. */
#define DN_PACK_ROUND 16
#define DN_LINE_FLOATS 16

/* Pack rows [i0, i0 + mc) x columns [p0, p0 + kc) of A into panels of MR rows:
 * panel q holds dst[q * kc * MR + k * MR + r] = A(i0 + q * MR + r, p0 + k),
 * rows past mc zero. Pure data movement: no rounding. */
static void dn_pack_a(size_t mc, size_t kc, struct sg_strided A, size_t i0, size_t p0, float *dst) {
  if (A.rs == 1) { /* column-major (X^T in dW): the mc floats of each k are
                    * contiguous; DN_PACK_ROUND of them at a time are copied into every
                    * panel, by vectors (not a memcpy call per 48 bytes).
                    * Panel by panel, each row of X was read once per panel
                    * (at 1024^3 a page each, beyond the hardware prefetcher);
                    * one k at a time into every panel, the panels' stores
                    * (8 KiB apart) fought over the same L1 sets (0.88x at
                    * 784 -> 100, batch 256). */
    for (size_t k0 = 0; k0 < kc; k0 += DN_PACK_ROUND) {
      size_t k1 = kc - k0 < DN_PACK_ROUND ? kc : k0 + DN_PACK_ROUND;
      for (size_t q = 0; q < mc; q += SG_DENSE_MR)
        for (size_t k = k0; k < k1; k++) {
          const float *src = A.p + i0 + q + (p0 + k) * A.cs;
          float *d = dst + q * kc + k * SG_DENSE_MR;
#pragma GCC unroll 4
          for (int c = 0; c < SG_DENSE_MR; c += SG_VL)
            dn_store_part(d + c, SG_DENSE_MR - c, dn_load_part(src + c, (ptrdiff_t)(mc - q) - c));
        }
    }
    return;
  }
  for (size_t q = 0; q < mc; q += SG_DENSE_MR) {
    size_t mr = mc - q < SG_DENSE_MR ? mc - q : SG_DENSE_MR;
    const float *src = A.p + (i0 + q) * A.rs + p0 * A.cs;
    float *d = dst + q * kc;
    if (A.cs == 1) { /* row-major: SG_VL rows (or what is left of the panel)
                      * by SG_VL columns transposed in registers; rows past
                      * mr load as 0 (scalar copies were half of the packing
                      * time at 1024^3) */
      for (size_t r0 = 0; r0 < SG_DENSE_MR; r0 += SG_VL) {
        const int lanes = SG_DENSE_MR - r0 < SG_VL ? (int)(SG_DENSE_MR - r0) : SG_VL;
        const int nrow = r0 >= mr ? 0 : mr - r0 < (size_t)lanes ? (int)(mr - r0) : lanes;
        for (size_t k = 0; k < kc; k += SG_VL) {
          vf t[SG_VL];
          dn_load_block_t(t, src + r0 * A.rs + k, A.rs, nrow, (ptrdiff_t)(kc - k));
          for (size_t c = 0; c < SG_VL && k + c < kc; c++) dn_store_part(d + (k + c) * SG_DENSE_MR + r0, lanes, t[c]);
        }
      }
    } else {
      for (size_t k = 0; k < kc; k++, d += SG_DENSE_MR) {
        size_t r = 0;
        for (; r < mr; r++) d[r] = src[r * A.rs + k * A.cs];
        for (; r < SG_DENSE_MR; r++) d[r] = 0.0f;
      }
    }
  }
}

/* Pack rows [p0, p0 + kc) x columns [j0, j0 + nc) of B into panels of NR
 * columns (the last one nv * SG_VL wide, nv as small as fits): panel at column
 * j of the block starts at dst + j * kc, row k of it at + k * width; columns
 * past nc zero. */
static void dn_pack_b(size_t kc, size_t nc, struct sg_strided B, size_t p0, size_t j0, float *dst) {
  if (B.cs == 1) { /* row-major: DN_PACK_ROUND rows at a time copied into every panel,
                    * by whole vectors (a memcpy call per row of at most NR
                    * floats cost more than the copy: 784 -> 100 at batch
                    * 32 ran 3.5x slower). Panel by panel, each row was read
                    * once per panel (at 1024^3 a page each, beyond the
                    * hardware prefetcher): 1.03x there. */
    for (size_t k0 = 0; k0 < kc; k0 += DN_PACK_ROUND) {
      size_t k1 = kc - k0 < DN_PACK_ROUND ? kc : k0 + DN_PACK_ROUND;
      for (size_t j = 0; j < nc; j += SG_DENSE_NR) {
        size_t nr = nc - j < SG_DENSE_NR ? nc - j : SG_DENSE_NR;
        size_t w = (nr + SG_VL - 1) / SG_VL * SG_VL;
        for (size_t k = k0; k < k1; k++) {
          const float *src = B.p + (p0 + k) * B.rs + j0 + j;
          float *d = dst + j * kc + k * w;
          for (size_t c = 0; c < w; c += SG_VL) v_store(d + c, dn_load_part(src + c, (ptrdiff_t)(nr - c)));
        }
      }
    }
    return;
  }
  for (size_t j = 0; j < nc; j += SG_DENSE_NR) {
    size_t nr = nc - j < SG_DENSE_NR ? nc - j : SG_DENSE_NR;
    size_t w = (nr + SG_VL - 1) / SG_VL * SG_VL;
    const float *src = B.p + p0 * B.rs + (j0 + j) * B.cs;
    float *d = dst + j * kc;
    if (B.rs == 1) { /* column-major (W^T in dX): column c of the panel is
                      * contiguous in k, so SG_VL x SG_VL blocks are
                      * loaded as rows and transposed in registers
                      * (scalar copies cost 0.86x OpenBLAS at batch 32) */
      for (size_t c = 0; c < w; c += SG_VL)
        for (size_t k = 0; k < kc; k += SG_VL) {
          vf blk[SG_VL];
          size_t rows = nr - c < SG_VL ? nr - c : SG_VL;
          dn_load_block_t(blk, src + c * B.cs + k, B.cs, (int)rows, (ptrdiff_t)(kc - k));
          for (size_t q = 0; q < SG_VL && k + q < kc; q++) v_store(d + (k + q) * w + c, blk[q]);
        }
    } else { /* any other strides */
      for (size_t c = 0; c < w; c++) {
        if (c < nr) {
          const float *s = src + c * B.cs;
          for (size_t k = 0; k < kc; k++) d[k * w + c] = s[k * B.rs];
        } else {
          for (size_t k = 0; k < kc; k++) d[k * w + c] = 0.0f;
        }
      }
    }
  }
}

static void *dn_alloc(size_t floats) {
  size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
  return aligned_alloc(64, bytes ? bytes : 64);
}

/* Operands up to this many bytes are read in place by the tiles instead of
 * packed (A when its rows are contiguous, B when its rows are): for the
 * layer's shapes (784 -> 100 at batch 32: W 306 KiB, X 98 KiB) the copies
 * cost as much as the FMAs, and everything stays in L2. Larger ones are
 * packed as usual: read in place, 1024^3 ran 0.94x (forward) and 0.75x (dW)
 * as fast, its rows a power of two apart mapping to the same L1 sets. A tail
 * panel of B read in place is read with masked loads; an edge panel of A
 * (mr < MR) is still packed,
 * zero-padded, so that no tile reads past the operand. X^T (dW), whose MR
 * floats per k lie a whole row of X apart from the next k's, is read in place
 * only up to a quarter of that: 1.3-1.5x faster at 100 -> 10 (X 13-100 KiB),
 * 1.07x at 784 -> 100 batch 32, but 0.94x at batch 256 (784 KiB). */
#define SG_DENSE_DIRECT ((size_t)1 << 20)
/* Packing buffers up to this many floats live on the stack: at the MLP's
 * small shapes (100 -> 10) a malloc and free per call are felt. */
#define SG_DENSE_STACK 4096

/* Whether B is read in place (else packed). B's rows read in place split a
 * load across cache lines on every row when they are not whole lines apart
 * (out = 100: 400 bytes); with 512 rows of A or more (dW at in = 784) a
 * packed copy is read often enough to pay: 1.00-1.14x at batch 256, 1.015x
 * at 32, the more so when the other core is busy; at the forward's 256 rows
 * it measured 0.98x. */
static int dn_b_direct(size_t M, size_t N, size_t K, struct sg_strided B) {
  return B.cs == 1 && K * N * sizeof(float) <= SG_DENSE_DIRECT && (B.rs * sizeof(float) % 64 == 0 || M < 512);
}

/* C = init + A B over K (K, M, N > 0), on the calling thread. Returns -1
 * (C untouched) when the packing buffers cannot be allocated. */
static int dn_gemm_serial(size_t M, size_t N, size_t K, struct sg_strided A, struct sg_strided B,
                          const float *init, float *C, size_t ldc) {
  const size_t a_bytes = M * K * sizeof(float);
  const int a_direct = (A.cs == 1 && a_bytes <= SG_DENSE_DIRECT) || (A.rs == 1 && a_bytes <= SG_DENSE_DIRECT / 4);
  const int b_direct = dn_b_direct(M, N, K, B);
  /* The next tile's C is fetched while a tile runs when C is too large to
   * stay in cache: at 1024^3 (4 MiB) each tile otherwise starts by waiting
   * for it (1.05-1.07x with this); at 100 -> 10 the prefetches cost 3%. */
  const int c_prefetch = M * ldc * sizeof(float) > SG_DENSE_DIRECT;
  size_t kcmax = K < SG_DENSE_KC ? K : SG_DENSE_KC;
  size_t mcmax = M < SG_DENSE_MC ? (M + SG_DENSE_MR - 1) / SG_DENSE_MR * SG_DENSE_MR : SG_DENSE_MC;
  size_t ncmax = N < SG_DENSE_NC ? (N + SG_DENSE_NR - 1) / SG_DENSE_NR * SG_DENSE_NR : SG_DENSE_NC;
  size_t na = (a_direct ? (M % SG_DENSE_MR ? SG_DENSE_MR : 0) : mcmax) * kcmax;
  size_t nb = b_direct ? 0 : ncmax * kcmax;
  _Alignas(64) float stack[SG_DENSE_STACK];
  float *pa = na + nb <= SG_DENSE_STACK ? stack : dn_alloc(na + nb), *pb = pa + na;
  if (!pa) return -1;
  for (size_t jc = 0; jc < N; jc += SG_DENSE_NC) {
    size_t nc = N - jc < SG_DENSE_NC ? N - jc : SG_DENSE_NC;
    for (size_t pc = 0; pc < K; pc += SG_DENSE_KC) {
      size_t kc = K - pc < SG_DENSE_KC ? K - pc : SG_DENSE_KC;
      int first = pc == 0;
      if (!b_direct) dn_pack_b(kc, nc, B, pc, jc, pb);
      for (size_t ic = 0; ic < M; ic += SG_DENSE_MC) {
        size_t mc = M - ic < SG_DENSE_MC ? M - ic : SG_DENSE_MC;
        size_t mfull = a_direct ? mc / SG_DENSE_MR * SG_DENSE_MR : 0; /* row panels read in place */
        if (mfull < mc) dn_pack_a(mc - mfull, kc, A, ic + mfull, pc, pa);
        for (size_t jr = 0; jr < nc; jr += SG_DENSE_NR) {
          size_t nr = nc - jr < SG_DENSE_NR ? nc - jr : SG_DENSE_NR;
          size_t nv = (nr + SG_VL - 1) / SG_VL;
          const float *bp = b_direct ? B.p + pc * B.rs + jc + jr : pb + jr * kc;
          size_t ldb = b_direct ? B.rs : nv * SG_VL;
          int maskb = b_direct && nr % SG_VL;
          const float *iv = init ? init + jc + jr : NULL;
          for (size_t ir = 0; ir < mc; ir += SG_DENSE_MR) {
            size_t mr = mc - ir < SG_DENSE_MR ? mc - ir : SG_DENSE_MR;
            float *c = C + (ic + ir) * ldc + jc + jr;
            if (c_prefetch && ir + SG_DENSE_MR < mc) {
              const float *cn = c + SG_DENSE_MR * ldc;
              for (size_t r = 0; r < SG_DENSE_MR && ir + SG_DENSE_MR + r < mc; r++)
                for (size_t q = 0; q < nr; q += DN_LINE_FLOATS) __builtin_prefetch(cn + r * ldc + q, 1, 3);
            }
            if (ir < mfull)
              dn_tile_nv(nv, A.rs == 1, maskb, kc, A.p + (ic + ir) * A.rs + pc * A.cs, A.rs == 1 ? A.cs : A.rs,
                         bp, ldb, c, ldc, mr, nr, first, iv);
            else
              dn_tile_nv(nv, 1, maskb, kc, pa + (ir - mfull) * kc, SG_DENSE_MR, bp, ldb, c, ldc, mr, nr,
                         first, iv);
          }
        }
      }
    }
  }
  if (pa != stack) free(pa);
  return 0;
}

/* ---- threads (src/threads.c) ----------------------------------------------
 * The products are split by output only: C into bands of whole tiles (rows
 * in multiples of MR, or columns in multiples of NR, whichever has more
 * tiles), each band a product of its own over the whole of K. Every output
 * is still one FMA chain in increasing k, computed by one thread: the bits
 * do not depend on the split. A thread gets at least DN_PAR_FLOPS (about
 * 20 us of work) or the product stays on the calling thread. */
#define DN_PAR_FLOPS ((size_t)1 << 21)

struct dn_gemm_job {
  size_t M, N, K, tasks;
  int by_rows;
  struct sg_strided A, B;
  const float *init;
  float *C;
  size_t ldc;
  _Atomic int failed;
};

/* Band i of tasks over n items, in whole units. */
static void dn_band(size_t n, size_t unit, size_t tasks, size_t i, size_t *lo, size_t *hi) {
  size_t units = (n + unit - 1) / unit, per = (units + tasks - 1) / tasks;
  *lo = i * per * unit < n ? i * per * unit : n;
  *hi = (i + 1) * per * unit < n ? (i + 1) * per * unit : n;
}

static void dn_gemm_task(void *ctx, size_t i) {
  struct dn_gemm_job *j = ctx;
  size_t lo, hi;
  dn_band(j->by_rows ? j->M : j->N, j->by_rows ? SG_DENSE_MR : SG_DENSE_NR, j->tasks, i, &lo, &hi);
  if (hi <= lo) return;
  struct sg_strided A = j->A, B = j->B;
  int err;
  if (j->by_rows) {
    A.p += lo * A.rs;
    err = dn_gemm_serial(hi - lo, j->N, j->K, A, B, j->init, j->C + lo * j->ldc, j->ldc);
  } else {
    B.p += lo * B.cs;
    err = dn_gemm_serial(j->M, hi - lo, j->K, A, B, j->init ? j->init + lo : NULL, j->C + lo, j->ldc);
  }
  if (err) atomic_store_explicit(&j->failed, 1, memory_order_relaxed);
}

/* C = init + A B, split among threads when it pays. Returns -1 when some
 * band could not allocate its packing buffers (the caller then computes
 * all of C again, on the scalar reference). */
static int dn_gemm(size_t M, size_t N, size_t K, struct sg_strided A, struct sg_strided B, const float *init,
                   float *C, size_t ldc) {
  size_t most = (size_t)(2.0 * (double)M * (double)N * (double)K / (double)DN_PAR_FLOPS);
  if (most < 2) return dn_gemm_serial(M, N, K, A, B, init, C, ldc);
  /* Bands of rows share B, bands of columns A: a packed B (W^T of dX) is
   * split rather than packed whole by every band, where there are columns
   * enough for even bands (4 tiles a band); else the side with more tiles. */
  size_t mt = (M + SG_DENSE_MR - 1) / SG_DENSE_MR, nt = (N + SG_DENSE_NR - 1) / SG_DENSE_NR;
  size_t tasks = sg_split(mt > nt ? mt : nt, 1);
  if (tasks > most) tasks = most;
  int by_rows = dn_b_direct(M, N, K, B) || nt < 4 * tasks ? mt >= nt : 0;
  if (tasks > (by_rows ? mt : nt)) tasks = by_rows ? mt : nt;
  if (tasks <= 1) return dn_gemm_serial(M, N, K, A, B, init, C, ldc);
  struct dn_gemm_job j = {M, N, K, tasks, by_rows, A, B, init, C, ldc, 0};
  sg_parallel(tasks, dn_gemm_task, &j);
  return atomic_load_explicit(&j.failed, memory_order_relaxed) ? -1 : 0;
}

/* y = init + x W for a single row x (k) and W (k x n, rows ldw apart), each
 * output one FMA chain over p from init[j] (or +0), exactly as the tiles: the
 * batch-1 forward, where the GEMM path would first copy all of W into panels
 * to use one row of an MR-row tile (measured 5 GFLOP/s at 784->100, half of
 * OpenBLAS). W is read once, DN_GEMV_NV vectors of columns at a time: that
 * many independent chains cover the FMA latency. */
#define DN_GEMV_NV 8
SG_INLINE void dn_gemv_block(const int NV, size_t k, size_t cnt, const float *x, const float *W, size_t ldw,
                             const float *init, float *y) {
  /* Unrolled, so that the accumulators live in registers: as loops, GCC -O2
   * kept them in a stack array, each FMA waiting on a store-to-load forward,
   * and 784 -> 100 on AVX2 took 12-21 us depending on where the stack fell
   * (the size of the environment moved it); unrolled, 4.6 us. */
  vf acc[DN_GEMV_NV];
#pragma GCC unroll 8
  for (int v = 0; v < NV; v++) acc[v] = init ? dn_load_part(init + v * SG_VL, (ptrdiff_t)cnt - v * SG_VL) : v_set(0.0f);
  for (size_t p = 0; p < k; p++, W += ldw) {
    vf xv = v_set(x[p]);
#pragma GCC unroll 8
    for (int v = 0; v < NV; v++) acc[v] = v_fma(xv, dn_load_part(W + v * SG_VL, (ptrdiff_t)cnt - v * SG_VL), acc[v]);
  }
#pragma GCC unroll 8
  for (int v = 0; v < NV; v++) dn_store_part(y + v * SG_VL, (ptrdiff_t)cnt - v * SG_VL, v_canon_nan(acc[v]));
}

#if DN_GEMV_NV != 8
#error "dn_gemv_tail: one case per vector count below DN_GEMV_NV"
#endif
/* The last block with as few vectors as its columns need: at 100 -> 10 a
 * whole block would run 8 FMAs per step for one vector's worth of results
 * (8.9 GFLOP/s on AVX-512 against 15 on AVX2, which wastes 6 of 8). */
static void dn_gemv_tail(size_t k, size_t cnt, const float *x, const float *W, size_t ldw, const float *init,
                         float *y) {
  switch ((cnt + SG_VL - 1) / SG_VL) {
  case 1: dn_gemv_block(1, k, cnt, x, W, ldw, init, y); break;
  case 2: dn_gemv_block(2, k, cnt, x, W, ldw, init, y); break;
  case 3: dn_gemv_block(3, k, cnt, x, W, ldw, init, y); break;
  case 4: dn_gemv_block(4, k, cnt, x, W, ldw, init, y); break;
  case 5: dn_gemv_block(5, k, cnt, x, W, ldw, init, y); break;
  case 6: dn_gemv_block(6, k, cnt, x, W, ldw, init, y); break;
  case 7: dn_gemv_block(7, k, cnt, x, W, ldw, init, y); break;
  default: dn_gemv_block(DN_GEMV_NV, k, cnt, x, W, ldw, init, y); break;
  }
}

static void dn_gemv(size_t k, size_t n, const float *x, const float *W, size_t ldw, const float *init, float *y) {
  size_t j = 0;
  for (; j + DN_GEMV_NV * SG_VL <= n; j += DN_GEMV_NV * SG_VL) /* full blocks: no masks in the loop */
    dn_gemv_block(DN_GEMV_NV, k, DN_GEMV_NV * SG_VL, x, W + j, ldw, init ? init + j : NULL, y + j);
  if (j < n) dn_gemv_tail(k, n - j, x, W + j, ldw, init ? init + j : NULL, y + j);
}

/* dx = dy W^T for a single row dy (n) and W (k x n, rows ldw apart): dx[i] is
 * one FMA chain over o from +0, as the tiles. Lanes are outputs i, whose W
 * entries lie a row apart, so W is read in SG_VL x SG_VL blocks and
 * transposed as they are loaded (v_load_t): the batch-1 dX, where the GEMM
 * path ran at 0.6x OpenBLAS. On AVX-512 a 16 x 16 block costs about 48
 * cycles of ports 0 and 5 (48 inserts, 32 shuffles and 16 FMAs) for 256
 * products, and its 16 FMAs are one dependent chain (64 cycles of latency):
 * one block at a time measured about 70 cycles a block. So two blocks of
 * outputs go together, interleaved by groups of 4 columns (v_load_t4: few
 * registers live, where two whole transposed blocks spilled): 784 -> 100 went
 * from 19 to 23 GFLOP/s. Only while W is cache-sized: streamed from memory
 * (1024 x 1024) the pairs were slower (10.6 against 13.6). */
/* The last, partial block of columns of one block of outputs: acc gets
 * fma(dy[c], column c, acc) for c < cnt. Whole rows are loaded where W goes
 * on past them (what lies past the last column belongs to the next row and
 * is not used): the masked, shuffled path cost this block twice a whole one. */
SG_INLINE vf dn_gemv_t_tail(vf acc, const float *w, size_t ldw, int nrow, int whole, const float *dy,
                            size_t cnt) {
  vf t[SG_VL];
  if (whole)
    v_load_t(t, w, ldw);
  else
    dn_load_block_t(t, w, ldw, nrow, (ptrdiff_t)cnt);
#pragma GCC unroll 16
  for (int c = 0; c < SG_VL; c++)
    if ((size_t)c < cnt) acc = v_fma(v_set(dy[c]), t[c], acc);
  return acc;
}

static void dn_gemv_t(size_t k, size_t n, const float *dy, const float *W, size_t ldw, float *dx) {
  const size_t size = (k - 1) * ldw + n; /* floats of W */
  size_t i0 = 0;
  const size_t pairs_end = size * sizeof(float) <= SG_DENSE_DIRECT ? k : 0;
  for (; i0 + 2 * SG_VL <= pairs_end; i0 += 2 * SG_VL) {
    const float *w0 = W + i0 * ldw, *w1 = w0 + SG_VL * ldw;
    vf acc0 = v_set(0.0f), acc1 = v_set(0.0f);
    size_t o0 = 0;
    for (; o0 + SG_VL <= n; o0 += SG_VL)
#pragma GCC unroll 4
      for (int q = 0; q < SG_VL / 4; q++) {
        vf ta[4], tb[4];
        v_load_t4(ta, w0 + o0, ldw, q);
#pragma GCC unroll 4
        for (int c = 0; c < 4; c++) acc0 = v_fma(v_set(dy[o0 + 4 * (size_t)q + (size_t)c]), ta[c], acc0);
        v_load_t4(tb, w1 + o0, ldw, q);
#pragma GCC unroll 4
        for (int c = 0; c < 4; c++) acc1 = v_fma(v_set(dy[o0 + 4 * (size_t)q + (size_t)c]), tb[c], acc1);
      }
    if (o0 < n) {
      int whole = (i0 + 2 * SG_VL - 1) * ldw + o0 + SG_VL <= size;
      acc0 = dn_gemv_t_tail(acc0, w0 + o0, ldw, SG_VL, whole, dy + o0, n - o0);
      acc1 = dn_gemv_t_tail(acc1, w1 + o0, ldw, SG_VL, whole, dy + o0, n - o0);
    }
    v_store(dx + i0, v_canon_nan(acc0));
    v_store(dx + i0 + SG_VL, v_canon_nan(acc1));
  }
  for (; i0 < k; i0 += SG_VL) {
    int nrow = k - i0 < SG_VL ? (int)(k - i0) : SG_VL;
    const float *w = W + i0 * ldw;
    vf acc = v_set(0.0f), t[SG_VL];
    size_t o0 = 0;
    for (; o0 + SG_VL <= n; o0 += SG_VL) {
      dn_load_block_t(t, w + o0, ldw, nrow, SG_VL);
#pragma GCC unroll 16
      for (int c = 0; c < SG_VL; c++) acc = v_fma(v_set(dy[o0 + (size_t)c]), t[c], acc);
    }
    if (o0 < n)
      acc = dn_gemv_t_tail(acc, w + o0, ldw, nrow, nrow == SG_VL && (i0 + SG_VL - 1) * ldw + o0 + SG_VL <= size,
                           dy + o0, n - o0);
    dn_store_part(dx + i0, nrow, v_canon_nan(acc));
  }
}

/* db[o] = sum over b of dY[b][o], plain adds in increasing b from +0. */
static void dn_colsum(size_t rows, size_t cols, const float *dY, float *db) {
  size_t o = 0;
  for (; o + 4 * SG_VL <= cols; o += 4 * SG_VL) {
    vf s0 = v_set(0.0f), s1 = s0, s2 = s0, s3 = s0;
    for (size_t b = 0; b < rows; b++) {
      const float *p = dY + b * cols + o;
      s0 = v_add(s0, v_load(p));
      s1 = v_add(s1, v_load(p + SG_VL));
      s2 = v_add(s2, v_load(p + 2 * SG_VL));
      s3 = v_add(s3, v_load(p + 3 * SG_VL));
    }
    v_store(db + o, v_canon_nan(s0)), v_store(db + o + SG_VL, v_canon_nan(s1));
    v_store(db + o + 2 * SG_VL, v_canon_nan(s2)), v_store(db + o + 3 * SG_VL, v_canon_nan(s3));
  }
  for (; o < cols; o += SG_VL) {
    ptrdiff_t cnt = (ptrdiff_t)(cols - o);
    vf s = v_set(0.0f);
    for (size_t b = 0; b < rows; b++) s = v_add(s, dn_load_part(dY + b * cols + o, cnt));
    dn_store_part(db + o, cnt, v_canon_nan(s));
  }
}

/* A[i][j] = fma(ax, y[j], A[i][j]) with ax = alpha * x[i] rounded.
 * Cache-resident A (up to SG_OUTER_SMALL bytes): four rows share each load of
 * y. Larger A streams from memory row by row: one read and one write stream
 * (four interleaved rows measured slower there: 11 vs 18 GFLOP/s at
 * 4096 x 4096 on the README's machine, where their 16 KiB row stride also
 * makes loads alias the previous row's stores modulo 4 KiB).
 * NaNs: with one FMA per element, a compare and a blend per stored vector
 * are felt (1.16x the time at 784 x 100 on AVX2), so the results are summed
 * instead, one add per vector (1.03x; an unordered compare per two vectors
 * with its masks OR-ed measured no better), and the rows are rewritten
 * through v_canon_nan only when the sum is NaN. The sum is NaN whenever a
 * result is; it can also be NaN from inf - inf between results, which only
 * rewrites rows that need nothing. */
#define SG_OUTER_SMALL ((size_t)512 << 10)
static void dn_canon_row(float *r, size_t n) {
  size_t j = 0;
  for (; j + SG_VL <= n; j += SG_VL) v_store(r + j, v_canon_nan(v_load(r + j)));
  if (j < n) v_store_n(r + j, n - j, v_canon_nan(v_load_n(r + j, n - j)));
}

/* One row: r[j] = fma(a, y[j], r[j]), or with FRESH fma(a, y[j], +0) (r
 * not read: the batch-1 dW, whose chains are one step from +0). */
SG_INLINE void dn_outer_row(const int FRESH, float *r, size_t n, vf a, const float *y) {
  const vf z = v_set(0.0f);
  vf sum = v_set(0.0f);
  size_t j = 0;
  for (; j + 4 * SG_VL <= n; j += 4 * SG_VL) {
    vf c0 = v_fma(a, v_load(y + j), (FRESH ? z : v_load(r + j)));
    vf c1 = v_fma(a, v_load(y + j + SG_VL), (FRESH ? z : v_load(r + j + SG_VL)));
    vf c2 = v_fma(a, v_load(y + j + 2 * SG_VL), (FRESH ? z : v_load(r + j + 2 * SG_VL)));
    vf c3 = v_fma(a, v_load(y + j + 3 * SG_VL), (FRESH ? z : v_load(r + j + 3 * SG_VL)));
    v_store(r + j, c0), v_store(r + j + SG_VL, c1);
    v_store(r + j + 2 * SG_VL, c2), v_store(r + j + 3 * SG_VL, c3);
    sum = v_add(sum, v_add(v_add(c0, c1), v_add(c2, c3)));
  }
  for (; j + SG_VL <= n; j += SG_VL) {
    vf c = v_fma(a, v_load(y + j), (FRESH ? z : v_load(r + j)));
    v_store(r + j, c);
    sum = v_add(sum, c);
  }
  if (j < n) { /* the lanes past n hold fma(a, 0, 0): NaN only if the row is NaN or a is inf */
    vf c = v_fma(a, v_load_n(y + j, n - j), (FRESH ? z : v_load_n(r + j, n - j)));
    v_store_n(r + j, n - j, c);
    sum = v_add(sum, c);
  }
  if (v_any(v_isnan(sum))) dn_canon_row(r, n);
}

static void dn_outer(size_t m, size_t n, float alpha, const float *x, const float *y, float *A,
                     size_t lda) {
  size_t i = 0;
  if (m * lda * sizeof(float) <= SG_OUTER_SMALL)
    for (; i + 4 <= m; i += 4) {
      float *r0 = A + i * lda, *r1 = r0 + lda, *r2 = r1 + lda, *r3 = r2 + lda;
      vf a0 = v_set(alpha * x[i]), a1 = v_set(alpha * x[i + 1]), a2 = v_set(alpha * x[i + 2]),
         a3 = v_set(alpha * x[i + 3]);
      vf sum = v_set(0.0f);
      size_t j = 0;
      for (; j + SG_VL <= n; j += SG_VL) {
        vf yv = v_load(y + j);
        vf c0 = v_fma(a0, yv, v_load(r0 + j)), c1 = v_fma(a1, yv, v_load(r1 + j));
        vf c2 = v_fma(a2, yv, v_load(r2 + j)), c3 = v_fma(a3, yv, v_load(r3 + j));
        v_store(r0 + j, c0), v_store(r1 + j, c1), v_store(r2 + j, c2), v_store(r3 + j, c3);
        sum = v_add(sum, v_add(v_add(c0, c1), v_add(c2, c3)));
      }
      if (j < n) {
        size_t t = n - j;
        vf yv = v_load_n(y + j, t);
        vf c0 = v_fma(a0, yv, v_load_n(r0 + j, t)), c1 = v_fma(a1, yv, v_load_n(r1 + j, t));
        vf c2 = v_fma(a2, yv, v_load_n(r2 + j, t)), c3 = v_fma(a3, yv, v_load_n(r3 + j, t));
        v_store_n(r0 + j, t, c0), v_store_n(r1 + j, t, c1), v_store_n(r2 + j, t, c2), v_store_n(r3 + j, t, c3);
        sum = v_add(sum, v_add(v_add(c0, c1), v_add(c2, c3)));
      }
      if (v_any(v_isnan(sum)))
        for (int q = 0; q < 4; q++) dn_canon_row(r0 + (size_t)q * lda, n);
    }
  for (; i < m; i++) dn_outer_row(0, A + i * lda, n, v_set(alpha * x[i]), y);
}

/* The batch-1 products and the outer product among threads, like dn_gemm:
 * a band of outputs each (columns of y for the forward, outputs i for dX,
 * rows for dW and the outer product), each output computed as on one
 * thread. */
enum dn_vec_op { DN_GEMV, DN_GEMV_T, DN_DW1, DN_OUTER };
struct dn_vec_job {
  enum dn_vec_op op;
  size_t k, n, tasks, unit;
  float alpha;
  const float *x, *v, *init; /* v: W for DN_GEMV and DN_GEMV_T, the row vector (dY, y) otherwise */
  size_t ld;
  float *out;
};

/* Outputs [lo, hi) of a k x n product (for DN_GEMV the n are the outputs,
 * for the others the k rows). */
SG_INLINE void dn_vec_run(enum dn_vec_op op, size_t lo, size_t hi, size_t k, size_t n, float alpha, const float *x,
                          const float *v, const float *init, size_t ld, float *out) {
  switch (op) {
  case DN_GEMV: dn_gemv(k, hi - lo, x, v + lo, ld, init ? init + lo : NULL, out + lo); break;
  case DN_GEMV_T: dn_gemv_t(hi - lo, n, x, v + lo * ld, ld, out + lo); break;
  case DN_DW1:
    for (size_t r = lo; r < hi; r++) dn_outer_row(1, out + r * ld, n, v_set(x[r]), v);
    break;
  case DN_OUTER: dn_outer(hi - lo, n, alpha, x + lo, v, out + lo * ld, ld); break;
  }
}

static void dn_vec_task(void *ctx, size_t i) {
  const struct dn_vec_job *j = ctx;
  size_t lo, hi;
  dn_band(j->op == DN_GEMV ? j->n : j->k, j->unit, j->tasks, i, &lo, &hi);
  if (hi > lo) dn_vec_run(j->op, lo, hi, j->k, j->n, j->alpha, j->x, j->v, j->init, j->ld, j->out);
}

/* k x n products (k rows of outputs for all but DN_GEMV, whose outputs are
 * the n columns), in bands of unit outputs. */
SG_INLINE void dn_vec(enum dn_vec_op op, size_t k, size_t n, size_t unit, float alpha, const float *x,
                      const float *v, const float *init, size_t ld, float *out) {
  size_t outputs = op == DN_GEMV ? n : k;
  /* small ones (100 -> 10 runs in about 100 ns) go straight to the kernel */
  if (k * n < DN_PAR_FLOPS) return dn_vec_run(op, 0, outputs, k, n, alpha, x, v, init, ld, out);
  size_t most = k * n / (DN_PAR_FLOPS / 2); /* 2 k n flops */
  size_t tasks = sg_split((outputs + unit - 1) / unit, 1);
  if (tasks > most) tasks = most;
  if (tasks <= 1) return dn_vec_run(op, 0, outputs, k, n, alpha, x, v, init, ld, out);
  struct dn_vec_job j = {op, k, n, tasks, unit, alpha, x, v, init, ld, out};
  sg_parallel(tasks, dn_vec_task, &j);
}

/* The entries (batch, in, out > 0; m, n > 0, alpha != 0: src/dispatch.c).
 * A failed allocation falls back to the scalar reference: same bits. */
#define SG_DEFINE_DENSE(isa)                                                                  \
  void sg_dense_forward_##isa(size_t batch, size_t in, size_t out, const float *X,           \
                              const float *W, const float *bias, float *Y) {                 \
    struct sg_strided A = {X, in, 1}, B = {W, out, 1};                                        \
    if (batch == 1)                                                                           \
      dn_vec(DN_GEMV, in, out, DN_GEMV_NV * SG_VL, 0.0f, X, W, bias, out, Y);                 \
    else if (dn_gemm(batch, out, in, A, B, bias, Y, out))                                     \
      sg_dense_forward_scalar(batch, in, out, X, W, bias, Y);                                 \
  }                                                                                           \
  void sg_dense_backward_##isa(size_t batch, size_t in, size_t out, const float *X,          \
                               const float *W, const float *dY, float *dW, float *db,        \
                               float *dX) {                                                   \
    if (dW) {                                                                                 \
      struct sg_strided A = {X, 1, in}, B = {dY, out, 1};                                     \
      if (batch == 1)                                                                         \
        dn_vec(DN_DW1, in, out, 4, 0.0f, X, dY, NULL, out, dW);                               \
      else if (dn_gemm(in, out, batch, A, B, NULL, dW, out))                                  \
        sg_dense_backward_scalar(batch, in, out, X, W, dY, dW, NULL, NULL);                   \
    }                                                                                         \
    if (db) dn_colsum(batch, out, dY, db);                                                    \
    if (dX) {                                                                                 \
      struct sg_strided A = {dY, out, 1}, B = {W, 1, out};                                    \
      if (batch == 1)                                                                         \
        dn_vec(DN_GEMV_T, in, out, 2 * SG_VL, 0.0f, dY, W, NULL, out, dX);                    \
      else if (dn_gemm(batch, in, out, A, B, NULL, dX, in))                                   \
        sg_dense_backward_scalar(batch, in, out, X, W, dY, NULL, NULL, dX);                   \
    }                                                                                         \
  }                                                                                           \
  void sg_outer_##isa(size_t m, size_t n, float alpha, const float *x, const float *y,       \
                      float *A, size_t lda) {                                                 \
    dn_vec(DN_OUTER, m, n, 4, alpha, x, y, NULL, lda, A);                                     \
  }

#endif
