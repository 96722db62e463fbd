#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# The simdgrad CLI: info, --help, --version, usage errors, SIMDGRAD_ISA (an
# unknown or unsupported value must be an error, never a silent fallback), and
# gradcheck with its options.
# $SIMDGRAD is the binary, $TEST_RUNNER the emulator of a cross build (or empty).
fail=0
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

run() { # run EXPECTED_STATUS ARGS...: run the CLI, check its exit status
  want=$1; shift
  $TEST_RUNNER "$SIMDGRAD" "$@" >"$out" 2>"$err"
  got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: simdgrad $* exited $got, want $want"; cat "$err"; fail=1
  fi
}
expect() { # expect FILE PATTERN WHAT
  if ! grep -q -- "$2" "$1"; then echo "FAIL: $3: no '$2' in:"; cat "$1"; fail=1; fi
}

run 0 info
expect "$out" '^cpu: ' "info prints the CPU"
expect "$out" '^features: ' "info prints the features"
expect "$out" '^active: ' "info prints the active ISA"
expect "$out" '^  sigmoid  ' "info lists the sigmoid entry"
expect "$out" '^  sigmoid_backward ' "info lists the sigmoid_backward entry"

run 0 --help;     expect "$out" '^usage: simdgrad' "--help prints usage"
run 0 --version;  expect "$out" '^simdgrad [0-9]' "--version"
expect "$out" '^License BSD-3-Clause' "--version names the license"
run 2;            expect "$err" '^usage:' "no command prints usage"
run 2 frobnicate; expect "$err" "unknown command 'frobnicate'" "unknown command"
run 2 --frobnicate; expect "$err" '^usage:' "unknown flag prints usage"
run 2 info extra; expect "$err" '^simdgrad info: takes no arguments' "info with an argument"

# Every usage error's first line names the program by its short name, and
# the command it was in: "simdgrad:" or "simdgrad COMMAND:", never the path
# it was started by.
for bad in "frobnicate" "info extra" "gradcheck --bogus" "gradcheck --depth 0" "depth --bogus" \
           "depth --depths x" "train --bogus" "train --epochs 0" "help frobnicate"; do
  # shellcheck disable=SC2086 # split on purpose
  run 2 $bad
  cmd=${bad%% *}
  case $cmd in frobnicate|help) prefix='simdgrad: ' ;; *) prefix="simdgrad $cmd: " ;; esac
  first=$(grep -v '^qemu-' "$err" | head -1) # an emulator's own warnings come first
  case $first in
    "$prefix"*) ;;
    *) echo "FAIL: simdgrad $bad: the first line of stderr does not start with '$prefix': $first"; fail=1 ;;
  esac
done

# Help for every command, two ways, the same text: simdgrad help COMMAND and
# simdgrad COMMAND --help, each starting with the command's own usage line.
run 0 help; expect "$out" '^usage: simdgrad \[--help\]' "help prints the usage"
for c in info gradcheck depth train help; do
  run 0 help "$c"; cp "$out" "$out.help"
  [ "$c" = help ] && continue
  expect "$out.help" "^usage: simdgrad $c" "help $c prints $c's usage"
  run 0 "$c" --help
  cmp -s "$out" "$out.help" || { echo "FAIL: simdgrad $c --help differs from simdgrad help $c"; fail=1; }
done
rm -f "$out.help"
run 2 help train depth; expect "$err" 'one command at most' "help with two commands"
run 2 help frobnicate; expect "$err" "unknown command 'frobnicate'" "help with an unknown command"

# Forcing an ISA: scalar always works and every entry then uses it.
SIMDGRAD_ISA=scalar run 0 info
expect "$out" '^active: *scalar' "SIMDGRAD_ISA=scalar"
if grep -E '^  [a-z_]+ ' "$out" | grep -v ' scalar$' >/dev/null; then
  echo "FAIL: SIMDGRAD_ISA=scalar left a non-scalar kernel"; fail=1
fi
# A bad SIMDGRAD_ISA: the library warns once and ignores it; the CLI refuses
# it (exit 2, nothing on stdout) unless --isa chooses the ISA. Empty is unset.
SIMDGRAD_ISA=bogus run 2 info
expect "$err" 'SIMDGRAD_ISA=bogus: unknown ISA (valid: scalar avx2 avx512 neon' "unknown SIMDGRAD_ISA is an error"
expect "$err" 'refusing to run with a bad SIMDGRAD_ISA' "the CLI refuses a bad SIMDGRAD_ISA"
[ -s "$out" ] && { echo "FAIL: SIMDGRAD_ISA=bogus info printed to stdout:"; cat "$out"; fail=1; }
[ "$(grep -c 'SIMDGRAD_ISA=bogus' "$err")" -eq 1 ] || { echo "FAIL: not one warning:"; cat "$err"; fail=1; }
SIMDGRAD_ISA=bogus run 0 gradcheck --isa scalar --depth 1 --head mse
expect "$out" 'ISA scalar' "--isa takes precedence over a bad SIMDGRAD_ISA"
SIMDGRAD_ISA=bogus run 0 --version
SIMDGRAD_ISA= run 0 info
expect "$out" "^active: *$($TEST_RUNNER "$SIMDGRAD" info | sed -n 's/^supported:.* //p')\$" "empty SIMDGRAD_ISA is unset"
grep -q SIMDGRAD_ISA "$err" && { echo "FAIL: empty SIMDGRAD_ISA warned:"; cat "$err"; fail=1; }
# An ISA of the other architecture is never supported.
case "$($TEST_RUNNER "$SIMDGRAD" info | sed -n 's/^supported: *//p')" in
  *neon*) other=avx2 ;;
  *) other=neon ;;
esac
SIMDGRAD_ISA=$other run 2 info
expect "$err" "SIMDGRAD_ISA=$other: not supported" "unsupported SIMDGRAD_ISA is an error"

# gradcheck: the default set passes; options restrict it; bad values exit 2.
run 0 gradcheck
expect "$out" '^sigmoid_backward .* pass$' "gradcheck checks sigmoid_backward"
expect "$out" '^mlp xent d6 b8 .* pass$' "gradcheck checks a depth-6 MLP"
expect "$out" '^logistic regression ' "gradcheck checks logistic regression"
expect "$out" ' 0 failed.*: pass$' "gradcheck sums up"
if grep -q 'FAIL' "$out"; then echo "FAIL: gradcheck reported a failure:"; grep FAIL "$out"; fail=1; fi
run 0 gradcheck --depth 3 --head xent
expect "$out" '^mlp xent d3 b1 .* pass$' "--depth 3 --head xent"
if grep -E '^mlp (mse|xent d[^3])' "$out" >/dev/null; then
  echo "FAIL: --depth 3 --head xent ran other MLPs"; fail=1
fi
run 0 gradcheck --isa scalar --depth 1
expect "$out" 'ISA scalar' "--isa scalar"
run 2 gradcheck --depth 0;   expect "$err" 'depth wants a whole number from 1 to 64' "--depth 0"
run 2 gradcheck --depth x;   expect "$err" "depth wants a whole number from 1 to 64, not 'x'" "--depth x"
run 2 gradcheck --depth 65;  expect "$err" 'depth wants a whole number from 1 to 64' "--depth 65"
run 2 gradcheck --head foo;  expect "$err" "head wants mse or xent, not 'foo'" "--head foo"
run 2 gradcheck --isa bogus; expect "$err" 'isa bogus: unknown ISA' "--isa bogus"
run 2 gradcheck --isa $other; expect "$err" "isa $other: not supported" "--isa of the other architecture"
run 2 gradcheck --depth;     expect "$err" "requires an argument" "--depth without a value"
run 2 gradcheck extra;       expect "$err" "unexpected argument 'extra'" "gradcheck with an argument"

# Numbers are decimal digits only, the same rules in every command.
for bad in ' 3' '3 ' '+3' 0x3 3x ''; do
  run 2 gradcheck --depth "$bad"; expect "$err" "depth wants a whole number from 1 to 64, not '$bad'" "--depth '$bad'"
done

# Output that cannot be written is an error (exit 1, with a message), not a
# silent success: /dev/full for stdout.
if [ -w /dev/full ]; then
  for args in info --help --version "gradcheck --depth 1 --head mse"; do
    # shellcheck disable=SC2086
    $TEST_RUNNER "$SIMDGRAD" $args >/dev/full 2>"$err"
    got=$?
    [ $got -eq 1 ] || { echo "FAIL: simdgrad $args >/dev/full exited $got, want 1"; fail=1; }
    expect "$err" "cannot write standard output: No space left on device" "simdgrad $args >/dev/full"
  done
fi

[ $fail -eq 0 ] && echo "test_cli: all passed"
exit $fail
