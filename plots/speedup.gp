# SPDX-License-Identifier: BSD-3-Clause
# speedup.gp: one kernel on one CPU, the best ISA's speedup over each peer
# (rows: sizes, labelled with the best ISA; per peer three columns: the
# speedup of the medians, and its low and high end from the two sides'
# slowest and fastest repetitions), clustered bars with error bars on a log
# scale, the value over each bar (turned, so that neighbours do not collide)
# and the 1x line.
load plotsdir.'/common.gp'
eval bars
set style histogram errorbars gap 1 lw 1
eval logy
set yrange [(datamin < 1 ? datamin : 1) / 3 : (datamax > 1 ? datamax : 1) * 4]
col(k) = 2 + 3 * k
eval svg
plot for [k=0:nseries-1] datafile using col(k):col(k)+1:col(k)+2:xtic(1) title columnheader(col(k)), \
     for [k=0:nseries-1] datafile using ($0 + barx(k, nseries)):(column(col(k)+2)):(sprintf(" %.3g", column(col(k)))) \
       with labels rotate by 90 left offset 0,0.3 font ",9" notitle, \
     1 with lines dt 2 lw 1.5 lc rgb "black" title "1x (as fast as the peer)"
eval png
replot
unset output
