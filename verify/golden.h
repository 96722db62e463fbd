/* Output digests of the fixed input sets of verify/test_sigmoid.c, as the
 * scalar reference computes them. Every ISA on every architecture must
 * reproduce them (DESIGN.md section 4). They change only when an algorithm or
 * constant changes on purpose: then take the new value the test prints, from
 * the scalar line, and say why in the commit. */
#ifndef SG_GOLDEN_H
#define SG_GOLDEN_H

#define GOLDEN_SIGMOID_DIGEST 0x5ba8b470021731beull
#define GOLDEN_SIGMOID_BACKWARD_DIGEST 0x1cbcb23bc133bc8bull

#endif
