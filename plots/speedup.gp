# SPDX-License-Identifier: BSD-3-Clause
# speedup.gp: one kernel on one CPU, the best ISA's speedup over each peer
# (columns 2 .. ncols: one per peer; rows: sizes, labelled with the best ISA),
# clustered bars on a log scale with the value over each bar and the 1x line.
load plotsdir.'/common.gp'
eval bars
eval logy
set yrange [(datamin < 1 ? datamin : 1) / 3 : (datamax > 1 ? datamax : 1) * 3]
n = ncols - 1
eval svg
plot for [i=2:ncols] datafile using i:xtic(1) title columnheader(i), \
     for [i=2:ncols] datafile using ($0 + barx(i - 2, n)):i:(sprintf("%.3g", column(i))) with labels offset 0,0.7 font ",9" notitle, \
     1 with lines dt 2 lw 1.5 lc rgb "black" title "1x (as fast as the peer)"
eval png
replot
unset output
