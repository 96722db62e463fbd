#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# make check-valgrind: runs one test program under valgrind's memcheck (the
# LOG_COMPILER of that run). It fails on any memcheck error (an invalid read or
# write, a use of an uninitialised value, a definite or indirect leak) and on a
# crash. The program's own numeric verdict is printed but not judged here:
# valgrind 3.19 gives VFNMADD's zero results the wrong sign and computes x87
# long double in double, so the ±0 bit-identity checks and the long-double
# oracle of test_loss can fail under it while they pass on the hardware
# (plain make check judges those). Under valgrind the CPU has no AVX-512, so
# the kernels checked here are scalar and AVX2; ASan covers AVX-512.
# $VALGRIND names the valgrind binary (default: valgrind).
${VALGRIND:-valgrind} -q --error-exitcode=99 --leak-check=full \
  --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect "$@"
status=$?
case $status in
  0) echo "memcheck: clean" ;;
  99) echo "memcheck: ERRORS (above)"; exit 1 ;;
  1) echo "memcheck: clean (the test's own checks failed under valgrind's emulated arithmetic: not judged here)" ;;
  *) echo "memcheck: exit status $status (a crash or a usage error)"; exit 1 ;;
esac
exit 0
