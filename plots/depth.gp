# SPDX-License-Identifier: BSD-3-Clause
# depth.gp: the table of `simdgrad depth` (act init depth layer mean_abs_dW
# norm_db ratio_to_last), mean |dL/dW| against the layer on a log scale.
# One image per activation, a panel per init, a line per depth of 5, 10 and
# 20 hidden layers (those in the table). Sigmoid panels add, per depth, the
# 1/4-per-layer slope (sigmoid' <= 1/4) from its output layer down.
# Called by `make plots` with plotsdir, datafile and outdir.
plottitle = ""; xlabel = "layer (0 = next to the input; the last is the softmax output layer)"
ylabel = "mean |dL/dW| over the layer's weights (log)"
load plotsdir.'/common.gp'
unset title
# the lines rise to the right or stay level: the lower right is free
set key inside right bottom Left reverse noautotitle samplen 2
set offsets 0, 0, graph 0.04, graph 0.04
set logscale y
set format y "1e%T"
set xtics 0, 2 nomirror
set mxtics 2
set grid xtics ytics
svg = 'set terminal svg size 1500,560 dynamic noenhanced font "Sans,12" background rgb "white"'
png = 'set terminal pngcairo size 1500,560 noenhanced font "Sans,10" background rgb "white"'
inits = "normal xavier he"
depths = "5 10 20"
init_title(i) = i eq "normal" ? "N(0,1) init" : i eq "xavier" ? "Xavier (Glorot) init" : "He init"

# Is this row of act a, init i (any if ""), depth d (any if 0)?
selected(a, i, d) = strcol(1) eq a && (i eq "" || strcol(2) eq i) && (d == 0 || column(3) == d)

do for [a in "sigmoid tanh relu"] {
  stats datafile using (selected(a, "", 0)) nooutput
  if (STATS_sum > 0) {
    present = ""
    do for [i in inits] {
      stats datafile using (selected(a, i, 0)) nooutput
      if (STATS_sum > 0) { present = present." ".i }
    }
    do for [t in "svg png"] {
      eval value(t)
      set output outdir."/".a.".".t
      set multiplot layout 1, words(present) title \
        sprintf("simdgrad depth: mean |dL/dW| per layer at initialisation, %s hidden layers, softmax + cross-entropy head", a)
      do for [i in present] {
        set title init_title(i)
        plot for [k = 1:words(depths)] datafile \
               using (selected(a, i, real(word(depths, k))) ? column(4) : NaN):5 \
               with linespoints lw 2 pt 7 ps 0.8 lc k title sprintf("%s hidden layers", word(depths, k)), \
             for [k = 1:(a eq "sigmoid" ? words(depths) : 0)] datafile \
               using (selected(a, i, real(word(depths, k))) ? column(4) : NaN):(column(5) / column(7) * 4 ** (column(4) - column(3))) \
               with lines dt 2 lw 1 lc k title (k == 1 ? "4x per layer (f' <= 1/4)" : "")
      }
      unset multiplot
      unset output
    }
  }
}
