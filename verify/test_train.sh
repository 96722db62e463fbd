#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# simdgrad train: a tiny synthetic Fashion-MNIST-shaped dataset trains and gives
# the same bits on every ISA; every fault of the data files (missing,
# truncated, corrupt gzip, wrong magic, a label >= 10, mismatched counts,
# trailing data) and every bad option is a clear message and a non-zero exit.
# $SIMDGRAD is the binary, $TEST_RUNNER the emulator of a cross build (or empty).
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out err=$tmp/err

run() { # run EXPECTED_STATUS ARGS...
  status_want=$1; shift
  $TEST_RUNNER "$SIMDGRAD" train --quiet "$@" >"$out" 2>"$err"
  got=$?
  if [ "$got" -ne "$status_want" ]; then
    echo "FAIL: simdgrad train $* exited $got, want $status_want"; cat "$err"; fail=1
  fi
}
expect() { # expect FILE PATTERN WHAT (VERBOSE=1 shows the line that matched)
  if ! grep -q -- "$2" "$1"; then echo "FAIL: $3: no '$2' in:"; cat "$1"; fail=1;
  elif [ -n "${VERBOSE:-}" ]; then echo "$3: $(grep -- "$2" "$1" | head -1)"; fi
}

# shellcheck source=verify/idx-set.sh
. "$(dirname "$0")/idx-set.sh"
good=$tmp/good
make_set "$good"

$TEST_RUNNER "$SIMDGRAD" train --quiet --data "$good" --epochs 2 --batch 8 --out "$tmp/res" >"$out" 2>"$err"
got=$?
if without_zlib train "$got" "$err"; then :; else
  [ $got -eq 0 ] || { echo "FAIL: simdgrad train on the synthetic set exited $got"; cat "$err"; fail=1; }
  expect "$out" '^2	' "two epochs reported"
  expect "$err" '^simdgrad train: parameters digest ' "the final digest, on stderr"
  expect "$err" "^simdgrad train: wrote $tmp/res/train-784-100-10-sigmoid.tsv and " "--out says what it wrote"
  # stdout is the epochs' table and nothing else (the commentary is on stderr)
  if grep -v -q '^epoch	\|^[0-9][0-9]*	' "$out"; then
    echo "FAIL: train's stdout holds more than its table:"; cat "$out"; fail=1
  fi
  expect "$tmp/res/train-784-100-10-sigmoid-epochs.tsv" '^784-100-10-sigmoid	sigmoid	xavier	' "epochs file"
  [ "$(wc -l <"$tmp/res/train-784-100-10-sigmoid.tsv")" -eq 5 ] ||
    { echo "FAIL: grads file has not 1 + 2 epochs x 2 layers lines"; fail=1; }
  # The same seed gives the same network on every ISA this CPU runs.
  want=$(grep 'parameters digest' "$err")
  for isa in $($TEST_RUNNER "$SIMDGRAD" info | sed -n 's/^supported: *//p'); do
    run 0 --data "$good" --epochs 2 --batch 8 --isa "$isa"
    [ "$(grep 'parameters digest' "$err")" = "$want" ] ||
      { echo "FAIL: --isa $isa trained other bits: $(grep digest "$err") vs $want"; fail=1; }
  done
  # The textbook's head and biases train too, the same bits on every ISA.
  run 0 --data "$good" --epochs 2 --batch 8 --hidden 30,30,30 --act sigmoid --init lecun --head bce --bias-init normal
  other=$(grep 'parameters digest' "$err")
  [ -n "$other" ] && [ "$other" != "$want" ] || { echo "FAIL: --head bce --bias-init normal: $other"; fail=1; }
  for isa in $($TEST_RUNNER "$SIMDGRAD" info | sed -n 's/^supported: *//p'); do
    run 0 --data "$good" --epochs 2 --batch 8 --hidden 30,30,30 --act sigmoid --init lecun --head bce \
      --bias-init normal --isa "$isa"
    [ "$(grep 'parameters digest' "$err")" = "$other" ] || { echo "FAIL: --head bce --isa $isa: other bits"; fail=1; }
  done
  # Nor does the thread count (a hidden layer wide enough for its products
  # to be split among threads), in a build that has threads.
  if ! $TEST_RUNNER "$SIMDGRAD" info | grep -q '^threads: .*neither'; then
    run 0 --data "$good" --epochs 2 --batch 40 --hidden 1024 --threads 1
    one=$(grep 'parameters digest' "$err")
    for t in 2 3 7; do
      run 0 --data "$good" --epochs 2 --batch 40 --hidden 1024 --threads "$t"
      [ "$(grep 'parameters digest' "$err")" = "$one" ] || { echo "FAIL: --threads $t trained other bits"; fail=1; }
    done
  fi
  run 0 --data "$good" --epochs 1 --batch 8 --seed 2
  [ "$(grep 'parameters digest' "$err")" != "$want" ] || { echo "FAIL: --seed changes nothing"; fail=1; }

  # Faults of the data files, each in a copy of the good set.
  bad() { rm -rf "$tmp/bad"; cp -r "$good" "$tmp/bad"; }
  run 1 --data "$tmp/nowhere";                expect "$err" 'nowhere/train-images-idx3-ubyte.gz: cannot open' "missing file"
  bad; { images_header; pixels; } | head -c 20000 | gzip -c >"$tmp/bad/train-images-idx3-ubyte.gz"
  run 1 --data "$tmp/bad";                    expect "$err" 'truncated' "truncated images"
  bad; gzip -dc "$good/train-images-idx3-ubyte.gz" | gzip -c | head -c 60 >"$tmp/bad/train-images-idx3-ubyte.gz"
  run 1 --data "$tmp/bad";                    expect "$err" 'train-images-idx3-ubyte.gz: ' "cut gzip stream"
  bad; printf 'XXXX' | dd of="$tmp/bad/t10k-images-idx3-ubyte.gz" bs=1 seek=40 conv=notrunc 2>/dev/null
  run 1 --data "$tmp/bad";                    expect "$err" 't10k-images-idx3-ubyte.gz: not a valid gzip or IDX file' "corrupt gzip"
  bad; printf 'not gzip, not IDX' >"$tmp/bad/t10k-labels-idx1-ubyte.gz"
  run 1 --data "$tmp/bad";                    expect "$err" 't10k-labels-idx1-ubyte.gz: not an IDX file' "neither gzip nor IDX"
  bad; { printf '\000\000\011\003'; pixels; } | gzip -c >"$tmp/bad/train-images-idx3-ubyte.gz"
  run 1 --data "$tmp/bad";                    expect "$err" 'not an IDX file of unsigned bytes' "wrong magic"
  bad; { labels_header; labels | tr '\011' '\012'; } | gzip -c >"$tmp/bad/train-labels-idx1-ubyte.gz"
  run 1 --data "$tmp/bad";                    expect "$err" 'label 10 of item 9 is not a class' "label >= 10"
  bad; { printf '\000\000\010\001\000\000\000\047'; labels | head -c 39; } | gzip -c >"$tmp/bad/train-labels-idx1-ubyte.gz"
  run 1 --data "$tmp/bad";                    expect "$err" 'has 40 images but .* has 39 labels' "count mismatch"
  bad; { labels_header; labels; printf 'x'; } | gzip -c >"$tmp/bad/train-labels-idx1-ubyte.gz"
  run 1 --data "$tmp/bad";                    expect "$err" 'has data after' "trailing data"
  bad; { labels_header; } | gzip -c >"$tmp/bad/train-labels-idx1-ubyte.gz"
  run 1 --data "$tmp/bad";                    expect "$err" 'truncated: the data ends after 0 of 40 bytes' "labels with no data"
  run 1 --data "$good" --out /proc/simdgrad-no; expect "$err" 'cannot create /proc/simdgrad-no' "unwritable --out"

  # Writes that fail are errors with a message, never a run that looks fine:
  # stdout on /dev/full, an --out file that is /dev/full, a file-size limit.
  if [ -w /dev/full ]; then
    $TEST_RUNNER "$SIMDGRAD" train --quiet --data "$good" --epochs 1 --batch 8 >/dev/full 2>"$err"
    got=$?
    [ $got -eq 1 ] || { echo "FAIL: train >/dev/full exited $got, want 1"; fail=1; }
    expect "$err" 'simdgrad train: cannot write standard output: No space left on device' "train >/dev/full"
    mkdir -p "$tmp/full"
    ln -sf /dev/full "$tmp/full/train-784-100-10-sigmoid-epochs.tsv"
    run 1 --data "$good" --epochs 1 --batch 8 --out "$tmp/full"
    expect "$err" "cannot write $tmp/full/train-784-100-10-sigmoid-epochs.tsv: No space left" "--out file on /dev/full"
    $TEST_RUNNER "$SIMDGRAD" train --help >/dev/full 2>"$err"
    [ $? -eq 1 ] || { echo "FAIL: train --help >/dev/full did not exit 1"; fail=1; }
  fi
  # (The limit applies to regular files, so stderr and the status go to a pipe.
  # ThreadSanitizer's runtime cannot start under the limit at all.)
  if (ulimit -f 0 && $TEST_RUNNER "$SIMDGRAD" --version >/dev/null 2>&1); then
    ( ulimit -f 0 && $TEST_RUNNER "$SIMDGRAD" train --quiet --data "$good" --epochs 1 --batch 8 \
        --out "$tmp/limited" 2>&1 >/dev/null; echo "exit status $?" ) | cat >"$err"
    expect "$err" "^exit status 1$" "train under ulimit -f 0 exits 1"
    expect "$err" "cannot write $tmp/limited/train-784-100-10-sigmoid.*: File too large" "train under ulimit -f 0"
  else
    echo "simdgrad does not start under ulimit -f 0 here (a sanitizer's runtime): that case skipped"
  fi

  # A run whose loss becomes NaN or inf stops with a message and exit 1
  # instead of reporting NaN losses and an accuracy computed from them.
  run 1 --data "$good" --epochs 3 --batch 8 --lr 100 --act relu --init normal --hidden 200,200,200
  expect "$err" 'diverged: the loss of epoch 1, batch [0-9]* is \(nan\|inf\)' "a diverged run"
  grep -q '^[0-9]	' "$out" && { echo "FAIL: an epoch of a diverged run was reported:"; cat "$out"; fail=1; }

  # The seed takes every 64-bit value, as in simdgrad depth.
  run 0 --data "$good" --epochs 1 --batch 8 --seed 18446744073709551615
  run 2 --data "$good" --seed 18446744073709551616; expect "$err" "seed wants a whole number from 0 to 18446744073709551615" "--seed 2^64"

  # A bad SIMDGRAD_ISA is refused before any output, unless --isa is given.
  SIMDGRAD_ISA=bogus run 2 --data "$good" --epochs 1 --batch 8
  [ -s "$out" ] && { echo "FAIL: SIMDGRAD_ISA=bogus train printed to stdout"; fail=1; }
  SIMDGRAD_ISA=bogus run 0 --data "$good" --epochs 1 --batch 8 --isa scalar

  # ---- What an IDX header announces is checked before anything is allocated
  # or inflated: the item shape the caller wants, the images against the
  # labels, what the file can hold (a plain file: exactly; gzip: at most 1032
  # times its size) and the machine's memory. Only regular files are read; a
  # path of any length comes through whole.
  be32() { printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)))"; }
  idx3() { printf '\000\000\010\003'; be32 "$1"; be32 "$2"; be32 "$3"; }
  idx1() { printf '\000\000\010\001'; be32 "$1"; }
  # One 16384x16384 image in 256 KB: 256 gzip members of 1 MB of zeros each.
  head -c 1048576 /dev/zero | gzip -c >"$tmp/zeros.gz"
  bad; { idx3 1 16384 16384 | gzip -c; i=0; while [ $i -lt 256 ]; do cat "$tmp/zeros.gz"; i=$((i + 1)); done; } \
    >"$tmp/bad/train-images-idx3-ubyte.gz"
  start=$(date +%s%N)
  run 1 --data "$tmp/bad"
  ms=$((($(date +%s%N) - start) / 1000000))
  expect "$err" 'train-images-idx3-ubyte.gz: header announces 1 image of 16384x16384, want 28x28' "a huge image shape"
  if [ -z "${TEST_RUNNER:-}" ] && [ "$ms" -ge 200 ]; then
    echo "FAIL: refusing a 16384x16384 image took $ms ms: was its data inflated?"; fail=1
  fi
  bad; { idx3 16777216 65536 65536; pixels; } | gzip -c >"$tmp/bad/t10k-images-idx3-ubyte.gz"
  run 1 --data "$tmp/bad"
  expect "$err" 't10k-images-idx3-ubyte.gz: header announces 16777216 images of 65536x65536, want 28x28' "2^24 x 2^16 x 2^16"
  bad; { idx3 1048576 28 28; pixels; } >"$tmp/bad/train-images-idx3-ubyte.gz"
  run 1 --data "$tmp/bad"
  expect "$err" 'train-images-idx3-ubyte.gz: header announces 822083584 bytes of data, but this uncompressed file holds 31360' \
    "a count a plain file cannot hold"
  bad; { idx3 16777216 28 28; pixels; } | gzip -c >"$tmp/bad/train-images-idx3-ubyte.gz"
  run 1 --data "$tmp/bad"
  expect "$err" 'header announces 13153337344 bytes of data, more than a gzip file of [0-9]* bytes can hold' \
    "a count a gzip file cannot hold"
  bad; { idx1 1048576; labels; } | gzip -c >"$tmp/bad/t10k-labels-idx1-ubyte.gz"
  run 1 --data "$tmp/bad"
  expect "$err" 't10k-labels-idx1-ubyte.gz: header announces 1048576 bytes of data, more than a gzip file' "too many labels"
  # The counts are compared from the headers, before the (here cut) data.
  bad; { images_header; pixels; } | head -c 1000 | gzip -c >"$tmp/bad/train-images-idx3-ubyte.gz"
  { idx1 39; labels | head -c 39; } | gzip -c >"$tmp/bad/train-labels-idx1-ubyte.gz"
  run 1 --data "$tmp/bad";                    expect "$err" 'has 40 images but .* has 39 labels' "count mismatch, from the headers"
  # Plain (uncompressed) files of the right size load.
  mkdir -p "$tmp/plain"
  for f in "$good"/*.gz; do gzip -dc "$f" >"$tmp/plain/${f##*/}"; done
  run 0 --data "$tmp/plain" --epochs 1 --batch 8; expect "$err" '40 training and 40 test images' "plain files"
  # Sparse plain files of the right size for more images than this machine's
  # memory holds (their float copy alone): refused before reading them.
  mem=$(sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p' /proc/meminfo 2>/dev/null)
  many=$((${mem:-0} * 1024 / 3136 + 1))
  bad; idx3 "$many" 28 28 >"$tmp/bad/train-images-idx3-ubyte.gz"; idx1 "$many" >"$tmp/bad/train-labels-idx1-ubyte.gz"
  if [ -n "$mem" ] && [ "$many" -lt 4294967296 ] &&
     truncate -s $((16 + many * 784)) "$tmp/bad/train-images-idx3-ubyte.gz" 2>/dev/null &&
     truncate -s $((8 + many)) "$tmp/bad/train-labels-idx1-ubyte.gz" 2>/dev/null; then
    run 1 --data "$tmp/bad"
    expect "$err" "header announces $many images, .* more than this machine's" "more images than memory"
  fi
  rm -rf "$tmp/bad"
  # Not regular files: a FIFO (which would block an open or a read forever),
  # a directory, a device.
  bad; rm "$tmp/bad/train-images-idx3-ubyte.gz"; mkfifo "$tmp/bad/train-images-idx3-ubyte.gz"
  runner=${TEST_RUNNER:-}; TEST_RUNNER="timeout 10 $runner"
  run 1 --data "$tmp/bad";                    expect "$err" 'train-images-idx3-ubyte.gz: not a regular file' "a FIFO"
  TEST_RUNNER=$runner
  bad; rm "$tmp/bad/train-labels-idx1-ubyte.gz"; mkdir "$tmp/bad/train-labels-idx1-ubyte.gz"
  run 1 --data "$tmp/bad";                    expect "$err" 'train-labels-idx1-ubyte.gz: not a regular file' "a directory"
  bad; rm "$tmp/bad/t10k-labels-idx1-ubyte.gz"; ln -s /dev/zero "$tmp/bad/t10k-labels-idx1-ubyte.gz"
  run 1 --data "$tmp/bad";                    expect "$err" 't10k-labels-idx1-ubyte.gz: not a regular file' "a device"
  bad; rm "$tmp/bad/t10k-labels-idx1-ubyte.gz"
  run 1 --data "$tmp/bad";                    expect "$err" 'bad/t10k-labels-idx1-ubyte.gz: cannot open' "a missing file"
  run 1 --data "$good/train-labels-idx1-ubyte.gz"
  expect "$err" 'train-labels-idx1-ubyte.gz/train-images-idx3-ubyte.gz: cannot open: the --data path is not a directory' \
    "--data names a file"
  # Paths over the system's limit: the whole path and the system's reason.
  long=$tmp/a-directory-name-of-forty-characters-each
  while [ ${#long} -le 4200 ]; do long=$long/a-directory-name-of-forty-characters-each; done
  run 1 --data "$long";                       expect "$err" 'forty-characters-each/train-images-idx3-ubyte.gz: .*File name too long' "a --data path over 4096 characters"
  # A directory whose path fits the limit but its files' do not.
  deep=$tmp/deep
  while [ $((${#deep} + 201)) -lt 4080 ]; do deep=$deep/$(printf '%0200d' 0); done
  deep=$deep/$(printf "%0$((4080 - ${#deep} - 1))d" 0)
  if mkdir -p "$deep" 2>/dev/null; then
    run 1 --data "$deep";                     expect "$err" '0/train-images-idx3-ubyte.gz: cannot open: File name too long' "files' paths over the limit"
  fi
fi

# The real dataset, when the package is installed (natively only: under qemu
# the 30 MB of gzip take long to inflate): it loads and trains.
real=/usr/share/datasets/fashion-mnist
if [ -z "${TEST_RUNNER:-}" ] && [ -f "$real/train-images-idx3-ubyte.gz" ] && ! grep -q 'without zlib' "$err"; then
  run 0 --data "$real" --limit 500 --epochs 1
  expect "$err" '500 training and 10000 test images' "Fashion-MNIST loads"
  run 1 --data "$real" --limit 2000 --epochs 1 --lr 100 --act relu --init normal --hidden 200,200
  expect "$err" 'diverged: the loss of epoch 1, batch [0-9]* is nan' "a diverged run on Fashion-MNIST"
fi

# Bad options.
run 2 --epochs 0;        expect "$err" 'epochs wants a whole number from 1 to' "--epochs 0"
run 2 --batch x;         expect "$err" "batch wants a whole number from 1 to 60000, not 'x'" "--batch x"
run 2 --hidden 100,0;    expect "$err" "hidden wants a whole number from 1 to 65536, not '0'" "--hidden 100,0"
# Lists and numbers follow the rules of every command: no empty item, no
# blanks, signs or hex, no range where a list of widths is wanted.
for bad in 100,,10 ,100 100, ,; do
  run 2 --data /nonexistent --hidden "$bad"; expect "$err" "hidden $bad: an empty item" "--hidden $bad"
done
for bad in ' 100' '100 ' +100 0x64 100-200; do
  run 2 --data /nonexistent --hidden "$bad"; expect "$err" "hidden wants a whole number from 1 to 65536, not '$bad'" "--hidden '$bad'"
done
for bad in ' 0.1' 0x1p-3 inf nan -0.1 0 1e3 0.1x ''; do
  run 2 --data /nonexistent --lr "$bad"; expect "$err" "lr wants a number in (0, 100\], not '$bad'" "--lr '$bad'"
done
run 2 --data /nonexistent --epochs ' 2'; expect "$err" "epochs wants a whole number from 1 to 10000, not ' 2'" "--epochs ' 2'"
run 2 --act gelu;        expect "$err" 'act gelu: want one of sigmoid, tanh, relu, sigmoid_fast, tanh_fast' "--act gelu"
run 2 --init zeros;      expect "$err" 'init zeros: want one of normal, xavier, he, lecun' "--init zeros"
run 2 --head hinge;      expect "$err" 'head hinge: want one of mse, xent, bce' "--head hinge"
run 2 --bias-init one;   expect "$err" 'bias-init one: want one of zero, normal' "--bias-init one"
run 2 --lr -1;           expect "$err" "lr wants a number in (0, 100], not '-1'" "--lr -1"
run 2 --isa bogus;       expect "$err" 'isa bogus: unknown ISA' "--isa bogus"
run 2 --frobnicate;      expect "$err" '^usage: simdgrad train' "unknown option"
run 2 extra;             expect "$err" "unexpected argument 'extra'" "stray argument"
run 0 --help;            expect "$out" '^usage: simdgrad train' "--help"
# A network beyond the machine's memory is refused before the data is read.
run 1 --hidden 65536,65536,65536,65536,65536,65536,65536,65536,65536,65536,65536,65536
expect "$err" "this network needs .* GB .* this machine has" "a network beyond memory"

[ $fail -eq 0 ] && echo "test_train: all passed"
exit $fail
