#!/usr/bin/env bash
# Counts the Cortex-M4 instructions executed by every controller step of the firmware demo
# (examples/firmware-cortex-m4) under QEMU, and checks that the count does not depend on the
# input: prints the number of steps, min and max, and exits non-zero when min != max or when
# fewer than 600 steps were seen (400 closed-loop ticks + 256 sweep pairs + 1).
#
# How: QEMU runs with one instruction per translation block and logs every block it executes
# (7.2: `-singlestep -d exec,nochain`; newer: `-accel tcg,one-insn-per-tb=on`), so each log
# line is one executed instruction with its PC. `measured_step` (found with `nm`) is the
# out-of-line controller step. A step starts at the line whose PC is its entry and ends at
# the line whose PC is the return address (the calling instruction's address + 2 or + 4,
# taken from the line before the entry); everything in between, callees included, counts.
#
# Usage: scripts/firmware-instructions.sh [TARGET]   (needs qemu-system-arm and the target)
#   TARGET thumbv7em-none-eabihf (default): Cortex-M4F on QEMU's mps2-an386, hardware float;
#   TARGET thumbv6m-none-eabi: Cortex-M0 on QEMU's microbit, soft float (every f32 operation
#   a compiler-builtins call, counted too).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v qemu-system-arm >/dev/null || { echo "qemu-system-arm not found: apt-get install -y qemu-system-arm" >&2; exit 1; }
target=${1:-thumbv7em-none-eabihf}
case "$target" in
  thumbv7em-none-eabihf) machine=(-machine mps2-an386 -cpu cortex-m4); label="pd 7x7 (Cortex-M4F)"; fixed=1 ;;
  # compiler-builtins' soft-float routines take data-dependent paths (normalisation, special
  # values): min != max is reported, not a failure; the fixed-point path is for these cores.
  thumbv6m-none-eabi) machine=(-machine microbit); label="pd 7x7 (Cortex-M0, soft float)"; fixed=0 ;;
  *) echo "unknown target $target (thumbv7em-none-eabihf or thumbv6m-none-eabi)" >&2; exit 2 ;;
esac
dir=examples/firmware-cortex-m4
(cd "$dir" && cargo build --quiet --release --bin demo --target "$target")
elf=$dir/target/$target/release/demo
entry=$(nm "$elf" | awk '$3 == "measured_step" {print $1}')
[ -n "$entry" ] || { echo "measured_step not found in $elf" >&2; exit 1; }

major=$(qemu-system-arm --version | sed -n '1s/.*version \([0-9]*\)\..*/\1/p')
if [ "${major:-0}" -ge 8 ]; then
  single=(-accel tcg,one-insn-per-tb=on)
else
  single=(-singlestep)
fi

# The trace goes to stderr and straight into awk (it is ~500 MB as a file).
qemu-system-arm "${machine[@]}" -nographic \
    -semihosting-config enable=on,target=native "${single[@]}" -d exec,nochain -D /dev/stderr \
    -kernel "$elf" 2>&1 >/dev/null | awk -v entry_hex="$entry" -v label="$label" -v fixed="$fixed" '
  function hex(s,   i, c, v) { v = 0; s = tolower(s)
    for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
    return v }
  BEGIN { entry = hex(entry_hex); entry -= entry % 2; counting = 0; n = 0 }
  /^Trace / {
    split($0, parts, "[][/]"); pc = hex(parts[3])
    if (counting) {
      if (pc == ret2 || pc == ret4) {
        n++; if (n == 1 || count < min) min = count; if (count > max) max = count
        counting = 0
      } else count++
    }
    if (!counting && pc == entry) { counting = 1; count = 1; ret2 = previous + 2; ret4 = previous + 4 }
    previous = pc
  }
  END {
    printf "%-22s %8s %10s %10s\n", "controller step", "steps", "min", "max"
    printf "%-22s %8d %10d %10d\n", label, n, min, max
    if (n < 600) { print "FAIL: fewer than 600 steps seen" > "/dev/stderr"; exit 1 }
    if (min != max && fixed) { print "FAIL: the instruction count of a step depends on the input" > "/dev/stderr"; exit 1 }
    if (min != max) print "(soft float: the count depends on the data)"
  }'
