#!/usr/bin/perl
# SPDX-License-Identifier: BSD-3-Clause
# Writes the seed corpus of the fuzz harnesses, verify/fuzz/corpus/{elementwise,
# softmax,dense,idx}/, in the input layouts that the harnesses decode (see the
# comment at the top of each): every entry, vector tails, special values, in-place
# and NULL variants; for idx, IDX files, good and bad, plain and gzip. Run from
# anywhere; the files are committed.
use strict;
use warnings;
use File::Basename qw(dirname);
use IO::Compress::Gzip qw(gzip $GzipError);

my $top = dirname(__FILE__) . '/corpus';

# Float bits of the special values (fuzz.h has the same kind of list).
my @specials = (
    0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7fc0dead,
    0x7f800001, 0xffbfffff, 0x00000001, 0x807fffff, 0x00800000, 0x80800000, 0x7f7fffff,
    0xff7fffff, 0x3f800000, 0xbf800000);
my @near = (16.635532, -16.635532, 17.32868, -87.33655, -103.97208, -104, -110, -110.00001,
            9.010913, -9.010913, 10, 0.54930615, 5e-5, -0.5, 88.72284, 1e-20, -1e30);
sub fbits { unpack 'V', pack 'f<', $_[0] }
my @all = (@specials, map { fbits($_) } @near);

# A pool of n floats: the special values, then a deterministic spread.
sub pool {
    my ($n) = @_;
    my @v = @all;
    my $s = 12345;
    while (@v < $n) { $s = ($s * 1103515245 + 12345) % 2**31; push @v, fbits(($s / 2**31 - 0.5) * 40); }
    return pack 'V*', @v[0 .. $n - 1];
}

sub seed {
    my ($dir, $name, @bytes) = @_;
    mkdir "$top" unless -d $top;
    mkdir "$top/$dir" unless -d "$top/$dir";
    open my $f, '>:raw', "$top/$dir/$name" or die "$top/$dir/$name: $!";
    print $f join '', @bytes;
    close $f;
}
sub b { map { chr } @_ }   # header bytes
sub n16 { pack 'v', $_[0] } # a two-byte size field

# elementwise: entry n(1 byte < 160, or 160+ then 2 bytes) off_a off_b off_out alias mode_a mode_b pool
# entry: the registry's element-wise kernels in its order (src/kernels.h, read
# here as the harness reads it through verify/oracle.h): $e{NAME};
# alias 0 out of place, 1 out = a, 2 out = b, 3 b = a; mode 0 raw, 1 moderate,
# 2/3 with specials, 4 small integers (fuzz.h: shape).
my %e = do {
    my $registry = dirname(__FILE__) . '/../../src/kernels.h';
    open my $k, '<', $registry or die "$registry: $!";
    my @names = do { local $/; <$k> } =~ /\bX\((\w+), MAP[12],/g;
    map { $names[$_] => $_ } 0 .. $#names;
};
seed('elementwise', 'sigmoid-specials', b($e{sigmoid}, 34, 0, 0, 0, 0, 0, 0), pool(68));
seed('elementwise', 'sigmoid-inplace-tail', b($e{sigmoid}, 13, 3, 5, 7, 1, 1, 1), pool(26));
seed('elementwise', 'sigmoid-empty', b($e{sigmoid}, 0, 5, 5, 5, 0, 0, 0));
seed('elementwise', 'sigmoid_backward', b($e{sigmoid_backward}, 67, 1, 2, 3, 0, 1, 3), pool(134));
seed('elementwise', 'sigmoid_backward-inplace-dy', b($e{sigmoid_backward}, 9, 0, 15, 0, 2, 1, 2), pool(18));
seed('elementwise', 'tanh-specials', b($e{tanh}, 34, 1, 0, 1, 0, 0, 0), pool(68));
seed('elementwise', 'tanh-large-inplace', b($e{tanh}, 200), n16(2055), b(4, 0, 4, 1, 2, 2), pool(64));
seed('elementwise', 'tanh_backward-same-inputs', b($e{tanh_backward}, 31, 2, 2, 9, 3, 2, 2), pool(62));
seed('elementwise', 'relu-nans-inplace', b($e{relu}, 17, 0, 0, 0, 1, 0, 0), pool(34));
seed('elementwise', 'relu-moderate', b($e{relu}, 129, 8, 0, 1, 0, 1, 0), pool(40));
seed('elementwise', 'relu_backward-inplace-x', b($e{relu_backward}, 100, 6, 7, 8, 1, 3, 0), pool(200));
seed('elementwise', 'relu_backward-integers', b($e{relu_backward}, 24, 0, 0, 0, 0, 4, 4), pool(48));
seed('elementwise', 'relu_backward-empty', b($e{relu_backward}, 0, 0, 0, 0, 2, 0, 0));

# softmax: entry rows-1 cols-1(< 160; 160..247 then 2 bytes % 300; 248+ then 2 bytes % 2100)
# off x4 alias outputs(bit 0 probs, bit 1 delta) mode_a mode_b [label byte per row, xent] pool
# entries 0 softmax 1 log_softmax 2 softmax_backward 3 softmax_xent; label bytes >= 240 are out of range.
seed('softmax', 'softmax', b(0, 2, 16, 0, 1, 2, 3, 0, 0, 1, 1), pool(51));
seed('softmax', 'softmax-nan-and-inf-rows-inplace', b(0, 3, 7, 0, 0, 0, 0, 1, 0, 0, 0),
     pack('V*', 0x3f800000, 0x40000000, 0x7fc0dead, 0, 0, 0, 0, 0, (0xff800000) x 8,
          0x7f800000, (0x3f800000) x 7, 0xff800000, 0x42c80000, (0xff800000) x 6));
seed('softmax', 'log_softmax-specials', b(1, 3, 9, 5, 0, 9, 0, 0, 0, 0, 0), pool(40));
seed('softmax', 'log_softmax-inplace', b(1, 7, 63, 1, 1, 1, 1, 1, 0, 2, 2), pool(64));
seed('softmax', 'softmax-2000', b(0, 0, 250), n16(1999), b(0, 0, 4, 0, 0, 0, 1, 1), pool(64));
seed('softmax', 'softmax-integers', b(0, 5, 40, 0, 0, 0, 0, 0, 0, 4, 4), pool(64));
seed('softmax', 'softmax_backward', b(2, 4, 32, 0, 3, 6, 9, 0, 0, 1, 3), pool(100));
seed('softmax', 'softmax_backward-dx-is-y', b(2, 1, 15, 1, 2, 3, 4, 1, 0, 1, 1), pool(32));
seed('softmax', 'softmax_backward-dx-is-dy', b(2, 0, 19, 0, 0, 0, 0, 2, 0, 2, 0), pool(40));
seed('softmax', 'xent', b(3, 3, 9, 0, 1, 2, 3, 0, 3, 1, 0, 0, 5, 9, 2), pool(40));
seed('softmax', 'xent-bad-labels-probs-null', b(3, 3, 9, 2, 2, 2, 2, 0, 2, 2, 0, 240, 255, 3, 247), pool(40));
seed('softmax', 'xent-delta-null', b(3, 1, 16, 0, 0, 0, 0, 0, 1, 0, 0, 16, 3), pool(34));
seed('softmax', 'xent-no-outputs', b(3, 0, 4, 0, 0, 0, 0, 0, 0, 1, 0, 2), pool(5));
seed('softmax', 'xent-probs-is-logits', b(3, 2, 33, 7, 0, 0, 0, 1, 3, 1, 0, 1, 2, 33), pool(102));
seed('softmax', 'xent-delta-is-probs', b(3, 2, 200), n16(299), b(0, 0, 5, 11, 3, 3, 3, 0, 17, 100, 239), pool(64));

# dense: entry d0 d1 d2 (each 1 + b % 40, or 1 + b % 70 for outer, for b < 232; 232..239 then
# 2 bytes: 1 + v % 4200, within a budget of 2^15; 240+ is 0) lda-slack flags
# off x6 mode x4 alpha(4 bytes, shaped by the 4th mode) pool. entries 0 forward (flags bit 0 bias),
# 1 backward (bits 0 dW, 1 db, 2 dX), 2 outer (m n - ; lda = n + slack).
my $alpha = pack 'V', 0x3fc00000;
seed('dense', 'forward-bias', b(0, 4, 16, 9, 0, 1, 0, 1, 2, 3, 4, 5, 1, 1, 1, 0), $alpha, pool(300));
seed('dense', 'forward-nobias-1x1x1', b(0, 0, 0, 0, 0, 0, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0), $alpha, pool(3));
seed('dense', 'forward-in-empty', b(0, 3, 250, 7, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0), $alpha, pool(8));
seed('dense', 'forward-specials', b(0, 7, 9, 17, 0, 1, 1, 3, 5, 7, 9, 11, 2, 2, 2, 0), $alpha, pool(120));
seed('dense', 'backward-all', b(1, 7, 12, 20, 0, 7, 0, 1, 2, 3, 4, 5, 1, 1, 1, 0), $alpha, pool(400));
seed('dense', 'backward-dW', b(1, 2, 33, 15, 0, 1, 4, 4, 4, 4, 4, 4, 1, 1, 1, 0), $alpha, pool(100));
seed('dense', 'backward-db', b(1, 30, 3, 39, 0, 2, 0, 0, 1, 0, 0, 0, 1, 1, 2, 0), $alpha, pool(100));
seed('dense', 'backward-dX', b(1, 5, 6, 8, 0, 4, 15, 14, 13, 12, 11, 10, 1, 3, 1, 0), $alpha, pool(100));
seed('dense', 'backward-none-batch-empty', b(1, 250, 5, 5, 0, 7, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0), $alpha, pool(20));
seed('dense', 'backward-integers', b(1, 9, 20, 11, 0, 7, 1, 1, 1, 1, 1, 1, 4, 4, 4, 0), $alpha, pool(300));
seed('dense', 'forward-blocked-K300', b(0, 9, 232), n16(299), b(9, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0),
     $alpha, pool(300));
seed('dense', 'backward-blocked-M200', b(1, 232), n16(199), b(4, 30, 0, 7, 1, 2, 3, 4, 5, 6, 1, 1, 1, 0), $alpha,
     pool(300));
seed('dense', 'forward-N4097', b(0, 0, 0, 232), n16(4096), b(0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0), $alpha, pool(100));
seed('dense', 'outer', b(2, 16, 30, 0, 5, 0, 1, 2, 3, 4, 5, 6, 1, 1, 1, 0), $alpha, pool(200));
seed('dense', 'outer-alpha-zero', b(2, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0), pack('V', 0), pool(20));
seed('dense', 'outer-alpha-nan', b(2, 9, 69, 0, 8, 0, 0, 0, 0, 7, 0, 0, 2, 2, 2, 0), pack('V', 0x7fc0dead), pool(50));

# idx: whole IDX files (fuzz_idx.c): header 0 0 8 rank, big-endian u32 dimensions, bytes;
# gzip without a time stamp or name, so the seeds are the same on every run.
sub idx { my ($dims, $bytes) = @_; return pack('C4 N*', 0, 0, 8, scalar @$dims, @$dims) . $bytes }
sub gz {
    my ($plain) = @_;
    my $out;
    gzip(\$plain => \$out, Minimal => 1, Time => 0) or die "gzip: $GzipError";
    return $out;
}
my $pixels = join '', map { chr(($_ * 37) % 256) } 0 .. 2 * 784 - 1;
seed('idx', 'labels-10.gz', gz(idx([10], pack('C*', 0 .. 9))));
seed('idx', 'labels-3-plain', idx([3], pack('C*', 7, 8, 9)));
seed('idx', 'images-2.gz', gz(idx([2, 28, 28], $pixels)));
seed('idx', 'images-1-plain', idx([1, 28, 28], substr($pixels, 0, 784)));
seed('idx', 'images-16384x16384.gz', gz(idx([1, 16384, 16384], "\0" x 4096)));
seed('idx', 'images-16777216.gz', gz(idx([2**24, 28, 28], substr($pixels, 0, 784))));
seed('idx', 'labels-1000-plain-holding-10', idx([1000], pack('C*', 0 .. 9)));
seed('idx', 'labels-trailing-byte.gz', gz(idx([3], pack('C*', 1, 2, 3, 4))));
seed('idx', 'wrong-magic', pack('C4 N', 0, 0, 9, 1, 2) . "ab");
seed('idx', 'cut-header', pack('C4 n', 0, 0, 8, 3, 1));
