#!/usr/bin/env perl
# SPDX-License-Identifier: BSD-3-Clause
# merge-results.pl: merge the Google Benchmark JSON files of `make bench`
# (RESULTS/<cpu-id>/<set>.json, any number of CPUs) into one tidy table and a
# text report; with --plots, turn that table into the data files and the
# gnuplot driver of `make plots` (plots/README.md).
#
#   merge-results.pl [--tsv=FILE] [--report=FILE] [RESULTS]
#       RESULTS defaults to the results/ folder next to this script
#       (bench/results); FILE defaults to RESULTS/merged.tsv, RESULTS/report.txt;
#       '-' is standard output.
#   merge-results.pl --plots=OUT [--tsv=FILE]
#       reads the table (not the JSON) and writes OUT/data/*.tsv, the gnuplot
#       driver OUT/data/plots.gp (which loads plots/*.gp) and the list of the
#       images it makes, OUT/data/outputs.list.
#
# Perl 5 and its core module JSON::PP only. Exit status 1 with a message on
# stderr when there is nothing to read.
use strict;
use warnings;
use File::Basename qw(dirname basename);
use File::Path qw(make_path);
use Getopt::Long qw(GetOptions);
use JSON::PP ();

# ---- what the benchmark names mean -------------------------------------------
#
# THE PEER MAP: which peers each simdgrad kernel is compared with, and the
# kernel's class (how its size reads and how it is plotted), read from the
# kernel registry, src/kernels.h (its peers column; the registry's shape
# gives the class):
#   elementwise  <kernel>/<isa>/<n>            size = n elements
#   rowwise      <kernel>/<isa>/<rows>x<cols>  size = rows x cols elements
#   dense        <kernel>/<isa>/b<batch>_<in>x<out>, size = 2 batch in out
#                flops per call; outer/<isa>/<m>x<n>, size = m x n elements
# An entry benchmarked as several products ("dW: peers; dX: peers") gives a
# kernel per product, dense_dW and dense_dX.
# `memcpy` is the bandwidth roof: compared by bytes/s (a fraction of the
# roof), every other peer by items/s (a speedup; > 1 = simdgrad faster).
# A kernel missing here is classed by its size's form; a peer missing here is
# matched to the measured kernel its name ends with (autovec_foo -> foo), and
# the report lists it; otherwise it stands alone (kernel = its own name).
my %CLASS_OF_SHAPE = (MAP1 => 'elementwise', MAP2 => 'elementwise', ROWS1 => 'rowwise', ROWS2 => 'rowwise',
                      XENT => 'rowwise', DENSE_FORWARD => 'dense', DENSE_BACKWARD => 'dense', OUTER => 'dense');
my @PEER_MAP = do {
  my $registry = dirname(__FILE__) . '/../src/kernels.h';
  open my $fh, '<', $registry or die "merge-results.pl: $registry: $!\n";
  my $text = do { local $/; <$fh> };
  $text =~ s/\\\n//g; # the macro's continued lines
  my @map;
  while ($text =~ /\bX\((\w+),\s*(\w+),[^"]*"([^"]*)"\)/g) {
    my ($name, $shape, $peers) = ($1, $2, $3);
    my $class = $CLASS_OF_SHAPE{$shape} // 'other';
    for my $part (split /;\s*/, $peers) {
      my ($product, $list) = $part =~ /^(\w+):\s*(.*)$/ ? ("dense_$1", $2) : ($name, $part);
      push @map, $product => [$class => split ' ', $list];
    }
  }
  die "merge-results.pl: no kernels in $registry\n" unless @map;
  @map;
};
my $ROOF = 'memcpy';
# Machine probes, not kernels (they explain what bounds a kernel).
# threads/<library>/<kernel>/<T>/<size> (the threads set) is one too: each
# library on T threads, plotted against T (--plots), not a single-thread kernel.
my %PROBES = map { $_ => 1 } qw(fma_peak cpu_clock divps_throughput sigmoid_latency stream_copy input_range threads);
# ISA names, narrowest first; an ISA a context lists that is not here ranks after.
my @ISA_ORDER = qw(scalar sse2 sse4 avx neon avx2 avx512 sve sve2);

my (@KERNEL_ORDER, %CLASS, %PEERS, %KERNELS_OF_PEER);
for (my $i = 0; $i < @PEER_MAP; $i += 2) {
  my ($k, $v) = @PEER_MAP[$i, $i + 1];
  my ($class, @peers) = @$v;
  push @KERNEL_ORDER, $k;
  $CLASS{$k} = $class;
  $PEERS{$k} = \@peers;
  push @{$KERNELS_OF_PEER{$_}}, $k for @peers;
}
my @CLASS_ORDER = qw(elementwise rowwise dense other probe);
my %CLASS_TEXT = (elementwise => 'element-wise, size = n elements',
                  rowwise => 'row-wise, size = rows x cols',
                  dense => 'dense, single thread; b<batch>_<in>x<out> or <m>x<n>',
                  other => 'unclassified');

# The TSV's columns, in order (plots/README.md describes them).
my @COLS = qw(cpu cpu_model set kernel impl kind class size size_n size_unit
              items_per_s bytes_per_s gflops cycles_per_element time_ns stat other_counters
              spread_lo spread_hi);
# spread_lo, spread_hi: the slowest and the fastest repetition's rate over the
# median (the run-to-run spread the plots draw as error bars; empty for one run).
# Counters with a column of their own, and Google Benchmark's bookkeeping.
my %COUNTER_COL = (items_per_second => 'items_per_s', bytes_per_second => 'bytes_per_s',
                   GFLOPs => 'gflops', cycles_per_element => 'cycles_per_element');
my %NOT_COUNTER = map { $_ => 1 } qw(cpu_time real_time iterations repetitions repetition_index
  family_index per_family_instance_index threads time_unit);
my %NS_PER = (ns => 1, us => 1e3, ms => 1e6, s => 1e9);

sub rank_of {    # a sort key for an ISA or a peer within a list
  my ($name, @list) = @_;
  for my $i (0 .. $#list) { return sprintf '%03d', $i if $list[$i] eq $name }
  return "999 $name";
}
sub isa_rank { rank_of($_[0], @ISA_ORDER) }
sub kernel_rank { rank_of($_[0], @KERNEL_ORDER) }

# size label -> (elements or flops per call, their unit, the class its form implies)
sub size_info {
  my ($s) = @_;
  return ($1, 'elements', 'elementwise') if $s =~ /^(\d+)$/;
  return ($1 * $2, 'elements', 'rowwise') if $s =~ /^(\d+)x(\d+)$/;
  return (2 * $1 * $2 * $3, 'flops', 'dense') if $s =~ /^b(\d+)_(\d+)x(\d+)$/;
  return ('', '', 'other');
}
sub is_size { $_[0] =~ /^(?:\d+|\d+x\d+|b\d+_\d+x\d+)$/ }

# benchmark name -> (kind, family, impl, size)
sub parse_name {
  my ($name, $isas) = @_;
  my @c = grep { !/^(?:real_time|manual_time|process_time|(?:threads|min_time|min_warmup_time|repeats|iterations):.*)$/ }
          split m{/}, $name;
  my $size = @c >= 2 && is_size($c[-1]) ? pop @c : '';
  return ('probe', $c[0], join('/', @c[1 .. $#c]), $size) if $PROBES{$c[0]} || $size eq '';
  return ('isa', @c, $size) if @c == 2 && $isas->{$c[1]};
  return ('peer', join('/', @c), join('/', @c), $size);
}

sub median {
  my @v = sort { $a <=> $b } @_;
  return undef unless @v;
  return @v % 2 ? $v[$#v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2;
}
sub num { my ($v) = @_; defined $v && $v ne '' ? sprintf('%.6g', $v) : '' }

# ---- reading the JSON -----------------------------------------------------------

# One file -> its context, its measurements (one per benchmark: the median
# aggregate, else the median of the iterations) and its skipped entries.
sub read_json {
  my ($path) = @_;
  open my $fh, '<', $path or die "merge-results.pl: $path: $!\n";
  my $text = do { local $/; <$fh> };
  close $fh;
  my $j = eval { JSON::PP->new->decode($text) };
  die "merge-results.pl: $path: not JSON: $@" unless ref $j eq 'HASH';
  my $ctx = $j->{context} || {};
  my %isas = map { $_ => 1 } @ISA_ORDER, split ' ', ($ctx->{sg_isas_supported} // '');
  my (%by, @order, @skipped);
  for my $b (@{$j->{benchmarks} || []}) {
    my $agg = $b->{aggregate_name} // '';
    my $run = $b->{run_name} // (($b->{name} // '') =~ s/_(?:mean|median|stddev|cv)$//r);
    if ($b->{error_occurred}) {
      push @skipped, "$run: " . ($b->{error_message} // 'error');
      next;
    }
    push @order, $run unless $by{$run};
    my $slot = $by{$run} ||= {median => undef, iter => [], mean => undef};
    if (($b->{run_type} // 'iteration') eq 'iteration') { push @{$slot->{iter}}, $b }
    elsif ($agg eq 'median') { $slot->{median} = $b }
    elsif ($agg eq 'mean') { $slot->{mean} = $b }
  }
  my @m;
  for my $run (@order) {
    my $slot = $by{$run};
    my $it = $slot->{iter};
    my ($src, $stat);
    if ($slot->{median}) {
      ($src, $stat) = ($slot->{median}, 'median of ' . ($slot->{median}{repetitions} // '?') . ' (aggregate)');
    } elsif (@$it) {
      $src = {};
      for my $key (keys %{$it->[0]}) {
        next unless ($it->[0]{$key} // '') =~ /^-?[\d.]+(?:e[-+]?\d+)?$/i;
        $src->{$key} = median(map { $_->{$key} // () } @$it);
      }
      $src->{time_unit} = $it->[0]{time_unit};
      $stat = @$it == 1 ? '1 run' : 'median of ' . @$it . ' runs';
    } elsif ($slot->{mean}) {
      ($src, $stat) = ($slot->{mean}, 'mean (no median)');
    } else { next }
    my ($kind, $family, $impl, $size) = parse_name($run, \%isas);
    my (%col, @other);
    for my $key (sort keys %$src) {
      next if $NOT_COUNTER{$key} || ref $src->{$key};
      next unless ($src->{$key} // '') =~ /^-?[\d.]+(?:e[-+]?\d+)?$/i;
      if ($COUNTER_COL{$key}) { $col{$COUNTER_COL{$key}} = $src->{$key} }
      else { push @other, "$key=" . num($src->{$key}) }
    }
    $col{time_ns} = $src->{real_time} * ($NS_PER{$src->{time_unit} // 'ns'} // 1) if defined $src->{real_time};
    my ($rk) = grep { defined $it->[0] && defined $it->[0]{$_} } qw(items_per_second GFLOPs bytes_per_second);
    my @rates = $rk ? map { $_->{$rk} // () } @$it : ();
    my $mid = median(@rates);
    ($col{spread_lo}, $col{spread_hi}) = (min(@rates) / $mid, max(@rates) / $mid) if @rates > 1 && $mid;
    push @m, {kind => $kind, family => $family, impl => $impl, size => $size, stat => $stat,
              other_counters => join(',', @other), %col};
  }
  return ($ctx, \@m, \@skipped);
}

# Every RESULTS/*/*.json -> rows of the table, and per CPU what the report
# says about it.
sub merge {
  my ($dir) = @_;
  my @files = sort grep { -f } glob("$dir/*/*.json");
  die "merge-results.pl: no results: no $dir/<cpu-id>/<set>.json (run `make bench` first)\n" unless @files;
  my (%cpu, @meas);
  for my $path (@files) {
    my $cpu = basename(dirname($path));
    my $set = basename($path, '.json');
    my ($ctx, $m, $skipped) = read_json($path);
    my $info = $cpu{$cpu} ||= {files => [], model => $ctx->{sg_cpu_model} // $cpu};
    push @{$info->{files}}, {set => $set, ctx => $ctx, skipped => $skipped};
    my $date = $ctx->{date} // '';
    push @meas, map { {%$_, cpu => $cpu, set => $set, date => $date} } @$m;
  }
  # Class and kernel of each measurement; a (cpu, kernel, impl, size) in
  # several files (memcpy in sigmoid.json and tanh.json) takes the newest run
  # for an ISA, and for a peer the file that holds the kernel's own run.
  my (%isa_at, %kernel_file, %rows, %unmapped);
  for my $x (grep { $_->{kind} eq 'isa' } @meas) {
    my $key = join "\0", @$x{qw(cpu family size)};
    push @{$isa_at{$key}}, $x;
  }
  for my $key (keys %isa_at) {
    my ($newest) = sort { $b->{date} cmp $a->{date} || $a->{set} cmp $b->{set} } @{$isa_at{$key}};
    $kernel_file{$key} = $newest->{set};
  }
  my $put = sub {    # measurement, kernel -> candidate row
    my ($x, $kernel) = @_;
    my ($n, $unit, $form) = size_info($x->{size});
    my $class = $x->{kind} eq 'probe' ? 'probe' : $CLASS{$kernel} // ($x->{set} eq 'dense' ? 'dense' : $form);
    my %r = (%$x, kernel => $kernel, class => $class, size_n => $n, size_unit => $unit,
             cpu_model => $cpu{$x->{cpu}}{model});
    $r{$_} //= q() for @COLS;    # as the TSV reads back
    # preference: from the kernel's own file first, then the newest
    $r{pref} = (($kernel_file{join "\0", @r{qw(cpu kernel size)}} // '') eq $r{set} ? 1 : 0) . " $r{date}";
    my $key = join "\0", @r{qw(cpu kernel kind impl size)};
    $rows{$key} = \%r if !$rows{$key} || $r{pref} gt $rows{$key}{pref};
  };
  for my $x (@meas) {
    if ($x->{kind} ne 'peer') { $put->($x, $x->{family}); next }
    my $form = (size_info($x->{size}))[2];
    my @cands = grep { $CLASS{$_} eq $form || $CLASS{$_} eq 'dense' } @{$KERNELS_OF_PEER{$x->{impl}} || []};
    my @measured = grep { $isa_at{join "\0", $x->{cpu}, $_, $x->{size}} } @cands;
    if (!@cands) {    # not in the map: the measured kernel its name ends with
      my %here = map { (split /\0/)[1] => 1 } grep { /^\Q$x->{cpu}\E\0/ } keys %isa_at;
      my ($k) = sort { length $b <=> length $a } grep { $x->{impl} =~ /_\Q$_\E$/ } keys %here;
      $unmapped{$x->{cpu}}{$x->{impl}} = $k // '';
      @measured = ($k // $x->{impl});
    }
    @measured = (@cands == 1 ? $cands[0] : $x->{impl}) unless @measured;
    $put->($x, $_) for @measured;
  }
  return (\%cpu, [sort_rows(values %rows)], \%unmapped);
}

sub sort_rows {
  my %cr = map { $CLASS_ORDER[$_] => $_ } 0 .. $#CLASS_ORDER;
  return sort {
    $a->{cpu} cmp $b->{cpu} || $cr{$a->{class}} <=> $cr{$b->{class}}
      || kernel_rank($a->{kernel}) cmp kernel_rank($b->{kernel})
      || ($a->{size_n} || 0) <=> ($b->{size_n} || 0) || $a->{size} cmp $b->{size}
      || ($a->{kind} eq 'isa' ? 0 : 1) <=> ($b->{kind} eq 'isa' ? 0 : 1)
      || isa_rank($a->{impl}) cmp isa_rank($b->{impl})
      || peer_rank($a->{kernel}, $a->{impl}) cmp peer_rank($b->{kernel}, $b->{impl})
  } @_;
}
sub peer_rank { my ($k, $p) = @_; rank_of($p, @{$PEERS{$k} || []}) }

# ---- the table --------------------------------------------------------------------

sub write_tsv {
  my ($path, $rows) = @_;
  my $fh = out_fh($path);
  print $fh join("\t", @COLS), "\n";
  for my $r (@$rows) {
    print $fh join("\t", map {
      my $v = $r->{$_} // '';
      /^(?:items_per_s|bytes_per_s|gflops|cycles_per_element|time_ns|spread_lo|spread_hi)$/ ? num($v) : $v =~ s/[\t\n]/ /gr
    } @COLS), "\n";
  }
  close $fh unless $path eq '-';
}

sub read_tsv {
  my ($path) = @_;
  open my $fh, '<', $path or die "merge-results.pl: $path: $! (run `make bench-report` first)\n";
  chomp(my $head = <$fh> // '');
  my @h = split /\t/, $head, -1;
  die "merge-results.pl: $path: not a merged table (header: $head)\n" unless "@h[0 .. 5]" eq "@COLS[0 .. 5]";
  my @rows;
  while (my $line = <$fh>) {
    chomp $line;
    my @v = split /\t/, $line, -1;
    push @rows, {map { $h[$_] => $v[$_] // '' } 0 .. $#h};
  }
  die "merge-results.pl: no results: $path has no rows\n" unless @rows;
  return \@rows;
}

sub out_fh {
  my ($path) = @_;
  return \*STDOUT if $path eq '-';
  make_path(dirname($path));
  open my $fh, '>', $path or die "merge-results.pl: $path: $!\n";
  return $fh;
}

# ---- views over the rows (the report and the plots both use these) ----------------

# cpu -> kernel -> size -> {isa => {impl => row}, peer => {impl => row}, ...}
sub index_rows {
  my ($rows) = @_;
  my %ix;
  $ix{$_->{cpu}}{$_->{kernel}}{$_->{size}}{$_->{kind}}{$_->{impl}} = $_ for @$rows;
  return \%ix;
}
# items/s, the rate two implementations of one kernel compare by
sub rate { my ($r) = @_; return $r->{items_per_s} || ($r->{gflops} || 0) * 1e9 || $r->{bytes_per_s} || 0 }
# the number shown: G items/s, or GFLOP/s for dense
sub shown { my ($r) = @_; $r->{class} eq 'dense' && $r->{gflops} ne '' ? $r->{gflops} : rate($r) / 1e9 }
sub unit_of { $_[0] eq 'dense' ? 'GFLOP/s' : $_[0] eq 'other' ? 'G items/s' : 'G elements/s' }
# simdgrad over a peer: items/s ratio; over the memcpy roof: bytes/s ratio
sub versus {
  my ($r, $peer) = @_;
  return undef unless $r && $peer;
  if ($peer->{impl} eq $ROOF) {
    return $peer->{bytes_per_s} ? $r->{bytes_per_s} / $peer->{bytes_per_s} : undef if $r->{bytes_per_s} ne '';
  }
  my $p = rate($peer);
  return $p ? rate($r) / $p : undef;
}
# the memcpy roof in the kernel's G items/s: memcpy's bytes/s over the bytes the
# kernel moves per item (softmax_xent moves 12 bytes per element, memcpy 8)
sub roof_rate {
  my ($at) = @_;
  my $p = $at->{peer}{$ROOF} or return undef;
  # the bytes per item of the first ISA in ISA order: each ISA's counters give
  # it to the last digit or so, and the plots must not depend on hash order
  my ($k) = grep { $_->{bytes_per_s} && $_->{items_per_s} }
            map { $at->{isa}{$_} } sort { isa_rank($a) cmp isa_rank($b) } keys %{$at->{isa} || {}};
  return $k && $p->{bytes_per_s} ? $p->{bytes_per_s} / ($k->{bytes_per_s} / $k->{items_per_s}) / 1e9 : shown($p);
}
sub best_isa {
  my ($at) = @_;
  my ($best) = sort { rate($b) <=> rate($a) || isa_rank($b->{impl}) cmp isa_rank($a->{impl}) } values %{$at->{isa} || {}};
  return $best;
}
sub sizes_of {    # a kernel's sizes in order
  my ($bysize) = @_;
  return sort {
    my ($x) = values %{$bysize->{$a}{isa} || $bysize->{$a}{peer}};
    my ($y) = values %{$bysize->{$b}{isa} || $bysize->{$b}{peer}};
    ($x->{size_n} || 0) <=> ($y->{size_n} || 0) || $a cmp $b
  } keys %$bysize;
}
sub isa_rows { my ($by) = @_; map { values %{$_->{isa} || {}} } values %$by }    # a kernel's, all sizes
sub class_of { my ($by) = @_; my ($r) = isa_rows($by); $r ? $r->{class} : '' }
sub kernels_of {    # a CPU's kernels with simdgrad measurements, in class and map order
  my ($ix, $cpu, $class) = @_;
  my @k = grep { my $c = class_of($ix->{$cpu}{$_}); $c && (!$class || $c eq $class) } keys %{$ix->{$cpu}};
  return sort { kernel_rank($a) cmp kernel_rank($b) } @k;
}
sub peers_of {    # the peers a CPU measured for a kernel, map order, memcpy last
  my ($bysize, $kernel) = @_;
  my %p = map { %{$_->{peer} || {}} } values %$bysize;
  return sort { ($a eq $ROOF) <=> ($b eq $ROOF) || peer_rank($kernel, $a) cmp peer_rank($kernel, $b) } keys %p;
}
sub isas_of {
  my ($bysize) = @_;
  my %i = map { %{$_->{isa} || {}} } values %$bysize;
  return sort { isa_rank($a) cmp isa_rank($b) } keys %i;
}
sub probe { my ($ix, $cpu, $name, $impl) = @_; $ix->{$cpu}{$name}{''}{probe}{$impl} }

# The cross-CPU columns: per CPU its best ISA, then each narrower ISA it
# measured, forced on that same CPU (sg_set_isa), labelled so that it never
# reads as another CPU.
sub cross_columns {
  my ($ix, $model) = @_;
  my (@cols, %dirs);
  my @cpus = grep { my @k = kernels_of($ix, $_); @k } sort keys %$ix;
  push @{$dirs{$model->($_)}}, $_ for @cpus;
  for my $cpu (@cpus) {
    my %isas = map { $_ => 1 } map { isas_of($ix->{$cpu}{$_}) } kernels_of($ix, $cpu);
    my @isas = sort { isa_rank($a) cmp isa_rank($b) } keys %isas;
    my $m = $model->($cpu);
    # one model in several result folders: name the folder, and say so
    my @twins = grep { $_ ne $cpu } @{$dirs{$m}};
    $m .= " [$cpu]" if @twins;
    push @cols, {cpu => $cpu, isa => undef, label => "$m: best ISA"};
    push @cols, {cpu => $cpu, isa => $_, label => "$m: $_ forced (same CPU, not another CPU)"}
      for reverse @isas[0 .. $#isas - 1];
  }
  return @cols;
}
sub cross_value {
  my ($ix, $col, $kernel, $size) = @_;
  my $by = $ix->{$col->{cpu}}{$kernel} or return undef;    # (no autovivification)
  my $at = $by->{$size} or return undef;
  return defined $col->{isa} ? $at->{isa}{$col->{isa}} : best_isa($at);
}
sub cross_kernels {    # every kernel any CPU measured, with its sizes
  my ($ix) = @_;
  my (%k, %sizes);
  for my $cpu (sort keys %$ix) {
    for my $kernel (kernels_of($ix, $cpu)) {
      my $by = $ix->{$cpu}{$kernel};
      $k{$kernel} = class_of($by);
      $sizes{$kernel}{$_} = $by->{$_} for grep { $by->{$_}{isa} } keys %$by;
    }
  }
  my %cr = map { $CLASS_ORDER[$_] => $_ } 0 .. $#CLASS_ORDER;
  return map { [$_, $k{$_}, [sizes_of($sizes{$_})]] }
         sort { $cr{$k{$a}} <=> $cr{$k{$b}} || kernel_rank($a) cmp kernel_rank($b) } keys %k;
}

# ---- the report -----------------------------------------------------------------------

sub fmt { my ($v, $d) = @_; defined $v ? sprintf("%.${\($d // 3)}g", $v) : '-' }
sub xfmt { my ($v) = @_; defined $v ? ($v >= 100 ? sprintf('%.0fx', $v) : sprintf('%.3gx', $v)) : '-' }

sub table {    # rows of cells -> aligned text; the first $left columns left-aligned
  my ($left, @rows) = @_;
  my @w;
  for my $r (@rows) { $w[$_] = max($w[$_] // 0, length $r->[$_]) for 0 .. $#$r }
  return join '', map {
    my $r = $_;
    '  ' . join('  ', map { $_ < $left ? sprintf('%-*s', $w[$_], $r->[$_]) : sprintf('%*s', $w[$_], $r->[$_]) } 0 .. $#$r) =~ s/\s+$//r . "\n"
  } @rows;
}
sub max { my $m = shift; for (@_) { $m = $_ if $_ > $m } $m }
sub min { my $m = shift; for (@_) { $m = $_ if $_ < $m } $m }

sub ctx_values {    # the distinct values of a context key over a CPU's files
  my ($files, $key) = @_;
  my %seen;
  return join ' | ', grep { !$seen{$_}++ } map { $_->{ctx}{$key} // () } @$files;
}

# "<shape> <impl> | <shape> <impl> ..." (a context's onednn_impl_*) with
# the shapes of each implementation together: "<impl> (<shape> <shape>) | ..."
sub impl_by_shape {
  my ($text) = @_;
  my (@order, %shapes);
  for (split / \| /, $text) {
    my ($shape, $impl) = /^(\S+) (.*)$/ or return $text;
    push @order, $impl unless $shapes{$impl};
    push @{$shapes{$impl}}, $shape;
  }
  return join ' | ', map { "$_ (" . join(' ', @{$shapes{$_}}) . ')' } @order;
}

sub report {
  my ($path, $dir, $cpus, $rows, $unmapped) = @_;
  my $ix = index_rows($rows);
  my $fh = out_fh($path);
  # no path in it: the same results give the same report wherever it runs
  print $fh "simdgrad benchmark report: bench/merge-results.pl over every <cpu-id>/<set>.json of the results\n",
    "Each figure is the median of its repetitions (the median aggregate, else the median of the\n",
    "iteration runs). Speedup = simdgrad items/s over the peer's (> 1: simdgrad faster); the\n",
    "memcpy column is the fraction of the copy roof reached, simdgrad bytes/s over memcpy bytes/s.\n";
  for my $cpu (sort keys %$cpus) {
    my $f = $cpus->{$cpu}{files};
    my $forced = ctx_values($f, 'SIMDGRAD_ISA');
    print $fh "\n", '=' x 78, "\nCPU $cpu\n", table(2,
      ['model', ctx_values($f, 'sg_cpu_model') || '(not in the context)'],
      ['features', ctx_values($f, 'sg_cpu_features')],
      ['ISAs', ctx_values($f, 'sg_isas_supported') . ' (start-up default ' . ctx_values($f, 'sg_isa_default')
        . ', SIMDGRAD_ISA ' . ($forced || '(unset)') . ')'],
      ['compiler', join(', ', grep { $_ } ctx_values($f, 'compiler_c'), ctx_values($f, 'compiler_cxx'))
        . '; cflags ' . ctx_values($f, 'cflags')],
      ['peers', ctx_values($f, 'peers')],
      (ctx_values($f, 'openblas_config') ? ['openblas', ctx_values($f, 'openblas_config')
        . ' (core ' . ctx_values($f, 'openblas_corename') . ', threads ' . ctx_values($f, 'openblas_threads') . ')'] : ()),
      (ctx_values($f, 'onednn_version') ? ['onednn', ctx_values($f, 'onednn_version')
        . ' (threads ' . ctx_values($f, 'onednn_threads') . ', OMP_NUM_THREADS ' . ctx_values($f, 'OMP_NUM_THREADS') . ')'] : ()),
      # the implementation oneDNN picked per product, variant and shape
      (map { my $k = $_; ['  ' . ($k =~ s/^onednn_impl_//r =~ tr/_/ /r), impl_by_shape(ctx_values($f, $k))] }
         grep { ctx_values($f, $_) } map { my $v = $_; map { "onednn_impl_${v}_$_" } qw(forward dW dX) } qw(plain any)),
      (ctx_values($f, 'autovec_target') ? ['autovec', ctx_values($f, 'autovec_target')] : ()),
      (ctx_values($f, 'clock_ghz') ? ['clock', ctx_values($f, 'clock_ghz') . ' GHz (the cycle counts use it)'] : ()),
      map { ["$_->{set}.json", join ', ', 'set ' . ($_->{ctx}{bench_set} // '?') ,
               ($_->{ctx}{sizes} ? "sizes $_->{ctx}{sizes}" : ()), 'date ' . ($_->{ctx}{date} // '?'),
               'commit ' . ($_->{ctx}{git_commit} // 'not recorded')
               . (($_->{ctx}{git_dirty} // '') eq 'yes' ? ' + uncommitted changes' : ''),
               'version ' . ($_->{ctx}{sg_version} // '?')] } @$f);
    print $fh "  note: SIMDGRAD_ISA=$forced was set for a run: the start-up default was forced; each\n",
      "  <kernel>/<isa> benchmark still forces its own ISA. Same CPU, not another CPU.\n"
      if $forced =~ /[^|\s]/ && $forced !~ /^\(unset\)(?: \| \(unset\))*$/;
    my @probes = map { my $r = $_;
      $r->{kernel} eq 'cpu_clock' && $r->{other_counters} =~ /GHz=([\d.e+-]+)/ ? "cpu_clock/$r->{impl} $1 GHz"
      : $r->{gflops} ne '' ? "$r->{kernel}/$r->{impl} " . fmt($r->{gflops}, 4) . ' GFLOP/s'
      : $r->{kernel} eq 'stream_copy' ? "stream_copy/$r->{impl}/$r->{size} " . fmt(rate($r) / 1e9) . ' G elements/s, '
          . fmt($r->{bytes_per_s} / 1e9) . ' GB/s'
      : $r->{kernel} eq 'divps_throughput' ? "divps_throughput/$r->{impl} " . fmt(rate($r) / 1e9) . ' G floats/s'
      : $r->{kernel} eq 'sigmoid_latency' ? "sigmoid_latency/$r->{impl} " . fmt($r->{time_ns}) . ' ns per call'
      : () } grep { $_->{kind} eq 'probe' && $_->{cpu} eq $cpu } @$rows;
    print $fh "  probes:\n", map { "    $_\n" } @probes if @probes;
    for my $file (grep { @{$_->{skipped}} } @$f) {
      print $fh "  skipped in $file->{set}.json (error_occurred): ", scalar @{$file->{skipped}}, ", e.g. $file->{skipped}[0]\n";
    }
    for my $p (sort keys %{$unmapped->{$cpu} || {}}) {
      my $k = $unmapped->{$cpu}{$p};
      print $fh "  peer $p is not in the peer map (bench/merge-results.pl): ",
        $k ? "compared with $k by its name\n" : "listed on its own\n";
    }
    report_cpu($fh, $ix, $cpu);
  }
  report_cross($fh, $ix, $cpus);
  close $fh unless $path eq '-';
}

sub report_cpu {
  my ($fh, $ix, $cpu) = @_;
  my $peak = max(map { my $p = $ix->{$cpu}{fma_peak}{''}{probe}{$_}; $p && $p->{gflops} ne '' ? $p->{gflops} : 0 }
                   keys %{$ix->{$cpu}{fma_peak}{''}{probe} || {}}, 0);
  for my $kernel (kernels_of($ix, $cpu)) {
    my $by = $ix->{$cpu}{$kernel};
    my @sizes = sizes_of($by);
    my @peers = peers_of($by, $kernel);
    my $class = class_of($by);
    my $unit = unit_of($class);
    my $dense = $class eq 'dense' && $peak;
    my $cyc = grep { $_->{cycles_per_element} ne '' } isa_rows($by);
    my @vs = map { $_ eq $ROOF ? 'of memcpy roof' : "vs $_" } @peers;
    my $row = sub {
      my ($r, $at) = @_;
      return [fmt(shown($r), 4), map { my $p = $at->{peer}{$_}; $_ eq $ROOF ? fmt(versus($r, $p)) : xfmt(versus($r, $p)) } @peers];
    };
    print $fh "\n-- $kernel ($CLASS_TEXT{$class}; $unit)\n  best ISA per size:\n";
    print $fh table(2, ['size', 'best', $unit, @vs, $dense ? ('of FMA peak') : ()],
      map { my $at = $by->{$_}; my $b = best_isa($at);
            $b ? [$_, $b->{impl}, @{$row->($b, $at)}, $dense ? (fmt($b->{gflops} / $peak, 2)) : ()] : () } @sizes);
    print $fh "  every ISA:\n", table(2, ['size', 'isa', $unit, @vs, $cyc ? ('cycles/element') : ()],
      map { my $s = $_; my $at = $by->{$s};
            map { [$s, $_, @{$row->($at->{isa}{$_}, $at)}, $cyc ? (fmt($at->{isa}{$_}{cycles_per_element})) : ()] }
              sort { isa_rank($a) cmp isa_rank($b) } keys %{$at->{isa} || {}} } @sizes);
    my @alone = grep { !$by->{$_}{isa} } @sizes;
    print $fh "  peers measured at sizes simdgrad was not: ", join(', ', map { "$_ (" . join(' ', sort keys %{$by->{$_}{peer}}) . ')' } @alone), "\n"
      if @alone;
  }
  my @alone = grep { my @at = values %{$ix->{$cpu}{$_}}; !grep({ $_->{isa} } @at) && grep { $_->{peer} } @at } keys %{$ix->{$cpu}};
  print $fh "\n-- peers without a measured kernel here: ", join(', ', sort @alone), "\n" if @alone;
}

sub report_cross {
  my ($fh, $ix, $cpus) = @_;
  my @cols = cross_columns($ix, sub { $cpus->{$_[0]}{model} });
  print $fh "\n", '=' x 78, "\nCross-CPU: the best simdgrad ISA on each CPU, side by side (G elements/s; dense: GFLOP/s).\n",
    "A column 'X: <isa> forced' is the SAME CPU X running its <isa> kernels (sg_set_isa): what a\n",
    "narrower machine would get from simdgrad, simulated on this CPU - not a measurement of another CPU.\n";
  print $fh map { "  [" . ($_ + 1) . "] $cols[$_]{label}\n" } 0 .. $#cols;
  my %dirs;
  push @{$dirs{$cpus->{$_}{model}}}, $_ for sort keys %$cpus;
  print $fh map { "  note: the folders " . join(', ', @{$dirs{$_}}) . " hold the same CPU model, $_ (one machine or identical ones)\n" }
    grep { @{$dirs{$_}} > 1 } sort keys %dirs;
  my @t = (['kernel', 'size', map { '[' . ($_ + 1) . ']' } 0 .. $#cols]);
  for my $k (cross_kernels($ix)) {
    my ($kernel, $class, $sizes) = @$k;
    for my $s (@$sizes) {
      push @t, [$kernel, $s, map { my $r = cross_value($ix, $_, $kernel, $s);
                                    $r ? fmt(shown($r), 4) . (defined $_->{isa} ? '' : " $r->{impl}") : '-' } @cols];
    }
  }
  print $fh table(2, @t);
}

# ---- the plot data -----------------------------------------------------------------------

sub gp_str { my ($s) = @_; "'" . ($s =~ s/'/''/gr) . "'" }    # a gnuplot single-quoted string
sub safe { $_[0] =~ s/[^A-Za-z0-9_.-]+/-/gr }

# Writes one wide TSV (header + rows, '-' = not measured; a value column with
# nothing in it is left out) and returns the gnuplot lines that plot it with
# SCRIPT: the variables common.gp describes; a roofcol given as a header
# becomes that column's number (0: none).
sub plot_entry {
  my ($out, $script, $name, $vars, $head, @rows) = @_;
  my @keep = grep { my $c = $_; $head->[$c] =~ /^(?:size_n|size|shape)$/ || grep { defined $_->[$c] && $_->[$c] ne '' } @rows } 0 .. $#$head;
  $head = [@$head[@keep]];
  @rows = map { [@$_[@keep]] } @rows;
  if (defined $vars->{roofcol}) {
    my ($i) = grep { $head->[$_] eq $vars->{roofcol} } 0 .. $#$head;
    $vars = {%$vars, roofcol => defined $i ? $i + 1 : 0};
  }
  my $data = "$out/data/$name.tsv";
  my $fh = out_fh($data);
  print $fh join("\t", @$head), "\n", map { join("\t", map { defined $_ && $_ ne '' ? $_ : '-' } @$_) . "\n" } @rows;
  close $fh;
  make_path(dirname("$out/$name"));
  my @value = grep { /^-?[\d.]+(?:e[-+]?\d+)?$/i && $_ > 0 }
              map { my $r = $_; map { $r->[$_] // '' } grep { $head->[$_] !~ /^(?:size_n|size|shape)$/ } 0 .. $#$r } @rows;
  my %v = (datafile => $data, outbase => "$out/$name", ncols => scalar @$head,
           datamin => @value ? min(@value) : 1, datamax => @value ? max(@value) : 1, %$vars);
  return ((map {
    my $x = $v{$_};
    "$_ = " . (ref $x ? join('."\n".', map { gp_str($_) } @$x)
               : /^(?:ncols|npeaks|roofcol|nisas|npeers|nroof|nseries)$/ ? int $x
               : $x =~ /^-?[\d.]+(?:e[-+]?\d+)?$/i ? sprintf('%.6e', $x) : gp_str($x))
  } sort keys %v), "load plotsdir.'/$script'", '');
}

sub plots {
  my ($out, $rows) = @_;
  my $ix = index_rows($rows);
  my %model = map { $_->{cpu} => $_->{cpu_model} } @$rows;
  my (@gp, @outputs);
  my $add = sub { my $name = $_[1]; push @gp, plot_entry($out, @_); push @outputs, map { "$out/$name.$_" } qw(svg png) };
  for my $cpu (sort keys %$ix) {
    my $m = $model{$cpu};
    my $dir = safe($cpu);
    # (1) throughput against size per ISA and per peer, with the memcpy roof;
    # each series as value, slowest and fastest repetition (error bars)
    for my $kernel (kernels_of($ix, $cpu, 'elementwise'), kernels_of($ix, $cpu, 'rowwise')) {
      my $by = $ix->{$cpu}{$kernel};
      my @isas = isas_of($by);
      my @peers = grep { $_ ne $ROOF } peers_of($by, $kernel);
      my @roof = grep { $_ eq $ROOF } peers_of($by, $kernel);
      my $roof = "memcpy roof (equal bytes/s)";
      my @any = isa_rows($by);
      my $class = class_of($by);
      my $band = sub { my ($v, $r) = @_; defined $v ? (fmt($v, 6), map { fmt($v * ($r->{$_} || 1), 6) } qw(spread_lo spread_hi)) : (undef) x 3 };
      $add->('throughput.gp', "$dir/throughput_$kernel", {
        plottitle => ["$kernel: throughput per ISA (solid) and per peer (dotted)" . (@roof ? ', the memcpy roof (dashed)' : '')
                      . '; bars: slowest to fastest repetition', $m],
        xlabel => $class eq 'rowwise' ? 'rows x cols (log scale; x = elements per call)' : 'n, elements per call (log scale)',
        ylabel => unit_of($class) . ' (log scale)', nisas => scalar @isas, npeers => scalar @peers, nroof => scalar @roof,
        xmin => min(map { $_->{size_n} || 1 } @any), xmax => max(map { $_->{size_n} || 1 } @any)},
        ['size_n', 'size', map { ($_, "$_ slowest", "$_ fastest") } @isas, @peers, map { $roof } @roof],
        map { my $at = $by->{$_};
              [(values %{$at->{isa} || $at->{peer}})[0]{size_n}, $_,
               (map { my $r = $at->{isa}{$_}; $band->($r ? shown($r) : undef, $r) } @isas),
               (map { my $r = $at->{peer}{$_}; $band->($r ? shown($r) : undef, $r) } @peers),
               (map { $band->(roof_rate($at), $at->{peer}{$ROOF}) } @roof)] } sizes_of($by));
    }
    # (2) the best ISA's speedup over each peer
    for my $kernel (kernels_of($ix, $cpu)) {
      my $by = $ix->{$cpu}{$kernel};
      # the memcpy roof is a line of the throughput plot, not a speedup
      my @peers = grep { $_ ne $ROOF } peers_of($by, $kernel) or next;
      my @sizes = grep { $by->{$_}{isa} } sizes_of($by);
      # bars: the ratio's range from the two rows' slowest and fastest repetitions
      my $range = sub { my ($v, $b, $p) = @_; defined $v ? (fmt($v, 6), fmt($v * ($b->{spread_lo} || 1) / ($p->{spread_hi} || 1), 6),
                                                            fmt($v * ($b->{spread_hi} || 1) / ($p->{spread_lo} || 1), 6)) : (undef) x 3 };
      $add->('speedup.gp', "$dir/speedup_$kernel", {
        plottitle => ["$kernel: speedup of the best simdgrad ISA over each peer (> 1: simdgrad faster); bars: repetitions' range", $m],
        xlabel => 'size (best ISA)', ylabel => 'speedup, x (log scale)', nseries => scalar @peers},
        ['size', map { ("vs $_", "vs $_ low", "vs $_ high") } @peers],
        map { my $at = $by->{$_}; my $b = best_isa($at);
              ["$_ ($b->{impl})", map { $range->(versus($b, $at->{peer}{$_}), $b, $at->{peer}{$_}) } @peers] } @sizes);
    }
    # (4) dense GFLOP/s per shape against OpenBLAS and the FMA peaks
    my @peaks = map { $ix->{$cpu}{fma_peak}{''}{probe}{$_} } sort { isa_rank($b) cmp isa_rank($a) } keys %{$ix->{$cpu}{fma_peak}{''}{probe} || {}};
    @peaks = grep { $_->{gflops} ne '' } @peaks;
    for my $kernel (kernels_of($ix, $cpu, 'dense')) {
      my $by = $ix->{$cpu}{$kernel};
      my @isas = isas_of($by);
      my @peers = peers_of($by, $kernel);
      $add->('dense.gp', "$dir/gflops_$kernel", {
        # more than two peers' names do not fit the title: the legend has them
        plottitle => ["$kernel: GFLOP/s per shape, single thread, against "
          . (@peers > 2 ? 'its peers' : join(', ', @peers) || 'no peer')
          . (@peaks ? ' and the FMA peak' : ''), $m],
        xlabel => $kernel eq 'outer' ? 'shape m x n (A += alpha x y^T)' : 'shape b<batch>_<in>x<out>',
        ylabel => 'GFLOP/s (2 flops per multiply-add)', npeaks => scalar @peaks,
        (map { ("peak$_" => fmt($peaks[$_ - 1]{gflops}, 6), "peaktitle$_" => "FMA peak, fma_peak/$peaks[$_ - 1]{impl}: " . fmt($peaks[$_ - 1]{gflops}) . " GFLOP/s") } 1 .. @peaks)},
        ['shape', @isas, @peers],
        map { my $at = $by->{$_}; [$_, map { my $r = $at->{isa}{$_} || $at->{peer}{$_}; $r ? fmt(shown($r), 6) : undef } @isas, @peers] }
          sizes_of($by));
    }
  }
  # (5) the threads set: each kernel and size against the thread count, a
  # line per library
  for my $cpu (sort keys %$ix) {
    my %series;    # "kernel size" -> library -> T -> value
    for my $r (grep { $_->{kind} eq 'probe' && $_->{kernel} eq 'threads' && $_->{cpu} eq $cpu } @$rows) {
      my ($lib, $kernel, $t) = split m{/}, $r->{impl};
      $kernel = 'sigmoid' if $kernel eq 'copy';    # the copy is the memory-bound kernels' roof
      my $v = $r->{gflops} ne '' ? $r->{gflops} : rate($r) / 1e9;
      $series{"$kernel $r->{size}"}{$lib}{$t} = $v;
    }
    for my $key (sort keys %series) {
      my ($kernel, $size) = split / /, $key;
      my @libs = ('simdgrad', grep { $_ ne 'simdgrad' } sort keys %{$series{$key}});
      my %ts = map { %{$series{$key}{$_}} } @libs;
      my @t = sort { $a <=> $b } keys %ts;
      my $dense = $kernel =~ /^dense_/;
      $add->('threads.gp', safe($cpu) . "/threads_${kernel}_$size", {
        plottitle => ["$kernel $size against the thread count: simdgrad (the same bits for every count) and its peers on as many threads",
                      $model{$cpu}],
        xlabel => 'threads', ylabel => $dense ? 'GFLOP/s' : 'G elements/s'},
        ['threads', (map { $_ eq 'memcpy' ? 'memcpy (copy roof)' : $_ } @libs), 'simdgrad ideal (T x one thread)'],
        map { my $n = $_; my $one = $series{$key}{simdgrad}{1};
              [$n, (map { defined $series{$key}{$_}{$n} ? fmt($series{$key}{$_}{$n}, 6) : undef } @libs),
               defined $one ? fmt($one * $n, 6) : undef] } @t);
    }
  }
  # (3) across CPUs: each CPU's best ISA, and its narrower ISAs forced
  my @cols = cross_columns($ix, sub { $model{$_[0]} });
  for my $k (cross_kernels($ix)) {
    my ($kernel, $class, $sizes) = @$k;
    my @label = map {    # a best-ISA column names the ISAs that won
      my $c = $_; my %w;
      $w{$_->{impl}} = 1 for map { cross_value($ix, $c, $kernel, $_) // () } @$sizes;
      defined $c->{isa} ? $c->{label} : "$c->{label} (" . join(' or ', sort { isa_rank($a) cmp isa_rank($b) } keys %w) . ')'
    } @cols;
    $add->('crosscpu.gp', "cross-cpu/$kernel", {
      plottitle => ["$kernel: best simdgrad ISA per CPU; 'forced' bars = narrower ISAs on the SAME CPU, not other CPUs",
                    'CPUs: ' . join('; ', sort keys %{{map { $model{$_} => 1 } grep { $ix->{$_}{$kernel} } keys %$ix}})],
      xlabel => 'size', ylabel => unit_of($class) . ' (log scale)'},
      ['size', @label],
      map { my $s = $_; [$s, map { my $r = cross_value($ix, $_, $kernel, $s); $r ? fmt(shown($r), 6) : undef } @cols] } @$sizes);
  }
  my $fh = out_fh("$out/data/plots.gp");
  print $fh "# made by bench/merge-results.pl --plots: run as\n#   gnuplot -e \"plotsdir='<srcdir>/plots'\" $out/data/plots.gp\n",
    map { "$_\n" } @gp;
  close $fh;
  return @outputs;
}

# ---- main ----------------------------------------------------------------------------

my ($tsv, $report, $plots);
GetOptions('tsv=s' => \$tsv, 'report=s' => \$report, 'plots=s' => \$plots)
  or die "usage: merge-results.pl [--tsv=FILE] [--report=FILE] [RESULTS] | --plots=OUT [--tsv=FILE]\n";
my $dir = shift // dirname($0) . '/results';
$dir =~ s{/+$}{};
$tsv //= "$dir/merged.tsv";
if (defined $plots) {
  my $list = "$plots/data/outputs.list";
  if (open my $old, '<', $list) { chomp(my @o = <$old>); unlink @o; close $old }    # no stale images
  my @outputs = plots($plots, read_tsv($tsv));
  my $fh = out_fh($list);
  print $fh map { "$_\n" } @outputs;
  close $fh;
  print scalar(@outputs) / 2, " plots to draw: $plots/data/plots.gp\n";
  exit 0;
}
die "merge-results.pl: no results: no folder $dir (run `make bench` first, or name the results folder)\n" unless -d $dir;
$report //= "$dir/report.txt";
my ($cpus, $rows, $unmapped) = merge($dir);
write_tsv($tsv, $rows);
report($report, $dir, $cpus, $rows, $unmapped);
print STDERR 'merge-results.pl: ', scalar(@$rows), ' rows from ', scalar(keys %$cpus), " CPU(s): $tsv, $report\n"
  unless $tsv eq '-' || $report eq '-';
