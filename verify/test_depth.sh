#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# simdgrad depth: the vanishing-gradient physics on small runs (sigmoid
# gradients vanish towards the input, ReLU + He keeps them level), the same
# bits on every run and ISA, --out, and usage errors.
# $SIMDGRAD is the binary, $TEST_RUNNER the emulator of a cross build (or empty).
fail=0
dir=$(mktemp -d)
out=$dir/stdout err=$dir/stderr
trap 'rm -rf "$dir"' EXIT

run() { # run EXPECTED_STATUS ARGS...: run simdgrad depth, check its exit status
  want=$1; shift
  $TEST_RUNNER "$SIMDGRAD" depth "$@" >"$out" 2>"$err"
  got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: simdgrad depth $* exited $got, want $want"; cat "$err"; fail=1
  fi
}
expect() { # expect FILE PATTERN WHAT
  if ! grep -q -- "$2" "$1"; then echo "FAIL: $3: no '$2' in:"; cat "$1"; fail=1; fi
}
# check WHAT AWK-CONDITION: the condition, over the table in $out with
# columns act init depth layer mean_abs_dW norm_db ratio_to_last, must hold
# (awk prints what it measured either way).
check() {
  if ! awk -F'\t' -v what="$1" "$2" "$out"; then echo "FAIL: $1"; fail=1; fi
}

# Depth 10 (11 layers): sigmoid with Xavier and N(0,1), ReLU with He.
run 0 --depths 10 --act sigmoid,relu --init normal --init xavier,he
table=$dir/table.tsv
cp "$out" "$table"
expect "$out" '^act	init	depth	layer	mean_abs_dW	norm_db	ratio_to_last$' "the header"
[ "$(wc -l <"$out")" -eq 67 ] || { echo "FAIL: want 1 + 6 x 11 lines:"; cat "$out"; fail=1; }
expect "$err" '^  sigmoid  xavier  ' "the summary (on stderr without --out)"

# Sigmoid + Xavier: the weights keep a signal's norm (width 64), f' <= 1/4
# takes the rest, so each layer's gradient is about 4x the one before
# (measured: layer 0 / layer 10 = 3.1e-7, each step 3.75x to 7.7x).
check "sigmoid xavier: layer 0 / layer 10 < 1e-5, each layer < half the next" '
  $1 == "sigmoid" && $2 == "xavier" { g[$4] = $5; if ($4 == 0) r = $7 }
  END { step = 1e30
        for (l = 0; l < 10; l++) if (g[l + 1] / g[l] < step) step = g[l + 1] / g[l]
        printf "%s: ratio %.3g, smallest step %.3g\n", what, r, step
        exit !(r < 1e-5 && step > 2) }'
# Sigmoid + N(0,1): weights 8x the norm-keeping scale offset most of f''s
# shrink (and saturate units), so the fall is mild but still there
# (measured: 0.061).
check "sigmoid normal: layer 0 / layer 10 < 0.5" '
  $1 == "sigmoid" && $2 == "normal" && $4 == 0 { r = $7 }
  END { printf "%s: ratio %.3g\n", what, r; exit !(r < 0.5) }'
# ReLU + He: f' is 0 or 1 and He's scale keeps the signal's norm, so every
# layer stays near the last (measured: 0.31 to 0.42 below the output layer).
check "relu he: every layer / layer 10 in [0.1, 10]" '
  $1 == "relu" && $2 == "he" { if (!n++ || $7 < lo) lo = $7; if ($7 > hi) hi = $7 }
  END { printf "%s: from %.3g to %.3g\n", what, lo, hi; exit !(n == 11 && lo >= 0.1 && hi <= 10) }'

# The same seed gives the same bytes: again, with the scalar kernels, and
# written by --out into a new nested directory.
run 0 --depths 10 --act sigmoid,relu --init normal,xavier,he
cmp -s "$out" "$table" || { echo "FAIL: a second run differs"; fail=1; }
run 0 --depths 10 --act sigmoid,relu --init normal,xavier,he --isa scalar
cmp -s "$out" "$table" || { echo "FAIL: --isa scalar differs from the default ISA"; fail=1; }
run 0 --depths 10 --act relu,sigmoid --init he,normal,xavier --out "$dir/a/b"
cmp -s "$dir/a/b/depth.tsv" "$table" || { echo "FAIL: --out's table differs"; fail=1; }
expect "$out" "^wrote $dir/a/b/depth.tsv" "--out says what it wrote"
run 0 --depths 10 --act sigmoid,relu --seed 2
cmp -s "$out" "$table" && { echo "FAIL: --seed 2 gives the table of seed 1"; fail=1; }

# Lists and ranges: 2-4,3 is depths 2, 3, 4 once each (3 + 4 + 5 rows).
# LeCun's N(0, 1/n_in) is a scheme of its own (not in the default three).
run 0 --depths 3 --act sigmoid --init lecun --batches 1
expect "$out" '^sigmoid	lecun	3	0	' "--init lecun runs"
run 0 --depths 2-4,3 --act tanh --init he --batches 1 --batch 4 --inputs 3 --classes 2 --width 5
[ "$(wc -l <"$out")" -eq 13 ] || { echo "FAIL: --depths 2-4,3: want 13 lines:"; cat "$out"; fail=1; }

run 0 --help; expect "$out" '^usage: simdgrad depth' "--help prints usage"

# Bad values exit 2 with a message naming the option; an unwritable --out, 1.
run 2 --depths 0;       expect "$err" "depths wants a whole number from 1 to 1000, not '0'" "--depths 0"
run 2 --depths 5-3;     expect "$err" "depths 5-3: a range runs upwards" "--depths 5-3"
run 2 --depths 1,,2;    expect "$err" "depths 1,,2: an empty item" "--depths 1,,2"
run 2 --depths 1-x;     expect "$err" "not 'x'" "--depths 1-x"
run 2 --act swish;      expect "$err" "act swish: want one of sigmoid, tanh, relu, sigmoid_fast, tanh_fast" "--act swish"
run 2 --init relu,he;   expect "$err" "init relu: want one of normal, xavier, he, lecun" "--init relu,he"
run 2 --width 0;        expect "$err" "width wants a whole number from 1" "--width 0"
run 2 --batch x;        expect "$err" "batch wants a whole number from 1 to 65536, not 'x'" "--batch x"
run 2 --batches -1;     expect "$err" "batches wants a whole number" "--batches -1"
run 2 --isa bogus;      expect "$err" "isa bogus: unknown ISA" "--isa bogus"
run 2 --out '';         expect "$err" "out wants a directory" "--out ''"
run 2 --depths;         expect "$err" "requires an argument" "--depths without a value"
run 2 extra;            expect "$err" "unexpected argument 'extra'" "an argument"
# The list and number rules of every command (simdgrad train's too).
for bad in ,1 1, , 1,,2; do
  run 2 --depths "$bad"; expect "$err" "depths $bad: an empty item" "--depths '$bad'"
done
for bad in ' 5' '5 ' +5 0x5; do
  run 2 --width "$bad"; expect "$err" "width wants a whole number from 1 to 65536, not '$bad'" "--width '$bad'"
done
run 2 --act relu,;      expect "$err" "act relu,: an empty item" "--act relu,"
run 2 --seed 18446744073709551616; expect "$err" "seed wants a whole number from 0 to 18446744073709551615" "--seed 2^64"
run 0 --depths 1 --act relu --init he --batches 1 --seed 18446744073709551615

# A run whose activations overflow says so; its numbers are spelled nan/inf.
run 0 --depths 100 --act relu --init normal --batches 1
expect "$err" "relu normal with 100 hidden layers: the activations overflow" "an overflowing run"
expect "$err" "relu     normal  - (overflow)" "the summary of an overflowing run"
expect "$out" "^relu	normal	100	100	nan	nan	-$" "nan in the table"

# Output that cannot be written: exit 1 and a message.
if [ -w /dev/full ]; then
  $TEST_RUNNER "$SIMDGRAD" depth --depths 2 >/dev/full 2>"$err"
  got=$?
  [ $got -eq 1 ] || { echo "FAIL: depth >/dev/full exited $got, want 1"; fail=1; }
  expect "$err" "cannot write standard output: No space left on device" "depth >/dev/full"
  mkdir -p "$dir/full" && ln -sf /dev/full "$dir/full/depth.tsv"
  run 1 --depths 2 --out "$dir/full"
  expect "$err" "cannot write $dir/full/depth.tsv: No space left on device" "depth --out on /dev/full"
fi
: >"$dir/file"
run 1 --depths 1 --act relu --init he --out "$dir/file/sub"
expect "$err" "cannot" "--out under a file"

# Sizes that cannot be allocated. Beyond the machine's memory (3.4 TB here),
# refused before anything is allocated: Linux would grant it and then kill
# the process when the weights are written.
run 1 --depths 100 --width 65536
expect "$err" "this network needs .* GB .* this machine has" "a network beyond memory"
# Within it but past an address-space limit, so that malloc itself fails
# (natively only: qemu and the sanitizers reserve more than the limit).
if [ -z "${TEST_RUNNER:-}" ] && [ "${SIMDGRAD_SANITIZED:-no}" = no ]; then
  (ulimit -v 400000 && "$SIMDGRAD" depth --depths 10 --width 8192 --batches 1 >"$out" 2>"$err")
  got=$?
  [ $got -eq 1 ] || { echo "FAIL: depth under ulimit -v exited $got, want 1"; cat "$err"; fail=1; }
  expect "$err" "10 hidden layers of 8192: Cannot allocate memory" "malloc failing"
fi

# Progress: on a terminal only (script(1) gives the run one), never in a file.
run 0 --depths 2 --act sigmoid --init he --batches 1
if grep -q 'run 1 of' "$err"; then echo "FAIL: progress written to a file"; fail=1; fi
if [ -z "${TEST_RUNNER:-}" ] && command -v script >/dev/null 2>&1; then
  script -qec "'$SIMDGRAD' depth --depths 2 --act sigmoid --init he --batches 1" /dev/null >"$out" 2>&1 </dev/null
  grep -q 'simdgrad depth: run 1 of 1: sigmoid, he, 2 hidden layers' "$out" ||
    { echo "FAIL: no progress line on a terminal:"; cat "$out"; fail=1; }
fi

# ---- real data (--data, --images, --widths) --------------------------------
# The textbook network [784, 30, 30, 30, 10], sigmoid, N(0, 1/n_in) weights,
# N(0, 1) biases, sigmoid outputs with cross-entropy, one batch: the first
# hidden layer's ||dC/db|| is a small fraction of the last hidden layer's.
# Backpropagation multiplies delta by W^T and f'(u) per layer; f' <= 1/4 for
# the sigmoid, and N(0, 1/30) weights leave a 30-vector's norm about as it
# is, so two layers shrink it to about 1/16 or less in expectation: the
# ratio must stay below 1/4 (4x headroom for one seed's spread; measured
# 0.037-0.053 on this set over seeds 1-5, and 0.033-0.052 on Fashion-MNIST's
# first 1000 images over seeds 1-10). A network that dropped f' from the
# backward pass, or never propagated delta at all, would give about 1.
# shellcheck source=verify/idx-set.sh
. "$(dirname "$0")/idx-set.sh"
make_set "$dir/set"
textbook="--widths 784,30,30,30,10 --act sigmoid --head bce --init lecun --bias-init normal"
# shellcheck disable=SC2086 # $textbook: options, split on purpose
$TEST_RUNNER "$SIMDGRAD" depth --data "$dir/set" --images 40 $textbook --seed 3 >"$out" 2>"$err"
got=$?
if without_zlib depth "$got" "$err"; then :; else
[ $got -eq 0 ] || { echo "FAIL: depth on the synthetic IDX set exited $got"; cat "$err"; fail=1; }
expect "$out" '^act	init	bias_init	head	seed	hidden	layer	mean_abs_dW	db_norm$' "the real-data header"
[ "$(grep -c '^sigmoid	lecun	normal	bce	3	3	[0-3]	' "$out")" -eq 4 ] ||
  { echo "FAIL: want one row per layer (4):"; cat "$out"; fail=1; }
awk -F'\t' 'NR == 2 {first = $9} NR == 4 {last = $9}
     END {r = first / last; print "real-data mode: first/last hidden ||db|| " r;
          exit !(r > 0 && r < 0.25)}' "$out" || { echo "FAIL: the first/last hidden ratio"; fail=1; }
expect "$err" '^  sigmoid  lecun   ' "the real-data summary"
cp "$out" "$dir/real.tsv"
# The same bits on every ISA this CPU runs.
for isa in $($TEST_RUNNER "$SIMDGRAD" info | sed -n 's/^supported: *//p'); do
  # shellcheck disable=SC2086
  run 0 --data "$dir/set" --images 40 $textbook --seed 3 --isa "$isa"
  cmp -s "$out" "$dir/real.tsv" || { echo "FAIL: --isa $isa: real-data table differs"; fail=1; }
done
# Fashion-MNIST itself, when the package is installed (natively only).
fmnist=/usr/share/datasets/fashion-mnist
if [ -z "${TEST_RUNNER:-}" ] && [ -f "$fmnist/train-images-idx3-ubyte.gz" ]; then
  # shellcheck disable=SC2086
  run 0 --images 200 $textbook
  awk -F'\t' 'NR == 2 {first = $9} NR == 4 {last = $9} END {exit !(first / last < 0.25)}' "$out" ||
    { echo "FAIL: Fashion-MNIST: the first/last hidden ratio"; cat "$out"; fail=1; }
fi
# Data faults.
run 1 --data "$dir/set" --images 41; expect "$err" "images 41: .* has 40 training images" "--images past the set"
run 1 --data "$dir/nowhere" --images 5; expect "$err" "nowhere/train-images-idx3-ubyte.gz: cannot open" "a missing set"
fi
# Bad options, whether or not the build reads IDX files.
run 2 --images 0;                 expect "$err" "images wants a whole number from 1 to 60000, not '0'" "--images 0"
run 2 --widths 100,10;            expect "$err" "the input layer is 784 pixels and the output 10 classes" "--widths 100,10"
run 2 --widths 784;               expect "$err" "the input layer is 784 pixels" "--widths 784"
run 2 --images 5 --depths 3;      expect "$err" "--depths is for synthetic data" "--depths on real data"
run 2 --data "$dir/set" --width 5; expect "$err" "--width is for synthetic data" "--width on real data"
run 2 --head foo;                 expect "$err" "head foo: want one of mse, xent, bce" "--head foo"
run 2 --bias-init foo;            expect "$err" "bias-init foo: want one of zero, normal" "--bias-init foo"
run 2 --data '';                  expect "$err" "data wants a directory" "--data ''"
# The synthetic mode takes --head and --bias-init too.
run 0 --depths 2 --act sigmoid --head mse --bias-init normal --batches 1
expect "$out" '^sigmoid	normal	2	2	' "synthetic mode with --head mse --bias-init normal"

[ $fail -eq 0 ] && echo "test_depth: all passed"
exit $fail
