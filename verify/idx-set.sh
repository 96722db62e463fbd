# SPDX-License-Identifier: BSD-3-Clause
# Sourced by test_train.sh and test_depth.sh: a tiny Fashion-MNIST-shaped IDX
# set (40 images of deterministic bytes, labels 0..9 four times).
# IDX headers: 0 0 8 rank, then big-endian u32 dimensions (40 = \050, 28 = \034).
images_header() { printf '\000\000\010\003\000\000\000\050\000\000\000\034\000\000\000\034'; }
labels_header() { printf '\000\000\010\001\000\000\000\050'; }
pixels() { yes 'simdgrad' | head -c $((40 * 784)); } # deterministic bytes
labels() { for i in 1 2 3 4; do printf '\000\001\002\003\004\005\006\007\010\011'; done; }
make_set() { # make_set DIR: a good train and t10k pair of 40 images each
  mkdir -p "$1"
  for p in train t10k; do
    { images_header; pixels; } | gzip -c >"$1/$p-images-idx3-ubyte.gz"
    { labels_header; labels; } | gzip -c >"$1/$p-labels-idx1-ubyte.gz"
  done
}
# without_zlib WHAT STATUS STDERR: true for a build that cannot read IDX files
# (no zlib for its target, a cross build), after checking it said so with
# exit status 1; false (nothing checked) for a build that can.
without_zlib() {
  grep -q 'without zlib' "$3" || return 1
  [ "$2" -eq 1 ] || { echo "FAIL: without zlib, $1 exited $2, want 1"; fail=1; }
  echo "simdgrad $1: built without zlib; its data checks skipped"
}
