#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Re-derives the exp polynomial of src/math_consts.h: usage fit_exp.py DEGREE (5 is used).
# Chebyshev interpolation of g(r) = (e^r - 1 - r)/r^2 on [-a, a], exact rational solve.
from fractions import Fraction as F
import math, struct
def g(r):  # Taylor series, accurate in double near 0
    s, term, k = 0.0, 1.0, 2
    term = 1.0/2
    while True:
        s_new = s + term
        if s_new == s: break
        s = s_new; k += 1; term = term * r / k
    return s
a = math.log(2)/2 * 1.0001
deg = int(__import__('sys').argv[1])
nodes = [a*math.cos((2*i+1)*math.pi/(2*(deg+1))) for i in range(deg+1)]
A = [[F(x)**j for j in range(deg+1)] for x in nodes]
b = [F(g(x)) for x in nodes]
n = deg+1
for c in range(n):
    p = max(range(c,n), key=lambda r: abs(A[r][c])); A[c],A[p]=A[p],A[c]; b[c],b[p]=b[p],b[c]
    for r in range(n):
        if r!=c:
            f = A[r][c]/A[c][c]
            A[r] = [A[r][k]-f*A[c][k] for k in range(n)]; b[r] -= f*b[c]
coef = [float(b[i]/A[i][i]) for i in range(n)]
tof = lambda v: struct.unpack('f', struct.pack('f', v))[0]
cf = [tof(c) for c in coef]
cf[0] = 0.5
worst = 0
for i in range(20001):
    r = -a + 2*a*i/20000
    gp = 0.0
    for c in reversed(cf): gp = gp*r + c
    err = abs(r*r*(gp - g(r)))  # abs error of e^r, relative ~ same since e^r ~ 1
    worst = max(worst, err/math.exp(r))
print("deg", deg, "max rel err of e^r: %.3e = 2^%.2f" % (worst, math.log2(worst)))
for c in cf: print("%.9e  %s" % (c, float.hex(c)))
