# SPDX-License-Identifier: BSD-3-Clause
# throughput.gp: one kernel on one CPU, throughput against size: a line per
# ISA (solid), per peer (dotted) and the memcpy roof (dashed, black). The
# data file holds size_n, the size label, then per series three columns:
# the median, the slowest and the fastest repetition (nisas, npeers, nroof
# series in that order), drawn as error bars. Log x (the measured sizes are
# the tics), log y.
load plotsdir.'/common.gp'
set logscale x 2
eval logy
set yrange [datamin / 2 : datamax * 2]
# one size: a range around it (gnuplot would warn of an empty x range)
if (xmin == xmax) { set xrange [xmin / 2 : xmax * 2] }
set offsets graph 0.05, graph 0.05, 0, 0
col(k) = 3 + 3 * k
eval svg
plot for [k=0:nisas-1] datafile using 1:col(k):col(k)+1:col(k)+2:xtic(2) with yerrorlines lw 2 pt 7 ps 1.2 \
       title columnheader(col(k)), \
     for [k=nisas:nisas+npeers-1] datafile using 1:col(k):col(k)+1:col(k)+2 with yerrorlines lw 1.5 dt 3 pt 4 ps 1.0 \
       title columnheader(col(k)), \
     for [k=nisas+npeers:nisas+npeers+nroof-1] datafile using 1:col(k):col(k)+1:col(k)+2 with yerrorlines lw 2 dt 2 pt 6 \
       lc rgb "black" title columnheader(col(k))
eval png
replot
unset output
