# SPDX-License-Identifier: BSD-3-Clause
# crosscpu.gp: one kernel across CPUs: per size (rows), each CPU's best ISA
# and the narrower ISAs forced on that same CPU (columns 2 .. ncols, labelled
# as such), clustered bars on a log scale; the legend below the plot.
load plotsdir.'/common.gp'
eval bars
eval logy
set yrange [datamin / 3 : datamax * 3]
set key below vertical Left reverse
set bmargin ncols + 3
n = ncols - 1
eval svg
plot for [i=2:ncols] datafile using i:xtic(1) title columnheader(i), \
     for [i=2:ncols] datafile using ($0 + barx(i - 2, n)):i:(sprintf("%.3g", column(i))) with labels offset 0,0.7 font ",9" notitle
eval png
replot
unset output
