# SPDX-License-Identifier: BSD-3-Clause
# dense.gp: one dense kernel on one CPU, GFLOP/s per shape (rows): a bar per
# ISA and per peer (columns 2 .. ncols), the FMA peaks as dashed lines
# (npeaks, peak<k> GFLOP/s, peaktitle<k>). Linear y from 0.
load plotsdir.'/common.gp'
eval bars
top = datamax
do for [p=1:npeaks] { top = value(sprintf("peak%d", p)) > top ? value(sprintf("peak%d", p)) : top }
set yrange [0 : top * 1.12]
n = ncols - 1
eval svg
plot for [i=2:ncols] datafile using i:xtic(1) title columnheader(i), \
     for [i=2:ncols] datafile using ($0 + barx(i - 2, n)):i:(sprintf("%.3g", column(i))) with labels offset 0,0.7 font ",9" notitle, \
     for [p=1:npeaks] value(sprintf("peak%d", p)) with lines dt 2 lw 2 lc rgb (p == 1 ? "black" : "gray50") title value(sprintf("peaktitle%d", p))
eval png
replot
unset output
