#!/usr/bin/env bash
# Counts the instructions executed by every controller step of a firmware demo under QEMU,
# for the `f32` step (`measured_step`) and the fixed-point step (`measured_fixed_step`) and,
# with `c`, the generated C steps (`measured_c_step`, `measured_c_fixed_step`: the demo is
# built with `--features c`, which needs clang), and checks that the count does not depend
# on the input: prints steps, min and max for each, and exits non-zero when a step that must
# be fixed-time has min != max or when fewer than 600 steps were seen (400 closed-loop ticks
# + 256 sweep pairs + 1).
#
# How: QEMU runs with one instruction per translation block and logs every block it executes
# (7.2: `-singlestep -d exec,nochain`; newer: `-accel tcg,one-insn-per-tb=on`), so each log
# line is one executed instruction with its PC. The two steps are out-of-line functions
# (found with `nm`). A step starts at the line whose PC is its entry and ends at the line
# whose PC is the return address (the calling instruction's address + 2 or + 4, taken from
# the line before the entry); everything in between, callees included, counts.
#
# Usage: [FIXED_ONLY=1] scripts/firmware-instructions.sh [TARGET] [c]   (needs QEMU and the
# target). FIXED_ONLY=1 builds the demo with `--features fixed-only`: only the fixed-point
# steps run and are counted (a soft-float core's trace is then a quarter as long: CI uses it
# on the Cortex-M0 and RISC-V).
#   thumbv7em-none-eabihf (default): Cortex-M4F on QEMU's mps2-an386, hardware float;
#   thumbv6m-none-eabi: Cortex-M0 on QEMU's microbit, soft float (every f32 operation a
#     compiler-builtins call, counted too);
#   riscv32imac-unknown-none-elf: RV32IMAC on QEMU's virt board (examples/firmware-riscv),
#     soft float.
# On the soft-float targets only the fixed-point steps must be fixed-time: compiler-builtins'
# float routines take data-dependent paths (normalisation, special values). The generated C
# f32 step is reported, not required, on every target (clang branches on its NaN checks).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-thumbv7em-none-eabihf}
case "$target" in
  thumbv7em-none-eabihf) qemu=qemu-system-arm; machine=(-machine mps2-an386 -cpu cortex-m4); core="Cortex-M4F"; float="f32"; fixed_float=1; dir=examples/firmware-cortex-m4 ;;
  thumbv6m-none-eabi) qemu=qemu-system-arm; machine=(-machine microbit); core="Cortex-M0"; float="f32, soft float"; fixed_float=0; dir=examples/firmware-cortex-m4 ;;
  riscv32imac-unknown-none-elf) qemu=qemu-system-riscv32; machine=(-machine virt -bios none); core="RV32IMAC"; float="f32, soft float"; fixed_float=0; dir=examples/firmware-riscv ;;
  *) echo "unknown target $target (thumbv7em-none-eabihf, thumbv6m-none-eabi or riscv32imac-unknown-none-elf)" >&2; exit 2 ;;
esac
command -v "$qemu" >/dev/null || { echo "$qemu not found: apt-get install -y qemu-system-arm qemu-system-misc" >&2; exit 1; }
features=()
if [ "${FIXED_ONLY:-0}" = 1 ]; then
  steps=(measured_fixed_step); labels=("Rust, fixed point"); features=(fixed-only)
else
  steps=(measured_step measured_fixed_step); labels=("Rust, $float" "Rust, fixed point")
fi
target_dir=target
if [ "${2:-}" = c ]; then
  features+=(c); target_dir=target/c
  if [ "${FIXED_ONLY:-0}" = 1 ]; then
    steps+=(measured_c_fixed_step); labels+=("C, fixed point")
  else
    steps+=(measured_c_step measured_c_fixed_step); labels+=("C, $float" "C, fixed point")
  fi
fi
feature_list=$(IFS=,; echo "${features[*]}")
(cd "$dir" && cargo build --quiet --release --bin demo --target "$target" --target-dir "$target_dir" \
  ${feature_list:+--features "$feature_list"})
elf=$dir/$target_dir/$target/release/demo
entries=()
for s in "${steps[@]}"; do
  e=$(nm "$elf" | awk -v s="$s" '$3 == s {print $1}')
  [ -n "$e" ] || { echo "$s not found in $elf" >&2; exit 1; }
  entries+=("$e")
done

major=$("$qemu" --version | sed -n '1s/.*version \([0-9]*\)\..*/\1/p')
if [ "${major:-0}" -ge 8 ]; then
  single=(-accel tcg,one-insn-per-tb=on)
else
  single=(-singlestep)
fi

# The trace goes to stderr and straight into awk (it is ~1 GB as a file). Arm lines read
# `Trace 0: 0x... [00000000/000001a0/...]`, RISC-V lines `Trace 0: 0x... [00000000/0000000080000120/...]`:
# the PC is the second field in brackets on both.
"$qemu" "${machine[@]}" -nographic \
    -semihosting-config enable=on,target=native "${single[@]}" -d exec,nochain -D /dev/stderr \
    -kernel "$elf" 2>&1 >/dev/null | awk -v entries="${entries[*]}" -v labels="$(IFS='|'; echo "${labels[*]}")" \
      -v core="$core" -v fixed_float="$fixed_float" '
  function hex(s,   i, c, v) { v = 0; s = tolower(s)
    for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
    return v }
  BEGIN { m = split(entries, e, " "); split(labels, label, "|")
          for (k = 1; k <= m; k++) { entry[k] = hex(e[k]); entry[k] -= entry[k] % 2; n[k] = 0 }
          counting = 0 }
  /^Trace / {
    split($0, parts, "[][/]"); pc = hex(parts[3])
    if (counting) {
      if (pc == ret2 || pc == ret4) {
        k = counting; n[k]++
        if (n[k] == 1 || count < min[k]) min[k] = count
        if (n[k] == 1 || count > max[k]) max[k] = count
        counting = 0
      } else count++
    }
    if (!counting) for (k = 1; k <= m; k++) if (pc == entry[k]) {
      counting = k; count = 1; ret2 = previous + 2; ret4 = previous + 4
    }
    previous = pc
  }
  END {
    printf "%-48s %8s %10s %10s\n", "pd 7x7 controller step (" core ")", "steps", "min", "max"
    status = 0
    for (k = 1; k <= m; k++) {
      printf "%-48s %8d %10d %10d\n", label[k], n[k], min[k], max[k]
      if (n[k] < 600) { print "FAIL: fewer than 600 steps seen (" label[k] ")" > "/dev/stderr"; status = 1 }
      # Fixed point must be fixed-time everywhere, the Rust f32 step with an FPU; the
      # generated C f32 step is reported: its timing is up to the C compiler (NaN checks and
      # ?: may become branches).
      must = (label[k] ~ /fixed point/) || (label[k] ~ /^Rust/ && fixed_float)
      if (min[k] != max[k] && must) { print "FAIL: the instruction count of a step depends on the input (" label[k] ")" > "/dev/stderr"; status = 1 }
      if (min[k] != max[k] && !must) print "(" label[k] ": the count depends on the data: " (fixed_float ? "the C compiler branches on NaN checks and ?:" : "soft float") ")"
    }
    if (m >= 2 && label[1] ~ /^Rust, f32/ && min[2] > 0) printf "Rust fixed point: %.1f to %.1f times fewer instructions than the Rust f32 step\n", min[1] / min[2], max[1] / min[2]
    exit status
  }'
