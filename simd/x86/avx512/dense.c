/* Dense layer and outer product, avx512: the shared driver and microkernel of
 * simd/common/dense.h over the one-zmm layer (vec16.h). Scalar twin:
 * src/dense.c. Tile 12 x 32: 24 zmm accumulators, 2 for B, broadcasts from
 * memory (32 registers). */
#include <config.h>

#include "internal.h"
#include "vec16.h"

#define SG_DENSE_MR 12
#define SG_DENSE_NV 2
#define SG_DENSE_KC 256
#define SG_DENSE_MC 192
#define SG_DENSE_NC 4096
#include "common/dense.h"

SG_DEFINE_DENSE(avx512)
