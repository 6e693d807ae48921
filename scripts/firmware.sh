#!/usr/bin/env bash
# Builds a firmware demo, proves that the controller steps cannot panic, runs the demo under
# QEMU and prints its sizes and stack use.
#
# - no panic: the `no-panic` binary calls only the f32 step, `no-panic-fixed` only the
#   fixed-point step; their panic handlers reference an undefined symbol, so their release
#   builds fail to link if any panic is reachable. On the Cortex targets `no-panic-structures`
#   does the same for every structure, chosen at run time, and for the gain-scheduled PID.
# - sizes: .text/.rodata/.data/.bss of the binaries; the engine's share is the step-only
#   binary without the run-time crate's vector table and start-up code (symbols listed below).
# - stack: measured by the demo with stack painting around one step.
#
# Usage: scripts/firmware.sh [TARGET]   (needs QEMU and the target)
#   thumbv7em-none-eabihf (default): Cortex-M4F on QEMU's mps2-an386;
#   thumbv6m-none-eabi: Cortex-M0 on QEMU's microbit (soft float);
#   riscv32imac-unknown-none-elf: RV32IMAC on QEMU's virt board (soft float),
#     examples/firmware-riscv.
set -euo pipefail
target=${1:-thumbv7em-none-eabihf}
case "$target" in
  thumbv7em-none-eabihf) qemu=qemu-system-arm; machine=(-machine mps2-an386 -cpu cortex-m4); crate=firmware-cortex-m4 ;;
  thumbv6m-none-eabi) qemu=qemu-system-arm; machine=(-machine microbit); crate=firmware-cortex-m4 ;;
  riscv32imac-unknown-none-elf) qemu=qemu-system-riscv32; machine=(-machine virt -bios none); crate=firmware-riscv ;;
  *) echo "unknown target $target (thumbv7em-none-eabihf, thumbv6m-none-eabi or riscv32imac-unknown-none-elf)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/../examples/$crate"
command -v "$qemu" >/dev/null || { echo "$qemu not found: apt-get install -y qemu-system-arm qemu-system-misc" >&2; exit 1; }

proofs=(no-panic no-panic-fixed)
[ "$crate" = firmware-cortex-m4 ] && proofs+=(no-panic-structures)
for proof in "${proofs[@]}"; do
  if ! cargo build --quiet --release --target "$target" --bin "$proof" 2>/tmp/no-panic-build.log; then
    cat /tmp/no-panic-build.log >&2
    grep -q controller_step_can_panic /tmp/no-panic-build.log &&
      echo "FAIL: a panic is reachable from the step in $proof (see the undefined symbol above)" >&2
    exit 1
  fi
  case "$proof" in
    no-panic) echo "no panic: the f32 step-only binary links without a panic handler" ;;
    no-panic-fixed) echo "no panic: the fixed-point step-only binary links without a panic handler" ;;
    no-panic-structures) echo "no panic: every structure's step (run-time choice, gain-scheduled PID included) links without a panic handler" ;;
  esac
done
cargo build --quiet --release --target "$target" --bin demo
bin=target/$target/release

out=$("$qemu" "${machine[@]}" -nographic \
      -semihosting-config enable=on,target=native -kernel $bin/demo)
sed -n 1p <<<"$out"
echo "$out" | awk '($1 == "tick" || $1 == "qtick") && ($2 % 100 == 0 || $2 == 399)' | python3 -c '
import struct, sys
f = lambda h: struct.unpack(">f", bytes.fromhex(h))[0]
q = lambda h: float("nan") if h == "80000000" else struct.unpack(">i", bytes.fromhex(h))[0] / 65536
print("  step          tick   setpoint  measurement    output  status")
for line in sys.stdin:
    kind, k, r, y, u, s = line.split()
    v, name = (f, "f32") if kind == "tick" else (q, "fixed point")
    print(f"{name:<12} {k:>6} {v(r):10.4f} {v(y):12.6f} {v(u):9.4f}  {s}")'
echo "$out" | awk '
  $1 == "stack" {print "stack used by one f32 step: " $2 " bytes"}
  $1 == "state" {print "f32 controller state (RAM the caller owns): " $2 " bytes"}
  $1 == "qstack" {print "stack used by one fixed-point step: " $2 " bytes"}
  $1 == "qstate" {print "fixed-point controller state (RAM the caller owns): " $2 " bytes"}'

echo
printf '%-40s %8s %8s %8s %8s\n' binary .text .rodata .data .bss
for b in demo no-panic no-panic-fixed; do
  size -A "$bin/$b" | awk -v name="$b" '
    $1 == ".text" || $1 == ".init" || $1 == ".trap" {t += $2} $1 == ".rodata" {r = $2} $1 == ".data" {d = $2} $1 == ".bss" {z = $2}
    END {printf "%-40s %8d %8d %8d %8d\n", name, t, r, d, z}'
done
# The run-time crate's own symbols (cortex-m-rt / riscv-rt) in the step-only binaries;
# everything else is the engine, the controller and the step.
for b in no-panic no-panic-fixed; do
  flash=$(size -A "$bin/$b" | awk '$1 ~ /^\.(vector_table|text|init|trap|rodata)$/ {s += $2} END {print s}')
  nm -S "$bin/$b" | python3 -c '
import sys
label, flash = sys.argv[1], int(sys.argv[2])
# cortex-m-rt: vectors, Reset, the default handlers and an 8-byte `main` trampoline to the
# user entry; riscv-rt: _start, the trap entry and dispatch, the handlers. (riscv-rt names
# the user entry itself `main`: only a `main` of a few bytes is the trampoline.)
startup_prefixes = ("__RESET_VECTOR", "__EXCEPTIONS", "__INTERRUPTS", "__CORE_INTERRUPTS", "Reset", "DefaultHandler", "DefaultPreInit",
                    "HardFault", "_start", "_abs_start", "_setup_interrupts", "_pre_init", "_mp_hook",
                    "_default_", "_dispatch", "_continue_", "ExceptionHandler", "_vector_table", "hal_main")
text = ro = ram = rt = 0
for line in sys.stdin:
    parts = line.split()
    if len(parts) != 4:
        continue
    size, kind, name = int(parts[1], 16), parts[2], parts[3]
    if name.startswith(startup_prefixes) or (name == "main" and size <= 16):
        rt += size
    elif kind in "tT":
        text += size
    elif kind in "rR":
        ro += size
    elif kind in "dDbB":
        ram += size
print(f"{label}: engine + 7x7 controller + step: flash {flash - rt} bytes ({text} in functions, "
      f"{ro} in named constants), static RAM {ram} bytes (start-up and vectors: {rt} bytes more)")' \
    "$([ "$b" = no-panic ] && echo "f32        " || echo "fixed point")" "$flash"
done
