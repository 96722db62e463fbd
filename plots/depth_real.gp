# SPDX-License-Identifier: BSD-3-Clause
# depth_real.gp: `simdgrad depth` on Fashion-MNIST (make depth-real), over
# seeds, summarised by tools/depth-real-summary.pl into layers (act init
# hidden layer median min max of ||dC/db||) and ratio (act init hidden
# median min max of the first hidden layer's over the last hidden layer's).
# Two images, a panel per activation, a line per init, bars from the
# smallest to the largest seed's value:
#   depth_real_layers: ||dC/db|| against the layer for `textbook` hidden layers;
#   depth_real_ratio:  the first/last hidden ratio against the number of hidden layers.
# Called by `make plots-depth-real` with layers, ratio, textbook and outdir.
set datafile separator "\t"
set grid
set logscale y
set format y "1e%T"
set key inside left bottom Left reverse samplen 2
svg = 'set terminal svg size 1500,520 dynamic noenhanced font "Sans,12" background rgb "white"'
png = 'set terminal pngcairo size 1500,520 noenhanced font "Sans,10" background rgb "white"'
acts = "sigmoid tanh relu"
inits = "normal lecun xavier he"
rows(f, act, init, extra) = sprintf("< awk -F'\t' '$1 == \"%s\" && $2 == \"%s\" %s' '%s'", act, init, extra, f)

do for [t in "svg png"] {
  eval value(t)
  set output outdir."/depth_real_layers.".t
  set multiplot layout 1, 3 title sprintf("Fashion-MNIST, the first 1000 training images as one batch, %d hidden layers of 30, sigmoid + cross-entropy outputs, biases N(0,1): ||dC/db|| per layer, median over seeds (bars: smallest to largest)", textbook)
  do for [a in acts] {
    set title a
    set xlabel "layer (0 = first hidden; the last is the output layer)"
    set ylabel "||dC/db|| (log)"
    set xtics 1
    plot for [i in inits] rows(layers, a, i, sprintf("&& $3 == %d", textbook)) using 4:5:6:7 with yerrorlines lw 2 pt 7 title i
  }
  unset multiplot
  set output outdir."/depth_real_ratio.".t
  set multiplot layout 1, 3 title "Fashion-MNIST, as above, 1 to 10 hidden layers of 30: ||dC/db|| of the first hidden layer over the last hidden layer's, median over seeds (bars: smallest to largest)"
  do for [a in acts] {
    set title a
    set xlabel "hidden layers"
    set ylabel "first / last hidden ||dC/db|| (log)"
    plot for [i in inits] rows(ratio, a, i, "") using 3:4:5:6 with yerrorlines lw 2 pt 7 title i, \
         1 with lines dt 2 lc rgb "black" title "1 (no vanishing)"
  }
  unset multiplot
}
unset output
